/**
 * Planning one interface: creating a bridge, the per-end settings of a new
 * veth, and the minimal modifications of an existing interface; plus routes.
 */
import { ifaceKey } from './resolve';
import { PlanBuilder, RANK, type Phase } from './builder';
import { where } from './argv';
import type { BridgeOpts, Op, PortOpts, RouteSpec } from './op';
import type { KIface, KNamespace, KRoute } from './kstate';
import {
  LOOPBACK_OWN,
  LOOPBACK_OWN_FLAGS,
  LOOPBACK_OWN_V6,
  PORT_FLAG_DEFAULTS,
  PORT_STATES,
  ROOT_NS,
  VETH_MTU,
} from './kstate';
import type { Resolved } from './resolve';
import { paramName } from '../kinds';
import { IFACE_DEFAULT_SYSCTLS } from '../model/common';
import { connectedRoutes } from './connected';

/** Per-namespace facts the route planner needs. */
export interface NsContext {
  ns: string;
  /** Addresses were removed, links taken down or re-created: the kernel may have dropped routes. */
  touchedL3: boolean;
  /** The namespace is created by this plan. */
  fresh: boolean;
  /** A live interface of this namespace by name (none in a fresh namespace). */
  live: (name: string) => KIface | undefined;
}

const phaseOf = (ns: string): Phase => (ns === ROOT_NS ? 'root' : 'ns');

function targetOf(
  desired: Resolved,
  ns: string,
  i: KIface,
  kind: 'interface' | 'address' | 'bridge' = 'interface',
  name?: string,
) {
  const o = desired.origins.get(ifaceKey(ns, i.name));
  return {
    kind,
    name: name ?? where(ns, i.name),
    nodeId: o?.nodeId ?? desired.nsNodes.get(ns),
    linkId: o?.linkId,
  };
}

/** Adding or deleting address `cidr` on `dev`. */
const addr = (op: 'add' | 'delete', cidr: string, dev: string): Op => ({ op: `address-${op}`, dev, cidr });
/** Setting attributes of interface `dev`. */
const linkSet = (dev: string, attrs: Omit<Extract<Op, { op: 'link-set' }>, 'op' | 'dev'>): Op => ({
  op: 'link-set',
  dev,
  ...attrs,
});

/** Settings of a freshly created interface (bridge: also its creation). */
export function planNewIface(b: PlanBuilder, desired: Resolved, c: NsContext, i: KIface): void {
  const phase = phaseOf(c.ns);
  // A new interface (or one re-created: the kernel dropped the routes through the old one, which
  // the live state read before still lists) gets the namespace's routes set again after it.
  c.touchedL3 = true;
  const t = targetOf(desired, c.ns, i, i.kind === 'bridge' ? 'bridge' : 'interface');
  if (i.kind === 'bridge' && i.bridge) {
    // Only what differs from the kernel's defaults is given at creation.
    const bridge = {
      ...(i.bridge.stp ? { stp: true } : {}),
      ...(i.bridge.vlanFiltering ? { vlanFiltering: true } : {}),
      ...(i.bridge.defaultPvid !== 1 ? { defaultPvid: i.bridge.defaultPvid } : {}),
    };
    b.add(
      phase,
      c.ns,
      { op: 'bridge-add', name: i.name, ...(i.mac ? { mac: i.mac } : {}), bridge },
      {
        action: 'create',
        rank: RANK.create,
        reason: `bridge ${i.name} is in the file but not on this host`,
        target: t,
        undoOp: { op: 'link-delete', dev: i.name },
        creates: [{ kind: 'bridge', ns: c.ns, name: i.name, mark: i.mark ?? '' }],
      },
    );
  }
  if (i.params) {
    // An interface a link kind makes on its own (vxlan): created with its parameters.
    b.add(
      phase,
      c.ns,
      { op: 'link-add', name: i.name, type: i.kind, ...(i.mac ? { mac: i.mac } : {}), params: i.params },
      {
        action: 'create',
        rank: RANK.create,
        reason: `${i.kind} ${where(c.ns, i.name)} is in the file but not on this host`,
        target: t,
        undoOp: { op: 'link-delete', dev: i.name },
        creates: [{ kind: 'link', type: i.kind, ns: c.ns, name: i.name, mark: i.mark ?? '' }],
      },
    );
  }
  // Undo of these settings is covered by deleting the new interface.
  const set = (op: Op, reason: string, rank: number = RANK.settings) =>
    b.add(phase, c.ns, op, { action: 'modify', rank, reason, target: t });
  if (i.mark)
    set(linkSet(i.name, { alias: i.mark }), `mark ${where(c.ns, i.name)} as netplumb's (${i.mark})`);
  // A bridge MTU given at creation follows its ports (the kernel lowers it to the
  // smallest); set explicitly afterwards, the kernel keeps it.
  if (i.kind === 'bridge' && i.mtu !== undefined)
    set(linkSet(i.name, { mtu: i.mtu }), `mtu of bridge ${where(c.ns, i.name)} is ${i.mtu}`);
  if (i.master) set(linkSet(i.name, { master: i.master }), `${i.name} is a port of bridge ${i.master}`);
  for (const a of i.addresses)
    set(addr('add', a, i.name), `address ${a} on ${where(c.ns, i.name)}`, RANK.addrAdd);
  if (i.up && comesUpLast(desired, c.ns, i))
    b.add('bridge-up', c.ns, linkSet(i.name, { up: true }), {
      action: 'modify',
      rank: RANK.up,
      reason: `bring bridge ${where(c.ns, i.name)} up, after the hosts on its ports are configured`,
      target: t,
    });
  else if (i.up) set(linkSet(i.name, { up: true }), `bring ${where(c.ns, i.name)} up`, RANK.up);
}

