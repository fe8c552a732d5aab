/**
 * An in-memory model of the kernel: carries out each change's operation (the
 * data its commands are rendered from) on a KState, including the side effects the planner must
 * account for (deleting a namespace destroys its veth pairs; a link going down
 * or losing an address drops the routes through it; a new port on a
 * VLAN-filtering bridge gets the default PVID). Throws like the kernel on
 * impossible steps. Pure; used by the planner's tests and by the demo API
 * (renderer/api/demo-kernel.ts), which runs the real planner against it.
 */
import { contains, family, canonicalCidr } from '../util/ip';
import type { Change } from './change';
import {
  type KIface,
  type KNamespace,
  type KRoute,
  type KState,
  type KRule,
  type KTableRoute,
  LOOPBACK_OWN,
  LOOPBACK_OWN_FLAGS,
  PORT_FLAG_DEFAULTS,
  PORT_STATES,
  ROOT_NS,
  RULE_DEFAULTS,
  sameRule,
  sameTableRoute,
} from './kstate';
import { routeDest, type Op, type PortOpts, type RouteSpec, type VethEnd } from './op';
import { connectedRoutes, localRoutes } from './connected';

export class SimError extends Error {}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const newNs = (name: string): KNamespace => ({
  name,
  sysctls: {},
  ifaces: { lo: { name: 'lo', kind: 'loopback', up: false, addresses: [] } },
  routes: [],
});

/** Applies changes in order to a copy of `state`; returns the new state. Throws SimError like the kernel. */
export function simulate(state: KState, changes: readonly Change[]): KState {
  const r = trySimulate(state, changes);
  if ('error' in r) throw new SimError(r.error);
  return r.state;
}

/** The outcome of running changes on the model: the new state, or the first step the kernel refused. */
export type SimOutcome = { state: KState } | { failedStep: number; error: string };

/**
 * Applies changes in order to a copy of `state`, stopping at the first one
 * the kernel would refuse (its index and the kernel's words); `state` itself
 * is never changed, so a failed run leaves the model as it was.
 */
export function trySimulate(state: KState, changes: readonly Change[]): SimOutcome {
  const s = clone(state);
  for (let i = 0; i < changes.length; i++) {
    try {
      step(s, changes[i].op, changes[i].ns);
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      return { failedStep: i, error: e.message };
    }
  }
  // As the live reader does: a namespace's mark is the alias of its lo; the routes the kernel
  // makes for addresses are not read, and one is lost only while its interface is up with the address.
  for (const n of Object.values(s.namespaces)) {
    if (n.name === ROOT_NS) continue;
    const made = (r: KRoute) =>
      r.dev !== undefined && !!n.ifaces[r.dev] && connectedRoutes(n.ifaces[r.dev]).some((x) => x.to === r.to);
    n.routes = n.routes.filter((r) => r.proto !== 'kernel' || !made(r));
    n.lostRoutes = n.lostRoutes?.filter((r) => made(r) && n.ifaces[r.dev!].up);
    if (!n.lostRoutes?.length) delete n.lostRoutes;
    // A local route is lost only while its address is there (deleting the address takes the rest).
    const own = Object.values(n.ifaces).flatMap(localRoutes);
    n.lostLocal = n.lostLocal?.filter((r) => own.some((x) => sameTableRoute(x, r)));
    if (!n.lostLocal?.length) delete n.lostLocal;
    if (!n.tableRoutes?.length) delete n.tableRoutes;
    if (n.ifaces.lo?.mark) n.mark = n.ifaces.lo.mark;
    else delete n.mark;
  }
  return { state: s };
}

