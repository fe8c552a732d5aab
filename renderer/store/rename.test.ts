import { describe, expect, it } from 'vitest';
import type { Topology } from '../../shared/model';
import { createEditorStore, emptyDocument } from './store';
import { renamesToCarry, reId } from './rename';

const lesson = (): Topology => ({
  ...emptyDocument('lesson-router'),
  expect: [
    { from: 'h1', to: 'h2', reach: true },
    { from: 'h1', to: 'r1', reach: true },
  ],
});

describe('checks follow renames', () => {
  it('a node renamed to a name the expectations use takes that id, with its links, selection and undo', () => {
    const s = createEditorStore(lesson());
    const st = s.getState();
    const a = st.addNode('namespace', { x: 0, y: 0 });
    const r = st.addNode('router', { x: 100, y: 0 });
    const b = st.addNode('namespace', { x: 200, y: 0 });
    st.connect(a, r);
    st.connect(r, b);
    expect([a, r, b]).toEqual(['ns1', 'r1', 'ns2']);
    st.setSelection({ nodes: ['ns1'] });
    s.getState().updateNode('ns1', { name: 'h' }, 'name');
    s.getState().updateNode('ns1', { name: 'h1' }, 'name');
    s.getState().endEdit();
    s.getState().updateNode('ns2', { name: 'h2' }, 'name');
    s.getState().endEdit();
    const doc = s.getState().doc;
    expect(doc.nodes.map((n) => [n.id, n.name])).toEqual([
      ['h1', 'h1'],
      ['r1', 'r1'],
      ['h2', 'h2'],
    ]);
    expect(doc.links.map((l) => [l.a.node, l.b.node])).toEqual([
      ['h1', 'r1'],
      ['r1', 'h2'],
    ]);
    expect(s.getState().selection.nodes).toEqual(['h1']);
    // One undo step per rename: undo gives back ns2 as it was, with its id.
    s.getState().undo();
    expect(s.getState().doc.nodes.map((n) => n.id)).toEqual(['h1', 'r1', 'ns2']);
  });

  it('leaves ids alone when the expectations do not name the new name, or already use the old id, or the id is taken', () => {
    const doc: Topology = {
      ...lesson(),
      nodes: [
        { id: 'ns1', name: 'other', kind: 'namespace' } as Topology['nodes'][number],
        { id: 'r1', name: 'h2', kind: 'router' } as Topology['nodes'][number],
        { id: 'ns3', name: 'h2', kind: 'namespace' } as Topology['nodes'][number],
        { id: 'h1', name: 'x', kind: 'namespace' } as Topology['nodes'][number],
        { id: 'ns4', name: 'h1', kind: 'namespace' } as Topology['nodes'][number],
      ],
    };
    // ns1: "other" is not wanted; r1: its own id is used; ns3 -> h2 (first free taker); ns4: h1 is taken.
    expect([...renamesToCarry(doc)]).toEqual([['ns3', 'h2']]);
  });

  it('reId carries the change into bridges living in a namespace and expectations', () => {
    const doc: Topology = {
      ...emptyDocument('x'),
      nodes: [
        { id: 'a', name: 'a', kind: 'namespace' } as Topology['nodes'][number],
        { id: 'b', name: 'b', kind: 'bridge', namespace: 'a' } as Topology['nodes'][number],
      ],
      expect: [{ from: 'a', to: '10.0.0.1', reach: true }],
    };
    const out = reId(doc, new Map([['a', 'z']]));
    expect(out.nodes.map((n) => [n.id, n.kind === 'bridge' ? n.namespace : undefined])).toEqual([
      ['z', undefined],
      ['b', 'z'],
    ]);
    expect(out.expect[0].from).toBe('z');
    expect(reId(doc, new Map())).toBe(doc);
  });
});
