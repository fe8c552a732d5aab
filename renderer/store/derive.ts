/**
 * React Flow nodes and edges, derived from the document. Derivation is
 * incremental: a node object is reused unless its own inputs changed (its
 * topology entry, selection, problem, status or addresses), so dragging one
 * node re-renders one node, not a thousand.
 */
import type { Edge, Node } from '@xyflow/react';
import type { Link, NodeKind, Topology, TopoNode } from '../../shared/model';
import type { Problem } from '../../shared/validate/problem';
import type { EditorState, LabStatus } from './editor-types';
import { sameButPosition } from './store';

/** Live state of one object, as shown by the status overlay. */
export type LiveState = 'in-sync' | 'drifted' | 'missing' | 'not-applied';

/** The data of a canvas node. */
export type TopoNodeData = {
  topo: TopoNode;
  /** Addresses shown under the name (interfaces' and the bridge's own). */
  addrs: string[];
  problem?: 'error' | 'warning';
  live?: LiveState;
  liveDetail?: string;
  /** Interfaces of this node whose link end is set down (administratively) in the drawing. */
  down: string[];
};
export type FlowNode = Node<TopoNodeData, NodeKind>;

/** The data of a canvas edge. */
export type LinkEdgeData = {
  link: Link;
  problem?: 'error' | 'warning';
  live?: LiveState;
  liveDetail?: string;
};
export type FlowEdge = Edge<LinkEdgeData, 'link'>;

/** Worst problem per node and per link. */
interface ProblemIndex {
  nodes: Map<string, 'error' | 'warning'>;
  links: Map<string, 'error' | 'warning'>;
}

/** Indexes problems by the node/link they point at (by id, or by path into the document). */
function indexProblems(doc: Topology, problems: readonly Problem[]): ProblemIndex {
  const nodes = new Map<string, 'error' | 'warning'>();
  const links = new Map<string, 'error' | 'warning'>();
  const put = (m: Map<string, 'error' | 'warning'>, id: string | undefined, sev: 'error' | 'warning') => {
    if (id === undefined) return;
    if (m.get(id) !== 'error') m.set(id, sev);
  };
  for (const p of problems) {
    let nodeId = p.nodeId;
    let linkId = p.linkId;
    if (!nodeId && !linkId && typeof p.path[1] === 'number') {
      if (p.path[0] === 'nodes') nodeId = doc.nodes[p.path[1]]?.id;
      if (p.path[0] === 'links') linkId = doc.links[p.path[1]]?.id;
    }
    put(nodes, nodeId, p.severity);
    put(links, linkId, p.severity);
  }
  return { nodes, links };
}

/** Live state per node and link from a status answer. */
function indexStatus(
  doc: Topology,
  status: LabStatus | null,
): { nodes: Map<string, [LiveState, string]>; links: Map<string, [LiveState, string]> } {
  const nodes = new Map<string, [LiveState, string]>();
  const links = new Map<string, [LiveState, string]>();
  // An answer about another lab (the drawing was switched or renamed since) says nothing about this one.
  if (!status || status.doc.name !== doc.name) return { nodes, links };
  const conflictText = (status.conflicts ?? []).map((c) => c.message).join('\n');
  if (!status.applied) {
    const why = `lab ${doc.name} is not applied${conflictText ? `\n${conflictText}` : ''}`;
    for (const n of doc.nodes) nodes.set(n.id, ['not-applied', why]);
    for (const l of doc.links) links.set(l.id, ['not-applied', why]);
    return { nodes, links };
  }
  const add = (
    m: Map<string, [LiveState, string]>,
    id: string | undefined,
    state: LiveState,
    detail: string,
  ) => {
    if (!id) return;
    const cur = m.get(id);
    const worst: LiveState = cur?.[0] === 'missing' || state === 'missing' ? 'missing' : 'drifted';
    m.set(id, [worst, cur ? `${cur[1]}\n${detail}` : detail]);
  };
  for (const d of status.drift) {
    const state: LiveState = d.state === 'missing' ? 'missing' : 'drifted';
    add(nodes, d.nodeId, state, d.detail);
    add(links, d.linkId, state, d.detail);
  }
  for (const c of status.conflicts ?? []) {
    add(nodes, c.nodeId, 'drifted', c.message);
    add(links, c.linkId, 'drifted', c.message);
  }
  // Nothing was compared when the kernel side found conflicts; otherwise only objects unchanged since the read are in sync.
  if (status.conflicts?.length) return { nodes, links };
  const readNodes = new Map(status.doc.nodes.map((n) => [n.id, n]));
  const readLinks = new Map(status.doc.links.map((l) => [l.id, l]));
  for (const n of doc.nodes) {
    const then = readNodes.get(n.id);
    if (!nodes.has(n.id) && then && sameButPosition(then, n))
      nodes.set(n.id, ['in-sync', 'in sync with the kernel']);
  }
  for (const l of doc.links)
    if (!links.has(l.id) && sameLink(readLinks.get(l.id), l))
      links.set(l.id, ['in-sync', 'in sync with the kernel']);
  return { nodes, links };
}

