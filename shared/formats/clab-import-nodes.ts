/**
 * The node side of a containerlab import (clab-import.ts): each node merged
 * with what it inherits, who shares whose namespace (`network-mode`), and the
 * netplumb node each one becomes — a bridge, the host, a share of another
 * node's namespace, or a namespace configured by its exec and sysctl lines.
 * Pure; warnings go to the context in the order they are found.
 */
import type { TopoNode } from '../model';
import { isObject, resolveNode, type ResolvedNode } from './clab-resolve';
import type { DocPath } from './document';
import { interpretLines, netnsNodeFrom, type NodeConfig } from './exec-config';
import { parseIpCommand } from './ip-commands';
import { isCleanName } from './import-names';
import {
  addNode,
  CLAB_LABEL,
  type ClabCtx,
  DEFAULT_CLAB_IMAGE,
  error,
  kernelName,
  owner,
  TEMPLATE,
  templateMessage,
  warn,
} from './clab-import-ctx';

/**
 * Node settings the import maps (or that only say where a node inherits from):
 * kind and image go to the node's origin for a containerlab export, exec and
 * sysctls to addresses, routes and sysctls, network-mode to who shares whose
 * namespace, labels to the label and position netplumb's export writes. Every
 * other setting — containerlab's node-config has some fifty (schemas/
 * clab.schema.json), and a newer containerlab may add more — has no netplumb
 * form and is named in a warning at the line that sets it, on the node or in
 * `kinds:`, `groups:` or `defaults:`.
 */
export const MAPPED_NODE_KEYS: ReadonlySet<string> = new Set([
  'kind',
  'image',
  'type',
  'exec',
  'sysctls',
  'group',
  'network-mode',
  'labels',
  'stages',
]);

/** A value as JSON, cut to 60 characters with an ellipsis that shows it was cut. */
const shorten = (json: string) => (json.length > 60 ? `${json.slice(0, 59)}…` : json);

const describe = (v: unknown) =>
  Array.isArray(v) ? 'a list' : typeof v === 'string' ? `the text "${v}"` : typeof v;

/** Pass 1: merges each node with what it inherits, then finds who shares whose namespace. */
export function resolveNodes(
  c: ClabCtx,
  topo: Record<string, unknown>,
  nodes: Record<string, unknown>,
): void {
  for (const [name, raw] of Object.entries(nodes)) {
    const here: DocPath = ['topology', 'nodes', name];
    if (TEMPLATE.test(name)) error(c, templateMessage(`node name "${name}"`), here, 'clab-template');
    else if (raw !== null && raw !== undefined && !isObject(raw))
      error(
        c,
        `node "${name}" should be a mapping of settings (kind, image, …); here it is ${describe(raw)}`,
        here,
      );
    else {
      const res = resolveNode(name, raw, topo);
      for (const n of res.stageNotes) warn(c, `node "${name}": ${n.message}`, n.path, 'clab-stages');
      c.resolved.set(name, res);
    }
  }
  for (const res of c.resolved.values()) {
    const mode = res.cfg['network-mode'];
    // bridge (Docker's default) and none (no management interface) leave the lab's own links as they are.
    if (mode === undefined || mode === null || mode === '' || mode === 'bridge' || mode === 'none') continue;
    const m = typeof mode === 'string' ? /^container:(.+)$/.exec(mode) : null;
    if (mode === 'host') c.sharesWith.set(res.name, 'host');
    else if (m && c.resolved.has(m[1]) && m[1] !== res.name) c.sharesWith.set(res.name, m[1]);
    else if (!m)
      warn(
        c,
        `node "${res.name}": network-mode ${JSON.stringify(mode)} has no netplumb equivalent; the node gets a namespace of its own`,
        res.from['network-mode'],
      );
    else
      warn(
        c,
        `node "${res.name}" shares the network namespace of container "${m[1]}", which is not a node of this lab; it gets a namespace of its own`,
        res.from['network-mode'],
      );
  }
  for (const name of c.resolved.keys()) if (isCleanName(name)) c.taken.add(name);
}