/**
 * Whether a new bridge is brought up in the last phase (see PHASES
 * 'bridge-up'): only a root bridge that is a pure layer-2 switch, with no
 * address and no route through it, since a route on a device that is down is
 * refused by the kernel ("Network is down"). A bridge in a namespace comes up
 * with its namespace: its hosts are in other namespaces, configured in the
 * same phase.
 */
function comesUpLast(desired: Resolved, ns: string, i: KIface): boolean {
  if (ns !== ROOT_NS || i.kind !== 'bridge' || i.addresses.length > 0) return false;
  return !(desired.state.namespaces[ns]?.routes ?? []).some((r) => r.dev === i.name);
}

/**
 * Why live interface `l` cannot be turned into desired `d` in place (another
 * kind, or creation parameters that differ: the kernel cannot change those),
 * in plain words; undefined when it can. Only asked for interfaces created
 * on their own (bridges, a link kind's `params`).
 */
export function recreateReason(d: KIface, l: KIface): string | undefined {
  if (l.kind !== d.kind) return `it is ${l.kind === 'other' ? 'not' : `a ${l.kind}, not`} a ${d.kind}`;
  const have = new Map((l.params ?? []).map((p) => [p.key, p.value]));
  const diff = (d.params ?? [])
    .filter((p) => have.get(p.key) !== p.value)
    .map((p) => `${paramName(d.kind, p.key)} is ${have.get(p.key) ?? 'unset'}, the file says ${p.value}`);
  return diff.length ? diff.join('; ') : undefined;
}

