/**
 * kstateToTopology: the kernel as read by the live reader (a KState) -> a
 * topology document, for `netplumb import-host`. Pure.
 *
 * Named namespaces become namespace nodes (routers when IPv4 forwarding is
 * on), bridges become bridge nodes (in the root namespace or inside a
 * namespace), each veth pair becomes one link; a veth end in the root
 * namespace that is not a bridge port sits on a `host` node. Ownership marks
 * are not carried over: the file describes the objects, it does not claim
 * them (see `netplumb adopt`). Anything a file cannot express is left out
 * with a warning naming it.
 */
import type { BridgeNode, Link, LinkEnd, NetnsNode, Topology, TopoNode } from '../model';
import { CURRENT_VERSION } from '../model/topology';
import { type KIface, type KNamespace, type KState, markLab, ROOT_NS } from '../plan/kstate';
import { validateDocument } from '../validate';
import type { Problem } from '../validate/problem';
import { IdMaker, nsRoutes, nsSysctls } from './from-kstate-parts';
import type { ImportResult } from './import-result';
import { withPositions } from './layout';

/** Options of kstateToTopology. */
export interface KStateImportOptions {
  /** The lab name written to the file. */
  lab: string;
  /** Import only these namespaces (and the bridges and links that touch them); default: every named namespace. */
  namespaces?: string[];
}

/** The MTU a veth or bridge gets when none is given; only other values are written. */
const DEFAULT_MTU = 1500;
const HOST_ID = 'host';

const warn = (code: string, message: string, extra: Partial<Problem> = {}): Problem => ({
  code,
  severity: 'warning',
  message,
  path: [],
  ...extra,
});
const place = (ns: string) => (ns === ROOT_NS ? 'the root namespace' : `namespace ${ns}`);
const key = (ns: string, name: string) => `${ns}\u0000${name}`;