/** Kinds that become a netplumb bridge. */
const isBridgeKind = (kind: string): boolean => kind === 'bridge' || kind === 'ovs-bridge';

/**
 * The kernel name of a bridge node: containerlab names a bridge that lives in
 * another node's namespace `<bridge>|<node>` and creates it as `<bridge>`
 * (nodes/bridge: nameWithoutSeparatorSuffix), so two such bridges in two
 * namespaces may share a name.
 */
const bridgeBaseName = (name: string): string => {
  const bar = name.indexOf('|');
  return bar > 0 ? name.slice(0, bar) : name;
};

/** Pass 2: the netplumb node of every containerlab node, then each namespace's lines, then what was dropped. */
export function buildNodes(c: ClabCtx): void {
  for (const res of c.resolved.values()) buildNode(c, res);
  placeBridges(c);
  readNamespaceLines(c);
  reportDropped(c);
}

/** A bridge in another node's namespace names that node's id (known once every node is built). */
function placeBridges(c: ClabCtx): void {
  for (const [name, n] of c.byName) {
    if (n.kind !== 'bridge') continue;
    const ns = owner(c, name);
    const home = ns !== name && ns !== 'host' ? c.byName.get(ns) : undefined;
    if (home && (home.kind === 'namespace' || home.kind === 'router')) n.namespace = home.id;
  }
}

/** The node of one containerlab node (none for the host or a share of another's namespace). */
function buildNode(c: ClabCtx, res: ResolvedNode): void {
  const here: DocPath = ['topology', 'nodes', res.name];
  noteSettings(c, res);
  const extra = labelFields(res);
  const origin = originOf(res);
  if (isBridgeKind(res.kind)) return addBridge(c, res, extra, origin);
  const name = kernelName(c, res.name, here, 'node', true);
  if (res.kind === 'host' || owner(c, res.name) === 'host') return onHost(c, res);
  if (c.sharesWith.has(res.name)) return intoShared(c, res);
  if (res.kind !== 'linux') {
    const path = res.from.kind ?? here;
    const key = JSON.stringify(['kind', ...path]);
    const entry = c.dropped.get(key) ?? { path, text: '', kind: res.kind, nodes: [] };
    entry.nodes.push(res.name);
    c.dropped.set(key, entry);
  }
  c.lineSrc.set(res.name, [
    ...res.sysctls.map((s) => ({ text: `sysctl -w ${s.key}=${s.value}`, path: s.path })),
    ...res.exec,
    ...(c.lineSrc.get(res.name) ?? []),
  ]);
  addNode(c, { id: c.idOf(res.name), name, kind: 'namespace', routes: [], ...origin, ...extra }, here, res);
}

/** Records the node's settings that have no netplumb form (reported once per place, after every node). */
function noteSettings(c: ClabCtx, res: ResolvedNode): void {
  const note = (k: string, path: DocPath, value: unknown) => {
    const key = JSON.stringify(path);
    const entry = c.dropped.get(key) ?? {
      path,
      text: `${k}: ${shorten(JSON.stringify(value))}`,
      nodes: [],
    };
    entry.nodes.push(res.name);
    c.dropped.set(key, entry);
  };
  for (const k of Object.keys(res.cfg)) {
    if (!MAPPED_NODE_KEYS.has(k)) note(k, res.from[k], res.cfg[k]);
  }
  // Labels other than the ones netplumb's export writes (its label and canvas position) have no place.
  const labels = isObject(res.cfg.labels) ? res.cfg.labels : {};
  const own = new Set<string>(Object.values(CLAB_LABEL));
  const foreign = Object.fromEntries(Object.entries(labels).filter(([k]) => !own.has(k)));
  if (Object.keys(foreign).length && res.from.labels) note('labels', res.from.labels, foreign);
}

/** The label and position netplumb's own export wrote into the node's labels. */
function labelFields(res: ResolvedNode): Partial<Pick<TopoNode, 'label' | 'position'>> {
  const labels = isObject(res.cfg.labels) ? res.cfg.labels : {};
  const px = Number(labels[CLAB_LABEL.x]);
  const py = Number(labels[CLAB_LABEL.y]);
  return {
    ...(typeof labels[CLAB_LABEL.label] === 'string' ? { label: labels[CLAB_LABEL.label] as string } : {}),
    ...(labels[CLAB_LABEL.x] !== undefined && Number.isFinite(px) && Number.isFinite(py)
      ? { position: { x: px, y: py } }
      : {}),
  };
}

