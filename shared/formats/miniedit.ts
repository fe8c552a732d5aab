/**
 * Mininet MiniEdit (`.mn`, JSON) → netplumb. Hosts become namespaces with
 * their IP (prefix from the application's ipBase) and default route; Linux
 * bridges (legacySwitch) become bridges; OpenFlow switches become Linux
 * bridges with a warning (no controller); legacy routers become routers.
 * Interfaces are named as Mininet names them (`h1-eth0`, `s1-eth1`). Link
 * options bw/delay/loss/jitter become netem on both ends. Controllers, start
 * commands, NAT and external interfaces are named in warnings.
 */
import type { Link, LinkEnd, Netem, TopoNode } from '../model';
import type { Problem } from '../validate/problem';
import { canonicalCidr, family } from '../util/ip';
import { parseDocumentText, type DocPath } from './document';
import { finishImport, sourceProblem, type ImportResult } from './import-result';
import { sanitizeLabName, uniqueIfname } from './kathara';
import { withPositions } from './layout';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Host/switch options that matter to nothing netplumb builds, skipped silently. */
const QUIET = new Set(['hostname', 'nodeNum', 'sched', 'ip', 'defaultRoute', 'switchType', 'controllers', 'dpid', 'dpctl', 'netflow', 'sflow', 'stp']);

/** Parses "10ms" / "1.5 ms" / 10 into milliseconds. */
function ms(v: unknown): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s)?\s*$/.exec(String(v ?? ''));
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'us' ? n / 1000 : n;
}

