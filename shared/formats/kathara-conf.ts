/**
 * Kathará's `lab.conf` and `lab.ext`, read as Kathará's own parser reads
 * them (Kathara/parser/netkit/LabParser.py and ExtParser.py): lines
 * `machine[N]="cd"` or `machine[N]="cd/mac"` connect interface ethN to a
 * collision domain, `machine[option]="value"` sets an option (`exec` and
 * `sysctl` may repeat; any other repeated option replaces the earlier value),
 * `LAB_*=` lines describe the lab, `#` starts a comment.
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

const MACHINE_LINE = /^([A-Za-z0-9_.-]+)\[([^\]]+)\]\s*=\s*(.*)$/;
const META_LINE = /^(LAB_[A-Z_]+)\s*=\s*(.*)$/;
/** Options that may appear more than once (Kathará appends them). */
const REPEATABLE = new Set(['exec', 'sysctl', 'env', 'port', 'ulimit', 'volume']);

const unquote = (v: string) =>
  v
    .trim()
    .replace(/\s+#.*$/, '')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/^'(.*)'$/, '$1');

/** Reads lab.conf. Problems are about lab.conf (no `file`), located by line. */
export function parseLabConf(text: string): { conf: KLabConf; problems: Problem[] } {
  const problems: Problem[] = [];
  const conf: KLabConf = { machines: new Map(), domains: [], meta: {} };
  const problem = (severity: Problem['severity'], code: string, message: string, line: number) =>
    problems.push({ code, severity, message, path: [], line, column: 1 });
  const syntax: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const meta = META_LINE.exec(line);
    if (meta) return void (conf.meta[meta[1]] = unquote(meta[2]));
    const m = MACHINE_LINE.exec(line);
    if (!m) return void syntax.push({ line: lineNo, text: line });
    const [, name, key, rawValue] = m;
    let mc = conf.machines.get(name);
    if (!mc) conf.machines.set(name, (mc = { name, line: lineNo, ifaces: new Map(), options: [] }));
    const value = unquote(rawValue);
    if (/^\d+$/.test(key)) {
      const [cd, mac] = value.split('/').filter(Boolean);
      if (!cd)
        return void problem(
          'error',
          'kathara-syntax',
          `machine "${name}": interface ${key} has no collision domain`,
          lineNo,
        );
      const n = Number(key);
      const before = mc.ifaces.get(n);
      // Kathará refuses a second definition of the same interface (MachineCollisionDomainError).
      if (before)
        return void problem(
          'error',
          'kathara-duplicate',
          `machine "${name}": interface ${n} (eth${n}) is already on collision domain "${before.cd}" at line ${before.line}; Kathará refuses this lab too. Remove one of the two lines.`,
          lineNo,
        );
      mc.ifaces.set(n, { cd, ...(mac ? { mac: mac.toLowerCase() } : {}), line: lineNo });
      if (!conf.domains.includes(cd)) conf.domains.push(cd);
      return;
    }
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
  if (conf.machines.size === 0) {
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
