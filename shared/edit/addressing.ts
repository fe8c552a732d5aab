/**
 * Automatic addresses for new links: the next free address in the subnet
 * already used on the link's L2 segment (a bridge and everything bridged to
 * it), or a fresh 10.0.N.0/24 for a new segment.
 */
import { kindOf } from '../kinds';
import type { Topology } from '../model';
import { networkOf, parseCidr, prefixesOverlap } from '../util/ip';
import { nextFreeAddress } from '../util/ip-alloc';

/** Bridges (nodes whose link ends are ports) connected by bridge-to-bridge links share one L2 segment. */
function bridgeSegments(doc: Topology): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const isBridge = new Set(doc.nodes.filter((n) => kindOf(n).endIsPort).map((n) => n.id));
  for (const id of isBridge) parent.set(id, id);
  for (const l of doc.links) {
    if (isBridge.has(l.a.node) && isBridge.has(l.b.node)) parent.set(find(l.a.node), find(l.b.node));
  }
  const out = new Map<string, string>();
  for (const id of isBridge) out.set(id, find(id));
  return out;
}

/** Every address on an L2 segment (the non-bridge ends of its links plus the bridges' own). */
function segmentAddresses(doc: Topology, bridgeId: string): string[] {
  const seg = bridgeSegments(doc);
  const root = seg.get(bridgeId);
  const inSeg = (id: string) => root !== undefined && seg.get(id) === root;
  const out: string[] = [];
  for (const n of doc.nodes) if (n.kind === 'bridge' && inSeg(n.id)) out.push(...n.addresses);
  for (const l of doc.links) {
    if (inSeg(l.a.node) && !inSeg(l.b.node)) out.push(...l.b.addresses);
    if (inSeg(l.b.node) && !inSeg(l.a.node)) out.push(...l.a.addresses);
  }
  return out;
}

/** All IPv4/IPv6 prefixes used anywhere in the document (plus `extra`). */
export function usedPrefixes(doc: Topology, extra: readonly string[] = []): string[] {
  const all: string[] = [...extra];
  for (const n of doc.nodes) if (n.kind === 'bridge') all.push(...n.addresses);
  for (const l of doc.links) all.push(...l.a.addresses, ...l.b.addresses);
  const nets = new Set<string>();
  for (const a of all) {
    const n = networkOf(a);
    if (n) nets.add(n);
  }
  return [...nets];
}

/** The first 10.0.N.0/24 (then 10.N.0.0/24...) that overlaps nothing in use. */
export function freeSubnet(used: readonly string[]): string {
  for (let hi = 0; hi < 256; hi++) {
    for (let lo = 0; lo < 256; lo++) {
      const cand = `10.${hi}.${lo}.0/24`;
      if (!used.some((u) => prefixesOverlap(u, cand))) return cand;
    }
  }
  return '10.0.0.0/24';
}

/** Addresses for the two ends of a new link (bridge ports get none). */
export function autoAddresses(
  doc: Topology,
  aId: string,
  bId: string,
  reserved: string[] = [],
): { a: string[]; b: string[] } {
  const a = doc.nodes.find((n) => n.id === aId);
  const b = doc.nodes.find((n) => n.id === bId);
  if (!a || !b) return { a: [], b: [] };
  // An end on a bridge is a port: it has no address, the segment behind it gives the subnet.
  const aBridge = kindOf(a).endIsPort;
  const bBridge = kindOf(b).endIsPort;
  if (aBridge && bBridge) return { a: [], b: [] };
  if (aBridge || bBridge) {
    const bridgeId = aBridge ? a.id : b.id;
    const onSeg = [...segmentAddresses(doc, bridgeId), ...reserved];
    const v4 = onSeg.find((x) => parseCidr(x)?.family === 4);
    const subnet = v4 ? networkOf(v4)! : freeSubnet(usedPrefixes(doc, reserved));
    const addr = nextFreeAddress(subnet, onSeg);
    const list = addr ? [addr] : [];
    return aBridge ? { a: [], b: list } : { a: list, b: [] };
  }
  // A direct veth between two nodes is a segment of its own: a fresh subnet.
  const subnet = freeSubnet(usedPrefixes(doc, reserved));
  const first = nextFreeAddress(subnet, [])!;
  const second = nextFreeAddress(subnet, [first])!;
  return { a: [first], b: [second] };
}
