/**
 * The link side of kstateToTopology (from-kstate.ts): which veth pairs are
 * imported, the bridge nodes, and the links between nodes with their ends.
 * Pure; warnings go to the import context in the order they are found.
 */
import type { BridgeNode, Link, LinkEnd, NetnsNode, TopoNode } from '../model';
import { type KIface, ROOT_NS } from '../plan/kstate';
import { DEFAULT_MTU, HOST_ID, IdMaker, type ImportCtx, key, place, warn } from './from-kstate-parts';

/** One end of a kernel veth pair. */
export interface PairEnd {
  ns: string;
  iface: KIface;
}

/** Interfaces and addresses kept per imported namespace (routes through others are left out). */
export interface Kept {
  ifaces: Map<string, Set<string>>;
  addresses: Map<string, string[]>;
}

/** A link end as imported, with the namespace it is in and the kind of node it sits on. */
interface ImportedEnd {
  ns: string;
  end: LinkEnd;
  nodeKind: TopoNode['kind'];
}

/** Veth pairs (each once) whose two ends are both in the imported part. */
export function vethPairs(c: ImportCtx, nsNode: ReadonlyMap<string, NetnsNode>): [PairEnd, PairEnd][] {
  const { state, opts } = c;
  const inScope = (ns: string) => ns === ROOT_NS || c.scope.includes(ns);
  const pairs: [PairEnd, PairEnd][] = [];
  const seen = new Set<string>();
  const unknownPeer: string[] = [];
  for (const ns of [ROOT_NS, ...c.scope]) {
    for (const iface of Object.values(state.namespaces[ns]?.ifaces ?? {})) {
      if (iface.kind !== 'veth' || seen.has(key(ns, iface.name))) continue;
      const p = iface.peer;
      if (p && !inScope(p.ns)) {
        if (ns !== ROOT_NS)
          c.problems.push(
            warn(
              'import-host-dropped',
              `veth ${iface.name} in ${place(ns)} is left out: its peer${p.name !== undefined ? ` ${p.name}` : ''} is in namespace ${p.ns}, which is not imported.`,
              { nodeId: nsNode.get(ns)?.id },
            ),
          );
        continue;
      }
      const peer = p?.name !== undefined ? state.namespaces[p.ns]?.ifaces[p.name] : undefined;
      if (!p || p.name === undefined || !peer) {
        // A peer in an unnamed namespace (a container) or one the read did not reach.
        if (ns !== ROOT_NS || !opts.namespaces) unknownPeer.push(`${iface.name} in ${place(ns)}`);
        continue;
      }
      // With a namespace list, a pair entirely in the root namespace does not touch it.
      if (opts.namespaces && ns === ROOT_NS && p.ns === ROOT_NS) continue;
      seen.add(key(ns, iface.name)).add(key(p.ns, p.name));
      pairs.push([
        { ns, iface },
        { ns: p.ns, iface: peer },
      ]);
    }
  }
  if (unknownPeer.length)
    c.problems.push(
      warn(
        'import-host-dropped',
        `veth ${unknownPeer.join(', ')} left out: the peer is in a namespace without a name (e.g. a container's) or could not be read.`,
      ),
    );
  return pairs;
}

/**
 * Bridge nodes, keyed by `key(ns, name)`: those inside imported namespaces,
 * and root bridges (all, or with a namespace list those a kept pair reaches).
 */
export function bridgeNodes(
  c: ImportCtx,
  pairs: readonly [PairEnd, PairEnd][],
  nsNode: ReadonlyMap<string, NetnsNode>,
): Map<string, BridgeNode> {
  const out = new Map<string, BridgeNode>();
  const reached = new Set(
    pairs
      .flatMap(([a, b]) => [a, b])
      .filter((e) => e.ns === ROOT_NS && e.iface.master)
      .map((e) => e.iface.master!),
  );
  for (const ns of [ROOT_NS, ...c.scope]) {
    for (const br of Object.values(c.state.namespaces[ns]?.ifaces ?? {})) {
      if (br.kind !== 'bridge' || !br.bridge) continue;
      if (ns === ROOT_NS && c.opts.namespaces && !reached.has(br.name)) continue;
      const node = bridgeNode(c, ns, br, br.bridge, nsNode.get(ns));
      if (!br.up)
        c.problems.push(
          warn(
            'import-host-bridge-down',
            `Bridge ${br.name} in ${place(ns)} is down; the file brings it up (netplumb always does).`,
            { nodeId: node.id },
          ),
        );
      out.set(key(ns, br.name), node);
    }
  }
  return out;
}

/** The bridge node of kernel bridge `br` in namespace `ns` (inside `holder` when not the root's). */
function bridgeNode(
  c: ImportCtx,
  ns: string,
  br: KIface,
  attrs: NonNullable<KIface['bridge']>,
  holder: NetnsNode | undefined,
): BridgeNode {
  return {
    id: c.ids.make(br.name),
    name: br.name,
    kind: 'bridge',
    ...(ns !== ROOT_NS ? { namespace: holder!.id } : {}),
    stp: attrs.stp,
    vlanFiltering: attrs.vlanFiltering,
    ...(attrs.defaultPvid !== 1 ? { defaultPvid: attrs.defaultPvid } : {}),
    addresses: [...br.addresses],
    ...(br.mtu !== undefined && br.mtu !== DEFAULT_MTU ? { mtu: br.mtu } : {}),
    // A bridge without a MAC of its own takes a port's: that one is the kernel's choice, not a setting.
    ...(br.mac && !portMacs(c, ns, br.name).has(br.mac) ? { mac: br.mac } : {}),
  };
}

