/**
 * Level of detail for links: zoomed far out, the canvas hands React Flow no
 * edges and draws every link here instead, as centre-to-centre lines in one
 * SVG (one path per look: plain, selected, problem, live state, down) behind
 * the nodes, which hide the part of each line inside them. A thousand edge
 * components each subscribe to React Flow's store, which changes on every
 * frame of a pan; this layer has no subscription at all and redraws only when
 * the nodes or links it is given change. Lines that small cannot be clicked
 * or labelled anyway: zoomed in, the full edges come back.
 *
 * While nodes move (a drag), the links between nodes that stay are drawn
 * from `base` (the nodes as they were) in a layer of their own whose path
 * text does not change, and only the moved nodes' links are drawn again, in a
 * second layer above it: a changed path is painted again whole, and
 * repainting every link was most of each frame of a drag with the whole
 * drawing in view (frames drawn a second, median of 3 runs of bench:ui: 31-35
 * repainting all, 36.6 with the still links as a separate path of the same
 * SVG, 44.3 as a separate SVG; the bare React Flow page 31-35). Once nothing
 * has moved for SETTLE_MS, `base` catches up and the second layer goes
 * (meanwhile the moved nodes' links are drawn over the others, whatever their look).
 * When many nodes move at once or nodes come and go (an opening, a paste, an
 * auto layout: movedNodes answers undefined), every link is drawn in the
 * first layer from where the nodes are, as before.
 */
import { memo, useEffect, useMemo, useState } from 'react';
import { ViewportPortal } from '@xyflow/react';
import { linkKind } from '../../shared/kinds';
import type { FlowEdge, FlowNode } from '../store/derive';
import { edgeClass } from './edge-parts';

/** A node's size before React Flow has measured it. */
const UNMEASURED = { width: 150, height: 40 };

/** Where a node's links end: its centre. */
const centreOf = (n: FlowNode) =>
  `${n.position.x + (n.measured?.width ?? UNMEASURED.width) / 2},${n.position.y + (n.measured?.height ?? UNMEASURED.height) / 2}`;

/** Plain lines first (the shortest class), so selected, faulty and live ones are drawn over them. */
const byLook = (x: string, y: string) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);

/** The lines to draw: an SVG path (`d`) per edge class, with its link kind's dash, in a stable order (pure). */
export function farLinkPaths(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
): { cls: string; d: string; dash?: string }[] {
  const byId = new Map<string, FlowNode>();
  for (const n of nodes) byId.set(n.id, n);
  // Centres of the nodes the links end at, each worked out once.
  const centres = new Map<string, string | undefined>();
  const centre = (id: string) => {
    if (!centres.has(id)) {
      const n = byId.get(id);
      centres.set(id, n && centreOf(n));
    }
    return centres.get(id);
  };
  const byClass = new Map<string, { segs: string[]; dash?: string }>();
  for (const e of edges) {
    const a = centre(e.source);
    const b = centre(e.target);
    if (!a || !b || !e.data) continue;
    const cls = edgeClass(e.data, e.selected);
    const group = byClass.get(cls);
    const seg = `M${a}L${b}`;
    // The class names the link kind, so one group has one kind's dash.
    if (group) group.segs.push(seg);
    else byClass.set(cls, { segs: [seg], dash: linkKind(e.data.link).style.dash });
  }
  return [...byClass.keys()].sort(byLook).map((cls) => {
    const { segs, dash } = byClass.get(cls)!;
    return dash ? { cls, d: segs.join(''), dash } : { cls, d: segs.join('') };
  });
}

/** How long nothing must move before the links are drawn as one path per look again. */
export const SETTLE_MS = 300;
/** More nodes moved than this (a paste, an auto layout) and every link is drawn from where the nodes are. */
const MAX_MOVED = 64;

/**
 * The nodes whose links end elsewhere in `nodes` than in `base` (their
 * centre moved), or undefined when every link is to be drawn from `nodes`:
 * the two hold other nodes, or more than MAX_MOVED moved.
 */
export function movedNodes(base: readonly FlowNode[], nodes: readonly FlowNode[]): Set<string> | undefined {
  if (base.length !== nodes.length) return undefined;
  const was = new Map<string, FlowNode>();
  for (const n of base) was.set(n.id, n);
  const moved = new Set<string>();
  for (const n of nodes) {
    const b = was.get(n.id);
    if (!b) return undefined;
    if (b === n || (b.position === n.position && b.measured === n.measured) || centreOf(b) === centreOf(n))
      continue;
    moved.add(n.id);
    if (moved.size > MAX_MOVED) return undefined;
  }
  return moved;
}

