/**
 * Step mode's path: which interfaces a ping from one node to an address
 * crosses, found the way the kernel forwards it — `ip route get` in each
 * namespace along the way (the lookup is injected, so this file is pure).
 * A bridge on the way is one L2 segment: all its ports are on the path (an
 * ARP request floods to all of them) and the walk continues at the node
 * behind the bridge that owns the next hop's address.
 *
 * Capturing only on these interfaces (both directions: the reply's path is
 * walked too) keeps a trace on a 50-node ring to the few dozen interfaces
 * that matter and always includes both end nodes.
 */
import type { LabIface } from './lab-ifaces';

/** What `ip route get DST` said in one node's namespace. */
export interface RouteHop {
  /** Outgoing interface; undefined for local delivery. */
  dev?: string;
  via?: string;
  /** The first line as printed (for the explanations). */
  text: string;
}

export interface PathNode {
  id: string;
  kind: string;
  /** Addresses of the node (IP, no prefix). */
  addresses: string[];
}

export interface WalkResult {
  /** Interfaces in the order the packet meets them (keys `linkId:end`). */
  points: string[];
  /** Node ids visited, in order. */
  nodes: string[];
  /** True when the walk arrived at a node that owns the address. */
  arrived: boolean;
  /** Plain words when the walk stopped early. */
  stopped?: string;
}

export const ifaceKey = (i: { linkId: string; end: 'a' | 'b' }): string => `${i.linkId}:${i.end}`;

/**
 * Walks from node `from` towards `dst`, asking `route(nodeId, dst)` at each
 * routing node. Stops at the node owning `dst`, at a loop, or when a node
 * has no route or no lab interface to send on.
 */
export async function walkPath(
  from: string,
  dst: string,
  nodes: PathNode[],
  ifaces: LabIface[],
  route: (nodeId: string, dst: string) => Promise<RouteHop | undefined>,
): Promise<WalkResult> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const points: string[] = [];
  const add = (i: LabIface) => {
    const k = ifaceKey(i);
    if (!points.includes(k)) points.push(k);
  };
  const peerOf = (i: LabIface) => ifaces.find((x) => x.linkId === i.linkId && x.end !== i.end);
  const visited: string[] = [];
  let current = from;
  for (let guard = 0; guard <= nodes.length; guard++) {
    if (visited.includes(current))
      return { points, nodes: visited, arrived: false, stopped: `the route loops back to ${current}` };
    visited.push(current);
    if (byId.get(current)?.addresses.includes(dst)) return { points, nodes: visited, arrived: true };
    const r = await route(current, dst);
    if (!r) return { points, nodes: visited, arrived: false, stopped: `${current} has no route to ${dst}` };
    const out = r.dev ? ifaces.find((i) => i.nodeId === current && i.name === r.dev) : undefined;
    if (!out)
      return {
        points,
        nodes: visited,
        arrived: false,
        stopped: `${current} sends to ${dst} on ${r.dev ?? 'no interface'}, which is not a link of the lab`,
      };
    add(out);
    const inn = peerOf(out);
    if (!inn)
      return {
        points,
        nodes: visited,
        arrived: false,
        stopped: `the other end of ${out.name} is not owned by the lab`,
      };
    add(inn);
    const nextAddr = r.via ?? dst;
    if (byId.get(inn.nodeId)?.kind !== 'bridge') {
      current = inn.nodeId;
      continue;
    }
    // An L2 segment of one or more bridges: every port is on the path; continue at the owner of nextAddr.
    const seen = new Set<string>([inn.nodeId]);
    const queue = [inn.nodeId];
    let next: string | undefined;
    while (queue.length) {
      const b = queue.shift()!;
      for (const port of ifaces.filter((i) => i.nodeId === b)) {
        add(port);
        const far = peerOf(port);
        if (!far) continue;
        const farKind = byId.get(far.nodeId)?.kind;
        if (farKind === 'bridge') {
          add(far);
          if (!seen.has(far.nodeId)) {
            seen.add(far.nodeId);
            queue.push(far.nodeId);
          }
        } else if (far.nodeId !== current && byId.get(far.nodeId)?.addresses.includes(nextAddr)) {
          add(far);
          next = far.nodeId;
        }
      }
    }
    if (!next)
      return {
        points,
        nodes: visited,
        arrived: false,
        stopped: `no node behind ${inn.nodeId} has ${nextAddr}`,
      };
    current = next;
  }
  return { points, nodes: visited, arrived: false, stopped: 'the path is longer than the lab' };
}
