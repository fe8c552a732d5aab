/**
 * resolve(): a valid Topology -> the desired KState, plus an index that maps
 * every kernel object back to the node/link it came from (for reasons, drift
 * and canvas highlighting). Pure.
 */
import type { LinkEnd, Topology, TopoNode } from '../model';
import { isNetnsNode } from '../model';
import { canonicalCidr, canonicalIp, family, isLinkLocal, normalizeMac } from '../util/ip';
import {
  type KIface,
  type KNamespace,
  type KPortVlans,
  type KRoute,
  type KState,
  makeMark,
  ROOT_NS,
} from './kstate';

/** Where an interface came from in the document. */
export interface IfaceOrigin {
  nodeId: string;
  linkId?: string;
  end?: 'a' | 'b';
}

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

/** Canonical, sorted list of non-link-local addresses. */
export function canonicalAddresses(list: readonly string[]): string[] {
  const out = list.map((a) => canonicalCidr(a) ?? a).filter((a) => !isLinkLocal(a));
  return [...new Set(out)].sort();
}

/** The namespace key a node's interfaces live in. */
export function nodeNamespace(node: TopoNode, byId: Map<string, TopoNode>): string {
  if (isNetnsNode(node)) return node.name;
  if (node.kind === 'bridge' && node.namespace) {
    const holder = byId.get(node.namespace);
    return holder && isNetnsNode(holder) ? holder.name : ROOT_NS;
  }
  return ROOT_NS;
}

function emptyNs(name: string, mark?: string): KNamespace {
  return { name, mark, sysctls: {}, ifaces: {}, routes: [] };
}

function portVlans(end: LinkEnd, defaultPvid: number): KPortVlans {
  if (!end.vlans) return { pvid: defaultPvid, untagged: [defaultPvid], tagged: [] };
  const untagged = new Set(end.vlans.untagged);
  const tagged = new Set(end.vlans.tagged);
  // A PVID implies membership; untagged unless listed as tagged.
  if (end.vlans.pvid !== undefined && !tagged.has(end.vlans.pvid)) untagged.add(end.vlans.pvid);
  return {
    pvid: end.vlans.pvid,
    untagged: [...untagged].sort((x, y) => x - y),
    tagged: [...tagged].filter((v) => !untagged.has(v)).sort((x, y) => x - y),
  };
}

function routesOf(node: TopoNode): KRoute[] {
  if (!isNetnsNode(node)) return [];
  const out: KRoute[] = [];
  for (const r of node.routes) {
    const fam = r.to === 'default' ? ((r.via ? family(r.via) : null) ?? 4) : (family(r.to) ?? 4);
    out.push({
      to: r.to === 'default' ? 'default' : (canonicalCidr(r.to) ?? r.to),
      family: fam,
      ...(r.via ? { via: canonicalIp(r.via) ?? r.via } : {}),
      ...(r.dev ? { dev: r.dev } : {}),
      ...(r.metric !== undefined ? { metric: r.metric } : {}),
    });
  }
  if (node.gateway?.ipv4)
    out.push({ to: 'default', family: 4, via: canonicalIp(node.gateway.ipv4) ?? node.gateway.ipv4 });
  if (node.gateway?.ipv6)
    out.push({ to: 'default', family: 6, via: canonicalIp(node.gateway.ipv6) ?? node.gateway.ipv6 });
  return out;
}

function sysctlsOf(node: TopoNode): Record<string, string> {
  if (!isNetnsNode(node)) return {};
  const out: Record<string, string> = {};
  if (node.kind === 'router') {
    out['net.ipv4.ip_forward'] = '1';
    if (node.ipv6Forwarding) out['net.ipv6.conf.all.forwarding'] = '1';
  }
  for (const [k, v] of Object.entries(node.sysctls ?? {})) if (v !== undefined) out[k] = String(v);
  return out;
}

/** Turns a (valid) topology into the desired kernel state. */
export function resolve(topo: Topology): Resolved {
  const lab = topo.name;
  const byId = new Map(topo.nodes.map((n) => [n.id, n]));
  const namespaces: Record<string, KNamespace> = { [ROOT_NS]: emptyNs(ROOT_NS) };
  const origins = new Map<string, IfaceOrigin>();
  const nsNodes = new Map<string, string>();

  for (const node of topo.nodes) {
    if (!isNetnsNode(node)) continue;
    const ns = emptyNs(node.name, makeMark(lab));
    ns.ifaces.lo = { name: 'lo', kind: 'loopback', up: true, addresses: [], mark: makeMark(lab) };
    ns.routes = routesOf(node);
    ns.sysctls = sysctlsOf(node);
    namespaces[node.name] = ns;
    nsNodes.set(node.name, node.id);
  }

  for (const node of topo.nodes) {
    if (node.kind !== 'bridge') continue;
    const ns = nodeNamespace(node, byId);
    namespaces[ns] ??= emptyNs(ns);
    namespaces[ns].ifaces[node.name] = {
      name: node.name,
      kind: 'bridge',
      mark: makeMark(lab, 'bridge', node.id),
      up: true,
      addresses: canonicalAddresses(node.addresses),
      ...(node.mtu !== undefined ? { mtu: node.mtu } : {}),
      ...(node.mac ? { mac: normalizeMac(node.mac) ?? node.mac.toLowerCase() } : {}),
      bridge: { stp: node.stp, vlanFiltering: node.vlanFiltering, defaultPvid: node.defaultPvid ?? 1 },
    };
    origins.set(ifaceKey(ns, node.name), { nodeId: node.id });
  }

  const links: Resolved['links'] = [];
  for (const link of topo.links) {
    const ends = { a: link.a, b: link.b } as const;
    const place = (k: 'a' | 'b') => {
      const node = byId.get(ends[k].node);
      return { node, ns: node ? nodeNamespace(node, byId) : ROOT_NS, name: ends[k].ifname };
    };
    const pa = place('a');
    const pb = place('b');
    links.push({ id: link.id, a: { ns: pa.ns, name: pa.name }, b: { ns: pb.ns, name: pb.name } });
    for (const [k, me, peer] of [
      ['a', pa, pb],
      ['b', pb, pa],
    ] as const) {
      const end = ends[k];
      const bridge = me.node?.kind === 'bridge' ? me.node : undefined;
      const iface: KIface = {
        name: me.name,
        kind: 'veth',
        mark: makeMark(lab, link.id, k),
        peer: { ns: peer.ns, name: peer.name },
        up: end.up,
        addresses: bridge ? [] : canonicalAddresses(end.addresses),
        ...(bridge ? { master: bridge.name } : {}),
        ...(end.mtu !== undefined ? { mtu: end.mtu } : {}),
        ...(end.mac ? { mac: normalizeMac(end.mac) ?? end.mac.toLowerCase() } : {}),
        ...(bridge?.vlanFiltering ? { vlans: portVlans(end, bridge.defaultPvid ?? 1) } : {}),
        ...(end.netem && Object.values(end.netem).some((v) => v !== undefined)
          ? { netem: { ...end.netem } }
          : {}),
      };
      namespaces[me.ns] ??= emptyNs(me.ns);
      namespaces[me.ns].ifaces[me.name] = iface;
      origins.set(ifaceKey(me.ns, me.name), { nodeId: end.node, linkId: link.id, end: k });
    }
  }
  return { lab, state: { namespaces }, origins, nsNodes, links };
}
