/**
 * An in-memory model of the kernel: interprets the exact command a plan's
 * change runs against a KState, including the side effects the planner must
 * account for (deleting a namespace destroys its veth pairs; a link going down
 * or losing an address drops the routes through it; a new port on a
 * VLAN-filtering bridge gets the default PVID). Throws like the kernel on
 * impossible steps. Pure; used by the planner's tests and by the demo API
 * (renderer/api/demo-kernel.ts), which runs the real planner against it.
 */
import { contains, family, canonicalCidr } from '../util/ip';
import type { Change } from './change';
import { type KIface, type KNamespace, type KRoute, type KState, ROOT_NS } from './kstate';

export class SimError extends Error {}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const newNs = (name: string): KNamespace => ({
  name,
  sysctls: {},
  ifaces: { lo: { name: 'lo', kind: 'loopback', up: false, addresses: [] } },
  routes: [],
});

/** The command a change runs, as the kernel model reads it (the one place it is read). */
const commandOf = (c: Change): readonly string[] => c.argv;

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
      step(s, commandOf(changes[i]));
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      return { failedStep: i, error: e.message };
    }
  }
  // As the live reader does: a namespace's mark is the alias of its lo.
  for (const n of Object.values(s.namespaces)) {
    if (n.name === ROOT_NS) continue;
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
/** Keywords followed by a value: a value equal to a keyword (a namespace named "type") is not a keyword. */
const TAKES_VALUE = new Set([
  'name',
  'dev',
  'netns',
  'address',
  'mtu',
  'type',
  'master',
  'alias',
  'via',
  'metric',
  'vid',
  'stp_state',
  'vlan_filtering',
  'vlan_default_pvid',
  'delay',
  'loss',
  'rate',
]);
/** Index of keyword `key` in args, skipping the values of other keywords. */
function kwIndex(args: string[], key: string): number {
  for (let k = 0; k < args.length; k++) {
    if (args[k] === key) return k;
    if (TAKES_VALUE.has(args[k])) k++;
  }
  return -1;
}
function opt(args: string[], key: string): string | undefined {
  const i = kwIndex(args, key);
  return i >= 0 ? args[i + 1] : undefined;
}

function dropRoutesThrough(n: KNamespace, devName: string) {
  n.routes = n.routes.filter((r) => {
    if (r.dev === devName) return false;
    return true;
  });
}
function reachable(n: KNamespace, via: string): string | undefined {
  for (const i of Object.values(n.ifaces))
    if (i.up && i.addresses.some((a) => contains(canonicalCidr(a)!, via))) return i.name;
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

/** One command. */
export function step(s: KState, argv: readonly string[]): void {
  const a = [...argv];
  if (a[0] === 'ip' && a[1] === 'netns' && a[2] === 'exec') {
    const n = ns(s, a[3]);
    for (const kv of a.slice(7)) {
      const [k, v] = kv.split('=');
      n.sysctls[k] = v;
    }
    return;
  }
  const tool = a.shift()!;
  let nsName = ROOT_NS;
  if (a[0] === '-n') {
    nsName = a[1];
    a.splice(0, 2);
  }
  if (tool === 'ip') return ipStep(s, nsName, a);
  if (tool === 'bridge') return bridgeStep(s, nsName, a);
  if (tool === 'tc') return tcStep(s, nsName, a);
  throw new SimError(`unknown tool ${tool}`);
}

function ipStep(s: KState, nsName: string, a: string[]): void {
  const [obj, op] = a;
  if (obj === 'netns') {
    const name = a[2];
    if (op === 'add') {
      if (s.namespaces[name])
        throw new SimError(`Cannot create namespace file "/run/netns/${name}": File exists`);
      s.namespaces[name] = newNs(name);
    } else if (op === 'delete') {
      ns(s, name);
      for (const [otherName, other] of Object.entries(s.namespaces)) {
        if (otherName === name) continue;
        for (const i of Object.values(other.ifaces))
          if (i.kind === 'veth' && i.peer?.ns === name) removeIface(s, otherName, i.name);
      }
      delete s.namespaces[name];
    }
    return;
  }
  const n = ns(s, nsName);
  if (obj === 'link' && op === 'add') {
    const typeAt = kwIndex(a, 'type');
    const first = a.slice(2, typeAt);
    const kind = a[typeAt + 1];
    const mk = (part: string[], base: string): { ns: string; iface: KIface } => {
      const name = opt(part, 'name')!;
      const where = opt(part, 'netns') ?? base;
      const target = ns(s, where);
      if (target.ifaces[name]) throw new SimError('RTNETLINK answers: File exists');
      if (new TextEncoder().encode(name).length > 15) throw new SimError('Error: argument is too long');
      const mtu = opt(part, 'mtu');
      const mac = opt(part, 'address');
      return {
        ns: where,
        iface: {
          name,
          kind: kind === 'bridge' ? 'bridge' : 'veth',
          up: false,
          addresses: [],
          mtu: mtu ? Number(mtu) : 1500,
          ...(mac ? { mac } : {}),
        },
      };
    };
    if (kind === 'veth') {
      const peerAt = kwIndex(a, 'peer');
      const x = mk(first, nsName);
      const y = mk(a.slice(peerAt + 1), nsName);
      if (x.ns === y.ns && x.iface.name === y.iface.name)
        throw new SimError('RTNETLINK answers: File exists');
      x.iface.peer = { ns: y.ns, name: y.iface.name };
      y.iface.peer = { ns: x.ns, name: x.iface.name };
      ns(s, x.ns).ifaces[x.iface.name] = x.iface;
      ns(s, y.ns).ifaces[y.iface.name] = y.iface;
    } else if (kind === 'bridge') {
      const x = mk(first, nsName);
      const rest = a.slice(typeAt + 2);
      x.iface.bridge = {
        stp: opt(rest, 'stp_state') === '1',
        vlanFiltering: opt(rest, 'vlan_filtering') === '1',
        defaultPvid: Number(opt(rest, 'vlan_default_pvid') ?? 1),
      };
      n.ifaces[x.iface.name] = x.iface;
    } else throw new SimError(`Unknown device type ${kind}`);
    return;
  }
  if (obj === 'link' && op === 'delete') return removeIface(s, nsName, opt(a, 'dev')!);
  if (obj === 'link' && op === 'set') {
    const i = dev(n, opt(a, 'dev')!);
    const rest = a.slice(4);
    for (let k = 0; k < rest.length; k++) {
      const w = rest[k];
      if (w === 'up') i.up = true;
      else if (w === 'down') {
        i.up = false;
        dropRoutesThrough(n, i.name);
      } else if (w === 'alias') i.mark = rest[++k] || undefined;
      else if (w === 'mtu') i.mtu = Number(rest[++k]);
      else if (w === 'address') i.mac = rest[++k];
      else if (w === 'nomaster') {
        delete i.master;
        delete i.vlans;
      } else if (w === 'master') {
        const br = dev(n, rest[++k]);
        if (br.kind !== 'bridge') throw new SimError('not a bridge');
        i.master = br.name;
        // The kernel gives a new port the default PVID; it is visible (and read) only with VLAN filtering on.
        if (br.bridge?.vlanFiltering)
          i.vlans = { pvid: br.bridge.defaultPvid, untagged: [br.bridge.defaultPvid], tagged: [] };
        else delete i.vlans;
      } else if (w === 'type') {
        const opts = rest.slice(k + 2);
        if (!i.bridge) throw new SimError('not a bridge');
        if (opt(opts, 'stp_state') !== undefined) i.bridge.stp = opt(opts, 'stp_state') === '1';
        if (opt(opts, 'vlan_filtering') !== undefined) {
          i.bridge.vlanFiltering = opt(opts, 'vlan_filtering') === '1';
          for (const p of Object.values(n.ifaces)) {
            if (p.master !== i.name) continue;
            if (!i.bridge.vlanFiltering) delete p.vlans;
            else p.vlans ??= { pvid: i.bridge.defaultPvid, untagged: [i.bridge.defaultPvid], tagged: [] };
          }
        }
        if (opt(opts, 'vlan_default_pvid') !== undefined)
          i.bridge.defaultPvid = Number(opt(opts, 'vlan_default_pvid'));
        break;
      } else throw new SimError(`unknown link setting ${w}`);
    }
    return;
  }
  if (obj === 'address') {
    const cidr = canonicalCidr(a[2])!;
    const i = dev(n, opt(a, 'dev')!);
    if (op === 'add') {
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
  if (obj === 'route') {
    const to = a[2] === '::/0' ? 'default' : a[2];
    const via = opt(a, 'via');
    const fam = (via ? family(via) : to === 'default' ? (a[2] === '::/0' ? 6 : 4) : family(to)) ?? 4;
    const metric = opt(a, 'metric');
    const r: KRoute = {
      to,
      family: fam,
      ...(via ? { via } : {}),
      ...(metric ? { metric: Number(metric) } : {}),
    };
    const same = (x: KRoute) => x.family === r.family && x.to === r.to && (x.metric ?? 0) === (r.metric ?? 0);
    if (op === 'replace') {
      const d = opt(a, 'dev') ?? (via ? reachable(n, via) : undefined);
      if (!d) throw new SimError('RTNETLINK answers: Network is unreachable');
      if (!n.ifaces[d]?.up) throw new SimError('RTNETLINK answers: Network is down');
      n.routes = [...n.routes.filter((x) => !same(x)), { ...r, dev: d }];
    } else {
      const before = n.routes.length;
      n.routes = n.routes.filter((x) => !(same(x) && (!via || x.via === via)));
      if (n.routes.length === before) throw new SimError('RTNETLINK answers: No such process');
    }
    return;
  }
  throw new SimError(`unsupported ip command: ${a.join(' ')}`);
}

function bridgeStep(s: KState, nsName: string, a: string[]): void {
  const n = ns(s, nsName);
  const i = dev(n, opt(a, 'dev')!);
  const vid = Number(opt(a, 'vid'));
  const v = (i.vlans ??= { untagged: [], tagged: [] });
  v.untagged = v.untagged.filter((x) => x !== vid);
  v.tagged = v.tagged.filter((x) => x !== vid);
  if (v.pvid === vid) delete v.pvid;
  if (a[1] === 'add') {
    if (kwIndex(a, 'untagged') >= 0) v.untagged = [...v.untagged, vid].sort((x, y) => x - y);
    else v.tagged = [...v.tagged, vid].sort((x, y) => x - y);
    if (kwIndex(a, 'pvid') >= 0) v.pvid = vid;
  }
}

function tcStep(s: KState, nsName: string, a: string[]): void {
  const i = dev(ns(s, nsName), opt(a, 'dev')!);
  if (a[1] === 'delete') {
    if (!i.netem) throw new SimError('Error: Cannot delete qdisc with handle of zero.');
    delete i.netem;
    return;
  }
  const ms = (x?: string) => (x === undefined ? undefined : parseFloat(x));
  const delayAt = kwIndex(a, 'delay');
  i.netem = {
    ...(delayAt >= 0 ? { delayMs: ms(a[delayAt + 1]) } : {}),
    ...(delayAt >= 0 && a[delayAt + 2]?.endsWith('ms') ? { jitterMs: ms(a[delayAt + 2]) } : {}),
    ...(kwIndex(a, 'loss') >= 0 ? { lossPercent: parseFloat(opt(a, 'loss')!) } : {}),
    // `rate 0bit` clears a rate (the kernel keeps an old rate otherwise).
    ...(kwIndex(a, 'rate') >= 0 && parseFloat(opt(a, 'rate')!) > 0
      ? { rateKbit: parseFloat(opt(a, 'rate')!) }
      : i.netem?.rateKbit !== undefined && kwIndex(a, 'rate') < 0
        ? { rateKbit: i.netem.rateKbit }
        : {}),
  };
}