/** Minimal changes turning live interface `l` into desired `d` (same name, same kind). */
export function planIfaceSettings(
  b: PlanBuilder,
  desired: Resolved,
  c: NsContext,
  d: KIface,
  l: KIface,
): void {
  const phase = phaseOf(c.ns);
  const t = targetOf(desired, c.ns, d, d.kind === 'bridge' ? 'bridge' : 'interface');
  const at = where(c.ns, d.name);
  const dev = (attrs: Parameters<typeof linkSet>[1]) => linkSet(d.name, attrs);
  const mod = (op: Op, undoOp: Op | undefined, reason: string, rank: number = RANK.settings, target = t) =>
    b.add(phase, c.ns, op, { action: 'modify', rank, reason, target, ...(undoOp ? { undoOp } : {}) });

  if (d.mark && d.mark !== l.mark) {
    mod(
      dev({ alias: d.mark }),
      dev({ alias: l.mark ?? '' }),
      `${at} should carry the mark ${d.mark}${l.mark ? ` (it has ${l.mark})` : ''}`,
    );
  }
  if (d.mtu !== undefined && d.mtu !== l.mtu) {
    mod(
      dev({ mtu: d.mtu }),
      l.mtu !== undefined ? dev({ mtu: l.mtu }) : undefined,
      `mtu of ${at} is ${l.mtu ?? 'unknown'}, the file says ${d.mtu}`,
    );
  } else if (
    d.mtu === undefined &&
    d.kind === 'veth' &&
    l.kind === 'veth' &&
    l.mtu !== undefined &&
    l.mtu !== VETH_MTU
  ) {
    // A file silent on MTU gets the kernel's for a new veth: another value was set by hand.
    mod(
      dev({ mtu: VETH_MTU }),
      dev({ mtu: l.mtu }),
      `mtu of ${at} is ${l.mtu}, as set by hand: the file does not set it, and a new veth has ${VETH_MTU}`,
    );
  }
  if (d.mac && d.mac !== l.mac) {
    mod(
      dev({ mac: d.mac }),
      l.mac ? dev({ mac: l.mac }) : undefined,
      `MAC of ${at} is ${l.mac ?? 'unknown'}, the file says ${d.mac}`,
    );
  }
  if ((d.master ?? '') !== (l.master ?? '')) {
    mod(
      dev({ master: d.master ?? null }),
      dev({ master: l.master ?? null }),
      d.master
        ? `${at} should be a port of bridge ${d.master}${l.master ? ` (it is on ${l.master})` : ''}`
        : `${at} should not be a bridge port (it is on ${l.master})`,
    );
    c.touchedL3 = true;
  }
  if (d.bridge && l.bridge) {
    const opts: BridgeOpts = {};
    const undo: BridgeOpts = {};
    const words: string[] = [];
    if (d.bridge.stp !== l.bridge.stp) {
      [opts.stp, undo.stp] = [d.bridge.stp, l.bridge.stp];
      words.push(`stp_state is ${l.bridge.stp ? 1 : 0}, the file says ${d.bridge.stp ? 1 : 0}`);
    }
    if (d.bridge.vlanFiltering !== l.bridge.vlanFiltering) {
      [opts.vlanFiltering, undo.vlanFiltering] = [d.bridge.vlanFiltering, l.bridge.vlanFiltering];
      words.push(
        `vlan_filtering is ${l.bridge.vlanFiltering ? 1 : 0}, the file says ${d.bridge.vlanFiltering ? 1 : 0}`,
      );
    }
    if (d.bridge.defaultPvid !== l.bridge.defaultPvid) {
      [opts.defaultPvid, undo.defaultPvid] = [d.bridge.defaultPvid, l.bridge.defaultPvid];
      words.push(`vlan_default_pvid is ${l.bridge.defaultPvid}, the file says ${d.bridge.defaultPvid}`);
    }
    if (words.length) {
      mod(
        dev({ bridge: opts }),
        dev({ bridge: undo }),
        `bridge ${at} settings differ from the file (${words.join('; ')})`,
      );
    }
  }
  planHandMade(d, l, c, at, mod);
  planIfaceSysctls(b, c, l, t, desired.state.namespaces[c.ns]?.sysctls ?? {});
  const have = new Set(l.addresses);
  const want = new Set(d.addresses);
  for (const a of l.addresses) {
    if (want.has(a)) continue;
    mod(
      addr('delete', a, d.name),
      addr('add', a, d.name),
      `address ${a} on ${at} is not in the file`,
      RANK.addrDel,
      targetOf(desired, c.ns, d, 'address', `${a} on ${at}`),
    );
    c.touchedL3 = true;
  }
  for (const a of d.addresses) {
    if (have.has(a)) continue;
    b.add(phase, c.ns, addr('add', a, d.name), {
      action: 'create',
      rank: RANK.addrAdd,
      reason: `address ${a} on ${at} is in the file but not on the interface`,
      target: targetOf(desired, c.ns, d, 'address', `${a} on ${at}`),
      undoOp: addr('delete', a, d.name),
    });
  }
  // Only while it stays up: a loopback coming up gets them from the kernel.
  for (const flag of LOOPBACK_OWN_FLAGS) {
    if (!l[flag] || d.kind !== 'loopback' || !d.up || !l.up) continue;
    const cidr = LOOPBACK_OWN[flag];
    // ::1 as the kernel gives it: without a prefix route in table main.
    const op: Op = {
      op: 'address-add',
      dev: d.name,
      cidr,
      ...(cidr === LOOPBACK_OWN_V6 ? { noprefixroute: true as const } : {}),
    };
    b.add(phase, c.ns, op, {
      action: 'create',
      rank: RANK.addrAdd,
      reason: `the loopback's own ${cidr} is missing on ${at}: the namespace cannot reach itself at ${cidr.split('/')[0]}`,
      target: targetOf(desired, c.ns, d, 'address', `${cidr} on ${at}`),
      undoOp: addr('delete', cidr, d.name),
    });
  }
  if (d.up !== l.up) {
    mod(
      dev({ up: d.up }),
      dev({ up: l.up }),
      `${at} is ${l.up ? 'up' : 'down'}, the file says ${d.up ? 'up' : 'down'}`,
      RANK.up,
    );
    c.touchedL3 = true;
  }
}

