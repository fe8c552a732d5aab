/**
 * ifupdown's configuration, `/etc/network/interfaces` (Debian's ifupdown
 * 0.8, interfaces(5)), which Kathará machines bring up with the networking
 * service: the file read as ifupdown reads it, each stanza as the `ip` lines
 * ifup runs for it, and the startup commands that run ifup. Kept apart from
 * the Netkit-era ifconfig and route lines (netkit-lines) because it is a
 * file format of its own, with stanzas, methods and options, and applies
 * only where a command brings it up.
 */
import { canonicalCidr, contains, family } from '../util/ip';
import { modernizeLines, netmaskBits } from './netkit-lines';
import { shellWords, splitShellList, unwrapShell } from './shell-lists';

/** An option of an `iface` stanza (`post-up` is read as `up`, `pre-down` as `down`, as ifupdown does). */
export interface IfaceOption {
  key: string;
  value: string;
  line: number;
}

/** An `iface NAME FAMILY METHOD` stanza and its options, in file order. */
export interface IfaceStanza {
  name: string;
  family: string;
  method: string;
  line: number;
  options: IfaceOption[];
}

/** A line of an interfaces file that is not carried into netplumb, and why. */
export interface IfupNote {
  line: number;
  text: string;
  why: string;
}

/** What an interfaces file says. */
export interface Interfaces {
  stanzas: IfaceStanza[];
  /** The interfaces of each `allow-CLASS` line (`auto` is class `auto`), in the order listed. */
  allow: Map<string, string[]>;
  notes: IfupNote[];
  /** Set when ifup refuses the whole file: then it brings nothing up. */
  refused?: { line: number; why: string };
}

/** ifupdown's address families and their methods (inet.defn, inet6.defn, ipx.defn, can.defn, link.defn, meta.defn). */
const METHODS: Record<string, readonly string[]> = {
  inet: ['loopback', 'static', 'manual', 'dhcp', 'bootp', 'tunnel', 'ppp', 'wvdial', 'ipv4ll'],
  inet6: ['auto', 'loopback', 'static', 'manual', 'dhcp', 'tunnel', 'v4tunnel', '6to4'],
  ipx: ['static', 'dynamic'],
  can: ['static'],
  link: ['none'],
  meta: ['none'],
};
/** The command options, each run in order (`up`, `pre-up`) or at ifdown (`down`, `post-down`). */
const COMMANDS = new Set(['pre-up', 'up', 'down', 'post-down']);
/** The options each method reads that netplumb carries (others are said). */
const CARRIED: Record<string, readonly string[]> = {
  'inet static': ['address', 'netmask', 'gateway', 'metric', 'hwaddress', 'mtu'],
  'inet manual': ['hwaddress', 'mtu'],
  'inet dhcp': ['hwaddress'],
  'inet6 static': ['address', 'netmask', 'gateway', 'metric', 'hwaddress'],
  'inet6 manual': ['hwaddress'],
};
/** Options that change nothing netplumb models: the broadcast address the kernel derives, an obsolete option, a name. */
const QUIET_OPTIONS = new Set(['broadcast', 'network', 'description']);

/**
 * The logical lines of an interfaces file (ifupdown's get_line): leading
 * and trailing blanks dropped, a line that begins with `#` skipped, a line
 * ending in `\` joined to the next; each with its first line's number.
 */
function logicalLines(text: string): { text: string; line: number }[] {
  const raw = text.split('\n');
  const out: { text: string; line: number }[] = [];
  for (let i = 0; i < raw.length; i++) {
    const line = i + 1;
    let t = raw[i].replace(/^\s+/, '');
    if (t.startsWith('#')) continue;
    if (t.endsWith('\\') && i + 1 < raw.length) {
      // Collect the pieces and join once: re-copying the growing line per continuation is quadratic.
      // `filled` indexes the non-empty pieces, so that the joined line's last character is found in O(1).
      const pieces = [t];
      const filled = [0];
      const last = () => pieces[filled[filled.length - 1]];
      while (filled.length && last().endsWith('\\') && i + 1 < raw.length) {
        const k = filled[filled.length - 1];
        pieces[k] = pieces[k].slice(0, -1);
        if (pieces[k] === '') filled.pop();
        pieces.push(raw[++i]);
        if (raw[i] !== '') filled.push(pieces.length - 1);
      }
      t = pieces.join('');
    }
    out.push({ text: trimEnd(t), line });
  }
  return out;
}