function ns(s: KState, name: string): KNamespace {
  const n = s.namespaces[name];
  if (!n) throw new SimError(`Cannot open network namespace "${name}": No such file or directory`);
  return n;
}
function dev(n: KNamespace, name: string): KIface {
  const i = n.ifaces[name];
  if (!i) throw new SimError(`Cannot find device "${name}"`);
  return i;
}
function dropRoutesThrough(n: KNamespace, devName: string) {
  n.routes = n.routes.filter((r) => {
    if (r.dev === devName) return false;
    return true;
  });
  n.tableRoutes = n.tableRoutes?.filter((r) => r.dev !== devName);
}
function reachable(n: KNamespace, via: string): string | undefined {
  for (const i of Object.values(n.ifaces))
    if (i.up && i.addresses.some((a) => contains(canonicalCidr(a)!, via))) return i.name;
  // Or inside a route through an up interface without a next hop (the kernel makes it with scope link).
  for (const r of n.routes)
    if (!r.via && !r.type && r.dev && n.ifaces[r.dev]?.up && r.to !== 'default' && contains(r.to, via))
      return r.dev;
  return undefined;
}
function removeIface(s: KState, nsName: string, name: string) {
  const n = ns(s, nsName);
  const i = dev(n, name);
  delete n.ifaces[name];
  dropRoutesThrough(n, name);
  for (const other of Object.values(n.ifaces)) if (other.master === name) delete other.master;
  const peerName = i.peer?.name;
  if (i.kind === 'veth' && i.peer && peerName !== undefined && s.namespaces[i.peer.ns]?.ifaces[peerName]) {
    const pn = s.namespaces[i.peer.ns];
    delete pn.ifaces[peerName];
    dropRoutesThrough(pn, peerName);
  }
}