/**
 * The containerlab kind and image kept for the way back. Plain linux nodes
 * without an image need no origin: export writes linux with its default image
 * (netplumb's own export writes DEFAULT_CLAB_IMAGE on plain nodes: that is no
 * origin either).
 */
function originOf(res: ResolvedNode): { origin?: { kind: string; image?: string; type?: string } } {
  const image = typeof res.cfg.image === 'string' ? res.cfg.image : undefined;
  // The type (an SR Linux's hardware model) is kept too: containerlab falls back to the kind's default.
  const t = res.cfg.type;
  const type = typeof t === 'string' || typeof t === 'number' ? String(t) : undefined;
  return res.kind !== 'linux' || (image && image !== DEFAULT_CLAB_IMAGE) || type !== undefined
    ? { origin: { kind: res.kind, ...(image ? { image } : {}), ...(type !== undefined ? { type } : {}) } }
    : {};
}

/** A bridge (an Open vSwitch one becomes a Linux bridge), inside the namespace it shares if any. */
function addBridge(
  c: ClabCtx,
  res: ResolvedNode,
  extra: ReturnType<typeof labelFields>,
  origin: ReturnType<typeof originOf>,
): void {
  const here: DocPath = ['topology', 'nodes', res.name];
  const base = res.kind === 'bridge' ? bridgeBaseName(res.name) : res.name;
  const name = kernelName(c, base, here, 'bridge', true);
  if (res.kind === 'ovs-bridge')
    warn(
      c,
      `node "${res.name}": an Open vSwitch bridge becomes a Linux bridge`,
      res.from.kind ?? here,
      'clab-kind',
    );
  if (res.exec.length) warn(c, `node "${res.name}": exec lines of a bridge are dropped`, res.exec[0].path);
  const node: TopoNode = {
    id: c.idOf(res.name),
    name,
    kind: 'bridge',
    stp: false,
    vlanFiltering: false,
    addresses: [],
    ...extra,
    ...(res.kind === 'ovs-bridge' ? origin : {}),
  };
  addNode(c, node, here, res);
}

/** The host node itself, or a node in the host's namespace: its links end on the host. */
function onHost(c: ClabCtx, res: ResolvedNode): void {
  if (res.kind === 'host') return;
  const here: DocPath = ['topology', 'nodes', res.name];
  const mode = res.from['network-mode'];
  // "host" is containerlab's name for the host itself: a node called so is the host too.
  const why = mode ? '(network-mode: host)' : '("host" is the name containerlab gives the host)';
  warn(
    c,
    `node "${res.name}" runs in the host's network namespace ${why}: its links end on the host${res.exec.length ? ", and its exec lines are not run because netplumb never changes the host's own addresses and routes" : ''}`,
    mode ?? here,
    'clab-network-mode',
  );
}

/** A node sharing another's namespace: its exec lines go to that namespace. */
function intoShared(c: ClabCtx, res: ResolvedNode): void {
  const target = owner(c, res.name);
  warn(
    c,
    `node "${res.name}" shares the network namespace of "${target}" (network-mode: ${String(res.cfg['network-mode'])}): its interfaces and exec lines belong to "${target}" in netplumb`,
    res.from['network-mode'],
    'clab-network-mode',
  );
  c.lineSrc.set(target, [...(c.lineSrc.get(target) ?? []), ...res.exec]);
}

