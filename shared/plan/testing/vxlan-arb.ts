/**
 * Test support: adds VXLAN links to a valid random topology, between pairs of
 * namespace/router nodes that have IPv4 addresses on their other links (each
 * end's `local` is one of them), so property tests reach the vxlan kind and
 * its `link-add` operation. Picks come from the property's random numbers.
 */
import fc from 'fast-check';
import { arbValidTopology } from '../../model/arbitraries';
import { isNetnsNode, type Topology, type VxlanLink } from '../../model';
import { family } from '../../util/ip';

/** IPv4 underlay addresses of each netns node, from its link ends. */
function underlay(t: Topology): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const netns = new Set(t.nodes.filter(isNetnsNode).map((n) => n.id));
  for (const l of t.links)
    for (const e of [l.a, l.b])
      if (netns.has(e.node))
        for (const a of e.addresses) {
          const ip = a.split('/')[0];
          if (family(ip) === 4) out.set(e.node, [...(out.get(e.node) ?? []), ip]);
        }
  return out;
}

/** `t` with up to picks.length/3 VXLAN links added (no overlay addresses; names vxN). */
export function withVxlan(t: Topology, picks: readonly number[]): Topology {
  const hosts = [...underlay(t).entries()];
  const links: VxlanLink[] = [];
  for (let i = 0; i + 2 < picks.length && hosts.length >= 2; i += 3) {
    const [x, y] = [hosts[picks[i] % hosts.length], hosts[picks[i + 1] % hosts.length]];
    if (x[0] === y[0]) continue;
    const [la, lb] = [x[1][picks[i + 2] % x[1].length], y[1][picks[i + 2] % y[1].length]];
    if (la === lb) continue;
    const n = links.length;
    links.push({
      id: `vx${n}`,
      kind: 'vxlan',
      vni: 1 + (picks[i + 2] % 16_777_215),
      port: picks[i] % 2 ? 4789 : 8472,
      a: { node: x[0], ifname: `vxa${n}`, addresses: [], up: picks[i + 1] % 3 !== 0, local: la },
      b: { node: y[0], ifname: `vxb${n}`, addresses: [], up: true, local: lb },
    });
  }
  return { ...t, links: [...t.links, ...links] };
}

/** A valid random topology, sometimes with VXLAN links. */
export const arbTopologyWithVxlan = (opts: Parameters<typeof arbValidTopology>[0] = {}) =>
  fc
    .tuple(arbValidTopology(opts), fc.array(fc.nat(1000), { maxLength: 9 }))
    .map(([t, picks]) => withVxlan(t, picks));
