/**
 * Layer-2 segments: sets of interfaces that share one broadcast domain. A
 * veth link joins its two ends; all ports of one bridge and the bridge itself
 * are joined. So two namespaces attached to the same bridge share a segment.
 */
import type { Ctx, EndRef, L3Iface } from './context';
import { UnionFind } from '../util/union-find';

const endKey = (e: EndRef) => `end:${e.li}:${e.key}`;
const bridgeKey = (id: string) => `bridge:${id}`;

/** Segment membership of ends and bridges. */
export interface Segments {
  /** The segment id of an L3 interface (link end or bridge). */
  of(i: L3Iface): string;
  ofEnd(e: EndRef): string;
}

/** Computes the L2 segments of the topology. */
export function computeSegments(ctx: Ctx): Segments {
  const uf = new UnionFind();
  const byLink = new Map<number, EndRef[]>();
  for (const e of ctx.ends) {
    const list = byLink.get(e.li) ?? [];
    list.push(e);
    byLink.set(e.li, list);
    if (e.isPort && e.node) uf.union(endKey(e), bridgeKey(e.node.id));
  }
  for (const [, pair] of byLink) if (pair.length === 2) uf.union(endKey(pair[0]), endKey(pair[1]));
  return {
    of: (i) => (i.end ? uf.find(endKey(i.end)) : uf.find(bridgeKey(i.nodeId))),
    ofEnd: (e) => uf.find(endKey(e)),
  };
}
