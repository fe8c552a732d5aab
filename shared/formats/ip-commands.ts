/**
 * The few iproute2 / sysctl command lines that lab files of other tools use
 * to configure a node (containerlab `exec:`, Kathará `.startup`), read into
 * model fields, and written back. Only exact, known forms are understood; any
 * other line is returned as unsupported so the importer can keep it as a note
 * and warn, never guessing.
 *
 * The shell words around a command are read by shell-lists, and the
 * commands of brctl and `bridge` by bridge-commands.
 */
import { canonicalCidr, family, parseIp } from '../util/ip';
import { bridgeOptions, bridgeVlanWords, brctlWords, type BridgeCommand } from './bridge-commands';
import { shellWords } from './shell-lists';

/** One understood command line. */
export type IpCommand =
  | { kind: 'addr'; dev: string; cidr: string }
  | { kind: 'route'; to: string; via?: string; dev?: string; metric?: number; v6: boolean }
  | { kind: 'link'; dev: string; up?: boolean; mtu?: number; mac?: string; master?: string | null }
  | { kind: 'sysctl'; key: string; value: string }
  /** Bridges, their ports and the ports' VLANs (bridge-commands). */
  | BridgeCommand;

const ADDR = new Set(['a', 'ad', 'add', 'addr', 'addre', 'addres', 'address']);
const ROUTE = new Set(['r', 'ro', 'rou', 'rout', 'route']);
const LINK = new Set(['l', 'li', 'lin', 'link']);
const ADD = new Set(['add', 'a', 'replace', 'change']);

const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** An address with an implied host prefix when none is given (as `ip` does). */
function withPrefix(addr: string): string | null {
  if (addr.includes('/')) return canonicalCidr(addr) ? addr : null;
  const f = family(addr);
  return f ? canonicalCidr(`${addr}/${f === 4 ? 32 : 128}`) : null;
}

function parseIpWords(w: string[]): IpCommand | null {
  let i = 1;
  let v6 = false;
  while (w[i]?.startsWith('-')) {
    if (w[i] === '-6') v6 = true;
    else if (w[i] !== '-4') return null;
    i++;
  }
  const obj = w[i++];
  if (ADDR.has(obj ?? '') && ADD.has(w[i] ?? '')) {
    i++;
    let cidr: string | null = null;
    let dev: string | undefined;
    let label: string | undefined;
    while (i < w.length) {
      const t = w[i++];
      if (t === 'dev') dev = w[i++];
      // `label eth1:1` names the address (net-tools shows it as an alias interface); the address is dev's.
      else if (t === 'label' && w[i] !== undefined && label === undefined) label = w[i++];
      else if ((t === 'brd' || t === 'broadcast') && w[i] !== undefined) i++;
      else if (t === 'local' && w[i] !== undefined && cidr === null) cidr = withPrefix(w[i++]);
      else if (cidr === null && !t.startsWith('-')) cidr = withPrefix(t);
      else return null;
    }
    if (!cidr || !dev) return null;
    // iproute2 refuses a label that does not start with the device's name ("dev" must match "label").
    if (label !== undefined && !label.startsWith(dev)) return null;
    return { kind: 'addr', dev, cidr };
  }
  if (ROUTE.has(obj ?? '') && ADD.has(w[i] ?? '')) {
    i++;
    let to: string | undefined;
    const r: { via?: string; dev?: string; metric?: number } = {};
    while (i < w.length) {
      const t = w[i++];
      const arg = w[i];
      if (t === 'via' && arg !== undefined) {
        if (!parseIp(arg)) return null;
        r.via = arg;
        i++;
      } else if (t === 'dev' && arg !== undefined) {
        r.dev = arg;
        i++;
      } else if ((t === 'metric' || t === 'preference' || t === 'priority') && /^\d+$/.test(arg ?? '')) {
        r.metric = Number(arg);
        i++;
      } else if (t === 'proto' && arg === 'static') i++;
      else if (t === 'onlink') continue;
      else if (to === undefined) {
        if (t === 'default' || t === '0.0.0.0/0' || t === '::/0') to = 'default';
        else {
          const c = withPrefix(t);
          if (!c) return null;
          to = c;
        }
      } else return null;
    }
    if (to === undefined || (r.via === undefined && r.dev === undefined)) return null;
    const fam6 =
      v6 ||
      (r.via !== undefined && family(r.via) === 6) ||
      (to !== 'default' && family(to.split('/')[0]) === 6);
    return { kind: 'route', to, ...r, v6: fam6 };
  }
  if (LINK.has(obj ?? '') && w[i] === 'add') return bridgeAdd(w.slice(i + 1));
  if (LINK.has(obj ?? '') && w[i] === 'set') {
    i++;
    const typed = w.findIndex((x, k) => k >= i && linkKeyword(x) === 'type');
    if (typed >= 0) return bridgeSet(w.slice(i, typed), w.slice(typed + 1));
    // iproute2 reads the settings and the device in any order: `dev X` anywhere, or the first
    // word that is no keyword (`ip link set up dev eth2` and `ip link set eth2 up` alike).
    let dev: string | undefined;
    const out: { up?: boolean; mtu?: number; mac?: string; master?: string | null } = {};
    let any = false;
    while (i < w.length) {
      const t = w[i++];
      const k = linkKeyword(t);
      if (k === 'up' || k === 'down') out.up = k === 'up';
      else if (k === 'mtu' && /^\d+$/.test(w[i] ?? '')) out.mtu = Number(w[i++]);
      else if (k === 'address' && MAC_RE.test(w[i] ?? '')) out.mac = w[i++].toLowerCase();
      // `master` takes the next word whatever it is, as iproute2 does.
      else if (k === 'master' && w[i] !== undefined && out.master === undefined) out.master = w[i++];
      else if (k === 'nomaster' && out.master === undefined) out.master = null;
      else if (t === 'dev' && dev === undefined && w[i]) {
        dev = w[i++];
        continue;
      } else if (dev === undefined && k === undefined) {
        dev = t;
        continue;
      } else return null;
      any = true;
    }
    return any && dev !== undefined ? { kind: 'link', dev, ...out } : null;
  }
  return null;
}