/**
 * Settings a file never gives, made by hand on an interface of the lab and
 * put back to what the kernel gives a new interface: ARP turned off, a
 * bridge port's flags, and a port held out of forwarding on a bridge
 * without STP (with STP on, the state is STP's to set). Each of them stops
 * traffic while every address and route is in place.
 */
function planHandMade(
  d: KIface,
  l: KIface,
  c: NsContext,
  at: string,
  mod: (op: Op, undoOp: Op | undefined, reason: string) => void,
): void {
  if (l.arpOff && !d.arpOff)
    mod(linkSet(d.name, { arp: true }), linkSet(d.name, { arp: false }), `ARP is turned off on ${at}`);
  // A port that changes bridge below gets a new port's settings from the kernel.
  if (!d.master || l.master !== d.master) return;
  const port: PortOpts = {};
  const undo: PortOpts = {};
  const words: string[] = [];
  for (const [key, v] of Object.entries(l.portFlags ?? {})) {
    const want = d.portFlags?.[key] ?? PORT_FLAG_DEFAULTS[key];
    if (want === undefined || v === want) continue;
    (port.flags ??= {})[key] = want;
    (undo.flags ??= {})[key] = v;
    words.push(`${key} ${v ? 'on' : 'off'}`);
  }
  const br = c.live(d.master);
  if (l.portState && d.up && br?.up && br.bridge && !br.bridge.stp) {
    port.state = PORT_STATES.indexOf('forwarding');
    undo.state = PORT_STATES.indexOf(l.portState);
    words.push(`state ${l.portState}`);
  }
  if (words.length)
    mod(
      linkSet(d.name, { port }),
      linkSet(d.name, { port: undo }),
      `port settings of ${at} were changed by hand (${words.join(', ')})`,
    );
}

/**
 * What an interface's setting is judged by, in words: for IFACE_DEFAULT_SYSCTLS
 * the `default` a new namespace gets (what a new interface takes), for the
 * others the namespace's `all`.
 */
function referenceText(key: string): string {
  const leaf = key.slice(key.lastIndexOf('.') + 1);
  const by = key.startsWith('net.ipv4.') && (IFACE_DEFAULT_SYSCTLS as readonly string[]).includes(leaf);
  return by
    ? `a new interface of a new namespace has ${key.replace(/\.conf\.[^.]+\./, '.conf.default.')} =`
    : `the namespace's ${key.replace(/\.conf\.[^.]+\./, '.conf.all.')} is`;
}

