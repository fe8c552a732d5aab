/**
 * What the full and the simplified link edges share: where a link's line
 * starts and ends (between node borders), and its class (state colours).
 */
import { useInternalNode } from '@xyflow/react';
import { linkKind } from '../../shared/kinds';
import type { LinkEdgeData } from '../store/derive';
import { borderPoint, type Box } from './geometry';

/**
 * Floating ends: a link runs between the two node borders along the line
 * joining their centres, whichever handle it was drawn from, so nodes side by
 * side are joined straight across instead of by a line looping behind them.
 * Null until both nodes are measured.
 */
export function useFloatingEnds(source: string, target: string) {
  const s = useInternalNode(source);
  const t = useInternalNode(target);
  const box = (n: typeof s): Box | null => {
    const w = n?.measured.width;
    const h = n?.measured.height;
    return n && w && h
      ? { x: n.internals.positionAbsolute.x, y: n.internals.positionAbsolute.y, w, h }
      : null;
  };
  const a = box(s);
  const b = box(t);
  if (!a || !b) return null;
  const p = borderPoint(a, b);
  const q = borderPoint(b, a);
  return { sourceX: p.x, sourceY: p.y, targetX: q.x, targetY: q.y };
}

/** True when either end of the link is set down in the drawing. */
export const isDown = (link: LinkEdgeData['link']): boolean => !link.a.up || !link.b.up;

/** The edge's class: its link kind's look, selection, problem, live state and down (the line's colour and dashes). */
export function edgeClass(data: LinkEdgeData, selected: boolean | undefined): string {
  return `np-edge ${linkKind(data.link).style.className}${selected ? ' is-selected' : ''}${data.problem ? ` has-${data.problem}` : ''}${data.live ? ` live-${data.live}` : ''}${isDown(data.link) ? ' is-down' : ''}`;
}
