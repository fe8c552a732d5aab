/**
 * Ownership for live work (exec, ping, tables, captures, terminals): every
 * operation names a lab and a node id, never a namespace name, and reaches a
 * namespace only when this lab owns it *now*: the namespace exists, and
 * either its `lo` carries the lab's mark (`netplumb:<lab>`) or its inode is
 * the one recorded when netplumb created it.
 *
 * Why: these operations run processes as root inside namespaces. A free
 * namespace name from the page or the command line could point at a
 * container's namespace, a VPN's, or the host; a lab's record alone is not
 * enough either, because the namespace may have been deleted and another
 * program may have created one with the same name since.
 */
import { isNetnsNode, type Topology, type TopoNode } from '../../../shared/model';
import { makeMark, nodeNamespace, ROOT_NS } from '../../../shared/plan';
import { LabStore, type LabRecord } from '../lab-store';
import { netnsInode } from '../netns';
import { PlainError } from '../plain-error';
import { findLabNode, labNode } from './lab-addresses';
import { readLinkTables } from '../link-tables';
import { execaRunner, type Runner } from '../runner';

/** What live operations share: the process runner and the lab state directory. */
export interface LiveOptions {
  runner?: Runner;
  runDir?: string;
}

/** A namespace the lab owns, with the node it belongs to. */
export interface OwnedNamespace {
  nodeId: string;
  /** Kernel name of the namespace (`ip netns` name). */
  ns: string;
  kind: 'namespace' | 'router';
  /** How ownership was established. */
  by: 'mark' | 'inode';
}

export const runnerOf = (o: LiveOptions): Runner => o.runner ?? execaRunner;

/** The lab's last applied record, or a plain-words refusal. */
export function labRecord(lab: string, o: LiveOptions = {}): LabRecord {
  let rec: LabRecord | null;
  try {
    rec = new LabStore(o.runDir).readRecord(lab);
  } catch {
    // Why: an invalid lab name is refused by LabStore before touching the file system.
    throw new PlainError(`"${lab}" is not a valid lab name`);
  }
  if (!rec) throw new PlainError(`lab "${lab}" is not applied on this host (apply it first)`);
  return rec;
}

/** The `ifalias` of `lo` in a namespace ('' when it has none or cannot be read). */
async function loAlias(runner: Runner, ns: string): Promise<string> {
  const r = await runner(['ip', '-j', '-n', ns, 'link', 'show', 'dev', 'lo']);
  if (r.exitCode !== 0) return '';
  try {
    const [lo] = JSON.parse(r.stdout || '[]') as { ifalias?: string }[];
    return lo?.ifalias ?? '';
  } catch {
    return '';
  }
}

/** Checks one namespace node of the record against the kernel. */
async function ownership(
  runner: Runner,
  lab: string,
  rec: LabRecord,
  node: TopoNode,
): Promise<OwnedNamespace | undefined> {
  if (!isNetnsNode(node)) return undefined;
  const ino = await netnsInode(node.name);
  // A missing namespace (or a stale /run/netns file) is nobody's.
  if (ino === undefined) return undefined;
  const base = { nodeId: node.id, ns: node.name, kind: node.kind };
  // Only the mark proves ownership: the kernel reuses namespace inode numbers,
  // so a namespace someone else made after ours was deleted could match the
  // recorded inode. A shell or a ping must never land in a foreign namespace.
  if ((await loAlias(runner, node.name)) === makeMark(lab)) return { ...base, by: 'mark' };
  return undefined;
}

/** One interface as `ip -j [-s] link show` prints it (the fields live work uses). */
export interface LinkRow {
  ifname: string;
  ifalias?: string;
  address?: string;
  operstate?: string;
  stats64?: { rx?: { bytes?: number; packets?: number }; tx?: { bytes?: number; packets?: number } };
}

/**
 * The namespaces lab `lab` owns right now, and the link table of each (plus
 * the root's when `root`), from one fan-out: one `ip -j [-s] [-n NS] link
 * show` per namespace, all started by one spawn. Ownership is read from the
 * same dump (`lo`'s mark), so a 200-host refresh costs one process per
 * namespace, not two Node spawns.
 */