/**
 * Per-interface sysctls set by hand (KIface.sysctls): written back to the
 * namespace's `all` value (or `default`, see IFACE_DEFAULT_SYSCTLS), in the
 * sysctl phase and before the file's own (planned later): a write of `all`
 * there sets every interface again.
 */
function planIfaceSysctls(
  b: PlanBuilder,
  c: NsContext,
  l: KIface,
  t: ReturnType<typeof targetOf>,
  /** The namespace's sysctls in the file. */
  file: Readonly<Record<string, string>>,
): void {
  // Where the file sets the namespace's `default` (rp_filter), writing it set every interface
  // not set one by one: the file's value is what they should have, not a new namespace's.
  const byFile = (k: string) => file[k.replace(/\.conf\.[^.]+\./, '.conf.default.')];
  const fromFile = new Set<string>();
  const drift = Object.entries(l.sysctls ?? {}).flatMap(
    ([k, v]): [string, { have: string; want: string }][] => {
      const f = IFACE_DEFAULT_SYSCTLS.some((leaf) => k.startsWith('net.ipv4.') && k.endsWith(`.${leaf}`))
        ? byFile(k)
        : undefined;
      if (f === undefined) return [[k, v]];
      fromFile.add(k);
      return f === v.have ? [] : [[k, { ...v, want: f }]];
    },
  );
  if (!drift.length || c.ns === ROOT_NS) return;
  const write = (values: [string, string][]): Op => ({
    op: 'sysctl-write',
    values: values.map(([key, value]) => ({ key, value })),
  });
  b.add('sysctl', c.ns, write(drift.map(([k, v]) => [k, v.want])), {
    action: 'modify',
    reason: `${drift.map(([k, v]) => `${k} is ${v.have}, as set by hand; ${fromFile.has(k) ? `the file sets ${k.replace(/\.conf\.[^.]+\./, '.conf.default.')} =` : referenceText(k)} ${v.want}`).join('; ')}`,
    target: { ...t, kind: 'sysctl', name: `${drift.map(([k]) => k).join(', ')} in ${where(c.ns)}` },
    undoOp: write(drift.map(([k, v]) => [k, v.have])),
  });
}

/**
 * The metric the kernel stores: IPv4 defaults to 0 (and `ip -j` omits a 0),
 * IPv6 turns 0 or nothing into 1024.
 */
const kernelMetric = (r: KRoute): number => (r.family === 4 ? (r.metric ?? 0) : r.metric ? r.metric : 1024);
/** A route's identity: destination, family and metric (the kernel keeps one main-table route per destination and metric). */
const routeId = (r: KRoute) => `${r.family}|${r.to}|${kernelMetric(r)}|${r.tos ?? ''}`;

/** A route as the plan writes it (only the fields it has). */
const routeSpec = (r: KRoute): RouteSpec => ({
  family: r.family,
  ...(r.type !== undefined ? { type: r.type } : {}),
  to: r.to,
  ...(r.via !== undefined ? { via: r.via } : {}),
  ...(r.dev !== undefined ? { dev: r.dev } : {}),
  ...(r.metric !== undefined ? { metric: r.metric } : {}),
  ...(r.proto !== undefined ? { proto: r.proto } : {}),
  ...(r.src !== undefined ? { src: r.src } : {}),
  ...(r.tos !== undefined ? { tos: r.tos } : {}),
  ...(r.nhid !== undefined ? { nhid: r.nhid } : {}),
});
const route = (op: 'replace' | 'delete', r: KRoute): Op => ({ op: `route-${op}`, route: routeSpec(r) });

/** Where a route goes, in words: "via 10.0.0.1 dev eth0 metric 50", "through 2 next hops". */
function routeWay(r: KRoute): string {
  if (r.via === undefined && r.dev === undefined)
    return r.type ? `nowhere (${r.type})` : 'through several next hops';
  return [
    ...(r.via !== undefined ? [`via ${r.via}`] : []),
    ...(r.dev !== undefined ? [`dev ${r.dev}`] : []),
    ...(r.metric !== undefined ? [`metric ${r.metric}`] : []),
    ...(r.tos !== undefined ? [`tos ${r.tos}`] : []),
  ].join(' ');
}

