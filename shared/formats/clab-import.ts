/**
 * containerlab → netplumb. `topology.nodes` of kind linux become namespaces
 * (routers when their exec lines turn forwarding on), kind bridge a bridge
 * netplumb creates, kind host the host; other kinds become namespaces with a
 * warning. `kinds:`, `groups:` and `defaults:` are merged into each node as
 * containerlab does (node > group > kind > defaults). Exec lines of the known
 * iproute2/sysctl forms become model fields; any other line is kept in the
 * node's notes with a warning naming it.
 */
import type { Link, TopoNode } from '../model';
import type { Problem } from '../validate/problem';
import { parseDocumentText, type DocPath, type Locator } from './document';
import { endFrom, interpretLines, netnsNodeFrom, type NodeConfig } from './exec-config';
import { finishImport, sourceProblem, type ImportResult } from './import-result';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Node settings that do not matter to a namespace lab and are ignored silently. */
const HARMLESS = new Set(['kind', 'image', 'exec', 'labels', 'group', 'network-mode', 'mgmt-ipv4', 'mgmt-ipv6', 'mgmt_ipv4', 'mgmt_ipv6', 'startup-delay', 'wait-for', 'auto-remove', 'runtime', 'cpu', 'memory', 'cpu-set', 'restart-policy']);

/** Labels netplumb writes and reads back (graph-posX/Y are the ones containerlab's own graph uses). */
export const CLAB_LABEL = { x: 'graph-posX', y: 'graph-posY', label: 'netplumb.label' } as const;

interface Resolved {
  name: string;
  kind: string;
  /** Where each merged field came from, for locating problems in the source. */
  from: Record<string, DocPath>;
  cfg: Plain;
}

function resolveNode(name: string, raw: unknown, topo: Plain): Resolved {
  const node = isObject(raw) ? raw : {};
  const defaults = isObject(topo.defaults) ? topo.defaults : {};
  const groups = isObject(topo.groups) ? topo.groups : {};
  const kinds = isObject(topo.kinds) ? topo.kinds : {};
  const groupName = typeof node.group === 'string' ? node.group : undefined;
  const group = groupName && isObject(groups[groupName]) ? (groups[groupName] as Plain) : {};
  const kind = String(node.kind ?? group.kind ?? defaults.kind ?? 'linux');
  const kindCfg = isObject(kinds[kind]) ? (kinds[kind] as Plain) : {};
  const layers: [Plain, DocPath][] = [
    [defaults, ['topology', 'defaults']],
    [kindCfg, ['topology', 'kinds', kind]],
    [group, ['topology', 'groups', groupName ?? '']],
    [node, ['topology', 'nodes', name]],
  ];
  const cfg: Plain = {};
  const from: Record<string, DocPath> = {};
  for (const [layer, path] of layers) {
    for (const [k, v] of Object.entries(layer)) {
      // Labels merge key by key; everything else is replaced by the nearer layer.
      cfg[k] = k === 'labels' && isObject(v) && isObject(cfg.labels) ? { ...cfg.labels, ...v } : v;
      from[k] = [...path, k];
    }
  }
  cfg.kind = kind;
  return { name, kind, from, cfg };
}

/** An endpoint as node + interface (+ MAC), from "node:iface" or { node, interface, mac }. */
function parseEndpoint(e: unknown): { node: string; ifname: string; mac?: string } | null {
  if (typeof e === 'string') {
    const at = e.indexOf(':');
    if (at <= 0 || at === e.length - 1) return null;
    return { node: e.slice(0, at), ifname: e.slice(at + 1) };
  }
  if (isObject(e) && typeof e.node === 'string' && typeof e.interface === 'string') {
    return { node: e.node, ifname: e.interface, ...(typeof e.mac === 'string' ? { mac: e.mac.toLowerCase() } : {}) };
  }
  return null;
}

