/**
 * Kathará (and Netkit) labs → netplumb. `lab.conf` lines `pc1[0]="A"` put
 * interface eth0 of machine pc1 on collision domain A; each collision domain
 * becomes a bridge, each machine a namespace (a router when its startup turns
 * forwarding on). The optional `<machine>.startup` scripts give addresses,
 * routes and link settings (`ip addr add`, `ip route add`, `ip link set`, and
 * the older `ifconfig`/`route add` forms); every other line is kept in the
 * machine's notes with a warning naming it.
 */
import type { Link, NetnsNode, TopoNode } from '../model';
import type { Problem } from '../validate/problem';
import { endFrom, interpretLines, netnsNodeFrom } from './exec-config';
import { finishImport, type ImportResult } from './import-result';
import { withPositions } from './layout';

/** Inputs besides lab.conf. */
export interface KatharaOptions {
  /** Texts of `<machine>.startup` files, keyed by machine name; `shared` is shared.startup (run on every machine). */
  startups?: Record<string, string>;
  /** Lab name (default: from LAB_NAME, else "kathara-lab"); usually the lab's directory name. */
  labName?: string;
}

const MACHINE_LINE = /^([A-Za-z0-9_.-]+)\[([^\]]+)\]\s*=\s*(.*)$/;
const META_LINE = /^(LAB_[A-Z_]+)\s*=\s*(.*)$/;
const IFNAME_MAX = 15;

const unquote = (v: string) => v.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');

/** Lowercase, allowed characters only, at most 32: what the validator accepts as a lab name. */
export function sanitizeLabName(s: string): string {
  const out = s.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 32);
  return out || 'imported-lab';
}

/** An id for a name that may hold any characters. */
const toId = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || '_';

/** Truncates to a byte budget without splitting a character. */
function fitBytes(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (new TextEncoder().encode(out + ch).length > max) break;
    out += ch;
  }
  return out;
}

/** Makes a unique interface name `base` (≤ 15 bytes) among `used`. */
export function uniqueIfname(base: string, used: Set<string>): string {
  const clean = base.replace(/[\s/:]/g, '_');
  let name = fitBytes(clean, IFNAME_MAX);
  for (let i = 2; used.has(name); i++) name = fitBytes(clean, IFNAME_MAX - String(i).length - 1) + '-' + i;
  used.add(name);
  return name;
}

/** Rewrites the Netkit-era `ifconfig` and `route` forms as the ip commands they mean. */
function modernize(line: string): string {
  const ifc = /^ifconfig\s+(\S+)\s+(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(?:\s+netmask\s+(\d+\.\d+\.\d+\.\d+))?(?:\s+broadcast\s+\S+)?(\s+up)?\s*$/.exec(line.trim());
  if (ifc) {
    const prefix = ifc[3] ?? (ifc[4] ? String(ifc[4].split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0)) : undefined);
    return prefix === undefined ? line : `ip addr add ${ifc[2]}/${prefix} dev ${ifc[1]}`;
  }
  const ifup = /^ifconfig\s+(\S+)\s+(up|down)\s*$/.exec(line.trim());
  if (ifup) return `ip link set ${ifup[1]} ${ifup[2]}`;
  const rt = /^route\s+add\s+(?:-net\s+(\S+)\s+netmask\s+(\S+)|(default))\s+gw\s+(\S+)(?:\s+dev\s+(\S+))?\s*$/.exec(line.trim());
  if (rt) {
    const to = rt[3] ? 'default' : `${rt[1]}/${rt[2].split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0)}`;
    return `ip route add ${to} via ${rt[4]}${rt[5] ? ` dev ${rt[5]}` : ''}`;
  }
  return line;
}

