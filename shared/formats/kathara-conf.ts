/**
 * Kathará's `lab.conf` and `lab.ext`, read as Kathará's own parser reads
 * them (Kathara/parser/netkit/LabParser.py, model/Machine.py add_meta,
 * model/Interface.py and ExtParser.py, v3.8): lines `machine[N]="cd"` or
 * `machine[N]="cd/mac"` connect interface ethN to a collision domain,
 * `machine[option]="value"` sets an option (`exec` and `sysctl` may repeat;
 * any other repeated option replaces the earlier value), `LAB_*=` lines
 * describe the lab, a line that begins with `#` is a comment.
 *
 * What Kathará refuses to start, netplumb refuses too, as a located error
 * (the line is not imported): a device name that is not 1-30 lowercase
 * letters, digits or `_` (or is `shared`, `_test`: reserved), spaces around
 * `=`, a value with a quote that does not close or does not match, text
 * after the closing quote that is not ` # comment`, a collision domain name
 * with other characters than letters, digits and `_`, a bad MAC address, an
 * interface number used twice, a device on the same collision domain twice,
 * interface numbers with a gap, an indented comment, and option values
 * Kathará checks (sysctl, env, port, ulimit, volume, privileged, bridged,
 * ipv6). A line of no known shape at all stays a warning and is ignored.
 */
import type { Problem } from '../validate/problem';

/** One interface of a machine: its collision domain, optional MAC, and the line it is on. */
export interface KIface {
  cd: string;
  mac?: string;
  line: number;
}

/** One option line of a machine. */
export interface KOption {
  key: string;
  value: string;
  line: number;
}

/** A machine as lab.conf describes it. */
export interface KMachine {
  name: string;
  line: number;
  ifaces: Map<number, KIface>;
  options: KOption[];
}

/** What lab.conf says. */
export interface KLabConf {
  machines: Map<string, KMachine>;
  domains: string[];
  meta: Record<string, string>;
}

/** Python's `\w` on str (Unicode letters, digits and `_`), which Kathará's regular expressions use. */
const W = '[\\p{L}\\p{N}_]';
/** LabParser's line: `key[arg]=value`, the value quoted with ' or " (or not), then an optional ` # comment`. */
export const KATHARA_LINE = new RegExp(`^([a-z0-9_]{1,30})\\[(${W}+)\\]=(["']?)([^"']+)\\3(\\s+#.*)?$`, 'u');
const KEY_ARG = new RegExp(`^([a-z0-9_]{1,30})\\[(${W}+)\\]=`, 'u');
/** The line terminators JavaScript's `.` does not match. */
const TERMINATOR = /[\n\r\u2028\u2029]/;
const BLANK = /\s/;

/**
 * KATHARA_LINE's match of `line` (the same groups), found in one scan: run
 * as a regular expression, `[^"']+` and `(\s+#.*)?` overlap on an unquoted
 * value, and a long blank run inside one backtracks quadratically.
 */
export function matchKatharaLine(
  line: string,
): [string, string, string, string, string, string | undefined] | null {
  const head = KEY_ARG.exec(line);
  if (!head) return null;
  const body = line.slice(head[0].length);
  const quote = body[0] === '"' || body[0] === "'" ? body[0] : '';
  const from = quote.length;
  let q = from;
  while (q < body.length && body[q] !== '"' && body[q] !== "'") q++;
  /** `tail` as `(\s+#.*)?$`: empty, or blanks, `#`, then no line terminator. */
  const comment = (at: number): boolean => {
    if (at === body.length) return true;
    let i = at;
    while (i < body.length && BLANK.test(body[i])) i++;
    return i > at && body[i] === '#' && !TERMINATOR.test(body.slice(i + 1));
  };
  let end: number;
  if (quote) {
    // The value runs to the first quote, which must be the same one, then an optional comment.
    if (q === from || body[q] !== quote || !comment(q + 1)) return null;
    end = q;
  } else if (q === body.length) {
    end = body.length; // no quote at all: the greedy value takes the whole rest
  } else {
    // A quote inside an unquoted value: it can only sit in a comment, the value ending at the
    // last blank before a `#` that comes before the quote (greedy `[^"']+`).
    let hash = q - 1;
    while (hash >= 2 && !(body[hash] === '#' && BLANK.test(body[hash - 1]))) hash--;
    if (hash < 2 || TERMINATOR.test(body.slice(hash + 1))) return null;
    end = hash - 1;
  }
  if (end === from) return null;
  const rest = body.slice(end + quote.length);
  return [line, head[1], head[2], quote, body.slice(from, end), rest === '' ? undefined : rest];
}
/** A line shaped like a machine line (`name[arg]=…`), however written: refused with a reason when not KATHARA_LINE. */
const MACHINE_SHAPE = /^([^[\]=\s]*)(\s*)\[([^\]]*)\](\s*)=([\s\S]*)$/;