/**
 * How iproute2 reads a word of `ip link add|set` (ip/iplink.c iplink_parse):
 * these only when written in full…
 */
const LINK_EXACT = new Set([
  'up',
  'down',
  'name',
  'index',
  'brd',
  'qlen',
  'mtu',
  'xdp',
  'xdpgeneric',
  'xdpdrv',
  'xdpoffload',
  'netns',
  'multicast',
  'allmulticast',
  'promisc',
  'trailers',
  'arp',
  'carrier',
  'vf',
  'vrf',
  'group',
  'mode',
  'state',
  'protodown',
  'protodown_reason',
  'gso_max_size',
  'gso_max_segs',
  'gro_max_size',
  'parentdev',
]);
/** …these also abbreviated, in iproute2's order of tests (`a` is `address`, `m` is `master`, `h` asks for help). */
const LINK_PREFIXED = [
  'link',
  'address',
  'broadcast',
  'txqueuelen',
  'txqlen',
  'master',
  'nomaster',
  'dynamic',
  'type',
  'alias',
  'numtxqueues',
  'numrxqueues',
  'addrgenmode',
  'link-netnsid',
  'help',
];
/** The keyword iproute2 reads `word` as, or undefined: then it names the device. */
export function linkKeyword(word: string): string | undefined {
  if (word === '') return undefined;
  if (LINK_EXACT.has(word)) return word;
  return LINK_PREFIXED.find((k) => k.startsWith(word));
}
const bareName = (word: string | undefined): word is string =>
  word !== undefined && word !== '' && word !== 'dev' && linkKeyword(word) === undefined;

/** `ip link add [name|dev] NAME type bridge [OPTIONS]` (the words after `add`). */
function bridgeAdd(w: string[]): IpCommand | null {
  let name: string | undefined;
  let i = 0;
  if (w[i] === 'name' || w[i] === 'dev') name = w[++i] !== undefined ? w[i++] : undefined;
  else if (bareName(w[i])) name = w[i++];
  if (name === undefined || w[i] === undefined || linkKeyword(w[i]) !== 'type' || w[i + 1] !== 'bridge')
    return null;
  const opt = bridgeOptions(w.slice(i + 2));
  return opt ? { kind: 'bridge', name, ...opt } : null;
}

