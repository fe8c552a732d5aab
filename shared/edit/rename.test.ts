import { describe, expect, it } from 'vitest';
import type { Topology } from '../model';
import { emptyDocument } from './document';
import { renamesToCarry, reId } from './rename';

const lesson = (): Topology => ({
  ...emptyDocument('lesson-router'),
  expect: [
    { from: 'h1', to: 'h2', reach: true },
    { from: 'h1', to: 'r1', reach: true },
  ],
});

describe('checks follow renames', () => {
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
