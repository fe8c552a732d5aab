/**
 * Auto layout: the drawing's shape first (shape-layout.ts: ring, star), else
 * elkjs (layered, top to bottom). Returns new positions; the
 * caller applies them with one undoable moveNodes.
 */
import type { ELK } from 'elkjs/lib/elk-api';
import type { Position, Topology } from '../../shared/model';
import { shapePositions } from './shape-layout';

let elk: Promise<ELK> | null = null;

/** elkjs is big: load it only when someone asks for a layout. */
function getElk(): Promise<ELK> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}

/** Computes positions for every node of the document: a ring as a circle, a star as a wheel, the rest layered by elk. */
export async function layoutPositions(
  doc: Topology,
  sizes: Record<string, { width: number; height: number }>,
): Promise<Record<string, Position>> {
  const shaped = shapePositions(doc, sizes);
  if (shaped) return shaped;
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '48',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
      'elk.spacing.componentComponent': '80',
      // Unconnected parts are packed side by side rather than in one tall column.
      'elk.aspectRatio': '3',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: doc.nodes.map((n) => ({
      id: n.id,
      width: sizes[n.id]?.width ?? 150,
      height: sizes[n.id]?.height ?? 60,
    })),
    edges: doc.links
      .filter((l) => l.a.node !== l.b.node)
      .map((l) => ({ id: l.id, sources: [l.a.node], targets: [l.b.node] })),
  };
  const out = await (await getElk()).layout(graph);
  const pos: Record<string, Position> = {};
  for (const c of out.children ?? [])
    pos[c.id] = { x: Math.round((c.x ?? 0) / 16) * 16, y: Math.round((c.y ?? 0) / 16) * 16 };
  return pos;
}