/** True when a live route satisfies a desired one (fields the file leaves out are not compared). */
export function routeMatches(d: KRoute, l: KRoute): boolean {
  return (
    d.family === l.family &&
    d.to === l.to &&
    d.type === l.type &&
    d.proto === l.proto &&
    (d.via === undefined || d.via === l.via) &&
    (d.dev === undefined || d.dev === l.dev) &&
    // Neither a route for one type of service nor one through a nexthop object is a file's.
    (d.tos ?? '') === (l.tos ?? '') &&
    d.nhid === l.nhid &&
    // No metric in the file is the kernel's (0, IPv6 1024): a route of another metric is not the file's.
    kernelMetric(d) === kernelMetric(l)
  );
}

/** Routes: delete stale ones first, `route replace` missing ones (idempotent, also repairs routes the kernel dropped). */
export function planRoutes(
  b: PlanBuilder,
  desired: Resolved,
  c: NsContext,
  d: KNamespace,
  l: KNamespace | undefined,
  /** True for an interface this plan deletes: the kernel drops the routes through it. */
  isGone: (dev: string) => boolean = () => false,
): void {
  const live = l?.routes ?? [];
  const nodeId = desired.nsNodes.get(c.ns);
  for (const r of live) {
    if (d.routes.some((x) => routeMatches(x, r))) continue;
    // Through an interface this plan deletes: gone with it (a delete of it would fail).
    if (r.dev !== undefined && isGone(r.dev)) continue;
    // A stale route whose destination and metric are still wanted is simply replaced below (a
    // `route replace` takes the place of the route of the same destination and metric only: one of
    // another metric, `default via X metric 5` made by hand beside the file's, stays unless deleted).
    if (d.routes.some((x) => routeId(x) === routeId(r))) continue;
    b.add('ns', c.ns, route('delete', r), {
      action: 'modify',
      rank: RANK.routeDel,
      reason: `${r.type ? `${r.type} ` : ''}route ${r.to}${r.tos !== undefined ? ` tos ${r.tos}` : ''}${r.via ? ` via ${r.via}` : ''}${kernelMetric(r) !== (r.family === 4 ? 0 : 1024) ? ` metric ${kernelMetric(r)}` : ''}${r.nhid !== undefined ? ` (nexthop object ${r.nhid})` : ''}${r.proto ? ` (protocol ${r.proto}, made by hand${r.dev ? ` through ${r.dev}` : ''})` : ''} in ${where(c.ns)} is not in the file`,
      target: { kind: 'route', name: `${r.to} in ${where(c.ns)}`, nodeId },
      undoOp: route('replace', r),
    });
  }
  planLostRoutes(b, desired, c, d, l);
  // Routes without a next hop first: a next hop may be reachable only through one of them.
  for (const r of [...d.routes.filter((x) => !x.via), ...d.routes.filter((x) => x.via)]) {
    const match = live.find((x) => routeMatches(r, x));
    if (match && !c.touchedL3) continue;
    const old = live.find((x) => routeId(x) === routeId(r) || (x.family === r.family && x.to === r.to));
    b.add('ns', c.ns, route('replace', r), {
      action: match || old ? 'modify' : 'create',
      rank: RANK.route,
      reason: match
        ? `route ${r.to} in ${where(c.ns)} is set again: addresses or links it depends on change`
        : old
          ? `route ${r.to} in ${where(c.ns)} goes ${routeWay(old)}, the file says ${routeWay(r)}`
          : `route ${r.to}${r.via ? ` via ${r.via}` : ''} in ${where(c.ns)} is in the file but not on this host`,
      target: { kind: 'route', name: `${r.to} in ${where(c.ns)}`, nodeId },
      undoOp: old ? route('replace', old) : route('delete', r),
    });
  }
}

