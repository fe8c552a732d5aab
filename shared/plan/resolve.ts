/**
 * resolve(): a valid Topology -> the desired KState, plus an index that maps
 * every kernel object back to the node/link it came from (for reasons, drift
 * and canvas highlighting). Pure.
 */
import type { Topology, TopoNode } from '../model';
import {
  canonicalAddresses,
  kernelNamespaceOf,
  kindOf,
  linkKind,
  type IfaceOrigin,
  type ResolveSink,
} from '../kinds';
import { type KNamespace, type KState, ROOT_NS } from './kstate';

export { canonicalAddresses, type IfaceOrigin };

export interface Resolved {
  lab: string;
  state: KState;
  /** `${ns}/${ifname}` -> origin. */
  origins: Map<string, IfaceOrigin>;
  /** namespace key -> node id (namespaces/routers; root -> undefined). */
  nsNodes: Map<string, string>;
  /** Links as pairs of (ns, ifname), in document order. */
  links: { id: string; a: { ns: string; name: string }; b: { ns: string; name: string } }[];
}

export const ifaceKey = (ns: string, name: string) => `${ns}/${name}`;

/** The namespace key a node's interfaces live in (the node kind's `namespaceOf`). */
export function nodeNamespace(node: TopoNode, byId: Map<string, TopoNode>): string {
  return kernelNamespaceOf(node, (id) => byId.get(id));
}

function emptyNs(name: string, mark?: string): KNamespace {
  return { name, mark, sysctls: {}, ifaces: {}, routes: [] };
}

/** Turns a (valid) topology into the desired kernel state. */
export function resolve(topo: Topology): Resolved {
  const lab = topo.name;
  const byId = new Map(topo.nodes.map((n) => [n.id, n]));
  const namespaces: Record<string, KNamespace> = { [ROOT_NS]: emptyNs(ROOT_NS) };
  const origins = new Map<string, IfaceOrigin>();
  const nsNodes = new Map<string, string>();

  const links: Resolved['links'] = [];
  const sink: ResolveSink = {
    lab,
    lookup: (id) => byId.get(id),
    nsOf: (node) => nodeNamespace(node, byId),
    addNamespace(ns, nodeId) {
      namespaces[ns.name] = ns;
      nsNodes.set(ns.name, nodeId);
    },
    addIface(ns, iface, origin) {
      namespaces[ns] ??= emptyNs(ns);
      namespaces[ns].ifaces[iface.name] = iface;
      origins.set(ifaceKey(ns, iface.name), origin);
    },
    addLinkEnds: (id, a, b) => links.push({ id, a, b }),
  };
  // Namespaces first, then what lives in them (bridges), then the links, in document order.
  for (const node of topo.nodes) kindOf(node).resolveNamespace?.(node, sink);
  for (const node of topo.nodes) kindOf(node).resolveIfaces?.(node, sink);
  for (const link of topo.links) linkKind(link).resolve(link, sink);
  return { lab, state: { namespaces }, origins, nsNodes, links };
}