/** MACHINE_SHAPE's match split as `(\s*)(.*)$` would, without its quadratic backtracking on a long blank run. */
function machineShape(line: string): string[] | null {
  const m = MACHINE_SHAPE.exec(line);
  if (!m) return null;
  const rest = m[5];
  let i = 0;
  while (i < rest.length && BLANK.test(rest[i])) i++;
  // Greedy blanks, then `.*`: giving blanks back only lengthens the rest, so a terminator in it is final.
  if (TERMINATOR.test(rest.slice(i))) return null;
  return [m[0], m[1], m[2], m[3], m[4], rest.slice(0, i), rest.slice(i)];
}
const LAB_METADATA = ['LAB_NAME', 'LAB_DESCRIPTION', 'LAB_VERSION', 'LAB_AUTHOR', 'LAB_EMAIL', 'LAB_WEB'];
/** Device names Kathará keeps for itself (utils.RESERVED_MACHINE_NAMES). */
const RESERVED = new Set(['shared', '_test']);
const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;
/** Options that may appear more than once (Kathará appends them). */
const REPEATABLE = new Set(['exec', 'sysctl', 'env', 'port', 'ulimit', 'volume']);
const TRUTH = /^(y|yes|t|true|on|1|n|no|f|false|off|0)$/i;
/** Python's int() of a word, as Kathará's checks call it (optional sign, digits, blanks around). */
const INT = /^\s*[+-]?\d+\s*$/;

