/**
 * Expectations (`expect:` in a file) resolved to concrete pings: the source
 * namespace and a target address. A node target resolves to its first IPv4
 * address (else IPv6) on any of its interfaces.
 */
import type { Topology } from '../model';
import { isNetnsNode } from '../model';
import { addressOf, family, parseIp } from '../util/ip';

export interface ResolvedExpectation {
  index: number;
  fromNodeId: string;
  /** Namespace to ping from. */
  fromNs: string;
  /** Address to ping. */
  to: string;
  reach: boolean;
  /** Plain words, e.g. "ns1 reaches ns2 (10.0.0.2)". */
  label: string;
  /** Set when the expectation cannot be checked (e.g. the target has no address). */
  error?: string;
}

/** All addresses of a node (CIDR), in document order. */
export function nodeAddresses(t: Topology, nodeId: string): string[] {
  const out: string[] = [];
  const node = t.nodes.find((n) => n.id === nodeId);
  if (node?.kind === 'bridge') out.push(...node.addresses);
  for (const l of t.links) for (const e of [l.a, l.b]) if (e.node === nodeId) out.push(...e.addresses);
  return out;
}

export function resolveExpectations(t: Topology): ResolvedExpectation[] {
  return t.expect.map((e, index) => {
    const from = t.nodes.find((n) => n.id === e.from);
    const target = t.nodes.find((n) => n.id === e.to);
    const base = {
      index,
      fromNodeId: e.from,
      fromNs: from && isNetnsNode(from) ? from.name : '',
      reach: e.reach,
    };
    let to = e.to;
    let targetName = e.to;
    if (target) {
      const addrs = nodeAddresses(t, target.id).map((a) => addressOf(a) ?? a);
      to = addrs.find((a) => family(a) === 4) ?? addrs[0] ?? '';
      targetName = `${target.name} (${to || 'no address'})`;
    }
    const label = `${from?.name ?? e.from} ${e.reach ? 'reaches' : 'does not reach'} ${targetName}`;
    if (!from || !isNetnsNode(from))
      return { ...base, to, label, error: `"${e.from}" is not a namespace or router of this lab` };
    if (!to || !parseIp(to)) return { ...base, to, label, error: `"${e.to}" has no address to ping` };
    return { ...base, to, label };
  });
}
