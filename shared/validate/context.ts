/**
 * The resolved view of a topology that the rules share: node lookup, where
 * each link end lives (which kernel namespace, whether it is a bridge port),
 * the L3 interfaces of every namespace, and the problem sink.
 *
 * Rules never assume the document is consistent: a missing node or a bad
 * reference is reported once (by the reference rules) and skipped elsewhere.
 */
import type { EndKey, Link, LinkEnd, Topology, TopoNode, BridgeNode } from '../model';
import { kindOf, namespaceOf, nodeLabel } from '../kinds';
import type { Problem } from './problem';

/** Key of the root namespace in namespace maps (matches KState's ROOT_NS). */
export const ROOT = '';

/** One end of a link with everything the rules need to know about it. */
export interface EndRef {
  link: Link;
  /** Index of the link in topology.links. */
  li: number;
  key: EndKey;
  end: LinkEnd;
  /** The node the end is on; undefined when the link references a missing node. */
  node?: TopoNode;
  /** Namespace key where the interface lives (ROOT or a netns node id); undefined when unknown. */
  ns?: string;
  /** True when the end is on a bridge node (it is a bridge port). */
  isPort: boolean;
}

/** An interface with layer-3 configuration in a namespace: a non-port link end or a bridge. */
export interface L3Iface {
  ns: string;
  name: string;
  addresses: { cidr: string; path: (string | number)[] }[];
  nodeId: string;
  linkId?: string;
  /** Human description inside a sentence, e.g. `interface "eth0" of link "l1" on ns1`. */
  what: string;
  /** Human description at the start of a message, e.g. `Link "l1": interface "eth0" on ns1`. */
  title: string;
  end?: EndRef;
  bridge?: { node: BridgeNode; index: number };
}

export interface Ctx {
  topo: Topology;
  problems: Problem[];
  /** First node with each id (duplicates are reported separately). */
  nodes: Map<string, { node: TopoNode; index: number }>;
  ends: EndRef[];
  l3: L3Iface[];
  /** The L3 interfaces of each namespace key. */
  l3ByNs: Map<string, L3Iface[]>;
  add(p: Problem): void;
  /** Namespace key of a bridge node, or undefined when bridge.namespace is invalid. */
  bridgeNs(b: BridgeNode): string | undefined;
  /** "the root namespace" or `namespace "x"`. */
  nsLabel(ns: string): string;
  /** How messages name a link: by its ends as the user sees them, `ns1:eth0 — br0:br0-p1` (never its internal id). */
  linkName(l: Link): string;
}

/** `Router "r1"` — how messages name a node (the kind descriptor's label). */
export { nodeLabel };

/** `ns1:eth0 — br0:br0-p1`: a link named by its two ends (node name, falling back to the id, and interface). */
export function linkLabel(l: Link, nameOf: (id: string) => string | undefined = () => undefined): string {
  return `${nameOf(l.a.node) ?? l.a.node}:${l.a.ifname} — ${nameOf(l.b.node) ?? l.b.node}:${l.b.ifname}`;
}

/** Builds the shared view. */
export function buildContext(topo: Topology): Ctx {
  const nodes = new Map<string, { node: TopoNode; index: number }>();
  topo.nodes.forEach((node, index) => {
    if (!nodes.has(node.id)) nodes.set(node.id, { node, index });
  });

  const lookup = (id: string) => nodes.get(id)?.node;
  /** The namespace key of a node's interfaces (the kind's namespaceOf); undefined when its holder is invalid. */
  const nsOf = (n: TopoNode): string | undefined => {
    const home = namespaceOf(n, lookup);
    return home.at === 'root' ? ROOT : home.at === 'netns' ? home.node.id : undefined;
  };
  const bridgeNs = (b: BridgeNode): string | undefined => nsOf(b);

  const linkName = (l: Link) => linkLabel(l, (id) => nodes.get(id)?.node.name);

  const ends: EndRef[] = [];
  topo.links.forEach((link, li) => {
    for (const key of ['a', 'b'] as const) {
      const end = link[key];
      const node = nodes.get(end.node)?.node;
      ends.push({
        link,
        li,
        key,
        end,
        node,
        ns: node ? nsOf(node) : undefined,
        isPort: node ? kindOf(node).endIsPort : false,
      });
    }
  });

  const l3: L3Iface[] = [];
  for (const e of ends) {
    if (!e.node || e.isPort || e.ns === undefined) continue;
    l3.push({
      ns: e.ns,
      name: e.end.ifname,
      addresses: (e.end.addresses ?? []).map((cidr, j) => ({
        cidr,
        path: ['links', e.li, e.key, 'addresses', j],
      })),
      nodeId: e.node.id,
      linkId: e.link.id,
      what: `interface "${e.end.ifname}" of link ${linkName(e.link)} on ${e.node.id}`,
      title: `Link ${linkName(e.link)}: interface "${e.end.ifname}" on ${e.node.id}`,
      end: e,
    });
  }
  topo.nodes.forEach((node, index) => {
    if (node.kind !== 'bridge' || nodes.get(node.id)?.index !== index) return;
    const ns = bridgeNs(node);
    if (ns === undefined) return;
    l3.push({
      ns,
      name: node.name,
      addresses: (node.addresses ?? []).map((cidr, j) => ({ cidr, path: ['nodes', index, 'addresses', j] })),
      nodeId: node.id,
      what: `bridge "${node.name}" (${node.id})`,
      title: nodeLabel(node),
      bridge: { node, index },
    });
  });

  const l3ByNs = new Map<string, L3Iface[]>();
  for (const i of l3) {
    const list = l3ByNs.get(i.ns);
    if (list) list.push(i);
    else l3ByNs.set(i.ns, [i]);
  }

  const problems: Problem[] = [];
  return {
    topo,
    problems,
    nodes,
    ends,
    l3,
    l3ByNs,
    add: (p) => problems.push(p),
    bridgeNs,
    linkName,
    nsLabel: (ns) => (ns === ROOT ? 'the root namespace' : `namespace "${nodes.get(ns)?.node.name ?? ns}"`),
  };
}