/** Whether a link ends at one of `moved`. */
const touches = (moved: ReadonlySet<string>, e: FlowEdge) => moved.has(e.source) || moved.has(e.target);

/** The paths of the links between nodes that did not move, drawn from `base` (pure). */
export function stillLinkPaths(
  base: readonly FlowNode[],
  edges: readonly FlowEdge[],
  moved: ReadonlySet<string>,
) {
  return farLinkPaths(
    base,
    edges.filter((e) => !touches(moved, e)),
  );
}

/** The paths of the links of the moved nodes, drawn from `nodes` (pure). */
export function movingLinkPaths(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
  moved: ReadonlySet<string>,
) {
  if (moved.size === 0) return [];
  return farLinkPaths(
    nodes,
    edges.filter((e) => touches(moved, e)),
  );
}

/**
 * The far links' paths as FarLinks draws them: per look, the first layer's
 * path (the still links', stillLinkPaths; every link's when movedNodes says
 * undefined) and the second's (the moved nodes' links', movingLinkPaths),
 * either may be missing. Together they are farLinkPaths(nodes, edges),
 * segment for segment (pure).
 */
export function splitFarLinkPaths(
  base: readonly FlowNode[],
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
): { cls: string; still?: string; moving?: string; dash?: string }[] {
  const moved = movedNodes(base, nodes);
  return moved
    ? mergeLooks(stillLinkPaths(base, edges, moved), movingLinkPaths(nodes, edges, moved))
    : mergeLooks(farLinkPaths(nodes, edges), []);
}

/** Two lists of paths by look merged into one, in drawing order. */
function mergeLooks(
  still: readonly { cls: string; d: string; dash?: string }[],
  moving: readonly { cls: string; d: string; dash?: string }[],
): { cls: string; still?: string; moving?: string; dash?: string }[] {
  const looks = new Map<string, { cls: string; still?: string; moving?: string; dash?: string }>();
  for (const p of still) looks.set(p.cls, { cls: p.cls, still: p.d, ...(p.dash ? { dash: p.dash } : {}) });
  for (const p of moving) {
    const l = looks.get(p.cls);
    if (l) l.moving = p.d;
    else looks.set(p.cls, { cls: p.cls, moving: p.d, ...(p.dash ? { dash: p.dash } : {}) });
  }
  return [...looks.keys()].sort(byLook).map((cls) => looks.get(cls)!);
}

/** Every link of the drawing as lines, inside React Flow's viewport (below the nodes). */
export const FarLinks = memo(function FarLinks({
  nodes,
  edges,
}: {
  nodes: readonly FlowNode[];
  edges: readonly FlowEdge[];
}) {
  // The nodes as they were when nothing last moved (see the top).
  const [base, setBase] = useState(nodes);
  useEffect(() => {
    if (base === nodes) return;
    const t = setTimeout(() => setBase(nodes), SETTLE_MS);
    return () => clearTimeout(t);
  }, [base, nodes]);
  const moved = useMemo(() => movedNodes(base, nodes), [base, nodes]);
  // The moved nodes as a key: the still links' path is made again only when that set changes.
  const movedKey = moved && JSON.stringify([...moved].sort());
  // Made again only when the key changes, not on every frame of a drag.
  const movedSet = useMemo(
    () => (movedKey === undefined ? undefined : new Set(JSON.parse(movedKey) as string[])),
    [movedKey],
  );
  // Every link in the first layer when there is no few moved nodes to set apart (an opening, a
  // paste, an auto layout), drawn from where the nodes are.
  const all = useMemo(
    () => (movedSet === undefined ? farLinkPaths(nodes, edges) : undefined),
    [nodes, edges, movedSet],
  );
  const stillOnly = useMemo(
    () => (movedSet === undefined ? undefined : stillLinkPaths(base, edges, movedSet)),
    [base, edges, movedSet],
  );
  const still = all ?? stillOnly ?? [];
  const moving = useMemo(
    () => (movedSet === undefined ? [] : movingLinkPaths(nodes, edges, movedSet)),
    [nodes, edges, movedSet],
  );
  // Two layers: the still links' never changes while nodes move, so the browser leaves it as it was.
  return (
    <ViewportPortal>
      <FarLayer testId="far-links" paths={still} />
      {moving.length > 0 && <FarLayer testId="far-links-moving" paths={moving} />}
    </ViewportPortal>
  );
});

/** One SVG of far links: a path per look. */
const FarLayer = memo(function FarLayer({
  paths,
  testId,
}: {
  paths: readonly { cls: string; d: string; dash?: string }[];
  testId: string;
}) {
  return (
    <svg className="np-far-links" data-testid={testId} aria-hidden="true">
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
  );
});
