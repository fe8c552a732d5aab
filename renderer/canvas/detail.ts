/**
 * Semantic zoom: when the view is zoomed far out, nodes and edges draw only
 * their outline and name (addresses and interface names are unreadable at that
 * size anyway), which keeps a thousand-node drawing smooth.
 */
import { createContext } from 'react';
import type { Position, Topology } from '../../shared/model';

/** Below this zoom the canvas draws the light version of nodes and edges. */
export const FAR_ZOOM = 0.5;

/** How much a node or an edge draws: everything, or its outline and name only. */
export type Detail = 'full' | 'simple';

/** The level of detail at a zoom: simple below FAR_ZOOM, full from there up (zoom 1 is always full). */
export function detailAt(zoom: number): Detail {
  return zoom < FAR_ZOOM ? 'simple' : 'full';
}

/**
 * React Flow store selector: true while zoomed far out. Components subscribe
 * to this boolean, not to the zoom, so zooming re-renders them only when the
 * view crosses FAR_ZOOM.
 */
export const selectFar = (s: { transform: readonly [number, number, number] }): boolean =>
  detailAt(s.transform[2]) === 'simple';

/** True while the canvas is zoomed far out (provided by the canvas from selectFar). */
export const FarContext = createContext(false);

/** A viewport that shows every node, from positions alone (before React Flow has measured anything). */
export function roughFit(
  doc: Topology,
  width: number,
  height: number,
): { x: number; y: number; zoom: number } | null {
  const ps: Position[] = doc.nodes.map((n) => n.position ?? { x: 0, y: 0 });
  if (!ps.length || width <= 0 || height <= 0) return null;
  const minX = Math.min(...ps.map((p) => p.x));
  const minY = Math.min(...ps.map((p) => p.y));
  const maxX = Math.max(...ps.map((p) => p.x)) + 150;
  const maxY = Math.max(...ps.map((p) => p.y)) + 60;
  const zoom = Math.max(0.05, Math.min(1.2, (width * 0.85) / (maxX - minX), (height * 0.85) / (maxY - minY)));
  return { x: width / 2 - ((minX + maxX) / 2) * zoom, y: height / 2 - ((minY + maxY) / 2) * zoom, zoom };
}
