/** Helpers shared by the canvas and the panels: placing and centring. */
import type { ReactFlowInstance } from '@xyflow/react';
import type { NodeKind, Position, Topology } from '../../shared/model';
import type { FlowEdge, FlowNode } from '../store/derive';

/** The drag-and-drop MIME type palette buttons carry. */
export const DND_KIND = 'application/x-netplumb-kind';

type Flow = ReactFlowInstance<FlowNode, FlowEdge>;

/** The flow position at the centre of the visible canvas. */
export function viewCentre(flow: Flow): Position {
  const el = document.querySelector('.react-flow');
  const r = el?.getBoundingClientRect();
  if (!r) return { x: 0, y: 0 };
  return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
}

/** A free spot near `p` (so pressing a palette button twice does not stack nodes). */
export function freeSpotNear(doc: Topology, p: Position, kind: NodeKind): Position {
  const w = 150;
  const h = kind === 'bridge' ? 50 : 64;
  const base = { x: p.x - w / 2, y: p.y - h / 2 };
  const taken = (q: Position) =>
    doc.nodes.some((n) => n.position && Math.abs(n.position.x - q.x) < w && Math.abs(n.position.y - q.y) < h);
  for (let i = 0; i < 200; i++) {
    const ring = Math.ceil(i / 8);
    const a = (i % 8) * (Math.PI / 4);
    const q = i === 0 ? base : { x: base.x + Math.cos(a) * ring * 176, y: base.y + Math.sin(a) * ring * 96 };
    if (!taken(q)) return q;
  }
  return base;
}

/** Centres the view on a node or a link (both ends' middle). */
export function centreOn(flow: Flow, doc: Topology, target: { nodeId?: string; linkId?: string }) {
  const centre = (id: string) => {
    const n = flow.getInternalNode(id);
    if (!n) return null;
    return {
      x: n.internals.positionAbsolute.x + (n.measured.width ?? 150) / 2,
      y: n.internals.positionAbsolute.y + (n.measured.height ?? 60) / 2,
    };
  };
  let p: Position | null = null;
  if (target.nodeId) p = centre(target.nodeId);
  else if (target.linkId) {
    const l = doc.links.find((x) => x.id === target.linkId);
    const a = l && centre(l.a.node);
    const b = l && centre(l.b.node);
    if (a && b) p = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    else p = a || b || null;
  }
  if (p) void flow.setCenter(p.x, p.y, { zoom: Math.max(flow.getZoom(), 0.8), duration: 250 });
}
