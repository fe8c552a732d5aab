/**
 * The one place where an operation becomes a command: the words of its
 * `ip`/`bridge`/`tc` batch line (or of its `sysctl` call), the full argv
 * shown to the user and run alone, and the batch line the executor feeds to
 * `<tool> [-n NS] -batch -` when the batch reader gives its words back
 * exactly. Pure; nothing reads these words back to learn what a change does.
 */
import { family } from '../util/ip';
import type { KNetem } from './kstate';
import { batchable, fullArgv } from './argv';
import {
  routeDest,
  toolOf,
  type BridgeOpts,
  type NetemSpec,
  type Op,
  type PortOpts,
  type RouteSpec,
  type VethEnd,
} from './op';

/** Bridge attributes as `ip link` type arguments, in a fixed order. */
function bridgeWords(o: BridgeOpts): string[] {
  return [
    ...(o.stp !== undefined ? ['stp_state', o.stp ? '1' : '0'] : []),
    ...(o.vlanFiltering !== undefined ? ['vlan_filtering', o.vlanFiltering ? '1' : '0'] : []),
    ...(o.defaultPvid !== undefined ? ['vlan_default_pvid', String(o.defaultPvid)] : []),
  ];
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

function portWords(o: PortOpts): string[] {
  return [
    ...(o.state !== undefined ? ['state', String(o.state)] : []),
    ...Object.entries(o.flags ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [k, onOff(v)])),
  ];
}

function vethSide(e: VethEnd): string[] {
  return [
    'name',
    e.name,
    ...(e.netns === '' ? [] : ['netns', e.netns]),
    ...(e.mtu !== undefined ? ['mtu', String(e.mtu)] : []),
    ...(e.mac ? ['address', e.mac] : []),
  ];
}

/** `link add name NAME [address MAC] type TYPE`: the start of a bridge's or another device's creation. */
function linkAdd(name: string, mac: string | undefined, type: string): string[] {
  return ['link', 'add', 'name', name, ...(mac ? ['address', mac] : []), 'type', type];
}

function routeWords(r: RouteSpec): string[] {
  return [
    ...(r.type ? [r.type] : []),
    routeDest(r),
    ...(r.tos !== undefined ? ['tos', r.tos] : []),
    // A route through a nexthop object is named by it: its via and dev are the object's.
    ...(r.nhid !== undefined ? ['nhid', String(r.nhid)] : []),
    ...(r.via && r.nhid === undefined ? ['via', r.via] : []),
    ...(r.dev && r.nhid === undefined ? ['dev', r.dev] : []),
    ...(r.metric !== undefined ? ['metric', String(r.metric)] : []),
    ...(r.proto ? ['proto', r.proto] : []),
    ...(r.src ? ['src', r.src] : []),
  ];
}

/** netem arguments of a qdisc line (`clearRate`: `rate 0bit`, see {@link netemSpec}). */
function netemWords(n: NetemSpec): string[] {
  const out = ['netem'];
  if (n.delayMs !== undefined)
    out.push('delay', `${n.delayMs}ms`, ...(n.jitterMs !== undefined ? [`${n.jitterMs}ms`] : []));
  if (n.lossPercent !== undefined) out.push('loss', `${n.lossPercent}%`);
  if (n.rateKbit !== undefined) out.push('rate', `${n.rateKbit}kbit`);
  else if (n.clearRate) out.push('rate', '0bit');
  return out;
}

/**
 * The netem parameters that turn `from` into `n`. `replace` resets delay,
 * jitter and loss but keeps a previous rate unless one is given: when `from`
 * had a rate and `n` has none, the rate is cleared (checked on Debian's 6.1 kernel).
 */
export function netemSpec(n: KNetem, from?: KNetem): NetemSpec {
  return { ...n, ...(n.rateKbit === undefined && from?.rateKbit !== undefined ? { clearRate: true } : {}) };
}

/** tc netem arguments for a qdisc line (see {@link netemSpec}). */
export const netemArgs = (n: KNetem, from?: KNetem): string[] => netemWords(netemSpec(n, from));

/**
 * The words of an operation after its program's name (for ip, bridge and
 * tc: one batch line, without `-n NS`; for sysctl: its arguments).
 */
