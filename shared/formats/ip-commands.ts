/**
 * The few iproute2 / sysctl command lines that lab files of other tools use
 * to configure a node (containerlab `exec:`, Kathará `.startup`), read into
 * model fields, and written back. Only exact, known forms are understood; any
 * other line is returned as unsupported so the importer can keep it as a note
 * and warn, never guessing.
 */
import { canonicalCidr, family, parseIp } from '../util/ip';

/** One understood command line. */
export type IpCommand =
  | { kind: 'addr'; dev: string; cidr: string }
  | { kind: 'route'; to: string; via?: string; dev?: string; metric?: number; v6: boolean }
  | { kind: 'link'; dev: string; up?: boolean; mtu?: number; mac?: string; master?: string | null }
  | { kind: 'sysctl'; key: string; value: string }
  /**
   * `ip link add NAME type bridge [OPTIONS]`, `brctl addbr NAME`: `stp` and
   * `vlanFiltering` when the line sets them, `dropped` the other bridge
   * options as written (netplumb has no field for them).
   */
  | ({ kind: 'bridge'; name: string } & BridgeOptions)
  /** `ip link set NAME type bridge OPTIONS`, `brctl stp NAME on|off`. */
  | ({ kind: 'bridge-set'; name: string } & BridgeOptions)
  /** `brctl addif BRIDGE DEV…`, `brctl delif BRIDGE DEV…` (release). */
  | { kind: 'ports'; bridge: string; devs: string[]; release: boolean }
  /**
   * `bridge vlan add|del vid VID[-END] dev DEV [pvid] [untagged] [self] [master]`
   * (iproute2 bridge/vlan.c vlan_modify): the VLANs `vid`…`end` (one when no
   * `end`) of bridge port DEV, or of the bridge DEV itself with `self`.
   * `refused` says why iproute2 or the kernel would refuse the line (a VLAN id
   * outside 1…4094, a range with `pvid`, an empty range).
   */
  | {
      kind: 'vlan';
      del: boolean;
      dev: string;
      vid: number;
      end?: number;
      pvid: boolean;
      untagged: boolean;
      self: boolean;
      refused?: string;
    };

/** The bridge options of a line (iproute2 ip/iplink_bridge.c). */
export interface BridgeOptions {
  stp?: boolean;
  vlanFiltering?: boolean;
  /** Options netplumb has no field for, each as written (`forward_delay 0`). */
  dropped?: string[];
}

/** Splits a command line into words (single/double quotes group; no expansions). */
export function shellWords(line: string): string[] | null {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) return null;
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else if ('|&;<>`$(){}\\'.includes(c)) {
      return null; // shell syntax: not a single simple command we can read
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Reserved words that open a compound command when they begin a command… */
const OPENS = new Set(['if', 'while', 'until', 'for', 'case', 'select', '{']);
/** …the word that closes each… */
const CLOSER: Record<string, string> = {
  if: 'fi',
  while: 'done',
  until: 'done',
  for: 'done',
  select: 'done',
  case: 'esac',
  '{': '}',
};
/** …and the words after which the next word begins a command again. */
const LEADS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '{', '!', 'time']);
/** Operators that end a command of a list (at the top level). */
const SEPARATORS = new Set([';', '\n', '&']);
/** Redirection operators: the word after one is a file name, not a command. */
const REDIRECTS = new Set(['<', '>', '>>', '<&', '>&', '<>', '>|']);

/** A word or an operator of a shell script, with where it is (`quoted`: a word with quotes, escapes or substitutions). */
interface ShellToken {
  op?: string;
  word?: string;
  quoted?: boolean;
  start: number;
  end: number;
  depth?: number;
}

/** The index after the quoted or substituted part that begins at `i` ('…', "…", `…`, $(…), ${…}); -1 when it does not close. */
function skipQuoted(s: string, i: number): number {
  const c = s[i];
  if (c === "'") {
    const e = s.indexOf("'", i + 1);
    return e < 0 ? -1 : e + 1;
  }
  if (c === '"' || c === '`') {
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === '\\') j++;
      else if (s[j] === c) return j + 1;
    }
    return -1;
  }
  const open = s[i + 1];
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let j = i + 1; j < s.length; j++) {
    const d = s[j];
    if (d === '\\') j++;
    else if (d === "'" || d === '"' || d === '`') {
      const e = skipQuoted(s, j);
      if (e < 0) return -1;
      j = e - 1;
    } else if (d === open) depth++;
    else if (d === close && --depth === 0) return j + 1;
  }
  return -1;
}

