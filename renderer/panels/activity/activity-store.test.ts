import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { newActivityFromLab, toggleLocks } from '../../../shared/activity';
import type { Topology } from '../../../shared/model';
import { createEditorStore, emptyDocument } from '../../store/store';
import { installActivityGuard, refusal, useActivity } from './activity-store';

/** Two namespaces on a bridge, ns1 and br0 locked: the shape of the e2e story. */
function activityDoc(): Topology {
  const s = createEditorStore(emptyDocument('act'));
  const st = s.getState();
  st.addNode('namespace', { x: 0, y: 0 });
  st.addNode('namespace', { x: 100, y: 0 });
  st.addNode('bridge', { x: 50, y: 100 });
  st.connect('ns1', 'br0');
  const doc = newActivityFromLab(s.getState().doc);
  return {
    ...doc,
    activity: {
      ...doc.activity!,
      locked: toggleLocks(doc.activity!.locked, { nodes: ['ns1', 'br0'] }, true),
    },
  };
}

function opened() {
  const store = createEditorStore();
  const said: string[] = [];
  const off = installActivityGuard(store, (t) => said.push(t));
  store.getState().loadTopology(activityDoc(), 'act.yaml');
  return { store, said, off };
}

beforeEach(() =>
  useActivity.getState().set({ mode: 'off', start: null, key: null, result: null, refused: null }),
);

describe('activity guard (student mode)', () => {
  it('opening an activity enters student mode; opening a plain topology leaves it', () => {
    const { store, off } = opened();
    expect(useActivity.getState().mode).toBe('student');
    expect(useActivity.getState().start).toBe(store.getState().doc);
    store.getState().newDocument();
    expect(useActivity.getState().mode).toBe('off');
    off();
  });

  it('refuses deleting a locked node, says why, and leaves no undo step behind', () => {
    const { store, said, off } = opened();
    const before = store.getState().doc;
    store.getState().setSelection({ nodes: ['ns1'] });
    store.getState().deleteSelection();
    expect(store.getState().doc).toBe(before);
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    expect(said[0]).toMatch(/node "ns1" is locked by the activity and cannot be deleted/);
    expect(useActivity.getState().refused).toBe(said[0]);
    off();
  });

  it('refuses changing a field of a locked node, but lets it move and lets unlocked nodes change', () => {
    const { store, said, off } = opened();
    store.getState().updateNode('ns1', { gateway: '10.0.0.254' });
    expect(store.getState().doc.nodes.find((n) => n.id === 'ns1')).not.toHaveProperty(
      'gateway',
      '10.0.0.254',
    );
    expect(said).toHaveLength(1);
    store.getState().moveNodes({ ns1: { x: 400, y: 400 } });
    expect(store.getState().doc.nodes.find((n) => n.id === 'ns1')?.position).toEqual({ x: 400, y: 400 });
    store.getState().updateNode('ns2', { gateway: '10.0.0.254' });
    expect(store.getState().doc.nodes.find((n) => n.id === 'ns2')).toHaveProperty('gateway', '10.0.0.254');
    // A student connects to a locked node: the link is new, the node unchanged.
    expect(store.getState().connect('ns2', 'br0')).not.toBeNull();
    expect(said).toHaveLength(1);
    expect(useActivity.getState().refused).toBeNull();
    off();
  });

  it('an accepted edit makes the last score stale (Hand in asks for a new check)', () => {
    const { store, off } = opened();
    useActivity.getState().set({ result: { lab: 'act', score: 1, max: 2, checks: [], at: '' } });
    store.getState().moveNodes({ ns2: { x: 300, y: 300 } });
    expect(useActivity.getState().result?.stale).toBeFalsy();
    store.getState().updateNode('ns2', { label: 'office' });
    expect(useActivity.getState().result?.stale).toBe(true);
    off();
  });

  it('whatever edits are tried, the locked nodes stay as given (property)', () => {
    const { store, off } = opened();
    const start = store.getState().doc;
    const locked = (d: Topology) =>
      JSON.stringify(
        d.nodes.filter((n) => n.id === 'ns1' || n.id === 'br0').map(({ position: _p, ...n }) => n),
      );
    const edit = fc.oneof(
      fc.record({
        t: fc.constant('name' as const),
        id: fc.constantFrom('ns1', 'ns2', 'br0'),
        v: fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/),
      }),
      fc.record({ t: fc.constant('delete' as const), id: fc.constantFrom('ns1', 'ns2', 'br0') }),
      fc.record({
        t: fc.constant('connect' as const),
        id: fc.constantFrom('ns1', 'ns2'),
        v: fc.constant('br0'),
      }),
      fc.record({ t: fc.constant('undo' as const) }),
    );
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 12 }), (edits) => {
        store.getState().loadTopology(start, 'act.yaml');
        for (const e of edits) {
          const st = store.getState();
          if (e.t === 'name') st.updateNode(e.id, { name: e.v });
          else if (e.t === 'delete') st.deleteNodes([e.id]);
          else if (e.t === 'connect') st.connect(e.id, e.v);
          else st.undo();
        }
        expect(locked(store.getState().doc)).toBe(locked(start));
      }),
      { numRuns: 60 },
    );
    off();
  });

  it('words refusals for the editor, not for a grader', () => {
    expect(
      refusal({
        kind: 'node',
        nodeId: 'r1',
        field: 'gateway',
        message: 'node "r1" is locked: gateway changed',
      }),
    ).toBe('node "r1" is locked by the activity (its gateway would change)');
    expect(
      refusal({ kind: 'link', linkId: 'l1', message: 'link "l1" is locked but the submission removed it' }),
    ).toBe('link "l1" is locked by the activity and cannot be deleted');
    expect(
      refusal({
        kind: 'field',
        nodeId: 'h1',
        field: 'gateway',
        message: 'gateway of node "h1" is locked and was changed',
      }),
    ).toBe('gateway of node "h1" is locked by the activity');
  });

  it('a shipped activity opens in student mode with its locks', () => {
    const store = createEditorStore();
    const off = installActivityGuard(store, () => undefined);
    const r = store
      .getState()
      .loadDocument(readFileSync('activities/1-bridge.yaml', 'utf8'), '1-bridge.yaml');
    expect(r.ok).toBe(true);
    expect(useActivity.getState().mode).toBe('student');
    expect(useActivity.getState().start).toBe(store.getState().doc);
    expect(store.getState().doc.activity?.locked.nodes.length).toBeGreaterThan(0);
    off();
  });
});
