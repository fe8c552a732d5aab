import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Topology, type TopoNode } from '../model';
import { checkIfName } from '../validate';
import { autoIfname, ifnamesByNs } from './names';

const doc = (nodes: TopoNode[]): Topology => Topology.parse({ version: 1, name: 'lab', nodes, links: [] });

describe('automatic interface names', () => {
  it('property: are always valid names, whatever the nodes are called', () => {
    const anyName = fc.string({ unit: 'grapheme', maxLength: 20 });
    fc.assert(
      fc.property(anyName, anyName, fc.constantFrom('namespace', 'bridge', 'host'), (a, b, kind) => {
        const node = { id: 'a', name: a, kind } as TopoNode;
        const peer = { id: 'b', name: b, kind: 'namespace' } as TopoNode;
        const d = doc([node, peer]);
        const used = ifnamesByNs(d);
        const first = autoIfname(d, node, peer, used);
        const second = autoIfname(d, node, peer, used);
        expect(checkIfName(first)).toBeNull();
        expect(checkIfName(second)).toBeNull();
        expect(second).not.toBe(first);
      }),
      { numRuns: 500 },
    );
  });

  it('replaces refused characters of a peer name', () => {
    const d = doc([]);
    const name = autoIfname(
      d,
      { id: 'h', name: 'h', kind: 'host' } as TopoNode,
      { id: 'p', name: 'my "ns"#1', kind: 'namespace' } as TopoNode,
      new Map(),
    );
    expect(name).toBe('veth-my--ns--1');
  });
});
