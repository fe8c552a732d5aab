/**
 * Automatic names for new nodes and interfaces: unique in the document, and
 * interface names unique inside the namespace they live in and at most 15
 * bytes (the kernel's IFNAMSIZ - 1).
 */
import { namespaceOf, nodeKind, kindOf } from '../kinds';
import type { NodeKind, Topology, TopoNode } from '../model';

/** The kernel's limit on interface names, in bytes. */
export const IFNAME_MAX = 15;

const bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * Replaces characters an interface name may not use (anything but letters,
 * digits, "-", "_" and ".") with "-", so names built from a node's name are
 * never refused by the validator even while that node's own name is.
 */
function safeNameChars(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/gu, '-');
}

/** Cuts a string to at most `max` UTF-8 bytes. */
function cutBytes(s: string, max: number): string {
  let out = s;
  while (bytes(out) > max) out = out.slice(0, -1);
  return out;
}

/** `base` if free, else base2, base3... (or base-2 when base ends in a digit). */
export function uniqueName(base: string, taken: ReadonlySet<string>, maxBytes = 64): string {
  const b = cutBytes(base, maxBytes);
  if (!taken.has(b)) return b;
  const sep = /\d$/.test(b) ? '-' : '';
  for (let i = 2; ; i++) {
    const suffix = `${sep}${i}`;
    const cand = cutBytes(b, maxBytes - bytes(suffix)) + suffix;
    if (!taken.has(cand)) return cand;
  }
}

/** All ids and names used by nodes (new names avoid both, so id = name works). */
export function takenNodeNames(doc: Topology): Set<string> {
  const s = new Set<string>();
  for (const n of doc.nodes) {
    s.add(n.id);
    s.add(n.name);
  }
  return s;
}

/** The next default name for a node of `kind`: ns1, ns2, r1, br0, br1, host1... */
export function nextNodeName(kind: NodeKind, taken: ReadonlySet<string>): string {
  const d = nodeKind(kind);
  for (let i = d.firstIndex; ; i++) {
    const name = i === d.firstIndex && d.firstName ? d.firstName : `${d.namePrefix}${i}`;
    if (!taken.has(name)) return name;
  }
}

/** A unique link id: l1, l2, ... */
export function nextLinkId(doc: Topology, taken: ReadonlySet<string> = new Set()): string {
  const ids = new Set(doc.links.map((l) => l.id));
  for (let i = doc.links.length + 1; ; i++) {
    const id = `l${i}`;
    if (!ids.has(id) && !taken.has(id)) return id;
  }
}

/**
 * The namespace an end on `node` lives in: a namespace/router's own name, the
 * namespace a bridge sits in, or "" for the root namespace (host, root bridges).
 */
export function nsKeyOf(doc: Topology, node: TopoNode | undefined): string {
  if (!node) return '';
  const home = namespaceOf(node, (id) => doc.nodes.find((n) => n.id === id));
  if (home.at === 'netns') return `ns:${home.node.name}`;
  return home.at === 'unknown' && home.holder ? `ns:${home.holder.name}` : '';
}

/** Interface names already used in each namespace (link ends and bridges). */
export function ifnamesByNs(doc: Topology): Map<string, Set<string>> {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const m = new Map<string, Set<string>>();
  const add = (key: string, name: string) => {
    let s = m.get(key);
    if (!s) m.set(key, (s = new Set(['lo'])));
    s.add(name);
  };
  for (const n of doc.nodes) if (n.kind === 'bridge') add(nsKeyOf(doc, n), n.name);
  for (const l of doc.links) {
    add(nsKeyOf(doc, byId.get(l.a.node)), l.a.ifname);
    add(nsKeyOf(doc, byId.get(l.b.node)), l.b.ifname);
  }
  return m;
}

/**
 * A new interface name for an end on `node` whose peer is `peer`: `eth0`,
 * `eth1`... in a namespace or router, `<bridge>-p1`... on a bridge, and
 * `veth-<peer>` in the root namespace (host). Records it in `used`.
 */
export function autoIfname(
  doc: Topology,
  node: TopoNode,
  peer: TopoNode,
  used: Map<string, Set<string>>,
): string {
  const key = nsKeyOf(doc, node);
  let taken = used.get(key);
  if (!taken) used.set(key, (taken = new Set(['lo'])));
  let name: string;
  const style = kindOf(node).ifnames;
  if (style === 'eth') {
    let i = 0;
    while (taken.has(`eth${i}`)) i++;
    name = `eth${i}`;
  } else if (style === 'port') {
    let i = 1;
    const base = cutBytes(safeNameChars(node.name), IFNAME_MAX - 4).replace(/^(-|$)/, 'br');
    while (taken.has(`${base}-p${i}`)) i++;
    name = cutBytes(`${base}-p${i}`, IFNAME_MAX);
    if (taken.has(name)) name = uniqueName(`${base}-p`, taken, IFNAME_MAX);
  } else {
    name = uniqueName(cutBytes(`veth-${safeNameChars(peer.name)}`, IFNAME_MAX), taken, IFNAME_MAX);
  }
  taken.add(name);
  return name;
}