/** The MACs of the ports of a bridge. */
function portMacs(c: ImportCtx, ns: string, bridge: string): Set<string> {
  return new Set(
    Object.values(c.state.namespaces[ns]?.ifaces ?? {})
      .filter((i) => i.master === bridge && i.mac)
      .map((i) => i.mac!),
  );
}

/** True when a root veth end is not a bridge port: it then sits on the host node. */
export const needsHost = (pairs: readonly [PairEnd, PairEnd][]) =>
  pairs.some(([a, b]) => [a, b].some((e) => e.ns === ROOT_NS && !e.iface.master));

/** One link per pair whose ends both land on a node, and what each namespace keeps. */
export function vethLinks(
  c: ImportCtx,
  pairs: readonly [PairEnd, PairEnd][],
  nsNode: ReadonlyMap<string, NetnsNode>,
  bridges: ReadonlyMap<string, BridgeNode>,
): { links: Link[]; kept: Kept; linkIds: IdMaker } {
  const links: Link[] = [];
  const linkIds = new IdMaker();
  const kept: Kept = {
    ifaces: new Map(c.scope.map((n) => [n, new Set<string>()])),
    addresses: new Map(c.scope.map((n) => [n, []])),
  };
  for (const pair of pairs) {
    const ends = pair.map((e) => linkEnd(c, e.ns, e.iface, nsNode, bridges));
    if (ends.some((e) => e === null)) continue;
    const [ea, eb] = ends as ImportedEnd[];
    const [a, b] = drawOrder(ea, eb);
    links.push({ id: linkIds.make(`${a.end.node}-${b.end.node}`), a: a.end, b: b.end });
    for (const e of [ea, eb]) {
      if (e.ns === ROOT_NS || e.nodeKind === 'bridge') continue;
      kept.ifaces.get(e.ns)?.add(e.end.ifname);
      kept.addresses.get(e.ns)?.push(...e.end.addresses);
    }
  }
  return { links, kept, linkIds };
}

/** The namespace side first, as users draw links (namespace -> bridge, host); else by node id. */
function drawOrder(ea: ImportedEnd, eb: ImportedEnd): [ImportedEnd, ImportedEnd] {
  const rank = (e: ImportedEnd) => (e.nodeKind === 'bridge' ? 1 : e.nodeKind === 'host' ? 2 : 0);
  return rank(eb) < rank(ea) || (rank(eb) === rank(ea) && eb.end.node < ea.end.node) ? [eb, ea] : [ea, eb];
}

/** The link end of a veth end, or null (warned) when it is enslaved to something not a bridge node. */
function linkEnd(
  c: ImportCtx,
  ns: string,
  iface: KIface,
  nsNode: ReadonlyMap<string, NetnsNode>,
  bridges: ReadonlyMap<string, BridgeNode>,
): ImportedEnd | null {
  let node: TopoNode | undefined = ns === ROOT_NS ? undefined : nsNode.get(ns);
  let bridge: BridgeNode | undefined;
  if (iface.master !== undefined) {
    bridge = bridges.get(key(ns, iface.master));
    if (!bridge) {
      c.problems.push(
        warn(
          'import-host-dropped',
          `veth ${iface.name} in ${place(ns)} is left out (with its peer): it is enslaved to ${iface.master}, which is not a bridge netplumb can model.`,
        ),
      );
      return null;
    }
    node = bridge;
  }
  const nodeId = node?.id ?? HOST_ID;
  if (bridge && iface.addresses.length) {
    c.problems.push(
      warn(
        'import-host-dropped',
        `Addresses ${iface.addresses.join(', ')} on bridge port ${iface.name} in ${place(ns)} are left out: a bridge port carries no addresses in netplumb.`,
        { nodeId },
      ),
    );
  }
  return { ns, end: endFields(iface, nodeId, bridge), nodeKind: node?.kind ?? 'host' };
}

/** The settings of a link end read from its interface (a bridge port keeps no addresses). */
export function endFields(iface: KIface, nodeId: string, bridge: BridgeNode | undefined): LinkEnd {
  return {
    node: nodeId,
    ifname: iface.name,
    addresses: bridge ? [] : [...iface.addresses],
    up: iface.up,
    ...(iface.mtu !== undefined && iface.mtu !== DEFAULT_MTU ? { mtu: iface.mtu } : {}),
    ...(iface.mac ? { mac: iface.mac } : {}),
    ...(bridge?.vlanFiltering && iface.vlans
      ? {
          vlans: {
            ...(iface.vlans.pvid !== undefined ? { pvid: iface.vlans.pvid } : {}),
            untagged: [...iface.vlans.untagged],
            tagged: [...iface.vlans.tagged],
          },
        }
      : {}),
    ...(iface.netem ? { netem: { ...iface.netem } } : {}),
  };
}