/**
 * `t` without its trailing white space (what `/\s+$/` removes), by a scan from the end:
 * the regex retries from each blank of a long inner run, which is quadratic.
 */
function trimEnd(t: string): string {
  let end = t.length;
  while (end > 0 && /\s/.test(t[end - 1])) end--;
  return end === t.length ? t : t.slice(0, end);
}

/** Reads an interfaces file as ifupdown does (config.c read_interfaces_defn). */
export function readInterfaces(text: string): Interfaces {
  const ifs: Interfaces = { stanzas: [], allow: new Map(), notes: [] };
  const note = (line: number, t: string, why: string) => ifs.notes.push({ line, text: t, why });
  /**
   * The stanza the option lines belong to ('skip': a template, whose lines are not read;
   * 'mapping': a mapping, whose `script` and `map` lines are not read, and where any other is misplaced).
   */
  let current: IfaceStanza | 'skip' | 'mapping' | undefined;
  /** The members of each `allow-CLASS` list, to skip a repeated name in O(1). */
  const listed = new Map<string, Set<string>>();
  /** The current stanza's options by key ('twice': given more than once, which ifupdown joins into one broken value). */
  let keys = new Map<string, IfaceOption | 'twice'>();
  /** The options dropped because their key is given twice, taken out of their stanzas at the end (in one pass). */
  const dropped = new Set<IfaceOption>();
  const finish = () => {
    if (dropped.size) for (const st of ifs.stanzas) st.options = st.options.filter((o) => !dropped.has(o));
    return ifs;
  };
  for (const { text: t, line } of logicalLines(text)) {
    if (t === '') continue;
    const [first] = t.split(/\s+/, 1);
    const rest = t.slice(first.length).trim();
    const words = rest === '' ? [] : rest.split(/\s+/);
    const refuse = (why: string) => (ifs.refused = { line, why });
    if (first === 'iface') {
      const [name, family, method, ...extra] = words;
      if (name === undefined) {
        refuse('an iface line without a name');
        return finish();
      }
      if (family === 'inherits' || method === 'inherits' || extra[0] === 'inherits') {
        note(line, t, 'a template (`inherits`) is not read; the stanza is not imported');
        current = 'skip';
        continue;
      }
      if (family === undefined || !METHODS[family]) {
        refuse(`unknown or no address family "${family ?? ''}" for ${name}`);
        return finish();
      }
      if (method === undefined || !METHODS[family].includes(method)) {
        refuse(`unknown or no method "${method ?? ''}" for ${name} ${family}`);
        return finish();
      }
      if (extra.length) note(line, t, `ifupdown ignores "${extra.join(' ')}" after the method`);
      current = { name, family, method, line, options: [] };
      keys = new Map();
      ifs.stanzas.push(current);
    } else if (first === 'auto' || (first.startsWith('allow-') && first.length > 6)) {
      const cls = first === 'auto' ? 'auto' : first.slice(6) === 'auto' ? 'auto' : first.slice(6);
      const list = ifs.allow.get(cls) ?? [];
      ifs.allow.set(cls, list);
      const seen = listed.get(cls) ?? new Set<string>();
      listed.set(cls, seen);
      // ifupdown adds only the names after it (none for a bare `auto`) and always ends the stanza (config.c).
      for (const w of words)
        if (w.startsWith('/')) note(line, t, `the pattern ${w} matches interfaces by name; it is not read`);
        else if (!seen.has(w)) {
          seen.add(w);
          list.push(w);
        }
      current = undefined;
    } else if (first === 'mapping') {
      note(line, t, 'a mapping runs a script to choose the stanza; it is not read');
      current = 'mapping';
    } else if (first === 'source' || first.startsWith('source-dir')) {
      note(line, t, `netplumb reads /etc/network/interfaces only; the files it ${first}s are not read`);
      current = undefined;
    } else if (first === 'rename') {
      note(line, t, 'netplumb does not rename interfaces');
      current = undefined;
    } else if (first === 'no-auto-down' || first === 'no-scripts') {
      // Like `auto`, it ends the stanza even with no names (config.c).
      current = undefined;
    } else if (current === 'skip' || (current === 'mapping' && (first === 'script' || first === 'map'))) {
      continue;
    } else if (current === undefined || current === 'mapping') {
      refuse(
        current === 'mapping'
          ? `"${first}" is not an option of a mapping ("misplaced option")`
          : `"${first}" is an option outside any iface stanza ("misplaced option")`,
      );
      return finish();
    } else if (rest === '') {
      refuse(`option ${first} has no value`);
      return finish();
    } else {
      const key = first === 'post-up' ? 'up' : first === 'pre-down' ? 'down' : first;
      const again = COMMANDS.has(key) ? undefined : keys.get(key);
      if (again) {
        // ifupdown joins the values with a newline into one broken command, so none applies.
        if (again !== 'twice') dropped.add(again);
        keys.set(key, 'twice');
        note(
          line,
          t,
          `${key} is given more than once in one stanza${again === 'twice' ? '' : ` (line ${again.line} first)`}: ifupdown joins the values with a newline into one broken command, so none of them is applied; use a second iface stanza for a second address`,
        );
      } else {
        const o = { key, value: rest, line };
        current.options.push(o);
        keys.set(key, o);
      }
    }
  }
  return finish();
}

