/**
 * Level of detail for links: zoomed far out, the canvas hands React Flow no
 * edges and draws every link here instead, as centre-to-centre lines in one
 * SVG (one path per look: plain, selected, problem, live state, down) behind
 * the nodes, which hide the part of each line inside them. A thousand edge
 * components each subscribe to React Flow's store, which changes on every
 * frame of a pan; this layer has no subscription at all and redraws only when
 * the nodes or links it is given change. Lines that small cannot be clicked
 * or labelled anyway: zoomed in, the full edges come back.
 */
import { memo, useMemo } from 'react';
import { ViewportPortal } from '@xyflow/react';
import { linkKind } from '../../shared/kinds';
import type { FlowEdge, FlowNode } from '../store/derive';
import { edgeClass } from './edge-parts';

/** A node's size before React Flow has measured it. */
const UNMEASURED = { width: 150, height: 40 };

/** The lines to draw: an SVG path (`d`) per edge class, with its link kind's dash, in a stable order (pure). */
export function farLinkPaths(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
): { cls: string; d: string; dash?: string }[] {
  const centre = new Map<string, string>();
  for (const n of nodes) {
    const w = n.measured?.width ?? UNMEASURED.width;
    const h = n.measured?.height ?? UNMEASURED.height;
    centre.set(n.id, `${n.position.x + w / 2},${n.position.y + h / 2}`);
  }
  const byClass = new Map<string, { segs: string[]; dash?: string }>();
  for (const e of edges) {
    const a = centre.get(e.source);
    const b = centre.get(e.target);
    if (!a || !b || !e.data) continue;
    const cls = edgeClass(e.data, e.selected);
    const group = byClass.get(cls);
    const seg = `M${a}L${b}`;
    // The class names the link kind, so one group has one kind's dash.
    if (group) group.segs.push(seg);
    else byClass.set(cls, { segs: [seg], dash: linkKind(e.data.link).style.dash });
  }
  // Plain lines first, so selected, faulty and live ones are drawn over them.
  return [...byClass.keys()]
    .sort((x, y) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0))
    .map((cls) => {
      const { segs, dash } = byClass.get(cls)!;
      return dash ? { cls, d: segs.join(''), dash } : { cls, d: segs.join('') };
    });
}

/** Every link of the drawing as lines, inside React Flow's viewport (below the nodes). */
export const FarLinks = memo(function FarLinks({
  nodes,
  edges,
}: {
  nodes: readonly FlowNode[];
  edges: readonly FlowEdge[];
}) {
  const paths = useMemo(() => farLinkPaths(nodes, edges), [nodes, edges]);
  return (
    <ViewportPortal>
      <svg className="np-far-links" data-testid="far-links" aria-hidden="true">
        {paths.map((p) => (
          <g key={p.cls} className={p.cls}>
            <path
              className="react-flow__edge-path"
              d={p.d}
              fill="none"
              style={p.dash ? { strokeDasharray: p.dash } : undefined}
            />
          </g>
        ))}
      </svg>
    </ViewportPortal>
  );
});
