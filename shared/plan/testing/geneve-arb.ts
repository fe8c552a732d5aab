/**
 * Test support: a valid random topology, sometimes with Geneve links (the
 * VXLAN links ./vxlan-arb.ts adds, turned into Geneve links: same ends and
 * locals, each its own VNI and port), so property tests reach the geneve kind.
 */
import fc from 'fast-check';
import { arbValidTopology } from '../../model/arbitraries';
import type { GeneveLink, Topology } from '../../model';
import { withVxlan } from './vxlan-arb';

/** `t` with up to picks.length/3 Geneve links added (no overlay addresses; names gvN). */
function withGeneve(t: Topology, picks: readonly number[]): Topology {
  const base = t.links.length;
  const all = withVxlan(t, picks).links;
  const geneve = all.slice(base).map((l, n): GeneveLink => {
    if (l.kind !== 'vxlan') throw new Error('withVxlan added a non-VXLAN link');
    return {
      id: `gv${n}`,
      kind: 'geneve',
      vni: l.vni,
      port: l.port === 4789 ? 6081 : 7000,
      a: { ...l.a, ifname: `gva${n}` },
      b: { ...l.b, ifname: `gvb${n}` },
    };
  });
  return { ...t, links: [...t.links, ...geneve] };
}

/** A valid random topology, sometimes with Geneve links. */
export const arbTopologyWithGeneve = (opts: Parameters<typeof arbValidTopology>[0] = {}) =>
  fc
    .tuple(arbValidTopology(opts), fc.array(fc.nat(1000), { maxLength: 9 }))
    .map(([t, picks]) => withGeneve(t, picks));