/** The words and operators of a POSIX shell script; null when a quote or substitution does not close, or for a here-document. */
function shellTokens(s: string): ShellToken[] | null {
  const toks: ShellToken[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '\\' && s[i + 1] === '\n') i += 2;
    else if (c === '#') while (i < s.length && s[i] !== '\n') i++;
    else {
      const op = /^(?:&&|\|\||;;|<<-?|>>|<&|>&|<>|>\||[\n;&|()<>])/.exec(s.slice(i, i + 3));
      if (op) {
        if (op[0].startsWith('<<')) return null;
        toks.push({ op: op[0], start: i, end: i + op[0].length });
        i += op[0].length;
        continue;
      }
      const start = i;
      let quoted = false;
      while (i < s.length && !/[\s;&|()<>]/.test(s[i])) {
        if (s[i] === '\\') {
          i += 2;
          quoted = true;
        } else if (/['"`]/.test(s[i]) || (s[i] === '$' && (s[i + 1] === '(' || s[i + 1] === '{'))) {
          const e = skipQuoted(s, i);
          if (e < 0) return null;
          i = e;
          quoted = true;
        } else i++;
      }
      i = Math.min(i, s.length);
      toks.push({ word: s.slice(start, i), quoted, start, end: i });
    }
  }
  return toks;
}

/**
 * The simple commands of a shell script, each as written: the commands of a
 * list joined by newlines, `;` or `&&`, in order (netplumb takes every
 * command to succeed, so `a && b` runs both). A compound command
 * (`while …; do …; done`, `if … fi`, `for`, `case`, `{ … }`, `( … )`) stays
 * one command, and so does a list that holds `||`, a pipe or a background
 * `&`: netplumb reads none of them, and splitting them would change what
 * runs. Comments and blank lines are left out. Null when the script does not
 * parse: a quote, a substitution or a compound command that does not close,
 * an operator with nothing after it, a here-document.
 */
export function splitShellList(script: string): string[] | null {
  const toks = shellTokens(script);
  if (!toks) return null;
  const out: string[] = [];
  const stack: string[] = [];
  let list: ShellToken[] = [];
  let atStart = true;
  const flush = (sep: ShellToken | undefined): boolean => {
    if (list.length === 0) return sep === undefined || sep.op === '\n';
    const top = list.filter((t) => t.depth === 0 && t.op !== undefined);
    const joiner = (t: ShellToken | undefined) => t?.op === '&&' || t?.op === '||' || t?.op === '|';
    if (joiner(list[0]) || joiner(list[list.length - 1])) return false;
    const whole = sep?.op === '&' || top.some((t) => t.op === '||' || t.op === '|');
    const parts: ShellToken[][] = [[]];
    for (const t of list)
      if (!whole && t.depth === 0 && t.op === '&&') parts.push([]);
      else parts[parts.length - 1].push(t);
    if (parts.some((p) => p.length === 0)) return false;
    for (const p of parts) out.push(script.slice(p[0].start, (sep?.op === '&' ? sep : p[p.length - 1]).end));
    list = [];
    return true;
  };
  for (const t of toks) {
    const depth = stack.length;
    // A newline after `&&`, `||` or `|` continues the list (sh's linebreak).
    const prev = list[list.length - 1]?.op;
    if (t.op === '\n' && (prev === '&&' || prev === '||' || prev === '|')) continue;
    const word = t.word !== undefined && !t.quoted ? t.word : undefined;
    if (atStart && word !== undefined && OPENS.has(word)) stack.push(word);
    else if (atStart && word !== undefined && Object.values(CLOSER).includes(word)) {
      const opened = stack.pop();
      if (opened === undefined || CLOSER[opened] !== word) return null;
    } else if (t.op === '(' && atStart) stack.push('(');
    else if (t.op === ')' && stack[stack.length - 1] === '(') stack.pop();
    else if (t.op === ';;' && stack[stack.length - 1] !== 'case') return null;
    if (depth === 0 && stack.length === 0 && t.op !== undefined && SEPARATORS.has(t.op)) {
      if (!flush(t)) return null;
    } else list.push({ ...t, depth });
    atStart =
      t.op !== undefined
        ? t.op === ')'
          ? stack[stack.length - 1] === 'case'
          : !REDIRECTS.has(t.op)
        : word !== undefined && LEADS.has(word);
  }
  if (stack.length > 0 || !flush(undefined)) return null;
  return out;
}

/**
 * The commands of `sh -c '…'` (also `ash`, `bash`, `dash`, under /bin or
 * /usr/bin): the one argument after `-c`, in single quotes or in double
 * quotes with nothing the shell would expand or unescape in it, split by
 * `splitShellList`. Null for any other line, and for any other quoting.
 */
export function unwrapShell(line: string): string[] | null {
  const m = /^(\S+)[ \t]+-c[ \t]+(['"])([\s\S]*)\2$/.exec(line.trim());
  if (!m || !/^(?:(?:\/usr)?\/bin\/)?(?:sh|ash|bash|dash)$/.test(m[1])) return null;
  const [, , quote, body] = m;
  if (body.includes(quote) || (quote === '"' && /[\\$`]/.test(body))) return null;
  return splitShellList(body);
}

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

/** Options of `type bridge` (pairs `KEY VALUE`, `fdb_flush` alone): null when they do not pair up. */
function bridgeOptions(opts: string[]): BridgeOptions | null {
  const out: BridgeOptions = {};
  const dropped: string[] = [];
  for (let i = 0; i < opts.length;) {
    const k = opts[i];
    if (k === 'fdb_flush') {
      dropped.push(k);
      i++;
      continue;
    }
    const v = opts[i + 1];
    if (v === undefined) return null;
    if (k === 'stp_state' && /^\d+$/.test(v)) out.stp = Number(v) !== 0;
    else if (k === 'vlan_filtering' && (v === '0' || v === '1')) out.vlanFiltering = v === '1';
    else dropped.push(`${k} ${v}`);
    i += 2;
  }
  if (dropped.length) out.dropped = dropped;
  return out;
}

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

/** brctl(8) of bridge-utils: addbr, addif, delif and stp; null for the rest (timers, priorities, show). */
function brctlWords(w: string[]): IpCommand | null {
  const [cmd, bridge, ...rest] = w.slice(1);
  if (bridge === undefined || bridge.startsWith('-')) return null;
  if (cmd === 'addbr' && rest.length === 0) return { kind: 'bridge', name: bridge };
  if ((cmd === 'addif' || cmd === 'delif') && rest.length > 0 && rest.every((d) => !d.startsWith('-')))
    return { kind: 'ports', bridge, devs: rest, release: cmd === 'delif' };
  if (cmd === 'stp' && rest.length === 1) {
    const on = /^(on|yes|1)$/.test(rest[0]);
    return on || /^(off|no|0)$/.test(rest[0]) ? { kind: 'bridge-set', name: bridge, stp: on } : null;
  }
  return null;
}

/** `matches(word, full)` of iproute2: `word` is a non-empty prefix of `full` (`a` for `add`, `d` for `delete`). */
const abbreviates = (word: string | undefined, full: string): boolean =>
  word !== undefined && word !== '' && full.startsWith(word);

/**
 * `bridge vlan add|del …` (the words after `bridge`), as iproute2's
 * vlan_modify reads them; null for other `bridge` commands, for options it
 * would not take (`tunnel_info`) and for words netplumb does not know.
 */
function bridgeVlanWords(w: string[]): IpCommand | null {
  // `vlan` may be abbreviated (`v` comes before `vni` in bridge's table of objects).
  if (!abbreviates(w[0], 'vlan')) return null;
  const del = abbreviates(w[1], 'delete');
  if (!del && !abbreviates(w[1], 'add')) return null;
  let dev: string | undefined;
  let vids: string | undefined;
  const flags = { pvid: false, untagged: false, self: false };
  for (let i = 2; i < w.length; i++) {
    const t = w[i];
    if (t === 'dev' && dev === undefined && w[i + 1] !== undefined) dev = w[++i];
    else if (t === 'vid' && vids === undefined && w[i + 1] !== undefined) vids = w[++i];
    else if (t === 'pvid' || t === 'untagged' || t === 'self') flags[t] = true;
    else if (t !== 'master') return null;
  }
  const m = vids === undefined ? null : /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(vids);
  if (dev === undefined || !m) return null;
  const vid = Number(m[1]);
  const end = m[2] !== undefined ? Number(m[2]) : undefined;
  // iproute2 refuses an id from 4096, an empty or reversed range, and a PVID for a range;
  // the kernel refuses VLAN 0 and 4095 (br_vlan_valid_id).
  const refused =
    end !== undefined && flags.pvid
      ? 'iproute2 refuses a PVID for a range of VLANs'
      : end !== undefined && vid >= end
        ? `iproute2 refuses the range ${vids}: its end must be above its start`
        : vid < 1 || vid > 4094 || (end !== undefined && end > 4094)
          ? 'the kernel takes VLAN ids 1 to 4094 only'
          : undefined;
  return {
    kind: 'vlan',
    del,
    dev,
    vid,
    ...(end !== undefined ? { end } : {}),
    ...flags,
    ...(refused ? { refused } : {}),
  };
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