/** One change: operation `op` run in namespace `nsName`, as the kernel would carry it out. */
export function step(s: KState, op: Op, nsName: string): void {
  switch (op.op) {
    case 'sysctl-write': {
      const n = ns(s, nsName);
      for (const { key, value } of op.values) {
        // A per-interface key set back to the namespace's `all` value is no longer read as set by hand.
        const i = Object.values(n.ifaces).find((x) => x.sysctls?.[key]);
        const c = n.confDrift?.[key];
        if (c) {
          if (c.want === value) delete n.confDrift![key];
          else c.have = value;
          if (!Object.keys(n.confDrift!).length) delete n.confDrift;
        }
        if (!i) n.sysctls[key] = value;
        else if (i.sysctls![key].want === value) {
          delete i.sysctls![key];
          if (!Object.keys(i.sysctls!).length) delete i.sysctls;
        } else i.sysctls![key] = { ...i.sysctls![key], have: value };
      }
      return;
    }
    case 'netns-add':
      if (s.namespaces[op.name])
        throw new SimError(`Cannot create namespace file "/run/netns/${op.name}": File exists`);
      s.namespaces[op.name] = newNs(op.name);
      return;
    case 'netns-delete':
      ns(s, op.name);
      for (const [otherName, other] of Object.entries(s.namespaces)) {
        if (otherName === op.name) continue;
        for (const i of Object.values(other.ifaces))
          if (i.kind === 'veth' && i.peer?.ns === op.name) removeIface(s, otherName, i.name);
      }
      delete s.namespaces[op.name];
      return;
    case 'veth-add': {
      const x = newLink(s, 'veth', op.a, nsName);
      const y = newLink(s, 'veth', op.b, nsName);
      if (x.ns === y.ns && x.iface.name === y.iface.name)
        throw new SimError('RTNETLINK answers: File exists');
      x.iface.peer = { ns: y.ns, name: y.iface.name };
      y.iface.peer = { ns: x.ns, name: x.iface.name };
      ns(s, x.ns).ifaces[x.iface.name] = x.iface;
      ns(s, y.ns).ifaces[y.iface.name] = y.iface;
      return;
    }
    case 'bridge-add': {
      const x = newLink(
        s,
        'bridge',
        { name: op.name, netns: '', ...(op.mac ? { mac: op.mac } : {}) },
        nsName,
      );
      x.iface.bridge = {
        stp: op.bridge.stp ?? false,
        vlanFiltering: op.bridge.vlanFiltering ?? false,
        defaultPvid: op.bridge.defaultPvid ?? 1,
      };
      ns(s, nsName).ifaces[x.iface.name] = x.iface;
      return;
    }
    case 'link-add': {
      // The kinds made this way are the link kinds' (op.ts checks the word; the kernel refuses others).
      const x = newLink(
        s,
        op.type as KIface['kind'],
        { name: op.name, netns: '', ...(op.mac ? { mac: op.mac } : {}) },
        nsName,
      );
      x.iface.params = op.params.map((p) => ({ ...p }));
      ns(s, nsName).ifaces[x.iface.name] = x.iface;
      return;
    }
    case 'link-delete':
      return removeIface(s, nsName, op.dev);
    case 'link-set':
      return linkSet(ns(s, nsName), op);
    case 'address-add':
    case 'address-delete': {
      const n = ns(s, nsName);
      const cidr = canonicalCidr(op.cidr)!;
      const i = dev(n, op.dev);
      // The loopback's own addresses are not read as addresses: only whether one is missing (lostOwn, lostOwn6).
      const own =
        i.kind === 'loopback' ? LOOPBACK_OWN_FLAGS.find((f) => LOOPBACK_OWN[f] === cidr) : undefined;
      if (own && (i.up || i[own])) {
        if ((op.op === 'address-add') === !i[own])
          throw new SimError(
            op.op === 'address-add'
              ? 'RTNETLINK answers: File exists'
              : 'RTNETLINK answers: Cannot assign requested address',
          );
        if (op.op === 'address-add') delete i[own];
        else i[own] = true;
        return;
      }
      if (op.op === 'address-add') {
        if (i.addresses.includes(cidr)) throw new SimError('RTNETLINK answers: File exists');
        i.addresses = [...i.addresses, cidr].sort();
      } else {
        if (!i.addresses.includes(cidr))
          throw new SimError('RTNETLINK answers: Cannot assign requested address');
        i.addresses = i.addresses.filter((x) => x !== cidr);
        n.routes = n.routes.filter((r) => !r.via || reachable(n, r.via));
      }
      return;
    }
    case 'route-replace':
    case 'route-delete':
      return routeStep(ns(s, nsName), op.op === 'route-replace', op.route);
    case 'vlan-add':
    case 'vlan-delete': {
      const i = dev(ns(s, nsName), op.dev);
      const vid = op.vid;
      const v = (i.vlans ??= { untagged: [], tagged: [] });
      v.untagged = v.untagged.filter((x) => x !== vid);
      v.tagged = v.tagged.filter((x) => x !== vid);
      if (v.pvid === vid) delete v.pvid;
      if (op.op === 'vlan-add') {
        if (op.untagged) v.untagged = [...v.untagged, vid].sort((x, y) => x - y);
        else v.tagged = [...v.tagged, vid].sort((x, y) => x - y);
        if (op.pvid) v.pvid = vid;
      }
      return;
    }
    case 'qdisc-delete': {
      const i = dev(ns(s, nsName), op.dev);
      if (!i.netem && !i.rootQdisc) throw new SimError('Error: Cannot delete qdisc with handle of zero.');
      delete i.netem;
      delete i.rootQdisc;
      return;
    }
    case 'qdisc-replace': {
      const i = dev(ns(s, nsName), op.dev);
      const n = op.netem;
      delete i.rootQdisc; // replace puts netem in place of any root qdisc
      // `rate 0bit` clears a rate; without a rate the kernel keeps an old one.
      const rateGiven = n.rateKbit !== undefined || n.clearRate === true;
      i.netem = {
        ...(n.delayMs !== undefined ? { delayMs: n.delayMs } : {}),
        ...(n.delayMs !== undefined && n.jitterMs !== undefined ? { jitterMs: n.jitterMs } : {}),
        ...(n.lossPercent !== undefined ? { lossPercent: n.lossPercent } : {}),
        ...(rateGiven && (n.rateKbit ?? 0) > 0
          ? { rateKbit: n.rateKbit }
          : !rateGiven && i.netem?.rateKbit !== undefined
            ? { rateKbit: i.netem.rateKbit }
            : {}),
      };
      return;
    }
    case 'neigh-flush':
      // Neighbour entries that come and go are not part of the state a plan compares; the namespace must exist.
      ns(s, nsName);
      return;
    case 'neigh-add':
    case 'neigh-delete': {
      const n = ns(s, nsName);
      dev(n, op.dev);
      const rest = (n.neighs ?? []).filter((x) => !(x.addr === op.addr && x.dev === op.dev));
      if (op.op === 'neigh-delete' && rest.length === (n.neighs ?? []).length)
        throw new SimError('RTNETLINK answers: No such file or directory');
      n.neighs = op.op === 'neigh-add' ? [...rest, { addr: op.addr, dev: op.dev, lladdr: op.lladdr }] : rest;
      if (!n.neighs.length) delete n.neighs;
      return;
    }
    case 'rule-add':
    case 'rule-delete':
      return ruleStep(ns(s, nsName), op.op === 'rule-add', op.rule);
    case 'table-route-add':
    case 'table-route-delete':
      return tableRouteStep(ns(s, nsName), op.op === 'table-route-add', op.route);
  }
}

/**
 * `ip route add` / `delete` of exactly one route of another table than main;
 * the kernel's own local routes of addresses are kept apart (lostLocal when gone).
 */
