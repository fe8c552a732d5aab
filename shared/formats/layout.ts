/**
 * A small deterministic layered layout for topologies without canvas
 * positions (files from the CLI, imports from tools that have none). Each
 * connected part is laid out from its most central router (else bridge, else
 * busiest node) outward in layers, one row per hop, ordered to keep links
 * short; parts sit side by side. Same input, same picture.
 */
import type { Position, Topology } from '../model';

/** Spacing of the layout grid, in canvas units. */
export const LAYOUT = { dx: 220, dy: 200 } as const;

const KIND_RANK: Record<string, number> = { router: 0, bridge: 1, namespace: 2, host: 3 };

/** Positions for every node, computed from the links only. */
export function autoLayout(t: Pick<Topology, 'nodes' | 'links'>): Map<string, Position> {
  const index = new Map(t.nodes.map((n, i) => [n.id, i]));
  const adj: number[][] = t.nodes.map(() => []);
  for (const l of t.links) {
    const a = index.get(l.a.node);
    const b = index.get(l.b.node);
    if (a === undefined || b === undefined || a === b) continue;
    if (!adj[a].includes(b)) adj[a].push(b);
    if (!adj[b].includes(a)) adj[b].push(a);
  }
  // A bridge that lives in a namespace is drawn next to it even without a link.
  t.nodes.forEach((n, i) => {
    if (n.kind === 'bridge' && n.namespace !== undefined) {
      const ns = index.get(n.namespace);
      if (ns !== undefined && !adj[i].includes(ns)) {
        adj[i].push(ns);
        adj[ns].push(i);
      }
    }
  });
  const out = new Map<string, Position>();
  const seen = new Set<number>();
  let offsetX = 0;
  for (let start = 0; start < t.nodes.length; start++) {
    if (seen.has(start)) continue;
    // The connected part containing `start`.
    const part: number[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const v = stack.pop()!;
      part.push(v);
      for (const w of adj[v]) {
        if (seen.has(w)) continue;
        seen.add(w);
        stack.push(w);
      }
    }
    part.sort((x, y) => x - y);
    const rank = (i: number) => KIND_RANK[t.nodes[i].kind] ?? 9;
    const root = part.reduce((best, i) => {
      if (rank(i) !== rank(best)) return rank(i) < rank(best) ? i : best;
      return adj[i].length > adj[best].length ? i : best;
    }, part[0]);
    // Breadth-first layers from the root.
    const layerOf = new Map<number, number>([[root, 0]]);
    const layers: number[][] = [[root]];
    for (let d = 0; d < layers.length; d++) {
      const next: number[] = [];
      for (const v of layers[d]) {
        for (const w of [...adj[v]].sort((x, y) => x - y)) {
          if (!layerOf.has(w)) {
            layerOf.set(w, d + 1);
            next.push(w);
          }
        }
      }
      if (next.length) layers.push(next);
    }
    // Order each layer by the mean slot of its neighbours in the layer above.
    const slot = new Map<number, number>(layers[0].map((v, i) => [v, i]));
    for (let d = 1; d < layers.length; d++) {
      const key = (v: number) => {
        const up = adj[v].filter((w) => layerOf.get(w) === d - 1).map((w) => slot.get(w) ?? 0);
        return up.length ? up.reduce((a, b) => a + b, 0) / up.length : 0;
      };
      layers[d] = layers[d]
        .map((v) => [v, key(v)] as const)
        .sort((a, b) => a[1] - b[1] || a[0] - b[0])
        .map(([v]) => v);
      layers[d].forEach((v, i) => slot.set(v, i));
    }
    const width = Math.max(...layers.map((l) => l.length));
    layers.forEach((layer, d) => {
      const shift = ((width - layer.length) * LAYOUT.dx) / 2;
      layer.forEach((v, i) =>
        out.set(t.nodes[v].id, { x: offsetX + shift + i * LAYOUT.dx, y: d * LAYOUT.dy }),
      );
    });
    offsetX += width * LAYOUT.dx + LAYOUT.dx / 2;
  }
  return out;
}

/**
 * The topology with a position on every node: nodes that have one keep it;
 * the others get auto-layout positions, placed below what is already drawn.
 */
export function withPositions<T extends Pick<Topology, 'nodes' | 'links'>>(t: T): T {
  if (t.nodes.every((n) => n.position)) return t;
  const auto = autoLayout(t);
  const placed = t.nodes.filter((n) => n.position).map((n) => n.position!);
  const dy = placed.length ? Math.max(...placed.map((p) => p.y)) + LAYOUT.dy * 1.5 : 0;
  const dx = placed.length ? Math.min(...placed.map((p) => p.x)) : 0;
  return {
    ...t,
    nodes: t.nodes.map((n) =>
      n.position ? n : { ...n, position: { x: auto.get(n.id)!.x + dx, y: auto.get(n.id)!.y + dy } },
    ),
  };
}
