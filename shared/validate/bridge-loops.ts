/**
 * Bridge loops: links between bridges form a multigraph; a cycle in it (two
 * bridges linked twice, a ring of bridges, or a bridge linked to itself) is a
 * layer-2 loop. Without STP on every bridge of the loop, broadcasts circulate
 * forever and the segment melts down.
 */
import type { BridgeNode } from '../model';
import { type Ctx } from './context';
import { UnionFind } from '../util/union-find';

/** Rule: cycles of bridges with STP off on any of them. */
export function checkBridgeLoops(ctx: Ctx): void {
  const edges: { li: number; a: string; b: string }[] = [];
  ctx.topo.links.forEach((l, li) => {
    const a = ctx.nodes.get(l.a.node)?.node;
    const b = ctx.nodes.get(l.b.node)?.node;
    if (a?.kind === 'bridge' && b?.kind === 'bridge') edges.push({ li, a: a.id, b: b.id });
  });
  // An edge is on a cycle when its ends are still connected without it
  // (a self-loop always is). Labs are small, so O(E^2) is fine.
  const cyclic = edges.filter((e, k) => {
    if (e.a === e.b) return true;
    const uf = new UnionFind();
    edges.forEach((o, m) => m !== k && uf.union(o.a, o.b));
    return uf.find(e.a) === uf.find(e.b);
  });
  if (cyclic.length === 0) return;
  // Group the cyclic edges into loops (connected components of cyclic edges).
  const uf = new UnionFind();
  for (const e of cyclic) uf.union(e.a, e.b);
  const groups = new Map<string, { bridges: Set<string>; links: number[] }>();
  for (const e of cyclic) {
    const r = uf.find(e.a);
    const g = groups.get(r) ?? { bridges: new Set<string>(), links: [] };
    g.bridges.add(e.a).add(e.b);
    g.links.push(e.li);
    groups.set(r, g);
  }
  for (const g of groups.values()) {
    const bridges = [...g.bridges].map((id) => ctx.nodes.get(id)!.node as BridgeNode);
    const noStp = bridges.filter((b) => !b.stp);
    if (noStp.length === 0) continue;
    // Named as the user sees them (a file without ids gets generated ones, which it never shows).
    const links = g.links.map((li) => ctx.linkName(ctx.topo.links[li]));
    const named = (bs: BridgeNode[]) => bs.map((b) => `"${b.name}"`).join(', ');
    const first = noStp[0];
    ctx.add({
      code: 'bridge-loop-no-stp',
      severity: 'warning',
      message: `Bridges ${named(bridges)} form a loop through the links ${links.join(', ')}, and STP is off on ${named(noStp)}; broadcast traffic will circulate forever. Turn on stp on every bridge of the loop, or remove a link.`,
      path: ['nodes', ctx.nodes.get(first.id)!.index, 'stp'],
      nodeId: first.id,
      linkId: ctx.topo.links[g.links[0]].id,
    });
  }
}