export async function readOwned(
  lab: string,
  o: LiveOptions & { stats?: boolean; root?: boolean } = {},
): Promise<{ owned: OwnedNamespace[]; links: Map<string, LinkRow[]> }> {
  const rec = labRecord(lab, o);
  const candidates: TopoNode[] = [];
  for (const n of rec.topology.nodes) {
    // A missing namespace (or a stale /run/netns file) is nobody's.
    if (isNetnsNode(n) && (await netnsInode(n.name)) !== undefined) candidates.push(n);
  }
  const spaces = [...(o.root ? [ROOT_NS] : []), ...new Set(candidates.map((n) => n.name))];
  const results = await readLinkTables(runnerOf(o), spaces, o.stats === true);
  const links = new Map<string, LinkRow[]>();
  spaces.forEach((ns, i) => {
    if (results[i].exitCode !== 0) return;
    try {
      links.set(ns, JSON.parse(results[i].stdout || '[]') as LinkRow[]);
    } catch {
      // An unreadable dump proves nothing: the namespace is not taken as owned.
    }
  });
  // Only the mark proves ownership (see ownership()): lo of each namespace, from the same dump.
  const owned = candidates
    .filter((n) => links.get(n.name)?.find((l) => l.ifname === 'lo')?.ifalias === makeMark(lab))
    .map((n): OwnedNamespace => ({
      nodeId: n.id,
      ns: n.name,
      kind: n.kind as OwnedNamespace['kind'],
      by: 'mark',
    }));
  return { owned, links };
}

/**
 * The namespaces lab `lab` owns right now: the namespace/router nodes of its
 * last applied topology whose namespace exists and carries the lab's mark.
 * Never the host (the root namespace is never owned).
 */
export async function labNamespaces(lab: string, o: LiveOptions = {}): Promise<OwnedNamespace[]> {
  return (await readOwned(lab, o)).owned;
}

/**
 * Resolves (lab, node id) to a namespace the lab owns, or throws a plain
 * refusal. Only namespace and router nodes qualify: a bridge or host node is
 * (or may be) the root namespace, and no shell or command runs there.
 */
export async function ownedNode(
  lab: string,
  nodeId: string,
  o: LiveOptions = {},
): Promise<OwnedNamespace & { topology: Topology }> {
  const rec = labRecord(lab, o);
  const node = labNode(rec.topology, lab, nodeId);
  // Why: the host (root namespace) and bridges are never a place to run commands from the lab tools.
  if (!isNetnsNode(node))
    throw new PlainError(
      `"${nodeId}" is a ${node.kind}, not a namespace or router: commands only run inside the lab's own namespaces`,
    );
  const owned = await ownership(runnerOf(o), lab, rec, node);
  if (!owned)
    throw new PlainError(
      `namespace "${node.name}" is not owned by lab "${lab}" right now (missing, or made by someone else): refused`,
    );
  return { ...owned, topology: rec.topology };
}

/** A bridge node of the lab, where it lives, after its ownership mark was checked. */
export interface OwnedBridge {
  nodeId: string;
  name: string;
  /** Namespace key ('' = root namespace). */
  ns: string;
}

/**
 * Resolves a bridge node for read-only tables. A bridge may live in the root
 * namespace; it is read there only after its own ifalias mark
 * (`netplumb:<lab>:bridge:<id>`) is seen, and only the bridge and its ports
 * are read, never the host's other interfaces, routes or neighbours.
 */
export async function ownedBridge(
  lab: string,
  nodeId: string,
  o: LiveOptions = {},
): Promise<OwnedBridge & { topology: Topology }> {
  const rec = labRecord(lab, o);
  const node = findLabNode(rec.topology, nodeId);
  if (!node || node.kind !== 'bridge') throw new PlainError(`lab "${lab}" has no bridge "${nodeId}"`);
  const byId = new Map(rec.topology.nodes.map((n) => [n.id, n]));
  const ns = nodeNamespace(node, byId);
  if (ns !== ROOT_NS) {
    // Why: a bridge inside a namespace is reachable only through that namespace, which must be ours.
    const holder = rec.topology.nodes.find((n) => isNetnsNode(n) && n.name === ns);
    if (!holder || !(await ownership(runnerOf(o), lab, rec, holder)))
      throw new PlainError(
        `namespace "${ns}" of bridge "${nodeId}" is not owned by lab "${lab}" right now: refused`,
      );
  }
  const r = await runnerOf(o)(['ip', '-j', ...(ns ? ['-n', ns] : []), 'link', 'show', 'dev', node.name]);
  let alias = '';
  try {
    alias = (JSON.parse(r.stdout || '[]') as { ifalias?: string }[])[0]?.ifalias ?? '';
  } catch {
    alias = '';
  }
  // Why: a root-namespace bridge with the same name but no mark is someone else's.
  if (r.exitCode !== 0 || alias !== makeMark(lab, 'bridge', node.id))
    throw new PlainError(
      `bridge "${node.name}" is not owned by lab "${lab}" right now (missing or unmarked): refused`,
    );
  return { nodeId: node.id, name: node.name, ns, topology: rec.topology };
}