/** Reads a Kathará lab. Never throws; problems carry the line (and file) they are about. */
export function fromKathara(labConf: string, opts: KatharaOptions = {}): ImportResult {
  const problems: Problem[] = [];
  const at = (line: number, column = 1, file?: string) => ({ line, column, ...(file ? { file } : {}) });
  const warn = (message: string, line: number, file?: string, code = 'kathara-dropped') =>
    problems.push({ code, severity: 'warning', message, path: [], ...at(line, 1, file) });

  const machines = new Map<string, { ifaces: Map<number, { cd: string; mac?: string; line: number }>; options: Map<string, { value: string; line: number }>; line: number }>();
  const domains: string[] = [];
  let labName = opts.labName;
  let description: string | undefined;
  labConf.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const meta = META_LINE.exec(line);
    if (meta) {
      if (meta[1] === 'LAB_NAME' && labName === undefined) labName = unquote(meta[2]);
      if (meta[1] === 'LAB_DESCRIPTION') description = unquote(meta[2]);
      return;
    }
    const m = MACHINE_LINE.exec(line);
    if (!m) return void warn(`lab.conf line ${i + 1} is not understood and is ignored: ${line.slice(0, 80)}`, i + 1, undefined, 'kathara-syntax');
    const [, name, key, rawValue] = m;
    let mc = machines.get(name);
    if (!mc) machines.set(name, (mc = { ifaces: new Map(), options: new Map(), line: i + 1 }));
    const value = unquote(rawValue);
    if (/^\d+$/.test(key)) {
      const [cd, mac] = value.split('/');
      if (!cd) return void warn(`machine "${name}": interface ${key} has no collision domain`, i + 1, undefined, 'kathara-syntax');
      mc.ifaces.set(Number(key), { cd, ...(mac ? { mac: mac.toLowerCase() } : {}), line: i + 1 });
      if (!domains.includes(cd)) domains.push(cd);
    } else mc.options.set(key, { value, line: i + 1 });
  });
  if (machines.size === 0) problems.push({ code: 'kathara-empty', severity: 'error', message: 'lab.conf defines no machines (lines like pc1[0]="A")', path: [], line: 1, column: 1 });

  const nodes: TopoNode[] = [];
  const links: Link[] = [];
  const rootIfnames = new Set<string>();
  const usedIds = new Set<string>();
  const uniqueId = (base: string) => {
    let id = toId(base);
    for (let i = 2; usedIds.has(id); i++) id = `${toId(base)}-${i}`;
    usedIds.add(id);
    return id;
  };
  const bridgeId = new Map<string, string>();
  for (const cd of domains) {
    const id = uniqueId(`cd-${cd}`);
    bridgeId.set(cd, id);
    nodes.push({ id, name: uniqueIfname(`cd-${cd}`, rootIfnames), label: `collision domain ${cd}`, kind: 'bridge', stp: false, vlanFiltering: false, addresses: [] });
  }
  for (const [name, mc] of machines) {
    const file = `${name}.startup`;
    const startup = opts.startups?.[name];
    const lines = startup === undefined ? [] : startup.split(/\r?\n/);
    // shared.startup runs on every machine before its own startup file.
    const shared = opts.startups?.shared?.split(/\r?\n/) ?? [];
    const cfg = interpretLines([...shared, ...lines].map(modernize));
    cfg.unsupported = cfg.unsupported.filter((u) => u.index >= shared.length).map((u) => ({ ...u, index: u.index - shared.length }));
    const notes: string[] = [];
    const sysctl = mc.options.get('sysctl');
    if (sysctl) {
      const extra = interpretLines(sysctl.value.split(/\s*,\s*|\s+/).filter(Boolean).map((s) => `sysctl -w ${s}`));
      Object.assign(cfg.sysctls, extra.sysctls);
      for (const u of extra.unsupported) warn(`machine "${name}": ${u.line.replace('sysctl -w ', 'sysctl ')} is dropped (${u.why})`, sysctl.line);
    }
    for (const [key, { value, line }] of mc.options) {
      if (key === 'image') notes.push(`Kathará image: ${value} (not run by netplumb)`);
      else if (key !== 'sysctl') warn(`machine "${name}": option ${key}=${value} has no netplumb equivalent and is dropped`, line);
    }
    for (const u of cfg.unsupported) {
      notes.push(`startup: ${u.line}`);
      warn(`${file}:${u.index + 1}: "${u.line}" is kept as a note (${u.why})`, u.index + 1, file, 'kathara-startup');
    }
    const id = uniqueId(name);
    const node: NetnsNode = netnsNodeFrom(id, name, cfg);
    if (notes.length) node.notes = notes.join('\n');
    nodes.push(node);
    for (const [n, { cd, mac }] of [...mc.ifaces].sort((a, b) => a[0] - b[0])) {
      const ifname = `eth${n}`;
      const end = endFrom(id, ifname, cfg.ifaces.get(ifname));
      if (mac) end.mac = mac;
      const port = endFrom(bridgeId.get(cd)!, uniqueIfname(`${name}-${ifname}`, rootIfnames));
      links.push({ id: toId(`${name}-${ifname}`), a: end, b: port });
    }
    for (const [ifname, iface] of cfg.ifaces) {
      if (/^eth\d+$/.test(ifname) && mc.ifaces.has(Number(ifname.slice(3)))) continue;
      if (iface.addresses.length === 0 && iface.mtu === undefined && iface.mac === undefined) continue;
      node.notes = [node.notes, `interface ${ifname} (not in lab.conf): ${iface.addresses.join(', ')}`].filter(Boolean).join('\n');
      warn(`${file}: settings of interface "${ifname}" are dropped: lab.conf does not connect it`, 1, file, 'kathara-startup');
    }
  }
  for (const line of interpretLines((opts.startups?.shared ?? '').split(/\r?\n/).map(modernize)).unsupported) {
    warn(`shared.startup:${line.index + 1}: "${line.line}" is dropped (${line.why})`, line.index + 1, 'shared.startup', 'kathara-startup');
  }
  for (const name of Object.keys(opts.startups ?? {})) {
    if (name !== 'shared' && !machines.has(name)) warn(`${name}.startup belongs to no machine in lab.conf and is ignored`, 1, `${name}.startup`);
  }
  if (machines.size === 0) return { problems };
  // lab.conf has no drawing: lay the lab out so it opens readably on the canvas.
  const draft = withPositions({ version: 1, name: sanitizeLabName(labName ?? 'kathara-lab'), ...(description ? { description } : {}), nodes, links });
  const lineOfNode = nodes.map((n) => (n.kind === 'bridge' ? undefined : machines.get(n.name)?.line));
  return finishImport(draft, problems, (path) => {
    if (path[0] === 'nodes' && typeof path[1] === 'number' && lineOfNode[path[1]] !== undefined) return at(lineOfNode[path[1]]!);
    if (path[0] === 'links' && typeof path[1] === 'number') {
      const l = links[path[1]];
      const mc = l ? machines.get(nodes.find((n) => n.id === l.a.node)?.name ?? '') : undefined;
      const iface = mc?.ifaces.get(Number(l?.a.ifname.slice(3)));
      if (iface) return at(iface.line);
    }
    return at(1);
  });
}
