/**
 * containerlab → netplumb. Nodes are merged with their group, kind and
 * `defaults:` as containerlab merges them (clab-resolve.ts). Kind `linux` and
 * every other container kind become namespaces (routers when their sysctls
 * or exec lines turn forwarding on), with the kind and image kept in
 * `origin` for the way back; `bridge`/`ovs-bridge` become bridges, `host`
 * the host. `network-mode: container:X` puts a node's interfaces (or a
 * bridge) inside X's namespace, `network-mode: host` on the host. Links in
 * both formats carry their addresses (clab-links.ts); interface aliases
 * (`ethernet-1/1` on SR Linux) become the Linux names containerlab gives
 * them. Whatever has no netplumb form is named once, at the line it is
 * written on (an inherited setting at the kind or group that sets it).
 */
import type { Link, TopoNode } from '../model';
import type { Problem } from '../validate/problem';
import { clabInterfaceAlias } from './clab-aliases';
import { parseClabLink, type RawEnd } from './clab-links';
import { isObject, resolveNode, type ResolvedNode } from './clab-resolve';
import { parseDocumentText, type DocPath, type Locator } from './document';
import { endFrom, interpretLines, netnsNodeFrom } from './exec-config';
import { finishImport, sourceProblem, type ImportResult } from './import-result';
import { cleanName, idMaker, isCleanName, labNameFromPath, sanitizeLabName } from './import-names';

/** Node settings that do not change the network of a namespace lab, read without a word. */
const HARMLESS = new Set([
  'kind',
  'image',
  'exec',
  'sysctls',
  'labels',
  'group',
  'network-mode',
  'mgmt-ipv4',
  'mgmt-ipv6',
  'mgmt_ipv4',
  'mgmt_ipv6',
  'startup-delay',
  'wait-for',
  'auto-remove',
  'runtime',
  'cpu',
  'memory',
  'cpu-set',
  'shm-size',
  'restart-policy',
  'image-pull-policy',
  'stages',
  'healthcheck',
  'dns',
  'aliases',
  'license',
  'type',
  'enforce-startup-config',
  'suppress-startup-config',
  'certificate',
  'user',
  'env',
  'env-files',
]);

/** The image netplumb's containerlab export gives linux nodes that have none of their own. */
export const DEFAULT_CLAB_IMAGE = 'alpine:3.20';

/** Labels netplumb writes and reads back (graph-posX/Y are the ones containerlab's own graph uses). */
export const CLAB_LABEL = { x: 'graph-posX', y: 'graph-posY', label: 'netplumb.label' } as const;

const TEMPLATE = /\{\{.*?\}\}/;
const templateMessage = (what: string) =>
  `${what} is a Go template ({{ … }}): containerlab fills templates in when it deploys the file, netplumb reads the file as written. Write the names the template produces into the file, then import it.`;
const describe = (v: unknown) =>
  Array.isArray(v) ? 'a list' : typeof v === 'string' ? `the text "${v}"` : typeof v;