/** Why Kathará refuses value `value` of option `key` (Machine.add_meta, is_ipv6_enabled), or undefined. */
function optionRefused(key: string, value: string): string | undefined {
  switch (key) {
    case 'privileged':
    case 'bridged':
    case 'ipv6':
      return TRUTH.test(value)
        ? undefined
        : `"${value}" is not a truth value (true/false, yes/no, on/off, 1/0)`;
    case 'sysctl':
      return /^net\.([\w-]+\.)+[\w-]+=[^=]*$/.test(value)
        ? undefined
        : `"${value}" is not one key=value of the net. namespace (one sysctl per option line)`;
    case 'env':
      return /^\w+=.*$/.test(value) ? undefined : `"${value}" is not NAME=value`;
    case 'ulimit': {
      const m = /^\w+=(-?\d+)(?::(-?\d+))?$/.exec(value);
      if (!m) return `"${value}" is not name=soft[:hard]`;
      const [soft, hard] = [Number(m[1]), Number(m[2] ?? m[1])];
      if (soft < -1 || hard < -1) return `ulimit values must be -1 or more`;
      return soft === -1 && hard !== -1
        ? 'a soft limit of -1 (unlimited) is above the hard limit'
        : undefined;
    }
    case 'port': {
      const parts = value.split('/');
      const ports = parts[0].split(':');
      if (parts.length > 2 || ports.length > 2) return `"${value}" is not [host:]guest[/protocol]`;
      if (parts.length === 2 && !['tcp', 'udp', 'sctp'].includes(parts[1].toLowerCase()))
        return `the protocol of port "${value}" is not tcp, udp or sctp`;
      return ports.every((p) => INT.test(p)) ? undefined : `"${value}" is not a port number`;
    }
    case 'volume': {
      const parts = value.split('|').filter(Boolean);
      if (parts.length !== 2 && parts.length !== 3) return `"${value}" is not host_path|guest_path[|mode]`;
      return parts.length === 3 && !['ro', 'rw', 'rx'].includes(parts[2])
        ? `the mode ${parts[2]} of volume "${value}" is not ro, rw or rx`
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Why Kathará refuses a line shaped `name[arg]=value` that its regular
 * expression does not take, in plain words. `m` is MACHINE_SHAPE's match.
 */
function shapeRefused(m: string[]): string {
  const [, name, sp1, arg, sp2, sp3, value] = m;
  if (!/^[a-z0-9_]{1,30}$/.test(name))
    return `the device name "${name}" is not 1 to 30 lowercase letters, digits or _`;
  if (sp1 || sp2 || sp3) return 'Kathará takes no spaces around "[" and "="';
  if (!new RegExp(`^${W}+$`, 'u').test(arg))
    return `"[${arg}]" is neither an interface number nor an option name (letters, digits, _)`;
  if (value === '') return 'the value is empty';
  const q = value[0];
  if (q === '"' || q === "'") {
    const close = value.indexOf(q, 1);
    const other = q === '"' ? "'" : '"';
    if (close < 0)
      return value.endsWith(other) && value.length > 1
        ? `the value opens with ${q} and closes with ${other}`
        : `the quote ${q} that opens the value is never closed${/\s#/.test(value) ? ' (a comment goes after the closing quote)' : ''}`;
    if (close === 1) return 'the value is empty';
    if (value.slice(1, close).includes(other))
      return 'the value holds a quote (Kathará takes none inside a value)';
    const after = value.slice(close + 1);
    if (/^#/.test(after)) return 'a comment after the value needs a space before its #';
    return `"${after.trim()}" follows the closing quote (only a comment, " # …", may)`;
  }
  return /^[^"']*["']$/.test(value)
    ? 'the value closes with a quote it never opens'
    : 'the value holds a quote (Kathará takes none inside a value)';
}

/** Reads lab.conf. Problems are about lab.conf (no `file`), located by line. */
export function parseLabConf(text: string): { conf: KLabConf; problems: Problem[] } {
  const problems: Problem[] = [];
  const conf: KLabConf = { machines: new Map(), domains: [], meta: {} };
  const problem = (severity: Problem['severity'], code: string, message: string, line: number) =>
    problems.push({ code, severity, message, path: [], line, column: 1 });
  const refuse = (line: number, why: string) =>
    problem('error', 'kathara-syntax', `lab.conf line ${line}: ${why}; Kathará refuses this lab too`, line);
  const syntax: { line: number; text: string }[] = [];
  let shaped = false;
  /** Machines with an interface line refused above: a gap in their numbers is that line's, not said again. */
  const refusedIface = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/^\uFEFF/, '').trim();
    const m = matchKatharaLine(line);
    if (!m) {
      // Kathará reads a comment only from the first character; a LAB_ line likewise.
      if (line === '' || raw.startsWith('#')) return;
      if (line.startsWith('#'))
        return void refuse(lineNo, 'a comment must begin at the first character of its line');
      const meta = /^(LAB_\w*)(\s*)=(.*)$/.exec(line);
      if (meta) {
        if (!LAB_METADATA.includes(meta[1]))
          return void refuse(lineNo, `${meta[1]} is not one of ${LAB_METADATA.join(', ')}`);
        if (meta[2] || raw !== raw.trimStart())
          return void refuse(lineNo, `${meta[1]}= must begin the line, with no spaces before "="`);
        if (meta[3].includes('=')) return void refuse(lineNo, `the value of ${meta[1]} holds a second "="`);
        return void (conf.meta[meta[1]] = meta[3].replace(/["']/g, '').trim());
      }
      const shape = machineShape(line);
      if (shape) {
        shaped = true;
        if (/^\d+$/.test(shape[3])) refusedIface.add(shape[1]);
        return void refuse(lineNo, shapeRefused(shape));
      }
      return void syntax.push({ line: lineNo, text: line });
    }
    shaped = true;
    const [, name, key, , value] = m;
    if (RESERVED.has(name))
      return void refuse(lineNo, `"${name}" is a name Kathará keeps for itself, not one a device can have`);
    const machine = () => {
      let mc = conf.machines.get(name);
      if (!mc) conf.machines.set(name, (mc = { name, line: lineNo, ifaces: new Map(), options: [] }));
      return mc;
    };
    if (/^\d+$/.test(key)) {
      const refuseIface = (why: string) => {
        refusedIface.add(name);
        refuse(lineNo, why);
      };
      // utils.parse_cd_mac_address: "cd" or "cd/mac", nothing else around the slash
      const parts = value.split('/').filter(Boolean);
      if (value.includes('/') && parts.length !== 2)
        return void refuseIface(`"${value}" is not "collision domain" or "collision domain/MAC address"`);
      const [cd, mac] = parts;
      if (!new RegExp(`^${W}+$`, 'u').test(cd))
        return void refuseIface(
          `the collision domain name "${cd}" holds other characters than letters, digits and _`,
        );
      if (mac !== undefined && !MAC.test(mac))
        return void refuseIface(
          `"${mac}" is not a MAC address (six pairs of hex digits, like 02:00:00:00:00:01)`,
        );
      const mc = machine();
      const n = Number(key);
      const before = mc.ifaces.get(n);
      // Kathará refuses a second definition of the same interface (MachineCollisionDomainError).
      if (before) {
        refusedIface.add(name);
        return void problem(
          'error',
          'kathara-duplicate',
          `machine "${name}": interface ${n} (eth${n}) is already on collision domain "${before.cd}" at line ${before.line}; Kathará refuses this lab too. Remove one of the two lines.`,
          lineNo,
        );
      }
      const same = [...mc.ifaces].find(([, f]) => f.cd === cd);
      if (same) {
        refusedIface.add(name);
        return void problem(
          'error',
          'kathara-duplicate',
          `machine "${name}": interface ${n} (eth${n}) would put it on collision domain "${cd}" a second time (interface ${same[0]}, line ${same[1].line}); Kathará connects a device to a collision domain once and refuses this lab`,
          lineNo,
        );
      }
      mc.ifaces.set(n, { cd, ...(mac ? { mac: mac.toLowerCase() } : {}), line: lineNo });
      if (!conf.domains.includes(cd)) conf.domains.push(cd);
      return;
    }
    const bad = optionRefused(key, value);
    if (bad) return void refuse(lineNo, `option ${key}: ${bad}`);
    const mc = machine();
    const earlier = mc.options.findIndex((o) => o.key === key);
    if (earlier >= 0 && !REPEATABLE.has(key)) {
      problem(
        'warning',
        'kathara-duplicate',
        `machine "${name}": option ${key}="${value}" replaces ${key}="${mc.options[earlier].value}" from line ${mc.options[earlier].line} (Kathará keeps the last value)`,
        lineNo,
      );
      mc.options.splice(earlier, 1);
    }
    mc.options.push({ key, value, line: lineNo });
  });
  if (conf.machines.size === 0 && !shaped) {
    const first = text.replace(/^\uFEFF/, '').trimStart()[0];
    const looks =
      first === '<' ? ' (it looks like XML)' : first === '{' || first === '[' ? ' (it looks like JSON)' : '';
    problem(
      'error',
      'kathara-not-lab-conf',
      `this is not a lab.conf${looks}: it has no line like pc1[0]="A" that puts a machine's interface on a collision domain`,
      syntax[0]?.line ?? 1,
    );
    return { conf, problems };
  }
  // Machine.check: a device's interfaces are numbered from 0 without a gap.
  for (const mc of conf.machines.values()) {
    const nums = [...mc.ifaces.keys()].sort((a, b) => a - b);
    const gap = nums.findIndex((n, i) => n !== i);
    if (gap >= 0 && !refusedIface.has(mc.name))
      problem(
        'error',
        'kathara-interface-gap',
        `machine "${mc.name}": interface ${gap} (eth${gap}) is missing before interface ${nums[gap]}; Kathará numbers a device's interfaces from 0 without gaps and refuses this lab`,
        mc.ifaces.get(nums[gap])!.line,
      );
  }
  for (const s of syntax)
    problem(
      'warning',
      'kathara-syntax',
      `lab.conf line ${s.line} is not understood and is ignored (Kathará would refuse it): ${s.text.slice(0, 80)}`,
      s.line,
    );
  return { conf, problems };
}

/** One line of lab.ext: a collision domain joined to a host interface (optionally a VLAN of it). */
export interface KExternal {
  cd: string;
  iface: string;
  vlan?: number;
  line: number;
}

/** Reads lab.ext (`A enp9s0` or `B enp9s0.20` per line). Problems carry `file: 'lab.ext'`. */
export function parseLabExt(text: string): { ext: KExternal[]; problems: Problem[] } {
  const ext: KExternal[] = [];
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\w+)\s+(\w+)(?:\.(\d+))?$/.exec(line);
    if (!m)
      return void problems.push({
        code: 'kathara-syntax',
        severity: 'warning',
        message: `lab.ext line ${i + 1} is not "<collision domain> <host interface>[.<vlan>]" and is ignored: ${line.slice(0, 80)}`,
        path: [],
        line: i + 1,
        column: 1,
        file: 'lab.ext',
      });
    ext.push({ cd: m[1], iface: m[2], ...(m[3] ? { vlan: Number(m[3]) } : {}), line: i + 1 });
  });
  return { ext, problems };
}