/** Converts a live kernel state into a topology (validated like a file; problems include the validator's). */
export function kstateToTopology(state: KState, opts: KStateImportOptions): ImportResult {
  const problems: Problem[] = [];
  const ids = new IdMaker();
  ids.make(HOST_ID); // reserved for the host node
  const named = Object.keys(state.namespaces)
    .filter((n) => n !== ROOT_NS)
    .sort();
  const wanted = opts.namespaces ? [...new Set(opts.namespaces)] : named;
  for (const n of wanted)
    if (!state.namespaces[n])
      problems.push(
        warn(
          'import-host-namespace-missing',
          `Namespace "${n}" was asked for but does not exist on this host.`,
        ),
      );
  const scope = named.filter((n) => wanted.includes(n));
  const inScope = (ns: string) => ns === ROOT_NS || scope.includes(ns);
  const root: KNamespace = state.namespaces[ROOT_NS] ?? {
    name: ROOT_NS,
    sysctls: {},
    ifaces: {},
    routes: [],
  };
  const rootForeign = Object.values(root.ifaces)
    .filter((i) => i.kind === 'other')
    .map((i) => i.name);
  if (!opts.namespaces && rootForeign.length) {
    problems.push(
      warn(
        'import-host-dropped',
        `Interfaces ${rootForeign.join(', ')} of the root namespace are left out: they are the machine's own (netplumb only models veth pairs and bridges).`,
      ),
    );
  }

  const nodes: TopoNode[] = [];
  const nsNode = new Map<string, NetnsNode>();
  for (const name of scope) {
    const ns = state.namespaces[name];
    const s = nsSysctls(ns);
    const base = { id: ids.make(name), name, routes: [], ...(s.sysctls ? { sysctls: s.sysctls } : {}) };
    const node: NetnsNode = s.router
      ? { ...base, kind: 'router', ipv6Forwarding: s.ipv6Forwarding }
      : { ...base, kind: 'namespace' };
    nodes.push(node);
    nsNode.set(name, node);
    const owner = markLab(ns.mark ?? ns.ifaces.lo?.mark);
    if (owner !== undefined)
      problems.push(
        warn(
          'import-host-managed',
          `Namespace ${name} already belongs to netplumb lab "${owner}": that lab's own file describes it (adopting it into "${opts.lab}" will be refused).`,
          { nodeId: node.id },
        ),
      );
    const lo = ns.ifaces.lo;
    if (lo && !lo.up)
      problems.push(
        warn(
          'import-host-lo-down',
          `The loopback of namespace ${name} is down; the file brings it up (netplumb always does).`,
          { nodeId: node.id },
        ),
      );
    if (lo?.addresses.length)
      problems.push(
        warn(
          'import-host-dropped',
          `Addresses ${lo.addresses.join(', ')} on lo in namespace ${name} are left out: the file format has no loopback addresses.`,
          { nodeId: node.id },
        ),
      );
    const foreign = Object.values(ns.ifaces)
      .filter((i) => i.kind === 'other')
      .map((i) => i.name);
    if (foreign.length)
      problems.push(
        warn(
          'import-host-dropped',
          `Interfaces ${foreign.join(', ')} in namespace ${name} are left out: netplumb only models veth pairs and bridges.`,
          { nodeId: node.id },
        ),
      );
  }

  // Veth pairs (each once) whose two ends are both in the imported part.
  type End = { ns: string; iface: KIface };
  const pairs: [End, End][] = [];
  const seen = new Set<string>();
  const unknownPeer: string[] = [];
  for (const ns of [ROOT_NS, ...scope]) {
    for (const iface of Object.values(state.namespaces[ns]?.ifaces ?? {})) {
      if (iface.kind !== 'veth' || seen.has(key(ns, iface.name))) continue;
      const p = iface.peer;
      if (p && !inScope(p.ns)) {
        if (ns !== ROOT_NS)
          problems.push(
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
    problems.push(
      warn(
        'import-host-dropped',
        `veth ${unknownPeer.join(', ')} left out: the peer is in a namespace without a name (e.g. a container's) or could not be read.`,
      ),
    );

  // Bridges: inside imported namespaces, and root bridges (all, or those a kept pair reaches).
  const bridgeNode = new Map<string, BridgeNode>();
  const reached = new Set(
    pairs
      .flatMap(([a, b]) => [a, b])
      .filter((e) => e.ns === ROOT_NS && e.iface.master)
      .map((e) => e.iface.master!),
  );
  for (const ns of [ROOT_NS, ...scope]) {
    for (const br of Object.values(state.namespaces[ns]?.ifaces ?? {})) {
      if (br.kind !== 'bridge' || !br.bridge) continue;
      if (ns === ROOT_NS && opts.namespaces && !reached.has(br.name)) continue;
      const node: BridgeNode = {
        id: ids.make(br.name),
        name: br.name,
        kind: 'bridge',
        ...(ns !== ROOT_NS ? { namespace: nsNode.get(ns)!.id } : {}),
        stp: br.bridge.stp,
        vlanFiltering: br.bridge.vlanFiltering,
        ...(br.bridge.defaultPvid !== 1 ? { defaultPvid: br.bridge.defaultPvid } : {}),
        addresses: [...br.addresses],
        ...(br.mtu !== undefined && br.mtu !== DEFAULT_MTU ? { mtu: br.mtu } : {}),
        // A bridge without a MAC of its own takes a port's: that one is the kernel's choice, not a setting.
        ...(br.mac && !portMacs(ns, br.name).has(br.mac) ? { mac: br.mac } : {}),
      };
      if (!br.up)
        problems.push(
          warn(
            'import-host-bridge-down',
            `Bridge ${br.name} in ${place(ns)} is down; the file brings it up (netplumb always does).`,
            { nodeId: node.id },
          ),
        );
      nodes.push(node);
      bridgeNode.set(key(ns, br.name), node);
    }
  }

  function portMacs(ns: string, bridge: string): Set<string> {
    return new Set(
      Object.values(state.namespaces[ns]?.ifaces ?? {})
        .filter((i) => i.master === bridge && i.mac)
        .map((i) => i.mac!),
    );
  }

  // The host node, when a root veth end is not a bridge port.
  const hostNeeded = pairs.some(([a, b]) => [a, b].some((e) => e.ns === ROOT_NS && !e.iface.master));
  if (hostNeeded) nodes.push({ id: HOST_ID, name: HOST_ID, kind: 'host' });

  const links: Link[] = [];
  const linkIds = new IdMaker();
  const keptIfaces = new Map<string, Set<string>>(scope.map((n) => [n, new Set<string>()]));
  const keptAddresses = new Map<string, string[]>(scope.map((n) => [n, []]));
  for (const pair of pairs) {
    const ends = pair.map((e) => endOf(e.ns, e.iface));
    if (ends.some((e) => e === null)) continue;
    const [ea, eb] = ends as NonNullable<ReturnType<typeof endOf>>[];
    // The namespace side first, as users draw links (namespace -> bridge, host).
    const rank = (e: typeof ea) => (e.nodeKind === 'bridge' ? 1 : e.nodeKind === 'host' ? 2 : 0);
    const [a, b] =
      rank(eb) < rank(ea) || (rank(eb) === rank(ea) && eb.end.node < ea.end.node) ? [eb, ea] : [ea, eb];
    links.push({ id: linkIds.make(`${a.end.node}-${b.end.node}`), a: a.end, b: b.end });
    for (const e of [ea, eb]) {
      if (e.ns === ROOT_NS || e.nodeKind === 'bridge') continue;
      keptIfaces.get(e.ns)?.add(e.end.ifname);
      keptAddresses.get(e.ns)?.push(...e.end.addresses);
    }
  }

  function endOf(ns: string, iface: KIface): { ns: string; end: LinkEnd; nodeKind: TopoNode['kind'] } | null {
    let node: TopoNode | undefined = ns === ROOT_NS ? undefined : nsNode.get(ns);
    let bridge: BridgeNode | undefined;
    if (iface.master !== undefined) {
      bridge = bridgeNode.get(key(ns, iface.master));
      if (!bridge) {
        problems.push(
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
      problems.push(
        warn(
          'import-host-dropped',
          `Addresses ${iface.addresses.join(', ')} on bridge port ${iface.name} in ${place(ns)} are left out: a bridge port carries no addresses in netplumb.`,
          { nodeId },
        ),
      );
    }
    const end: LinkEnd = {
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
    return { ns, end, nodeKind: node?.kind ?? 'host' };
  }

  // Routes last: a route through an interface that was left out goes too
  // (bridges inside a namespace count as its interfaces).
  for (const [k, br] of bridgeNode) {
    if (!br.namespace) continue;
    keptIfaces.get(k.split('\u0000')[0])?.add(br.name);
    keptAddresses.get(k.split('\u0000')[0])?.push(...br.addresses);
  }
  for (const [name, node] of nsNode) {
    const r = nsRoutes(
      state.namespaces[name],
      keptIfaces.get(name) ?? new Set(),
      keptAddresses.get(name) ?? [],
      (route, why) =>
        problems.push(
          warn(
            'import-host-dropped',
            `Route ${route.to}${route.via ? ` via ${route.via}` : ''} in namespace ${name} is left out: ${why}.`,
            { nodeId: node.id },
          ),
        ),
    );
    node.routes = r.routes;
    if (r.gateway) node.gateway = r.gateway;
  }
  const draft: Topology = withPositions({
    version: CURRENT_VERSION,
    name: opts.lab,
    nodes,
    links,
    expect: [],
    annotations: [],
  });
  const v = validateDocument(draft);
  return { topology: v.topology, problems: [...problems, ...v.problems] };
}
