/**
 * A node's live tables for the page's side panel, cheap enough to poll
 * every second:
 *
 *   namespace/router: ONE process, `ip -j -s -n NS -batch -` printing
 *     addresses+counters, routes (both families) and neighbours;
 *   bridge: `ip -j -s -batch -` for the bridge and its ports plus
 *     `bridge -j fdb show br BR` (learned entries only), two processes
 *     started together.
 *
 * Ownership is checked first (owned.ts); a root-namespace bridge shows only
 * itself and its ports, never the host's other interfaces or routes.
 */
import { batchText } from '../../../shared/plan/argv';
import { splitJsonDocuments } from '../ip-json';
import { PlainError } from '../plain-error';
import type { Runner } from '../runner';
import { labRecord, ownedBridge, ownedNode, runnerOf, type LiveOptions } from './owned';
import { labNode } from './lab-addresses';

export interface Counters {
  bytes: number;
  packets: number;
}
export interface IfaceRow {
  name: string;
  up: boolean;
  /** Operational state as the kernel says it (UP, DOWN, LOWERLAYERDOWN, UNKNOWN). */
  operstate: string;
  mac?: string;
  mtu?: number;
  master?: string;
  addresses: string[];
  rx: Counters;
  tx: Counters;
}
export interface RouteRow {
  dst: string;
  family: 4 | 6;
  via?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  metric?: number;
}
export interface NeighRow {
  address: string;
  mac?: string;
  dev: string;
  state: string[];
}
export interface FdbRow {
  mac: string;
  /** Bridge port the address was learned on. */
  port: string;
  vlan?: number;
}
export interface NodeTables {
  lab: string;
  nodeId: string;
  kind: 'namespace' | 'router' | 'bridge';
  /** Namespace the tables were read in ('' = the root namespace, bridge ports only). */
  ns: string;
  /** When read (ms since the epoch). */
  at: number;
  interfaces: IfaceRow[];
  routes: RouteRow[];
  neighbours: NeighRow[];
  /** Learned forwarding entries (bridges only). */
  fdb: FdbRow[];
}

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] =>
  Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : [];
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** `ip -j -s address show` entries -> rows (link-local IPv6 kept: students see them). */
export function parseIfaces(list: unknown): IfaceRow[] {
  return arr(list).map((l) => {
    const stats = (l.stats64 ?? l.stats ?? {}) as { rx?: Obj; tx?: Obj };
    const c = (s?: Obj): Counters => ({ bytes: num(s?.bytes) ?? 0, packets: num(s?.packets) ?? 0 });
    const flags = Array.isArray(l.flags) ? (l.flags as string[]) : [];
    return {
      name: str(l.ifname) ?? '?',
      up: flags.includes('UP'),
      operstate: str(l.operstate) ?? 'UNKNOWN',
      ...(str(l.address) ? { mac: str(l.address) } : {}),
      ...(num(l.mtu) ? { mtu: num(l.mtu) } : {}),
      ...(str(l.master) ? { master: str(l.master) } : {}),
      addresses: arr(l.addr_info).map((a) => `${String(a.local)}/${String(a.prefixlen)}`),
      rx: c(stats.rx),
      tx: c(stats.tx),
    };
  });
}

/** Main-table unicast routes of both families (local/broadcast/multicast entries left out). */
export function parseRoutes(list: unknown): RouteRow[] {
  return arr(list)
    .filter(
      (r) => (r.table === undefined || r.table === 'main') && (r.type === undefined || r.type === 'unicast'),
    )
    .map((r) => {
      const dst = str(r.dst) ?? '?';
      const via = str(r.gateway) ?? str((r.via as Obj | undefined)?.host);
      return {
        dst,
        family: (dst.includes(':') || via?.includes(':') ? 6 : 4) as 4 | 6,
        ...(via ? { via } : {}),
        ...(str(r.dev) ? { dev: str(r.dev) } : {}),
        ...(str(r.protocol) ? { protocol: str(r.protocol) } : {}),
        ...(str(r.scope) ? { scope: str(r.scope) } : {}),
        ...(num(r.metric) !== undefined ? { metric: num(r.metric) } : {}),
      };
    });
}