/** Reads a containerlab topology file (`*.clab.yml`). Never throws. */
export function fromClab(text: string, fileName = 'lab.clab.yml'): ImportResult {
  const parsed = parseDocumentText(text, fileName);
  const at: Locator = parsed.locate;
  const problems: Problem[] = [...parsed.problems];
  if (parsed.doc === undefined) return { problems };
  const warn = (message: string, path: DocPath, code = 'clab-dropped') => problems.push(sourceProblem('warning', code, message, at(path), [...path]));
  const fail = (message: string, path: DocPath) => {
    problems.push(sourceProblem('error', 'clab-invalid', message, at(path), [...path]));
    return { problems };
  };

  const doc = parsed.doc;
  if (!isObject(doc)) return fail('a containerlab file is a mapping with "name" and "topology"', []);
  if (typeof doc.name !== 'string' || doc.name === '') return fail('the lab needs a "name"', ['name']);
  const topo = doc.topology;
  if (!isObject(topo)) return fail('"topology" is missing or not a mapping', ['topology']);
  if (!isObject(topo.nodes)) return fail('"topology.nodes" is missing or not a mapping', ['topology', 'nodes']);

  const nodes: TopoNode[] = [];
  // Node ids are the containerlab names where they fit netplumb's id rules, else a cleaned, unique form.
  const ids = new Set<string>();
  const idOf = (name: string) => {
    const base = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'node';
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}-${i}`;
    ids.add(id);
    return id;
  };
  const configs = new Map<string, { cfg: NodeConfig; used: Set<string>; res: Resolved }>();
  for (const [name, raw] of Object.entries(topo.nodes)) {
    const res = resolveNode(name, raw, topo);
    const here: DocPath = ['topology', 'nodes', name];
    const labels = isObject(res.cfg.labels) ? res.cfg.labels : {};
    const px = Number(labels[CLAB_LABEL.x]);
    const py = Number(labels[CLAB_LABEL.y]);
    const extra = {
      ...(typeof labels[CLAB_LABEL.label] === 'string' ? { label: labels[CLAB_LABEL.label] as string } : {}),
      ...(labels[CLAB_LABEL.x] !== undefined && Number.isFinite(px) && Number.isFinite(py) ? { position: { x: px, y: py } } : {}),
    };
    const ignored = Object.keys(res.cfg).filter((k) => !HARMLESS.has(k));
    if (ignored.length) warn(`node "${name}": containerlab settings ${ignored.map((k) => `"${k}"`).join(', ')} have no netplumb equivalent and are dropped`, here);

    if (res.kind === 'bridge' || res.kind === 'ovs-bridge') {
      if (res.kind === 'ovs-bridge') warn(`node "${name}": an Open vSwitch bridge becomes a Linux bridge`, [...here, 'kind'], 'clab-kind');
      if (res.cfg.exec !== undefined) warn(`node "${name}": exec lines of a bridge are dropped`, res.from.exec);
      nodes.push({ id: idOf(name), name, kind: 'bridge', stp: false, vlanFiltering: false, addresses: [], ...extra });
      continue;
    }
    if (res.kind === 'host') {
      nodes.push({ id: idOf(name), name, kind: 'host', ...extra });
      continue;
    }
    if (res.kind !== 'linux') {
      warn(`node "${name}": kind "${res.kind}" is not something netplumb runs; it becomes a plain namespace`, res.from.kind ?? [...here, 'kind'], 'clab-kind');
    }
    const execRaw = res.cfg.exec;
    const exec = Array.isArray(execRaw) ? execRaw.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))) : [];
    if (execRaw !== undefined && !Array.isArray(execRaw)) warn(`node "${name}": "exec" should be a list of command lines`, res.from.exec);
    const cfg = interpretLines(exec);
    const notes: string[] = [];
    if (typeof res.cfg.image === 'string') notes.push(`containerlab image: ${res.cfg.image} (not run by netplumb)`);
    if (res.kind !== 'linux') notes.push(`containerlab kind: ${res.kind}`);
    for (const u of cfg.unsupported) {
      notes.push(`exec: ${u.line}`);
      warn(`node "${name}": exec line "${u.line}" is kept as a note (${u.why})`, [...(res.from.exec ?? here), u.index], 'clab-exec');
    }
    const node = netnsNodeFrom(idOf(name), name, cfg);
    nodes.push({ ...node, ...extra, ...(notes.length ? { notes: notes.join('\n') } : {}) });
    configs.set(name, { cfg, used: new Set(), res });
  }

  const links: Link[] = [];
  const linkSource: number[] = [];
  const linksRaw = topo.links === undefined ? [] : topo.links;
  if (!Array.isArray(linksRaw)) return fail('"topology.links" should be a list', ['topology', 'links']);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const ensureHost = () => {
    if (!byName.has('host')) {
      const host: TopoNode = { id: idOf('host'), name: 'host', kind: 'host' };
      nodes.push(host);
      byName.set('host', host);
    }
  };
  linksRaw.forEach((raw, li) => {
    const here: DocPath = ['topology', 'links', li];
    if (!isObject(raw)) return void warn('a link should be a mapping with "endpoints"', here, 'clab-invalid');
    const type = typeof raw.type === 'string' ? raw.type : 'veth';
    let eps: ({ node: string; ifname: string; mac?: string } | null)[];
    if (type === 'host' && isObject(raw.endpoint) && typeof raw['host-interface'] === 'string') {
      eps = [parseEndpoint(raw.endpoint), { node: 'host', ifname: raw['host-interface'] }];
    } else if (type === 'veth' && Array.isArray(raw.endpoints) && raw.endpoints.length === 2) {
      eps = raw.endpoints.map(parseEndpoint);
    } else {
      return void warn(`link ${li + 1}: a "${type}" link has no netplumb equivalent and is dropped`, here);
    }
    if (eps.some((e) => e === null)) return void warn(`link ${li + 1}: endpoints should look like "node:interface"`, [...here, 'endpoints'], 'clab-invalid');
    const [ea, eb] = eps as { node: string; ifname: string; mac?: string }[];
    const special = [ea, eb].find((e) => e.node === 'mgmt-net' || e.node === 'macvlan' || e.node === 'ovs-bridge');
    if (special) return void warn(`link ${li + 1}: "${special.node}" endpoints have no netplumb equivalent; the link is dropped`, here);
    for (const e of [ea, eb]) if (e.node === 'host' && !byName.has('host')) ensureHost();
    const missing = [ea, eb].find((e) => !byName.has(e.node));
    if (missing) {
      problems.push(sourceProblem('error', 'clab-invalid', `link ${li + 1}: node "${missing.node}" is not in topology.nodes`, at([...here, 'endpoints']), [...here]));
      return;
    }
    const mtu = typeof raw.mtu === 'number' ? raw.mtu : undefined;
    const end = (e: { node: string; ifname: string; mac?: string }) => {
      const c = configs.get(e.node);
      c?.used.add(e.ifname);
      const out = endFrom(byName.get(e.node)!.id, e.ifname, c?.cfg.ifaces.get(e.ifname));
      if (e.mac !== undefined) out.mac = e.mac;
      if (mtu !== undefined && out.mtu === undefined) out.mtu = mtu;
      return out;
    };
    links.push({ id: `link${links.length + 1}`, a: end(ea), b: end(eb) });
    linkSource.push(li);
  });

  for (const [name, { cfg, used, res }] of configs) {
    for (const [ifname, iface] of cfg.ifaces) {
      if (used.has(ifname)) continue;
      if (iface.addresses.length === 0 && iface.mtu === undefined && iface.mac === undefined && iface.up !== false) continue;
      const node = byName.get(name)!;
      const what = iface.addresses.length ? `address${iface.addresses.length > 1 ? 'es' : ''} ${iface.addresses.join(', ')}` : 'settings';
      node.notes = [node.notes, `interface ${ifname} (not on any link): ${what}`].filter(Boolean).join('\n');
      warn(`node "${name}": ${what} of interface "${ifname}" dropped: it is not on any link`, res.from.exec ?? ['topology', 'nodes', name], 'clab-exec');
    }
  }

  const draft = { version: 1, name: doc.name, nodes, links };
  const nodeNames = nodes.map((n) => n.name);
  return finishImport(draft, problems, (path) => {
    if (path[0] === 'nodes' && typeof path[1] === 'number' && nodeNames[path[1]] !== undefined) return at(['topology', 'nodes', nodeNames[path[1]]]);
    if (path[0] === 'links' && typeof path[1] === 'number') return at(['topology', 'links', linkSource[path[1]] ?? 0, 'endpoints', path[2] === 'b' ? 1 : 0]);
    if (path[0] === 'name') return at(['name']);
    return at(['topology']);
  });
}