export function renderLine(op: Op): string[] {
  switch (op.op) {
    case 'netns-add':
      return ['netns', 'add', op.name];
    case 'netns-delete':
      return ['netns', 'delete', op.name];
    case 'veth-add':
      return ['link', 'add', ...vethSide(op.a), 'type', 'veth', 'peer', ...vethSide(op.b)];
    case 'bridge-add':
      return [...linkAdd(op.name, op.mac, 'bridge'), ...bridgeWords(op.bridge)];
    case 'link-add':
      return [...linkAdd(op.name, op.mac, op.type), ...op.params.flatMap((p) => [p.key, p.value])];
    case 'link-delete':
      return ['link', 'delete', 'dev', op.dev];
    case 'link-set':
      return [
        'link',
        'set',
        'dev',
        op.dev,
        ...(op.alias !== undefined ? ['alias', op.alias] : []),
        ...(op.mtu !== undefined ? ['mtu', String(op.mtu)] : []),
        ...(op.mac !== undefined ? ['address', op.mac] : []),
        ...(op.master === null ? ['nomaster'] : op.master !== undefined ? ['master', op.master] : []),
        ...(op.arp !== undefined ? ['arp', onOff(op.arp)] : []),
        ...(op.up !== undefined ? [op.up ? 'up' : 'down'] : []),
        ...(op.bridge ? ['type', 'bridge', ...bridgeWords(op.bridge)] : []),
        ...(op.port ? ['type', 'bridge_slave', ...portWords(op.port)] : []),
      ];
    case 'address-add':
      // IPv6 addresses skip duplicate address detection: a lab has no
      // duplicates (validation), and DAD delays reachability by seconds.
      return [
        'address',
        'add',
        op.cidr,
        'dev',
        op.dev,
        ...(family(op.cidr) === 6 ? ['nodad'] : []),
        ...(op.noprefixroute ? ['noprefixroute'] : []),
      ];
    case 'address-delete':
      return ['address', 'delete', op.cidr, 'dev', op.dev];
    case 'route-replace':
      return ['route', 'replace', ...routeWords(op.route)];
    case 'route-delete':
      return ['route', 'delete', ...routeWords(op.route)];
    case 'rule-add':
    case 'rule-delete':
      return [
        'rule',
        op.op === 'rule-add' ? 'add' : 'delete',
        'pref',
        String(op.rule.pref),
        ...op.rule.words,
        ...(op.rule.proto ? ['protocol', op.rule.proto] : []),
      ];
    case 'table-route-add':
      return ['route', 'add', ...op.route.words, ...(op.route.extra ?? [])];
    case 'table-route-delete':
      return ['route', 'delete', ...op.route.words];
    case 'neigh-add':
      return ['neigh', 'replace', op.addr, 'lladdr', op.lladdr, 'dev', op.dev, 'nud', 'permanent'];
    case 'neigh-delete':
      return ['neigh', 'delete', op.addr, 'dev', op.dev];
    case 'sysctl-write':
      return ['-q', '-w', ...op.values.map((v) => `${v.key}=${v.value}`)];
    case 'vlan-add':
      return [
        'vlan',
        'add',
        'vid',
        String(op.vid),
        'dev',
        op.dev,
        ...(op.pvid ? ['pvid'] : []),
        ...(op.untagged ? ['untagged'] : []),
      ];
    case 'vlan-delete':
      return ['vlan', 'del', 'vid', String(op.vid), 'dev', op.dev];
    case 'qdisc-replace':
      return ['qdisc', 'replace', 'dev', op.dev, 'root', ...netemWords(op.netem)];
    case 'qdisc-delete':
      return ['qdisc', 'delete', 'dev', op.dev, 'root'];
    case 'neigh-flush':
      return ['neigh', 'flush', 'to', op.addr];
  }
}

/**
 * The command of `op` in `ns`, and its batch line when it has one: sysctl
 * has no batch mode, and a line whose words the batch reader would not give
 * back exactly (a name read from the kernel with "#" or quotes) runs alone.
 */
export function renderCommand(op: Op, ns: string): { argv: string[]; batch?: string[] } {
  const line = renderLine(op);
  const argv = fullArgv(toolOf(op), ns, line);
  return toolOf(op) !== 'sysctl' && batchable(line) ? { argv, batch: line } : { argv };
}