/** `ip -j neigh show` -> rows. */
export function parseNeigh(list: unknown): NeighRow[] {
  return arr(list).map((n) => ({
    address: str(n.dst) ?? '?',
    ...(str(n.lladdr) ? { mac: str(n.lladdr) } : {}),
    dev: str(n.dev) ?? '?',
    state: Array.isArray(n.state) ? (n.state as string[]) : [],
  }));
}

/** `bridge -j fdb show br BR` -> learned entries on ports of BR (permanent and "self" entries left out). */
export function parseFdb(list: unknown, bridge: string): FdbRow[] {
  return arr(list)
    .filter(
      (e) =>
        e.master === bridge &&
        e.state !== 'permanent' &&
        e.state !== 'static' &&
        !(Array.isArray(e.flags) && e.flags.includes('self')),
    )
    .map((e) => ({
      mac: str(e.mac) ?? '?',
      port: str(e.ifname) ?? '?',
      ...(num(e.vlan) !== undefined ? { vlan: num(e.vlan) } : {}),
    }));
}

const nsArgs = (ns: string) => (ns ? ['-n', ns] : []);

async function runJson(runner: Runner, argv: string[], input?: string): Promise<unknown[]> {
  const r = await runner(argv, input ? { input, timeoutMs: 5000 } : { timeoutMs: 5000 });
  if (r.exitCode !== 0)
    throw new PlainError(
      `reading live tables failed: ${r.stderr.trim().split('\n')[0] || `exit ${r.exitCode}`}`,
    );
  return splitJsonDocuments(r.stdout, argv.join(' '));
}

/** Tables of a namespace (already checked to be owned). */
export async function readNamespaceTables(
  runner: Runner,
  ns: string,
): Promise<Pick<NodeTables, 'interfaces' | 'routes' | 'neighbours'>> {
  const docs = await runJson(
    runner,
    ['ip', '-j', '-s', '-n', ns, '-batch', '-'],
    'address show\nroute show table all\nneigh show\n',
  );
  return { interfaces: parseIfaces(docs[0]), routes: parseRoutes(docs[1]), neighbours: parseNeigh(docs[2]) };
}

/** Tables of a bridge (already checked to be owned): the bridge, its ports and its learned FDB. */
export async function readBridgeTables(
  runner: Runner,
  ns: string,
  bridge: string,
): Promise<Pick<NodeTables, 'interfaces' | 'fdb'>> {
  const [links, fdb] = await Promise.all([
    runJson(
      runner,
      ['ip', '-j', '-s', ...nsArgs(ns), '-batch', '-'],
      batchText([
        ['address', 'show', 'dev', bridge],
        ['address', 'show', 'master', bridge],
      ]),
    ),
    runJson(runner, ['bridge', '-j', ...nsArgs(ns), 'fdb', 'show', 'br', bridge]),
  ]);
  return { interfaces: [...parseIfaces(links[0]), ...parseIfaces(links[1])], fdb: parseFdb(fdb[0], bridge) };
}

/** `lab:tables`: the live tables of one node of an applied lab. */
export async function readTables(lab: string, nodeId: string, o: LiveOptions = {}): Promise<NodeTables> {
  const runner = runnerOf(o);
  const node = labNode(labRecord(lab, o).topology, lab, nodeId);
  const at = Date.now();
  if (node.kind === 'bridge') {
    const b = await ownedBridge(lab, node.id, o);
    const t = await readBridgeTables(runner, b.ns, b.name);
    return { lab, nodeId: node.id, kind: 'bridge', ns: b.ns, at, routes: [], neighbours: [], ...t };
  }
  // Why: host nodes are the root namespace: its tables are the host's, not the lab's.
  if (node.kind === 'host')
    throw new PlainError(
      `"${nodeId}" is the host (root namespace): netplumb does not show the host's tables`,
    );
  const owned = await ownedNode(lab, node.id, o);
  const t = await readNamespaceTables(runner, owned.ns);
  return { lab, nodeId: node.id, kind: owned.kind, ns: owned.ns, at, fdb: [], ...t };
}
