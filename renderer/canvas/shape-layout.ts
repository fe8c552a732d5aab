/**
 * Layouts that follow the drawing's shape (pure): a ring (one cycle, with
 * trees hanging off it) becomes a circle with its leaves pointing outwards,
 * a star (one hub, every other node on it) becomes a wheel. Anything else
 * (trees, meshes, several parts) is left to elk's layered layout.
 */
import type { Position, Topology } from '../../shared/model';

type Sizes = Record<string, { width: number; height: number }>;

/** Adjacency (self-links and repeated links ignored). */
function adjacency(doc: Topology): Map<string, Set<string>> {
  const adj = new Map<string, Set<string>>(doc.nodes.map((n) => [n.id, new Set<string>()]));
  for (const l of doc.links) {
    if (l.a.node === l.b.node || !adj.has(l.a.node) || !adj.has(l.b.node)) continue;
    adj.get(l.a.node)!.add(l.b.node);
    adj.get(l.b.node)!.add(l.a.node);
  }
  return adj;
}

function connected(adj: Map<string, Set<string>>): boolean {
  const first = adj.keys().next().value;
  if (first === undefined) return false;
  const seen = new Set([first]);
  const todo = [first];
  while (todo.length) {
    for (const m of adj.get(todo.pop()!)!) {
      if (seen.has(m)) continue;
      seen.add(m);
      todo.push(m);
    }
  }
  return seen.size === adj.size;
}

/** The nodes left after peeling off leaves again and again (the graph's 2-core). */
function twoCore(adj: Map<string, Set<string>>): Set<string> {
  const deg = new Map([...adj].map(([k, v]) => [k, v.size]));
  const core = new Set(adj.keys());
  const todo = [...core].filter((k) => deg.get(k)! <= 1);
  while (todo.length) {
    const k = todo.pop()!;
    if (!core.delete(k)) continue;
    for (const m of adj.get(k)!)
      if (core.has(m)) {
        deg.set(m, deg.get(m)! - 1);
        if (deg.get(m)! <= 1) todo.push(m);
      }
  }
  return core;
}

/** The core's nodes in cycle order when the core is exactly one cycle, else null. */
function cycleOrder(adj: Map<string, Set<string>>, core: Set<string>): string[] | null {
  if (core.size < 3) return null;
  const inCore = (k: string) => [...adj.get(k)!].filter((m) => core.has(m));
  if ([...core].some((k) => inCore(k).length !== 2)) return null;
  const start = [...core][0];
  const order = [start];
  let prev = start;
  let cur = inCore(start)[0];
  while (cur !== start) {
    order.push(cur);
    const next = inCore(cur).find((m) => m !== prev)!;
    prev = cur;
    cur = next;
    if (order.length > core.size) return null;
  }
  return order.length === core.size ? order : null;
}

/** Places the trees hanging off each anchor outwards, one ring per depth, within the anchor's angular slice. */
function hangTrees(
  adj: Map<string, Set<string>>,
  anchors: { id: string; angle: number; slice: number }[],
  placed: Map<string, { angle: number; r: number }>,
  r0: number,
  step: number,
) {
  for (const a of anchors) {
    let level = [...adj.get(a.id)!].filter((m) => !placed.has(m));
    let depth = 1;
    while (level.length) {
      level.forEach((id, i) => {
        const angle =
          level.length === 1 ? a.angle : a.angle - a.slice / 2 + (a.slice * (i + 0.5)) / level.length;
        placed.set(id, { angle, r: r0 + step * depth });
      });
      level = level.flatMap((id) => [...adj.get(id)!].filter((m) => !placed.has(m)));
      level = [...new Set(level)];
      depth++;
    }
  }
}

/** Positions for a ring or a star, or null when the drawing has another shape. */
export function shapePositions(doc: Topology, sizes: Sizes = {}): Record<string, Position> | null {
  const adj = adjacency(doc);
  if (adj.size < 4 || !connected(adj)) return null;
  const w = Math.max(150, ...doc.nodes.map((n) => sizes[n.id]?.width ?? 150));
  const placed = new Map<string, { angle: number; r: number }>();
  const core = twoCore(adj);
  const ring = cycleOrder(adj, core);
  if (ring) {
    // Room for each ring node and what hangs off it along the circumference.
    const fan = Math.max(...ring.map((id) => [...adj.get(id)!].filter((m) => !core.has(m)).length), 1);
    const r = Math.max(220, (ring.length * (w + 40) * Math.min(fan, 2)) / (2 * Math.PI));
    const slice = (2 * Math.PI) / ring.length;
    ring.forEach((id, i) => placed.set(id, { angle: -Math.PI / 2 + i * slice, r }));
    hangTrees(
      adj,
      ring.map((id) => ({ id, angle: placed.get(id)!.angle, slice: slice * 0.9 })),
      placed,
      r,
      190,
    );
  } else if (core.size === 0) {
    // A tree: a wheel only when one hub carries every other node directly.
    const hub = [...adj].find(([, v]) => v.size === adj.size - 1)?.[0];
    if (!hub) return null;
    const spokes = [...adj.get(hub)!];
    const r = Math.max(220, (spokes.length * (w + 40)) / (2 * Math.PI));
    placed.set(hub, { angle: 0, r: 0 });
    spokes.forEach((id, i) => placed.set(id, { angle: -Math.PI / 2 + (i * 2 * Math.PI) / spokes.length, r }));
  } else return null;
  if (placed.size !== adj.size) return null;
  const out: Record<string, Position> = {};
  const maxR = Math.max(...[...placed.values()].map((p) => p.r));
  for (const n of doc.nodes) {
    const p = placed.get(n.id)!;
    const cx = maxR + w + p.r * Math.cos(p.angle);
    const cy = maxR + w + p.r * Math.sin(p.angle);
    const size = sizes[n.id] ?? { width: 150, height: 60 };
    out[n.id] = {
      x: Math.round((cx - size.width / 2) / 16) * 16,
      y: Math.round((cy - size.height / 2) / 16) * 16,
    };
  }
  return out;
}