/**
 * The routes the kernel makes for an interface's addresses that someone
 * deleted (or replaced): put back as the kernel makes them (protocol kernel,
 * with the address as source), when the file keeps the interface up with
 * that address. Without it, hosts on that prefix are unreachable.
 */
function planLostRoutes(
  b: PlanBuilder,
  desired: Resolved,
  c: NsContext,
  d: KNamespace,
  l: KNamespace | undefined,
) {
  const nodeId = desired.nsNodes.get(c.ns);
  for (const r of l?.lostRoutes ?? []) {
    const i = r.dev !== undefined ? d.ifaces[r.dev] : undefined;
    if (!i?.up || !connectedRoutes(i).some((x) => x.to === r.to)) continue;
    // IPv6: the kernel's has no source address.
    const made = r.family === 6 ? { ...r, src: undefined } : r;
    b.add('ns', c.ns, route('replace', made), {
      action: 'create',
      rank: RANK.route,
      reason: `route ${r.to} through ${r.dev}, which the kernel makes for address ${r.src} in ${where(c.ns)}, is missing`,
      target: { kind: 'route', name: `${r.to} in ${where(c.ns)}`, nodeId },
      undoOp: route('delete', made),
    });
  }
}

/**
 * Interfaces netplumb did not make for this lab that someone attached to one
 * of the lab's bridges are detached (`nomaster`), never deleted. Why detach
 * rather than ignore: a foreign port changes what the lab's bridge forwards
 * (traffic could leave the lab or enter it), so the lab is not what the file
 * says; why not delete: netplumb only deletes what carries its mark.
 */
export function planForeignPorts(
  b: PlanBuilder,
  desired: Resolved,
  c: NsContext,
  d: KNamespace,
  l: KNamespace,
  isOurs: (mark?: string) => boolean,
): void {
  for (const f of Object.values(l.ifaces)) {
    if (f.master === undefined || isOurs(f.mark)) continue;
    const br = d.ifaces[f.master];
    const liveBr = l.ifaces[f.master];
    if (br?.kind !== 'bridge' || liveBr?.kind !== 'bridge' || !isOurs(liveBr.mark)) continue;
    b.add(phaseOf(c.ns), c.ns, linkSet(f.name, { master: null }), {
      action: 'modify',
      rank: RANK.settings,
      reason: `${where(c.ns, f.name)} is attached to the lab's bridge ${f.master} but was not made by netplumb for this lab: it is detached from the bridge, not deleted`,
      target: {
        kind: 'interface',
        name: where(c.ns, f.name),
        nodeId: desired.origins.get(ifaceKey(c.ns, br.name))?.nodeId,
      },
      undoOp: linkSet(f.name, { master: f.master }),
    });
  }
}

/**
 * An interface netplumb did not make for this lab, up in one of the lab's own
 * namespaces (say a veth added there by hand), is set down, never deleted.
 * Why not ignore it: while up, its addresses and routes are the namespace's
 * too, and one that overlaps the lab's prefixes takes the lab's traffic (the
 * ping fails while everything netplumb made is as the file says). Why down,
 * not deleted: netplumb only deletes what carries its mark, and a veth's peer
 * may be outside the lab. Down, it keeps its addresses and settings for
 * whoever made it, and the namespace's routing is the file's again. The
 * host's namespace is not the lab's: its interfaces are never touched.
 */
export function planForeignUp(
  b: PlanBuilder,
  desired: Resolved,
  c: NsContext,
  foreign: readonly KIface[],
): void {
  if (c.ns === ROOT_NS) return;
  for (const f of foreign) {
    if (!f.up) continue;
    b.add(phaseOf(c.ns), c.ns, linkSet(f.name, { up: false }), {
      action: 'modify',
      rank: RANK.settings,
      reason: `${where(c.ns, f.name)} is up in the lab's namespace ${c.ns} but was not made by netplumb for this lab: its addresses and routes would count in the lab's routing, so it is set down, not deleted`,
      target: { kind: 'interface', name: where(c.ns, f.name), nodeId: desired.nsNodes.get(c.ns) },
      undoOp: linkSet(f.name, { up: true }),
    });
  }
}
