import { describe, expect, it } from 'vitest';
import { findLabNode, labNode, labTarget } from './lab-addresses';
import type { Topology } from '../../../shared/model';

/** A prefixed lab as an import makes it: ids `pc`, `r1`, names `w1-pc`, `w1-r1`; two bridges named `sw`. */
const lab = {
  version: 1,
  name: 'w1-lab',
  nodes: [
    { id: 'pc', name: 'w1-pc', kind: 'namespace', routes: [] },
    { id: 'r1', name: 'w1-r1', kind: 'router', routes: [] },
    { id: 'w1-pc-old', name: 'pc', kind: 'namespace', routes: [] },
    { id: 'b1', name: 'sw', kind: 'bridge', addresses: [], namespace: 'pc' },
    { id: 'b2', name: 'sw', kind: 'bridge', addresses: [], namespace: 'r1' },
  ],
  links: [
    {
      id: 'l1',
      a: { node: 'pc', ifname: 'eth0', addresses: ['10.0.0.1/24'], up: true },
      b: { node: 'r1', ifname: 'eth0', addresses: ['10.0.0.254/24'], up: true },
    },
  ],
  expect: [],
  annotations: [],
} as unknown as Topology;

describe('a node named on the command line', () => {
  it('is found by its id, else by its name; an id wins over another node of that name', () => {
    expect(findLabNode(lab, 'r1')?.id).toBe('r1');
    expect(findLabNode(lab, 'w1-r1')?.id).toBe('r1');
    expect(findLabNode(lab, 'pc')?.id).toBe('pc');
    expect(labTarget(lab, 'w1-r1')).toMatchObject({ nodeId: 'r1', address: '10.0.0.254' });
  });

  it('a name two nodes share is refused with their ids; an unknown one lists the nodes', () => {
    expect(() => findLabNode(lab, 'sw')).toThrow(/2 nodes named "sw" \(ids b1, b2\)/);
    expect(() => labNode(lab, 'w1-lab', 'zz')).toThrow(
      'lab "w1-lab" has no node "zz" (its nodes: pc (w1-pc), r1 (w1-r1), w1-pc-old (pc), b1 (sw), b2 (sw))',
    );
    expect(findLabNode(lab, 'zz')).toBeUndefined();
  });
});
