import { describe, expect, it } from 'vitest';
import { sameSubnet } from '../../shared/util/ip';
import { createEditorStore } from './store';

// The shapes themselves are tested in shared/edit/generators.test.ts; this is
// the store's Generate: next to what is drawn, in one undo step.
describe('generators (store)', () => {
  it('avoids subnets already in the document and names already taken', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    s.getState().addNode('namespace', { x: 0, y: 0 });
    s.getState().connect('ns1', 'ns2');
    s.getState().generate({ shape: 'star', count: 3, hub: 'bridge' }, { x: 0, y: 0 });
    const doc = s.getState().doc;
    const ids = doc.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    const first = doc.links[0].a.addresses[0];
    for (const l of doc.links.slice(1)) expect(sameSubnet(l.a.addresses[0], first)).toBe(false);
    s.getState().undo();
    expect(s.getState().doc.nodes).toHaveLength(2);
  });
});