function tableRouteStep(n: KNamespace, add: boolean, r: KTableRoute): void {
  if (r.dev !== undefined) dev(n, r.dev);
  const own = Object.values(n.ifaces)
    .flatMap(localRoutes)
    .some((x) => sameTableRoute(x, r));
  const lost = (n.lostLocal ?? []).some((x) => sameTableRoute(x, r));
  const hand = (n.tableRoutes ?? []).some((x) => sameTableRoute(x, r));
  const present = hand || (own && !lost);
  if (add && present) throw new SimError('RTNETLINK answers: File exists');
  if (!add && !present) throw new SimError('RTNETLINK answers: No such process');
  if (own) {
    n.lostLocal = add
      ? (n.lostLocal ?? []).filter((x) => !sameTableRoute(x, r))
      : [...(n.lostLocal ?? []), r];
    if (!n.lostLocal.length) delete n.lostLocal;
    return;
  }
  n.tableRoutes = add
    ? [...(n.tableRoutes ?? []), r]
    : (n.tableRoutes ?? []).filter((x) => !sameTableRoute(x, r));
  if (!n.tableRoutes.length) delete n.tableRoutes;
}

/** `ip rule add` / `delete` of exactly one rule; the kernel's own three are kept apart (lostRules when gone). */
function ruleStep(n: KNamespace, add: boolean, r: KRule): void {
  const own = RULE_DEFAULTS.some((d) => sameRule(d, r));
  const list = own ? (n.lostRules ?? []) : (n.rules ?? []);
  const has = list.some((x) => sameRule(x, r));
  // For the kernel's own rules, lostRules lists the missing ones: adding removes from it.
  const present = own ? !has : has;
  if (!add && !present) throw new SimError('RTNETLINK answers: No such file or directory');
  const rest = list.filter((x) => !sameRule(x, r));
  const next = add === !own ? [...rest, r] : rest;
  if (own) n.lostRules = next;
  else n.rules = next;
  if (!n.lostRules?.length) delete n.lostRules;
  if (!n.rules?.length) delete n.rules;
}

/** A new interface (veth end or bridge) in its namespace, refused like the kernel refuses it. */
function newLink(s: KState, kind: KIface['kind'], e: VethEnd, base: string): { ns: string; iface: KIface } {
  const where = e.netns === ROOT_NS ? base : e.netns;
  const target = ns(s, where);
  if (target.ifaces[e.name]) throw new SimError('RTNETLINK answers: File exists');
  if (new TextEncoder().encode(e.name).length > 15) throw new SimError('Error: argument is too long');
  return {
    ns: where,
    iface: {
      name: e.name,
      kind,
      up: false,
      addresses: [],
      mtu: e.mtu ?? 1500,
      ...(e.mac ? { mac: e.mac } : {}),
    },
  };
}

/** `ip link set`: its settings in the order they are written. */
function linkSet(n: KNamespace, op: Extract<Op, { op: 'link-set' }>): void {
  const i = dev(n, op.dev);
  if (op.alias !== undefined) i.mark = op.alias || undefined;
  // A namespace's mark is the alias of its lo (as the reader reads it).
  if (op.alias !== undefined && i.kind === 'loopback') n.mark = i.mark;
  if (op.mtu !== undefined) i.mtu = op.mtu;
  if (op.mac !== undefined) i.mac = op.mac;
  if (op.master !== undefined) {
    // A port leaves, or joins, with the kernel's port defaults.
    delete i.portFlags;
    delete i.portState;
  }
  if (op.master === null) {
    delete i.master;
    delete i.vlans;
  } else if (op.master !== undefined) {
    const br = dev(n, op.master);
    if (br.kind !== 'bridge') throw new SimError('not a bridge');
    i.master = br.name;
    // The kernel gives a new port the default PVID; it is visible (and read) only with VLAN filtering on.
    if (br.bridge?.vlanFiltering)
      i.vlans = { pvid: br.bridge.defaultPvid, untagged: [br.bridge.defaultPvid], tagged: [] };
    else delete i.vlans;
  }
  if (op.arp === true) delete i.arpOff;
  else if (op.arp === false) i.arpOff = true;
  if (op.up === true) {
    // Coming up, the kernel makes each address's routes again (fib_add_ifaddr), its local one too.
    if (!i.up) n.lostLocal = n.lostLocal?.filter((r) => r.dev !== i.name);
    if (!i.up) for (const f of LOOPBACK_OWN_FLAGS) delete i[f];
    i.up = true;
  } else if (op.up === false) {
    i.up = false;
    delete i.portState; // a port that is down is disabled, which is not read as hand-made
    for (const f of LOOPBACK_OWN_FLAGS) delete i[f]; // read only while up; coming up, the kernel gives them again
    dropRoutesThrough(n, i.name);
  }
  if (op.port) portSet(i, op.port);
  if (op.bridge) {
    const b = op.bridge;
    if (!i.bridge) throw new SimError('not a bridge');
    if (b.stp !== undefined) i.bridge.stp = b.stp;
    if (b.vlanFiltering !== undefined) {
      i.bridge.vlanFiltering = b.vlanFiltering;
      for (const p of Object.values(n.ifaces)) {
        if (p.master !== i.name) continue;
        if (!i.bridge.vlanFiltering) delete p.vlans;
        else p.vlans ??= { pvid: i.bridge.defaultPvid, untagged: [i.bridge.defaultPvid], tagged: [] };
      }
    }
    if (b.defaultPvid !== undefined) i.bridge.defaultPvid = b.defaultPvid;
  }
}