/** One line ifup runs, as the `ip` command it is, with the line of the interfaces file it comes from. */
export interface IfupLine {
  text: string;
  line: number;
}

/** An IPv4 or IPv6 address with a prefix length, or null. */
function addressWithPrefix(address: string, bits: number): string | null {
  const c = `${address}/${bits}`;
  return canonicalCidr(c) ? c : null;
}

/**
 * The `ip` lines ifup runs to bring up `stanza`'s interface (inet.defn,
 * inet6.defn): `pre-up` commands, the method's own lines, then `up`
 * commands (each run by /bin/sh, so a command may hold several). What
 * netplumb cannot carry is a note.
 */
export function stanzaLines(s: IfaceStanza): { lines: IfupLine[]; notes: IfupNote[] } {
  const lines: IfupLine[] = [];
  const notes: IfupNote[] = [];
  const opt = (k: string) => s.options.find((o) => o.key === k);
  const head = `iface ${s.name} ${s.family} ${s.method}`;
  const note = (o: IfaceOption | undefined, why: string) =>
    notes.push({ line: o?.line ?? s.line, text: o ? `${o.key} ${o.value}` : head, why });
  const commands = (key: string) => {
    for (const o of s.options.filter((x) => x.key === key))
      for (const c of splitShellList(o.value) ?? [o.value])
        for (const text of modernizeLines(c)) lines.push({ text, line: o.line });
  };
  const kind = `${s.family} ${s.method}`;
  // An alias stanza (eth0:1) adds an address to eth0 under that label, as net-tools' aliases do.
  const alias = /^([^:]+):[^:]+$/.exec(s.name);
  const dev = alias ? alias[1] : s.name;
  if (s.method === 'loopback') {
    if (s.name !== 'lo') lines.push({ text: `ip link set dev ${dev} up`, line: s.line });
    return { lines, notes };
  }
  if (
    ![
      'inet static',
      'inet manual',
      'inet dhcp',
      'inet6 static',
      'inet6 manual',
      'inet6 auto',
      'inet6 dhcp',
    ].includes(kind)
  ) {
    note(undefined, `ifupdown's ${kind} method is not one netplumb carries; the stanza is not imported`);
    return { lines, notes };
  }
  for (const o of s.options) {
    if (COMMANDS.has(o.key) || QUIET_OPTIONS.has(o.key) || CARRIED[kind]?.includes(o.key)) continue;
    note(
      o,
      o.key === 'mtu' && s.family === 'inet6'
        ? "ifupdown's inet6 mtu raises the link's MTU only above its current one, and otherwise sets IPv6's own MTU; it is not imported (set the MTU in an inet stanza or by an up line)"
        : `option ${o.key} of ${kind} has no netplumb form and is not imported`,
    );
  }
  const addr = opt('address');
  if (s.method === 'static' && !addr) {
    note(undefined, `an ${kind} stanza needs an address: ifup refuses it, so nothing of it is applied`);
    return { lines, notes };
  }
  commands('pre-up');
  const hw = opt('hwaddress');
  // cleanup_hwaddress: "ether 02:…" is the MAC; "random" is a random one (as a veth's already is)
  const mac =
    hw && hw.value !== 'random' ? hw.value.replace(/^(ether|ax25|arcnet|netrom)\s+/i, '') : undefined;
  if (hw && mac !== undefined && !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac))
    note(hw, `"${mac}" is not a MAC address netplumb can set`);
  const macPart =
    mac !== undefined && /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac) ? ` address ${mac}` : '';
  const mtu = s.family === 'inet' ? opt('mtu') : undefined;
  const mtuPart = mtu && /^\d+$/.test(mtu.value) ? ` mtu ${mtu.value}` : '';
  if (mtu && !mtuPart) note(mtu, `"${mtu.value}" is not an MTU`);
  let cidr: string | null = null;
  if (s.method === 'static' && addr) {
    const [ip, len] = addr.value.split('/');
    const nm = opt('netmask');
    if (family(ip) !== (s.family === 'inet' ? 4 : 6)) {
      note(addr, `${ip} is not an ${s.family === 'inet' ? 'IPv4' : 'IPv6'} address`);
      return { lines, notes };
    }
    // An explicit netmask wins over the address's /len (`=netmask?`); without either, an IPv4
    // address takes its class's prefix (compute_v4_mask) and an IPv6 one is a /128.
    const given = nm?.value ?? len;
    const bits =
      given === undefined
        ? s.family === 'inet'
          ? classfulBits(ip)
          : 128
        : s.family === 'inet'
          ? netmaskBits(given)
          : /^\d{1,3}$/.test(given) && Number(given) <= 128
            ? Number(given)
            : null;
    cidr = bits === null ? null : addressWithPrefix(ip, bits);
    if (!cidr) {
      note(
        nm ?? addr,
        `"${given}" is not a netmask ip takes; the address is not applied, and ifup stops here`,
      );
      return { lines, notes };
    }
  }
  const label = alias ? ` label ${s.name}` : '';
  if (s.family === 'inet') {
    if (cidr) lines.push({ text: `ip addr add ${cidr} dev ${dev}${label}`, line: addr!.line });
    lines.push({
      text: `ip link set dev ${dev}${mtuPart}${macPart} up`,
      line: (mtu ?? hw ?? addr)?.line ?? s.line,
    });
  } else {
    lines.push({ text: `ip link set dev ${dev}${macPart} up`, line: (hw ?? addr)?.line ?? s.line });
    if (cidr) lines.push({ text: `ip -6 addr add ${cidr} dev ${dev}`, line: addr!.line });
  }
  if (s.method === 'dhcp' || s.method === 'auto')
    note(
      undefined,
      s.method === 'dhcp'
        ? `${s.name} gets its ${s.family === 'inet' ? 'IPv4' : 'IPv6'} address by DHCP; netplumb runs no DHCP client, so it has no address here (give it a static one)`
        : `${s.name} takes its IPv6 address from router advertisements (SLAAC); netplumb does not import that`,
    );
  const gw = opt('gateway');
  if (gw && cidr) {
    const metric = opt('metric');
    const metricPart = metric && /^\d+$/.test(metric.value) ? ` metric ${metric.value}` : '';
    // ifupdown adds the gateway `dev IFACE onlink`: the kernel then takes it even outside the subnet; netplumb does not.
    if (family(gw.value) !== family(cidr.split('/')[0]))
      note(gw, `${gw.value} is not an ${s.family === 'inet' ? 'IPv4' : 'IPv6'} address`);
    else if (!contains(cidr, gw.value))
      note(
        gw,
        `the gateway ${gw.value} is outside ${cidr}: ifupdown adds it "onlink", which netplumb does not model`,
      );
    else
      lines.push({
        text: `ip ${s.family === 'inet6' ? '-6 ' : ''}route add default via ${gw.value}${metricPart}`,
        line: gw.line,
      });
  }
  commands('up');
  return { lines, notes };
}

