/**
 * Which addresses a lab's live tools may send traffic to: the addresses of
 * the lab itself and the subnets configured inside the lab's namespaces.
 *
 * Why: ping, check, traceroute and step mode send packets from a lab
 * namespace. A lab may be connected to the host (a host node) and a router
 * may forward; an arbitrary target could send traffic out of the lab onto
 * the host's networks. Refusing anything outside the lab's own subnets keeps
 * all traffic between the lab's namespaces.
 */
import { isNetnsNode, type Topology, type TopoNode } from '../../../shared/model';
import { nodeAddresses } from '../../../shared/plan';
import { addressOf, canonicalIp, contains, family, parseIp } from '../../../shared/util/ip';
import { PlainError } from '../plain-error';

/** Exact addresses of the lab (every end and bridge address, wherever it sits). */
export function labAddresses(t: Topology): string[] {
  const out = new Set<string>();
  for (const n of t.nodes)
    if (n.kind === 'bridge') for (const a of n.addresses) out.add(canonicalIp(addressOf(a) ?? a) ?? a);
  for (const l of t.links)
    for (const e of [l.a, l.b]) for (const a of e.addresses) out.add(canonicalIp(addressOf(a) ?? a) ?? a);
  return [...out];
}

/**
 * Subnets (CIDR) configured on interfaces inside the lab's namespaces. Ends
 * on a host node (the root namespace) are left out: their subnet may be a
 * real network of the host.
 */
export function labSubnets(t: Topology): string[] {
  const netns = new Set(t.nodes.filter(isNetnsNode).map((n) => n.id));
  const out = new Set<string>();
  for (const l of t.links)
    for (const e of [l.a, l.b]) if (netns.has(e.node)) for (const a of e.addresses) out.add(a);
  // Bridges inside a lab namespace carry the lab's subnets too.
  for (const n of t.nodes)
    if (n.kind === 'bridge' && n.namespace && netns.has(n.namespace)) for (const a of n.addresses) out.add(a);
  return [...out];
}

/** True when `addr` is an address of the lab or inside one of its namespaces' subnets. */
export function isLabAddress(t: Topology, addr: string): boolean {
  const ip = canonicalIp(addr);
  if (!ip) return false;
  if (labAddresses(t).includes(ip)) return true;
  return labSubnets(t).some((s) => family(s) === family(ip) && contains(s, ip));
}

/**
 * The node a user names on the command line: by its id, else by its name
 * when one node has it. Why both: the canvas, `destroy` and `ip netns list`
 * show names, and an imported or prefixed lab's ids and names differ
 * (`pc` / `w1-pc`). Undefined when nothing matches; a name that several
 * nodes share (bridges in different namespaces) is refused, listing their ids.
 */
export function findLabNode(t: Topology, ref: string): TopoNode | undefined {
  const byId = t.nodes.find((n) => n.id === ref);
  if (byId) return byId;
  const named = t.nodes.filter((n) => n.name === ref);
  if (named.length > 1)
    throw new PlainError(
      `lab "${t.name}" has ${named.length} nodes named "${ref}" (ids ${named.map((n) => n.id).join(', ')}): give the node's id`,
    );
  return named[0];
}

/** findLabNode, or a plain refusal that lists the lab's nodes (id, and name where it differs). */
export function labNode(t: Topology, lab: string, ref: string): TopoNode {
  const node = findLabNode(t, ref);
  if (node) return node;
  const shown = t.nodes.slice(0, 12).map((n) => (n.name && n.name !== n.id ? `${n.id} (${n.name})` : n.id));
  const more = t.nodes.length > shown.length ? `, and ${t.nodes.length - shown.length} more` : '';
  throw new PlainError(`lab "${lab}" has no node "${ref}" (its nodes: ${shown.join(', ')}${more})`);
}

/**
 * Resolves a target given as a node (findLabNode) or an address to an address of the
 * lab (nodes win over addresses). Throws a plain refusal otherwise.
 */
export function labTarget(t: Topology, to: string): { address: string; nodeId?: string; name: string } {
  const node = findLabNode(t, to);
  if (node) {
    const addrs = nodeAddresses(t, node.id).map((a) => addressOf(a) ?? a);
    const address = addrs.find((a) => family(a) === 4) ?? addrs[0];
    if (!address) throw new PlainError(`"${to}" has no address to reach`);
    return { address, nodeId: node.id, name: node.name };
  }
  if (!parseIp(to)) throw new PlainError(`"${to}" is neither a node of lab "${t.name}" nor an IP address`);
  // Why: see the file comment: traffic stays between the lab's own namespaces.
  if (!isLabAddress(t, to))
    throw new PlainError(
      `${to} is outside lab "${t.name}"'s subnets: netplumb only sends traffic between the lab's own namespaces`,
    );
  return { address: canonicalIp(to)!, name: to };
}