/** Lines of nodes that share a namespace are known only now: reads every namespace's lines into its node. */
function readNamespaceLines(c: ClabCtx): void {
  for (const [name, n] of c.byName) {
    if (n.kind !== 'namespace') continue;
    const links = c.linkIfnames.get(name) ?? new Set<string>();
    const lines = (c.lineSrc.get(name) ?? []).filter((l) => {
      const dev = l.early ? touchedDevs(l.text).find((d) => links.has(d)) : undefined;
      if (dev !== undefined)
        warn(
          c,
          `node "${name}": "${l.text}" runs before containerlab makes the node's links, so ${dev} does not exist yet and it fails there; it is not run`,
          l.path,
          'clab-stages',
        );
      return dev === undefined;
    });
    c.lineSrc.set(name, lines);
    const cfg = interpretLines(
      lines.map((l) => l.text),
      links,
    );
    for (const u of cfg.unsupported)
      warn(c, `node "${name}": "${u.line}" is kept as a note (${u.why})`, lines[u.index].path, 'clab-exec');
    const built = netnsNodeFrom(n.id, n.name, cfg);
    const notes = cfg.unsupported.map((u) => `exec: ${u.line}`).join('\n');
    Object.assign(n, built, notes ? { notes } : {});
    c.configs.set(name, cfg);
    for (const [br, b] of cfg.bridges) madeBridge(c, name, n.id, br, b, lines[b.index].path, cfg);
  }
}

/** The interfaces a configuration line names (the device it sets, addresses, routes through, enslaves). */
function touchedDevs(text: string): string[] {
  const c = parseIpCommand(text);
  if (!c) return [];
  switch (c.kind) {
    case 'addr':
    case 'link':
      return [c.dev];
    case 'route':
      return c.dev !== undefined ? [c.dev] : [];
    case 'ports':
      return c.devs;
    default:
      return [];
  }
}

/** The key in `byName` of bridge `br` that node `name`'s lines make inside it (no containerlab node name has a "/"). */
export const madeBridgeKey = (name: string, br: string): string => `${name}/${br}`;

/**
 * A bridge a node's exec lines make inside it (`ip link add … type bridge`,
 * `brctl addbr`): a bridge node in its namespace, with the STP the lines set
 * (its addresses, MTU and MAC come from the lines about it, as for a
 * `<bridge>|<node>` bridge: clab-import-links.ts ontoBridge); the node's
 * interfaces the lines make its ports end on it. A bridge the lines never
 * bring up is said: containerlab leaves it down, netplumb brings every bridge up.
 */
function madeBridge(
  c: ClabCtx,
  name: string,
  nsId: string,
  br: string,
  b: { stp: boolean; vlanFiltering: boolean },
  path: DocPath,
  cfg: NodeConfig,
): void {
  const there = c.nodes.find((x) => x.kind === 'bridge' && x.namespace === nsId && x.name === br);
  if (there) return void c.byName.set(madeBridgeKey(name, br), there);
  const node: TopoNode = {
    id: c.idOf(madeBridgeKey(name, br)),
    name: br,
    kind: 'bridge',
    namespace: nsId,
    label: `${br} in ${name}`,
    stp: b.stp,
    vlanFiltering: b.vlanFiltering,
    addresses: [],
  };
  c.nodes.push(node);
  c.nodeSrc.push(path);
  c.byName.set(madeBridgeKey(name, br), node);
  if (cfg.ifaces.get(br)?.up !== true)
    warn(
      c,
      `node "${name}": bridge ${br} is never brought up by its exec lines (\`ip link set dev ${br} up\`), so in containerlab it forwards nothing; netplumb brings every bridge up`,
      path,
      'clab-exec',
    );
}

/** One warning per dropped setting or unknown kind, naming the nodes that have it. */
function reportDropped(c: ClabCtx): void {
  for (const d of c.dropped.values()) {
    const who =
      d.nodes.length === 1 && d.path[2] === 'nodes'
        ? `node "${d.nodes[0]}"`
        : `node${d.nodes.length > 1 ? 's' : ''} ${d.nodes.map((n) => `"${n}"`).join(', ')}`;
    if (d.kind !== undefined)
      warn(
        c,
        `kind "${d.kind}" is a system netplumb does not run: ${who} ${d.nodes.length > 1 ? 'become plain namespaces' : 'becomes a plain namespace'} (kind and image are kept for a containerlab export); its own configuration and routing are not imported`,
        d.path,
        'clab-kind',
      );
    else warn(c, `containerlab setting ${d.text} has no netplumb equivalent and is dropped (${who})`, d.path);
  }
}