/** `type bridge_slave …`: the port's state and flags (those equal to a new port's are not kept). */
function portSet(i: KIface, o: PortOpts): void {
  if (!i.master) throw new SimError('Error: not a bridge port');
  if (o.state !== undefined) {
    if (o.state === 3) delete i.portState;
    else i.portState = PORT_STATES[o.state];
  }
  const flags: Record<string, boolean> = { ...i.portFlags };
  for (const [k, v] of Object.entries(o.flags ?? {})) if (v !== undefined) flags[k] = v;
  for (const [k, v] of Object.entries(flags)) if (PORT_FLAG_DEFAULTS[k] === v) delete flags[k];
  if (Object.keys(flags).length) i.portFlags = flags;
  else delete i.portFlags;
}

/** `ip route replace` / `delete`, with the destination as written (an IPv6 default without gateway is ::/0). */
function routeStep(n: KNamespace, replace: boolean, spec: RouteSpec): void {
  const dest = routeDest(spec);
  const to = dest === '::/0' ? 'default' : dest;
  const via = spec.via;
  // The kernel learns the family from the gateway or the prefix (batch lines carry no -6).
  const fam = (via ? family(via) : to === 'default' ? (dest === '::/0' ? 6 : 4) : family(to)) ?? 4;
  const r: KRoute = {
    to,
    family: fam,
    ...(spec.type ? { type: spec.type } : {}),
    ...(via ? { via } : {}),
    ...(spec.metric !== undefined ? { metric: spec.metric } : {}),
    ...(spec.tos !== undefined ? { tos: spec.tos } : {}),
    ...(spec.nhid !== undefined ? { nhid: spec.nhid } : {}),
  };
  // The kernel keeps one route per destination, metric and type of service.
  const same = (x: KRoute) =>
    x.family === r.family &&
    x.to === r.to &&
    (x.metric ?? 0) === (r.metric ?? 0) &&
    (x.tos ?? '') === (r.tos ?? '');
  if (spec.proto) r.proto = spec.proto;
  if (replace && spec.proto && spec.dev && n.ifaces[spec.dev]) {
    // A kernel route that an address of its interface makes is the kernel's own again (not read as a route).
    const i = n.ifaces[spec.dev];
    if (!i.up) throw new SimError('RTNETLINK answers: Network is down');
    n.routes = n.routes.filter((x) => !same(x));
    if (connectedRoutes(i).some((x) => x.to === r.to)) {
      n.lostRoutes = n.lostRoutes?.filter((x) => !(x.to === r.to && x.dev === spec.dev));
      if (!n.lostRoutes?.length) delete n.lostRoutes;
    } else n.routes = [...n.routes, { ...r, dev: spec.dev }];
  } else if (replace && spec.type) {
    // A blackhole (unreachable, …) route has no next hop and no device.
    n.routes = [...n.routes.filter((x) => !same(x)), r];
  } else if (replace) {
    const d = spec.dev ?? (via ? reachable(n, via) : undefined);
    if (!d) throw new SimError('RTNETLINK answers: Network is unreachable');
    if (!n.ifaces[d]?.up) throw new SimError('RTNETLINK answers: Network is down');
    n.routes = [...n.routes.filter((x) => !same(x)), { ...r, dev: d }];
  } else {
    const before = n.routes.length;
    n.routes = n.routes.filter((x) => !(same(x) && (!via || x.via === via)));
    if (n.routes.length === before) throw new SimError('RTNETLINK answers: No such process');
  }
}
