import { describe, expect, it } from 'vitest';
import type { Topology } from '../../shared/model';
import { createEditorStore, emptyDocument } from './store';

// The pure rules (renamesToCarry, reId) are tested in shared/edit/rename.test.ts;
// this is the store's side: a rename in the editor carries ids, selection and undo.
const lesson = (): Topology => ({
  ...emptyDocument('lesson-router'),
  expect: [
    { from: 'h1', to: 'h2', reach: true },
    { from: 'h1', to: 'r1', reach: true },
  ],
});

describe('checks follow renames (store)', () => {
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
});