/** Reads a containerlab topology file (`*.clab.yml`). Never throws. */
export function fromClab(text: string, fileName?: string, opts: { labName?: string } = {}): ImportResult {
  const parsed = parseDocumentText(text, fileName ?? 'lab.clab.yml');
  const at: Locator = parsed.locate;
  const problems: Problem[] = [...parsed.problems];
  if (parsed.doc === undefined) {
    if (TEMPLATE.test(text))
      problems.push(sourceProblem('error', 'clab-template', templateMessage('this file'), undefined));
    return { problems };
  }
  const warn = (message: string, path: DocPath, code = 'clab-dropped') =>
    problems.push(sourceProblem('warning', code, message, at(path), [...path]));
  const error = (message: string, path: DocPath, code = 'clab-invalid') =>
    problems.push(sourceProblem('error', code, message, at(path), [...path]));
  const fail = (message: string, path: DocPath) => (error(message, path), { problems });

  const doc = parsed.doc;
  if (!isObject(doc)) return fail('a containerlab file is a mapping with "name" and "topology"', []);
  if (typeof doc.name !== 'string' || doc.name === '') return fail('the lab needs a "name"', ['name']);
  const topo = doc.topology;
  if (!isObject(topo)) return fail('"topology" is missing or not a mapping', ['topology']);
  if (!isObject(topo.nodes))
    return fail('"topology.nodes" is missing or not a mapping', ['topology', 'nodes']);

  // Pass 1: merge each node with what it inherits; find who shares whose namespace.
  const resolved = new Map<string, ResolvedNode>();
  for (const [name, raw] of Object.entries(topo.nodes)) {
    const here: DocPath = ['topology', 'nodes', name];
    if (TEMPLATE.test(name)) error(templateMessage(`node name "${name}"`), here, 'clab-template');
    else if (raw !== null && raw !== undefined && !isObject(raw))
      error(
        `node "${name}" should be a mapping of settings (kind, image, …); here it is ${describe(raw)}`,
        here,
      );
    else resolved.set(name, resolveNode(name, raw, topo));
  }
  const sharesWith = new Map<string, string>();
  for (const res of resolved.values()) {
    const mode = res.cfg['network-mode'];
    if (typeof mode !== 'string') continue;
    const m = /^container:(.+)$/.exec(mode);
    if (mode === 'host') sharesWith.set(res.name, 'host');
    else if (m && resolved.has(m[1]) && m[1] !== res.name) sharesWith.set(res.name, m[1]);
    else if (m)
      warn(
        `node "${res.name}" shares the network namespace of container "${m[1]}", which is not a node of this lab; it gets a namespace of its own`,
        res.from['network-mode'],
      );
  }
  /** The node whose namespace `name` lives in ("host" for the host). */
  const owner = (name: string) => {
    let cur = name;
    for (let i = 0; i < 16 && sharesWith.has(cur); i++) cur = sharesWith.get(cur)!;
    return cur;
  };

  // Pass 2: build nodes.
  const nodes: TopoNode[] = [];
  const byName = new Map<string, TopoNode>();
  const idOf = idMaker();
  const nodeSrc: DocPath[] = [];
  const dropped = new Map<string, { path: DocPath; text: string; kind?: string; nodes: string[] }>();
  const lineSrc = new Map<string, { text: string; path: DocPath }[]>();
  const add = (n: TopoNode, src: DocPath, res?: ResolvedNode) => {
    nodes.push(n);
    nodeSrc.push(src);
    byName.set(res?.name ?? n.name, n);
  };
  const taken = new Set([...resolved.keys()].filter(isCleanName));
  const kernelName = (name: string, path: DocPath, what: string, unique = false) => {
    if (isCleanName(name)) return name;
    let clean = cleanName(name);
    for (let i = 2; unique && taken.has(clean); i++) clean = `${cleanName(name)}-${i}`;
    taken.add(clean);
    warn(
      `${what} "${name}" is called "${clean}" in netplumb: kernel names use letters, digits, "-", "_" and "." only`,
      path,
      'clab-renamed',
    );
    return clean;
  };
  for (const res of resolved.values()) {
    const here: DocPath = ['topology', 'nodes', res.name];
    for (const k of Object.keys(res.cfg)) {
      if (HARMLESS.has(k)) continue;
      const path = res.from[k];
      const key = JSON.stringify(path);
      const entry = dropped.get(key) ?? {
        path,
        text: `${k}: ${JSON.stringify(res.cfg[k]).slice(0, 60)}`,
        nodes: [],
      };
      entry.nodes.push(res.name);
      dropped.set(key, entry);
    }
    const labels = isObject(res.cfg.labels) ? res.cfg.labels : {};
    const px = Number(labels[CLAB_LABEL.x]);
    const py = Number(labels[CLAB_LABEL.y]);
    const extra = {
      ...(typeof labels[CLAB_LABEL.label] === 'string' ? { label: labels[CLAB_LABEL.label] as string } : {}),
      ...(labels[CLAB_LABEL.x] !== undefined && Number.isFinite(px) && Number.isFinite(py)
        ? { position: { x: px, y: py } }
        : {}),
    };
    const image = typeof res.cfg.image === 'string' ? res.cfg.image : undefined;
    // Plain linux nodes without an image need no origin: export writes linux with its default image.
    // (netplumb's own export writes DEFAULT_CLAB_IMAGE on plain nodes: that is no origin either.)
    const origin =
      res.kind !== 'linux' || (image && image !== DEFAULT_CLAB_IMAGE)
        ? { origin: { kind: res.kind, ...(image ? { image } : {}) } }
        : {};
    const name = kernelName(res.name, here, 'node', true);
    if (res.kind === 'bridge' || res.kind === 'ovs-bridge') {
      if (res.kind === 'ovs-bridge')
        warn(
          `node "${res.name}": an Open vSwitch bridge becomes a Linux bridge`,
          res.from.kind ?? here,
          'clab-kind',
        );
      if (res.exec.length) warn(`node "${res.name}": exec lines of a bridge are dropped`, res.exec[0].path);
      const ns = owner(res.name);
      const inside = ns !== res.name && ns !== 'host' ? { namespace: ns } : {};
      add(
        {
          id: idOf(res.name),
          name,
          kind: 'bridge',
          stp: false,
          vlanFiltering: false,
          addresses: [],
          ...inside,
          ...extra,
          ...(res.kind === 'ovs-bridge' ? origin : {}),
        },
        here,
        res,
      );
      continue;
    }
    if (res.kind === 'host' || owner(res.name) === 'host') {
      if (res.kind !== 'host')
        warn(
          `node "${res.name}" runs in the host's network namespace (network-mode: host): its links end on the host${res.exec.length ? ", and its exec lines are not run because netplumb never changes the host's own addresses and routes" : ''}`,
          res.from['network-mode'],
          'clab-network-mode',
        );
      continue;
    }
    if (sharesWith.has(res.name)) {
      const target = owner(res.name);
      warn(
        `node "${res.name}" shares the network namespace of "${target}" (network-mode: ${String(res.cfg['network-mode'])}): its interfaces and exec lines belong to "${target}" in netplumb`,
        res.from['network-mode'],
        'clab-network-mode',
      );
      lineSrc.set(target, [...(lineSrc.get(target) ?? []), ...res.exec]);
      continue;
    }
    if (res.kind !== 'linux') {
      const path = res.from.kind ?? here;
      const key = JSON.stringify(['kind', ...path]);
      const entry = dropped.get(key) ?? { path, text: '', kind: res.kind, nodes: [] };
      entry.nodes.push(res.name);
      dropped.set(key, entry);
    }
    lineSrc.set(res.name, [
      ...res.sysctls.map((s) => ({ text: `sysctl -w ${s.key}=${s.value}`, path: s.path })),
      ...res.exec,
      ...(lineSrc.get(res.name) ?? []),
    ]);
    add({ id: idOf(res.name), name, kind: 'namespace', routes: [], ...origin, ...extra }, here, res);
  }
  // Lines of nodes that share a namespace are known only now: read every namespace's lines.
  const configs = new Map<string, ReturnType<typeof interpretLines>>();
  for (const [name, n] of byName) {
    if (n.kind !== 'namespace') continue;
    const lines = lineSrc.get(name) ?? [];
    const cfg = interpretLines(lines.map((l) => l.text));
    for (const u of cfg.unsupported)
      warn(`node "${name}": "${u.line}" is kept as a note (${u.why})`, lines[u.index].path, 'clab-exec');
    const built = netnsNodeFrom(n.id, n.name, cfg);
    const notes = cfg.unsupported.map((u) => `exec: ${u.line}`).join('\n');
    Object.assign(n, built, notes ? { notes } : {});
    configs.set(name, cfg);
  }
  for (const d of dropped.values()) {
    const who =
      d.nodes.length === 1 && d.path[2] === 'nodes'
        ? `node "${d.nodes[0]}"`
        : `node${d.nodes.length > 1 ? 's' : ''} ${d.nodes.map((n) => `"${n}"`).join(', ')}`;
    if (d.kind !== undefined)
      warn(
        `kind "${d.kind}" is a system netplumb does not run: ${who} ${d.nodes.length > 1 ? 'become plain namespaces' : 'becomes a plain namespace'} (kind and image are kept for a containerlab export); its own configuration and routing are not imported`,
        d.path,
        'clab-kind',
      );
    else warn(`containerlab setting ${d.text} has no netplumb equivalent and is dropped (${who})`, d.path);
  }

  const links: Link[] = [];
  const linkSrc: DocPath[] = [];
  const linksRaw = topo.links === undefined || topo.links === null ? [] : topo.links;
  if (!Array.isArray(linksRaw)) return fail('"topology.links" should be a list', ['topology', 'links']);
  const used = new Map<string, Set<string>>();
  const hostNode = () => {
    let h = [...byName.values()].find((n) => n.kind === 'host');
    if (!h) add((h = { id: idOf('host'), name: 'host', kind: 'host' }), ['topology']);
    return h;
  };
  linksRaw.forEach((raw, li) => {
    const p = parseClabLink(raw, li);
    if (p.kind === 'drop') return void warn(p.message, p.path);
    if (p.kind === 'error') return void error(p.message, p.path);
    const special = p.ends.find((e) => e.node === 'mgmt-net' || e.node === 'macvlan');
    if (special)
      return void warn(
        `link ${li + 1}: the "${special.node}" endpoint joins ${special.node === 'mgmt-net' ? "containerlab's management network" : 'a macvlan on the host'}, which netplumb has no equivalent for; the link is dropped`,
        special.path,
      );
    const ends = p.ends.map((e: RawEnd) => {
      if (TEMPLATE.test(e.ifname) || TEMPLATE.test(e.node))
        return void error(templateMessage(`endpoint "${e.node}:${e.ifname}"`), e.path, 'clab-template');
      const ownerName = e.node === 'host' ? 'host' : owner(e.node);
      const node = ownerName === 'host' ? hostNode() : byName.get(ownerName);
      if (!node) return void error(`link ${li + 1}: node "${e.node}" is not in topology.nodes`, e.path);
      const kind = resolved.get(e.node)?.kind ?? 'linux';
      const ifname = kernelName(
        clabInterfaceAlias(kind, e.ifname) ?? e.ifname,
        e.path,
        `interface of node "${e.node}"`,
      );
      (used.get(ownerName) ?? used.set(ownerName, new Set()).get(ownerName)!).add(ifname);
      const out = endFrom(node.id, ifname, configs.get(ownerName)?.ifaces.get(ifname));
      for (const a of e.addresses) if (!out.addresses.includes(a)) out.addresses.push(a);
      if (e.mac !== undefined) out.mac = e.mac;
      if (p.mtu !== undefined && out.mtu === undefined) out.mtu = p.mtu;
      if (node.kind !== 'namespace' && node.kind !== 'router' && e.addresses.length)
        warn(
          `link ${li + 1}: addresses of ${e.node}:${e.ifname} are dropped: it is a port of a ${node.kind === 'host' ? 'host interface' : 'bridge'}`,
          e.path,
        );
      return out;
    });
    if (ends.some((e) => e === undefined)) return;
    links.push({ id: `link${links.length + 1}`, a: ends[0]!, b: ends[1]! });
    linkSrc.push(['topology', 'links', li]);
  });

  for (const [name, cfg] of configs) {
    for (const [ifname, iface] of cfg.ifaces) {
      if (used.get(name)?.has(ifname)) continue;
      if (
        iface.addresses.length === 0 &&
        iface.mtu === undefined &&
        iface.mac === undefined &&
        iface.up !== false
      )
        continue;
      const node = byName.get(name)!;
      const what = iface.addresses.length
        ? `address${iface.addresses.length > 1 ? 'es' : ''} ${iface.addresses.join(', ')}`
        : 'settings';
      node.notes = [node.notes, `interface ${ifname} (not on any link): ${what}`].filter(Boolean).join('\n');
      const line = (lineSrc.get(name) ?? []).find((l) =>
        new RegExp(`\\bdev\\s+${ifname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(l.text),
      );
      warn(
        `node "${name}": ${what} of interface "${ifname}" dropped: it is not on any link`,
        line?.path ?? ['topology', 'nodes', name],
        'clab-exec',
      );
    }
  }

  // Named after the file and folder (two imported files never share a lab); the file's own name when no file is known.
  const labName =
    opts.labName !== undefined
      ? sanitizeLabName(opts.labName)
      : fileName
        ? labNameFromPath(fileName, doc.name)
        : sanitizeLabName(doc.name);
  const draft = { version: 1, name: labName, nodes, links };
  return finishImport(draft, problems, (path) => {
    if (path[0] === 'nodes' && typeof path[1] === 'number' && nodeSrc[path[1]]) return at(nodeSrc[path[1]]);
    if (path[0] === 'links' && typeof path[1] === 'number' && linkSrc[path[1]])
      return at([...linkSrc[path[1]], 'endpoints', path[2] === 'b' ? 1 : 0]) ?? at(linkSrc[path[1]]);
    if (path[0] === 'name') return at(['name']);
    return at(['topology']);
  });
}