/** Reads a MiniEdit file. Never throws; problems carry line and column in the file. */
export function fromMiniEdit(text: string, fileName = 'topology.mn', labName?: string): ImportResult {
  const parsed = parseDocumentText(text, fileName.endsWith('.json') ? fileName : `${fileName}.json`);
  const at = parsed.locate;
  const problems: Problem[] = [...parsed.problems];
  if (parsed.doc === undefined) return { problems };
  const warn = (message: string, path: DocPath, code = 'miniedit-dropped') => problems.push(sourceProblem('warning', code, message, at(path), [...path]));
  const doc = parsed.doc;
  if (!isObject(doc) || (!Array.isArray(doc.hosts) && !Array.isArray(doc.switches))) {
    problems.push(sourceProblem('error', 'miniedit-invalid', 'not a MiniEdit topology: expected "hosts" and "switches" lists', at([]), []));
    return { problems };
  }
  const app = isObject(doc.application) ? doc.application : {};
  const ipBase = str(app.ipBase) ?? '10.0.0.0/8';
  const basePrefix = Number(ipBase.split('/')[1] ?? 8);
  if (Array.isArray(doc.controllers) && doc.controllers.length) warn(`${doc.controllers.length} OpenFlow controller(s) dropped: netplumb bridges learn by themselves`, ['controllers']);
  for (const key of ['netflow', 'sflow']) if (isObject(app[key]) && Object.keys(app[key] as Plain).length) warn(`application ${key} settings are dropped`, ['application', key]);

  const nodes: TopoNode[] = [];
  // Ids follow netplumb's id rules; names stay as Mininet wrote them (links refer to names).
  const ids = new Set<string>();
  const idOf = (name: string) => {
    const base = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'node';
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}-${i}`;
    ids.add(id);
    return id;
  };
  const srcPath = new Map<string, DocPath>();
  const ifCount = new Map<string, number>();
  const addNode = (n: TopoNode, path: DocPath, firstIf: number) => {
    if (srcPath.has(n.name)) return void problems.push(sourceProblem('error', 'miniedit-invalid', `two nodes are called "${n.name}"`, at(path), [...path]));
    nodes.push(n);
    srcPath.set(n.name, path);
    ifCount.set(n.name, firstIf);
  };
  const position = (o: Plain) => {
    const x = Number(o.x);
    const y = Number(o.y);
    return Number.isFinite(x) && Number.isFinite(y) ? { position: { x, y } } : {};
  };
  const hostIp = new Map<string, string>();
  (Array.isArray(doc.hosts) ? doc.hosts : []).forEach((h, i) => {
    const path: DocPath = ['hosts', i];
    const opts = isObject(h) && isObject(h.opts) ? h.opts : {};
    const name = str(opts.hostname);
    if (!name) return void warn('a host without a hostname is skipped', path, 'miniedit-invalid');
    const gw = str(opts.defaultRoute);
    const node: TopoNode = { id: idOf(name), name, kind: 'namespace', routes: [], ...(isObject(h) ? position(h) : {}) };
    if (gw) {
      if (family(gw.replace(/^via\s+/, ''))) node.gateway = { [family(gw.replace(/^via\s+/, '')) === 6 ? 'ipv6' : 'ipv4']: gw.replace(/^via\s+/, '') };
      else warn(`host "${name}": default route "${gw}" is not an address and is dropped`, [...path, 'opts', 'defaultRoute']);
    }
    const ip = str(opts.ip);
    if (ip) {
      const cidr = ip.includes('/') ? ip : `${ip}/${basePrefix}`;
      if (canonicalCidr(cidr)) hostIp.set(name, cidr);
      else warn(`host "${name}": address "${ip}" is not valid and is dropped`, [...path, 'opts', 'ip']);
    }
    const dropped = Object.keys(opts).filter((k) => !QUIET.has(k) && opts[k] !== '' && !(Array.isArray(opts[k]) && (opts[k] as unknown[]).length === 0));
    if (dropped.length) {
      warn(`host "${name}": ${dropped.map((k) => `"${k}"`).join(', ')} dropped`, [...path, 'opts']);
      if (typeof opts.startCommand === 'string') node.notes = `MiniEdit start command: ${opts.startCommand}`;
    }
    addNode(node, path, 0);
  });
  (Array.isArray(doc.switches) ? doc.switches : []).forEach((s, i) => {
    const path: DocPath = ['switches', i];
    const opts = isObject(s) && isObject(s.opts) ? s.opts : {};
    const name = str(opts.hostname);
    if (!name) return void warn('a switch without a hostname is skipped', path, 'miniedit-invalid');
    const type = str(opts.switchType) ?? 'default';
    const pos = isObject(s) ? position(s) : {};
    if (type === 'legacyRouter') return addNode({ id: idOf(name), name, kind: 'router', routes: [], ipv6Forwarding: false, ...pos }, path, 0);
    if (type !== 'legacySwitch') warn(`switch "${name}" (${type}) is an OpenFlow switch in Mininet; it becomes a learning Linux bridge`, [...path, 'opts'], 'miniedit-kind');
    addNode({ id: idOf(name), name, kind: 'bridge', stp: opts.stp === true || opts.stp === '1', vlanFiltering: false, addresses: [], ...pos }, path, 1);
  });

  const links: Link[] = [];
  const linkSrc: number[] = [];
  const rootIfnames = new Set<string>();
  (Array.isArray(doc.links) ? doc.links : []).forEach((l, i) => {
    const path: DocPath = ['links', i];
    if (!isObject(l)) return;
    const src = str(l.src);
    const dest = str(l.dest);
    const missing = [src, dest].find((n) => n === undefined || !srcPath.has(n));
    if (missing !== undefined || !src || !dest) {
      problems.push(sourceProblem('error', 'miniedit-invalid', `link ${i + 1} names a node "${missing ?? ''}" that is not in the file`, at(path), [...path]));
      return;
    }
    const opts = isObject(l.opts) ? l.opts : {};
    const netem: Netem = {};
    const delay = ms(opts.delay);
    const jitter = ms(opts.jitter);
    if (delay !== undefined && delay > 0) netem.delayMs = delay;
    if (jitter !== undefined && jitter > 0) netem.jitterMs = jitter;
    if (Number(opts.loss) > 0) netem.lossPercent = Math.min(100, Number(opts.loss));
    if (Number(opts.bw) > 0) netem.rateKbit = Math.round(Number(opts.bw) * 1000);
    const extra = Object.keys(opts).filter((k) => !['delay', 'jitter', 'loss', 'bw'].includes(k));
    if (extra.length) warn(`link ${src}–${dest}: options ${extra.map((k) => `"${k}"`).join(', ')} dropped`, [...path, 'opts']);
    const end = (name: string): LinkEnd => {
      const n = ifCount.get(name)!;
      ifCount.set(name, n + 1);
      const node = nodes.find((x) => x.name === name)!;
      const base = `${name}-eth${n}`;
      const ifname = node.kind === 'bridge' ? uniqueIfname(base, rootIfnames) : base;
      const first = node.kind === 'namespace' && n === 0 && hostIp.has(name);
      return { node: node.id, ifname, addresses: first ? [hostIp.get(name)!] : [], up: true, ...(Object.keys(netem).length ? { netem: { ...netem } } : {}) };
    };
    links.push({ id: `link${links.length + 1}`, a: end(src), b: end(dest) });
    linkSrc.push(i);
  });
  for (const [name, ip] of hostIp) {
    if (ifCount.get(name) === 0) warn(`host "${name}": address ${ip} dropped: the host has no link`, srcPath.get(name)!);
  }
  const draft = withPositions({ version: 1, name: sanitizeLabName(labName ?? fileName.replace(/^.*[\\/]/, '').replace(/\.(mn|json)$/i, '')), nodes, links });
  return finishImport(draft, problems, (path) => {
    if (path[0] === 'nodes' && typeof path[1] === 'number') return at(srcPath.get(nodes[path[1]]?.name ?? '') ?? []);
    if (path[0] === 'links' && typeof path[1] === 'number') return at(['links', linkSrc[path[1]] ?? 0]);
    return at([]);
  });
}
