/**
 * What the steps of a containerlab import share (clab-import.ts): the
 * warnings so far, located at their line; the nodes built so far with the
 * place each was written; who shares whose namespace; kernel names. Pure.
 */
import type { TopoNode } from '../model';
import type { Problem } from '../validate/problem';
import type { ResolvedNode } from './clab-resolve';
import type { DocPath, Locator } from './document';
import type { NodeConfig } from './exec-config';
import { sourceProblem } from './import-result';
import { cleanName, idMaker, isCleanName } from './import-names';

/** The image netplumb's containerlab export gives linux nodes that have none of their own. */
export const DEFAULT_CLAB_IMAGE = 'alpine:3.20';

/** Labels netplumb writes and reads back (graph-posX/Y are the ones containerlab's own graph uses). */
export const CLAB_LABEL = { x: 'graph-posX', y: 'graph-posY', label: 'netplumb.label' } as const;

/** A Go template in a name: containerlab fills these in at deploy time. */
export const TEMPLATE = /\{\{.*?\}\}/;
/** Why a templated `what` cannot be imported. */
export const templateMessage = (what: string) =>
  `${what} is a Go template ({{ … }}): containerlab fills templates in when it deploys the file, netplumb reads the file as written. Write the names the template produces into the file, then import it.`;

/** An exec or sysctl line of a node, with the place it was written. */
export interface SourceLine {
  text: string;
  path: DocPath;
  /** Run before containerlab makes the node's links (see clab-resolve.ts). */
  early?: boolean;
}

/** A setting (or a kind) with no netplumb form, and the nodes that have it (reported once). */
export interface Dropped {
  path: DocPath;
  text: string;
  kind?: string;
  nodes: string[];
}

/** The state of one containerlab import. */
export interface ClabCtx {
  at: Locator;
  problems: Problem[];
  /** Nodes after inheritance, by containerlab name. */
  resolved: Map<string, ResolvedNode>;
  /** node -> the node (or "host") whose network namespace it shares. */
  sharesWith: Map<string, string>;
  nodes: TopoNode[];
  /** Where each of `nodes` was written. */
  nodeSrc: DocPath[];
  /** Nodes by containerlab name. */
  byName: Map<string, TopoNode>;
  idOf: (name: string) => string;
  /** Settings to report once, keyed by where they were written. */
  dropped: Map<string, Dropped>;
  /** Exec and sysctl lines of each namespace, by containerlab name. */
  lineSrc: Map<string, SourceLine[]>;
  /** What each namespace's lines configure, by containerlab name. */
  configs: Map<string, NodeConfig>;
  /** Kernel names given so far. */
  taken: Set<string>;
  /** The interfaces the links give each namespace (by the containerlab name of its owner), known before the nodes are built. */
  linkIfnames: Map<string, Set<string>>;
  /** The kernel name of each link end, by `<link index>:<end index>`, and what to say about it (clab-import-links.ts nameEnds). */
  endNames: Map<string, EndName>;
}

/** The kernel name a link end gets, and the warning that says why it differs from the name written. */
export interface EndName {
  ifname: string;
  /** The name containerlab's link gives the interface when netplumb renamed it (an altname there: exec lines may use it). */
  altname?: string;
  note?: { message: string; code: string };
}

/** A fresh import state. */
export function makeCtx(at: Locator, problems: Problem[]): ClabCtx {
  return {
    at,
    problems,
    resolved: new Map(),
    sharesWith: new Map(),
    nodes: [],
    nodeSrc: [],
    byName: new Map(),
    idOf: idMaker(),
    dropped: new Map(),
    lineSrc: new Map(),
    configs: new Map(),
    taken: new Set(),
    linkIfnames: new Map(),
    endNames: new Map(),
  };
}

/** A warning at `path`. */
export function warn(c: ClabCtx, message: string, path: DocPath, code = 'clab-dropped'): void {
  c.problems.push(sourceProblem('warning', code, message, c.at(path), [...path]));
}

/** An error at `path`. */
export function error(c: ClabCtx, message: string, path: DocPath, code = 'clab-invalid'): void {
  c.problems.push(sourceProblem('error', code, message, c.at(path), [...path]));
}

/** Adds a node written at `src` (known by its containerlab name when it has one). */
export function addNode(c: ClabCtx, n: TopoNode, src: DocPath, res?: ResolvedNode): void {
  c.nodes.push(n);
  c.nodeSrc.push(src);
  c.byName.set(res?.name ?? n.name, n);
}

/** The node whose namespace `name` lives in ("host" for the host). */
export function owner(c: ClabCtx, name: string): string {
  let cur = name;
  for (let i = 0; i < 16 && c.sharesWith.has(cur); i++) cur = c.sharesWith.get(cur)!;
  return cur;
}

/** A kernel name for `name` (renamed, with a warning, when it has characters the kernel refuses). */
export function kernelName(c: ClabCtx, name: string, path: DocPath, what: string, unique = false): string {
  if (isCleanName(name)) return name;
  let clean = cleanName(name);
  for (let i = 2; unique && c.taken.has(clean); i++) clean = `${cleanName(name)}-${i}`;
  c.taken.add(clean);
  warn(
    c,
    `${what} "${name}" is called "${clean}" in netplumb: kernel names use letters, digits, "-", "_" and "." only`,
    path,
    'clab-renamed',
  );
  return clean;
}

/** The host node, added the first time a link needs it. */
export function hostNode(c: ClabCtx): TopoNode {
  let h = [...c.byName.values()].find((n) => n.kind === 'host');
  if (!h) addNode(c, (h = { id: c.idOf('host'), name: 'host', kind: 'host' }), ['topology']);
  return h;
}