/** The class prefix length ifupdown gives an IPv4 address written without a netmask (compute_v4_mask). */
function classfulBits(ip: string): number {
  const a = Number(ip.split('.')[0]);
  return a <= 127 ? 8 : a <= 191 ? 16 : a <= 223 ? 24 : 32;
}

/**
 * What a startup command does with ifupdown, or null when it is none of these:
 * `ifup -a` brings up the interfaces marked `auto`; `ifup IF…` those named;
 * the networking service (`systemctl`, `service`, /etc/init.d/networking,
 * invoke-rc.d) brings up `auto` interfaces on `start`, and on `restart` (and
 * the init script's `start` and `force-reload`) also the `allow-hotplug`
 * ones that exist (Debian's networking.service and init script); `stop`,
 * `ifdown` take them down.
 */
export function ifupdownAction(
  line: string,
  depth = 0,
): { up: boolean; classes?: string[]; ifaces?: string[] } | null {
  const bare = withoutRedirections(line.trim());
  if (bare === null) return null;
  // `sh -c 'ifup -a'` runs the one command inside (a redirection changes only where its output goes).
  const inner = depth < 4 ? unwrapShell(bare) : null;
  if (inner) return inner.length === 1 ? ifupdownAction(inner[0], depth + 1) : null;
  const w = shellWords(bare);
  if (!w || w.length === 0) return null;
  const cmd = w[0].replace(/^\/(usr\/)?s?bin\//, '');
  const all = { up: true, classes: ['auto', 'hotplug'] };
  if (cmd === 'ifup' || cmd === 'ifdown') {
    const up = cmd === 'ifup';
    const args = w.slice(1).filter((a) => !['-v', '--verbose', '-f', '--force'].includes(a));
    if (args.length === 1 && (args[0] === '-a' || args[0] === '--all')) return { up, classes: ['auto'] };
    if (args.length === 0 || args.some((a) => a.startsWith('-') || a.includes('='))) return null;
    return { up, ifaces: args };
  }
  const service =
    cmd === 'systemctl' && /^networking(\.service)?$/.test(w[2] ?? '') && w.length === 3
      ? { verb: w[1], systemd: true }
      : (cmd === 'service' || cmd === 'invoke-rc.d') && w[1] === 'networking' && w.length === 3
        ? { verb: w[2], systemd: false }
        : w[0] === '/etc/init.d/networking' && w.length === 2
          ? { verb: w[1], systemd: false }
          : undefined;
  if (!service) return null;
  if (service.verb === 'stop') return { up: false, classes: ['auto', 'hotplug'] };
  if (
    service.verb === 'restart' ||
    (!service.systemd && (service.verb === 'start' || service.verb === 'force-reload'))
  )
    return all;
  // networking.service's ExecStart brings up hotplug interfaces only after a stop (/run/network/restart-hotplug).
  if (service.verb === 'start') return { up: true, classes: ['auto'] };
  return null;
}

/** The redirection operators, longest first (after an optional file descriptor number). */
const REDIRECTIONS = ['&>>', '&>', '>>', '>|', '>&', '<&', '<>', '>', '<'];

/**
 * `line` without its redirections (`2>/dev/null`, `> log 2>&1`, `&>x`) where
 * they stand between words outside quotes, or null when one has no target.
 * One scan, so a long line costs linear time.
 */
function withoutRedirections(line: string): string | null {
  let out = '';
  let i = 0;
  const blank = (c: string | undefined) => c === ' ' || c === '\t';
  while (i < line.length) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) return line; // unbalanced: left for the word reader to refuse
      out += line.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (i === 0 || blank(line[i - 1])) {
      let j = i;
      while (j < line.length && line[j] >= '0' && line[j] <= '9') j++;
      const op = REDIRECTIONS.find((o) => line.startsWith(o, j) && (j === i || !o.startsWith('&')));
      if (op) {
        j += op.length;
        while (blank(line[j])) j++;
        const start = j;
        while (j < line.length && !blank(line[j]) && !'\'"|&;<>'.includes(line[j])) j++;
        if (j === start) return null;
        i = j;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out.trim();
}
