/**
 * The kind registry: one descriptor per node kind and per link kind (see
 * ./types.ts for what a descriptor holds). Adding a kind = a schema in
 * shared/model, a descriptor module here and its line in the registry below;
 * the compiler then lists every remaining table keyed by kind.
 */
import type { Link, LinkKind, NodeKind, Topology, TopoNode } from '../model';
import type { Problem } from '../model/problem';
import { LinkEnd, linkKindOf } from '../model';
import { ROOT_NS, type KIface, type KLinkParam, type KNamespace } from '../model/kstate';
import { bridgeKind } from './bridge';
import { geneveKind } from './geneve';
import { hostKind } from './host';
import { namespaceKind } from './namespace';
import { routerKind } from './router';
import type { Home, LinkKindDescriptor, NetnsAdoption, NodeKindDescriptor, NodeLookup } from './types';
import { vethKind } from './veth';
import { vxlanKind } from './vxlan';

export type * from './types';
export { canonicalAddresses } from './kernel-values';
export { iconSvg } from './icons';

/** Every node kind's descriptor, keyed by kind. */
export const NODE_KINDS_REGISTRY = {
  namespace: namespaceKind,
  router: routerKind,
  bridge: bridgeKind,
  host: hostKind,
} as const satisfies { [K in NodeKind]: NodeKindDescriptor<K> };

/** Every link kind's descriptor, keyed by kind. */
export const linkKinds = {
  veth: vethKind,
  vxlan: vxlanKind,
  geneve: geneveKind,
} as const satisfies { [K in LinkKind]: LinkKindDescriptor<K> };

/** The node kinds in palette order. */
export const nodeKindList = Object.keys(NODE_KINDS_REGISTRY) as NodeKind[];

/** True for a string that names a node kind. */
export const isNodeKind = (k: string): k is NodeKind => Object.hasOwn(NODE_KINDS_REGISTRY, k);

/** The descriptor of a node kind. */
export function nodeKind<K extends NodeKind>(kind: K): NodeKindDescriptor<K> {
  return NODE_KINDS_REGISTRY[kind] as unknown as NodeKindDescriptor<K>;
}

/** The descriptor of a node's kind (its hooks take that node). */
export function kindOf(node: TopoNode): NodeKindDescriptor {
  return NODE_KINDS_REGISTRY[node.kind] as unknown as NodeKindDescriptor;
}

/** The descriptor of a link's kind. */
export function linkKind(link: Pick<Link, 'kind'>): LinkKindDescriptor {
  return linkKinds[linkKindOf(link)] as unknown as LinkKindDescriptor;
}

/** Where a node's interfaces live (see Home). The one place this is decided. */
export function namespaceOf(node: TopoNode, lookup: NodeLookup): Home {
  return kindOf(node).namespaceOf(node, lookup);
}

/**
 * The kernel namespace key of a node's interfaces: the netns name, or ROOT_NS
 * for the root namespace (and for a bridge whose holder is invalid, which
 * validation reports).
 */
export function kernelNamespaceOf(node: TopoNode, lookup: NodeLookup): string {
  const home = namespaceOf(node, lookup);
  return home.at === 'netns' ? home.node.name : ROOT_NS;
}

/** `Router "r1"` — how messages name a node. */
export function nodeLabel(n: TopoNode): string {
  return `${NODE_KINDS_REGISTRY[n.kind]?.label ?? 'Node'} "${n.id}"`;
}

/** Runs a link's kind-specific checks (shared/validate calls it). */
export function checkLink(link: Link, index: number, lookup: NodeLookup, topology: Topology): Problem[] {
  return linkKind(link).check?.(link, index, { lookup, topology }) ?? [];
}

/** The link kind that makes kernel interfaces of kind `kind` on their own (with params), if any. */
function ownerOfKernelKind(kind: string): LinkKindDescriptor | undefined {
  return (Object.values(linkKinds) as LinkKindDescriptor[]).find(
    (d) => d.readParams && d.kernelKinds.includes(kind as KIface['kind']),
  );
}

/** The creation parameters of a live interface of kernel kind `kind` (undefined: not made with params). */
export function readKernelParams(
  kind: string,
  infoData: Readonly<Record<string, unknown>> | undefined,
): KLinkParam[] | undefined {
  return ownerOfKernelKind(kind)?.readParams?.(infoData ?? {});
}

/** How messages name a creation parameter of kernel kind `kind` (`VNI` for a vxlan's `id`). */
export function paramName(kind: string, key: string): string {
  return ownerOfKernelKind(kind)?.paramNames?.[key] ?? key;
}

/** The fields of a plain link end (what every link kind's ends have). */
const END_KEYS = new Set(Object.keys(LinkEnd.shape));

/**
 * `link` turned into kind `kind` (the Inspector's kind switch): id, ends,
 * label and notes are kept, fields only the old kind had are dropped, and the
 * new kind fills in its own (see LinkKindDescriptor.make).
 */
export function convertLink(link: Link, kind: LinkKind, topology: Topology): Link {
  const end = (e: Link['a']) =>
    Object.fromEntries(Object.entries(e).filter(([k]) => END_KEYS.has(k))) as Link['a'];
  const base = {
    id: link.id,
    a: end(link.a),
    b: end(link.b),
    ...(link.label !== undefined ? { label: link.label } : {}),
    ...(link.notes !== undefined ? { notes: link.notes } : {}),
  };
  return (linkKinds[kind] as unknown as LinkKindDescriptor).make(base, topology) as Link;
}

/** Every kernel interface kind a link kind makes (the live reader keeps these kinds). */
export const linkKernelKinds: ReadonlySet<string> = new Set(
  Object.values(linkKinds).flatMap((d) => d.kernelKinds),
);

/** Runs a node's kind-specific reference checks (shared/validate calls it). */
export function checkNodeRefs(node: TopoNode, index: number, lookup: NodeLookup): Problem[] {
  return kindOf(node).checkRefs?.(node, index, { lookup }) ?? [];
}

/**
 * The node kind a live kernel namespace is adopted as (import-host, adopt):
 * every kind with an `adopt` hook is asked, and the claim resting on most
 * kernel facts wins (the first in registry order on a tie).
 */
export function adoptNamespace(ns: KNamespace): NetnsAdoption & { kind: NodeKind } {
  let best: (NetnsAdoption & { kind: NodeKind }) | undefined;
  for (const kind of nodeKindList) {
    const claim = nodeKind(kind).adopt?.(ns);
    if (claim && (!best || claim.facts > best.facts)) best = { kind, ...claim };
  }
  // The namespace kind claims every namespace; this is only a guard.
  return best ?? { kind: 'namespace', facts: 0, fields: {}, implied: [] };
}