const sameLink = (a: Link | undefined, b: Link) =>
  a === b || (!!a && JSON.stringify(a) === JSON.stringify(b));

/** Interfaces set down, per node (a link is down when either of its ends is). */
function downIndex(links: readonly Link[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of links) {
    if (l.a.up && l.b.up) continue;
    for (const e of [l.a, l.b]) {
      const cur = m.get(e.node);
      if (cur) cur.push(e.ifname);
      else m.set(e.node, [e.ifname]);
    }
  }
  return m;
}

/** Addresses shown on each node. */
function addressIndex(nodes: readonly TopoNode[], links: readonly Link[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const n of nodes) if (n.kind === 'bridge' && n.addresses.length) m.set(n.id, [...n.addresses]);
  for (const l of links) {
    for (const e of [l.a, l.b]) {
      if (!e.addresses.length) continue;
      const cur = m.get(e.node);
      if (cur) cur.push(...e.addresses);
      else m.set(e.node, [...e.addresses]);
    }
  }
  return m;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const EMPTY: string[] = [];

/**
 * Makes memoised selectors for one store. Each selector returns the same array
 * while its inputs are unchanged, and reuses unchanged node/edge objects.
 */
export function createFlowSelectors() {
  let nIn: unknown[] = [];
  let nOut: FlowNode[] = [];
  const nCache = new Map<string, FlowNode>();
  let addrIn: [readonly TopoNode[], readonly Link[]] | null = null;
  let addrOut = new Map<string, string[]>();
  let downIn: readonly Link[] | null = null;
  let downOut = new Map<string, string[]>();
  let eIn: unknown[] = [];
  let eOut: FlowEdge[] = [];
  const eCache = new Map<string, FlowEdge>();
  let pIn: [number, readonly Problem[] | null, readonly Link[] | null] = [-1, null, null];
  let pOut: ProblemIndex = { nodes: new Map(), links: new Map() };
  let sIn: [readonly TopoNode[] | null, readonly Link[] | null, LabStatus | null | undefined, string] = [
    null,
    null,
    undefined,
    '',
  ];
  let sOut = indexStatus({ version: 1, name: '', nodes: [], links: [], expect: [], annotations: [] }, null);

  const problemsOf = (s: EditorState) => {
    // Positions do not change which node a problem path points at: a drag does not re-index.
    if (pIn[0] !== s.doc.nodes.length || pIn[1] !== s.problems || pIn[2] !== s.doc.links) {
      pIn = [s.doc.nodes.length, s.problems, s.doc.links];
      pOut = indexProblems(s.doc, s.problems);
    }
    return pOut;
  };
  const statusOf = (s: EditorState) => {
    // A drag (positions only) keeps the index; a rename or an edited node re-reads it.
    const prevNodes = sIn[0];
    const moved =
      prevNodes !== null &&
      prevNodes.length === s.doc.nodes.length &&
      s.doc.nodes.every((n, i) => sameButPosition(prevNodes[i], n));
    if (!moved || sIn[1] !== s.doc.links || sIn[2] !== s.status || sIn[3] !== s.doc.name) {
      sIn = [s.doc.nodes, s.doc.links, s.status, s.doc.name];
      sOut = indexStatus(s.doc, s.status);
    }
    return sOut;
  };
  const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

  const selectNodes = (s: EditorState): FlowNode[] => {
    const inputs = [s.doc.nodes, s.doc.links, s.selection, s.problems, s.status, s.measured, s.doc.name];
    if (same(inputs, nIn)) return nOut;
    nIn = inputs;
    if (!addrIn || addrIn[0] !== s.doc.nodes || addrIn[1] !== s.doc.links) {
      // Positions do not change addresses: keep the index while only positions move.
      if (
        !addrIn ||
        addrIn[1] !== s.doc.links ||
        addrIn[0].length !== s.doc.nodes.length ||
        s.doc.nodes.some((n, i) => n.kind === 'bridge' && n !== addrIn![0][i])
      ) {
        addrOut = addressIndex(s.doc.nodes, s.doc.links);
      }
      addrIn = [s.doc.nodes, s.doc.links];
    }
    if (downIn !== s.doc.links) {
      downIn = s.doc.links;
      downOut = downIndex(s.doc.links);
    }
    const sel = new Set(s.selection.nodes);
    const probs = problemsOf(s);
    const live = statusOf(s);
    nOut = s.doc.nodes.map((n) => {
      const down = downOut.get(n.id) ?? EMPTY;
      const prev = nCache.get(n.id);
      const selected = sel.has(n.id);
      const problem = probs.nodes.get(n.id);
      const l = live.nodes.get(n.id);
      const addrs = addrOut.get(n.id) ?? EMPTY;
      const measured = s.measured[n.id];
      if (
        prev &&
        prev.measured === measured &&
        prev.data.topo === n &&
        prev.selected === selected &&
        prev.data.problem === problem &&
        prev.data.live === l?.[0] &&
        prev.data.liveDetail === l?.[1] &&
        sameList(prev.data.addrs, addrs) &&
        sameList(prev.data.down, down)
      )
        return prev;
      const out: FlowNode = {
        id: n.id,
        type: n.kind,
        position: n.position ?? { x: 0, y: 0 },
        selected,
        measured,
        data: { topo: n, addrs, problem, live: l?.[0], liveDetail: l?.[1], down },
      };
      nCache.set(n.id, out);
      return out;
    });
    // Forget deleted nodes (only when there are some: no per-frame allocation during a drag).
    if (nCache.size > nOut.length) {
      const ids = new Set(nOut.map((n) => n.id));
      for (const k of nCache.keys()) if (!ids.has(k)) nCache.delete(k);
    }
    return nOut;
  };

  const selectEdges = (s: EditorState): FlowEdge[] => {
    const inputs = [s.doc.links, s.selection, s.problems, s.status, s.doc.name];
    if (same(inputs, eIn)) return eOut;
    eIn = inputs;
    const sel = new Set(s.selection.links);
    const probs = problemsOf(s);
    const live = statusOf(s);
    eOut = s.doc.links.map((l) => {
      const prev = eCache.get(l.id);
      const selected = sel.has(l.id);
      const problem = probs.links.get(l.id);
      const st = live.links.get(l.id);
      if (
        prev &&
        prev.data!.link === l &&
        prev.selected === selected &&
        prev.data!.problem === problem &&
        prev.data!.live === st?.[0] &&
        prev.data!.liveDetail === st?.[1]
      )
        return prev;
      const out: FlowEdge = {
        id: l.id,
        type: 'link',
        source: l.a.node,
        target: l.b.node,
        selected,
        data: { link: l, problem, live: st?.[0], liveDetail: st?.[1] },
      };
      eCache.set(l.id, out);
      return out;
    });
    if (eCache.size > eOut.length) {
      const ids = new Set(eOut.map((e) => e.id));
      for (const k of eCache.keys()) if (!ids.has(k)) eCache.delete(k);
    }
    return eOut;
  };

  return { selectNodes, selectEdges };
}