/** `ip link set [dev] NAME type bridge OPTIONS` (the words before and after `type`). */
function bridgeSet(before: string[], after: string[]): IpCommand | null {
  const name =
    before.length === 2 && before[0] === 'dev'
      ? before[1]
      : before.length === 1 && bareName(before[0])
        ? before[0]
        : undefined;
  if (name === undefined || after[0] !== 'bridge' || after.length < 2) return null;
  const opt = bridgeOptions(after.slice(1));
  return opt ? { kind: 'bridge-set', name, ...opt } : null;
}

/** Reads one command line; null when it is not one of the understood forms. */
export function parseIpCommand(line: string): IpCommand | null {
  const trimmed = line.trim();
  const echo = /^echo\s+(-?\d+)\s*>\s*\/proc\/sys\/([\w/.-]+)$/.exec(trimmed);
  if (echo) return { kind: 'sysctl', key: echo[2].replace(/\//g, '.'), value: echo[1] };
  let w = shellWords(trimmed);
  if (!w || w.length === 0) return null;
  if (w[0] === 'sudo') w = w.slice(1);
  if (w[0] === 'ip' || w[0] === '/sbin/ip' || w[0] === '/usr/sbin/ip' || w[0] === '/bin/ip')
    return parseIpWords(w);
  if (w[0] === 'brctl' || w[0] === '/sbin/brctl' || w[0] === '/usr/sbin/brctl') return brctlWords(w);
  if (w[0] === 'bridge' || w[0] === '/sbin/bridge' || w[0] === '/usr/sbin/bridge' || w[0] === '/bin/bridge')
    return bridgeVlanWords(w.slice(1));
  if (w[0] === 'sysctl' || w[0] === '/sbin/sysctl' || w[0] === '/usr/sbin/sysctl') {
    const rest = w.slice(1).filter((x) => x !== '-w' && x !== '-q');
    if (rest.length !== 1 || rest[0].startsWith('-')) return null;
    const m = /^([\w.-]+)=(-?\d+)$/.exec(rest[0].replace(/\//g, '.'));
    return m ? { kind: 'sysctl', key: m[1], value: m[2] } : null;
  }
  return null;
}

/** Writes a command back as the canonical line (what the exporters emit). */
export function formatIpCommand(c: IpCommand): string {
  switch (c.kind) {
    case 'addr':
      return `ip ${family(c.cidr.split('/')[0]) === 6 ? '-6 ' : ''}addr add ${c.cidr} dev ${c.dev}`;
    case 'route': {
      const parts = [c.v6 ? 'ip -6 route add' : 'ip route add', c.to];
      if (c.via !== undefined) parts.push('via', c.via);
      if (c.dev !== undefined) parts.push('dev', c.dev);
      if (c.metric !== undefined) parts.push('metric', String(c.metric));
      return parts.join(' ');
    }
    case 'link': {
      const parts = ['ip link set dev', c.dev];
      if (c.mtu !== undefined) parts.push('mtu', String(c.mtu));
      if (c.mac !== undefined) parts.push('address', c.mac);
      if (c.master !== undefined) parts.push(...(c.master === null ? ['nomaster'] : ['master', c.master]));
      if (c.up !== undefined) parts.push(c.up ? 'up' : 'down');
      return parts.join(' ');
    }
    case 'sysctl':
      return `sysctl -w ${c.key}=${c.value}`;
    case 'bridge':
    case 'bridge-set': {
      const opts = [
        ...(c.stp !== undefined ? [`stp_state ${c.stp ? 1 : 0}`] : []),
        ...(c.vlanFiltering !== undefined ? [`vlan_filtering ${c.vlanFiltering ? 1 : 0}`] : []),
        ...(c.dropped ?? []),
      ].join(' ');
      return c.kind === 'bridge'
        ? `ip link add name ${c.name} type bridge${opts ? ` ${opts}` : ''}`
        : `ip link set dev ${c.name} type bridge ${opts}`;
    }
    case 'ports':
      return `brctl ${c.release ? 'delif' : 'addif'} ${c.bridge} ${c.devs.join(' ')}`;
    case 'vlan':
      return [
        `bridge vlan ${c.del ? 'del' : 'add'} vid ${c.vid}${c.end !== undefined ? `-${c.end}` : ''} dev ${c.dev}`,
        ...(c.pvid ? ['pvid'] : []),
        ...(c.untagged ? ['untagged'] : []),
        ...(c.self ? ['self'] : []),
      ].join(' ');
  }
}
