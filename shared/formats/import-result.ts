/**
 * What every importer returns, and the common last step: run the produced
 * document through the same validation as a native file, with problem
 * positions mapped back into the source file where possible.
 */
import type { Topology } from '../model';
import { validateDocument } from '../validate';
import type { Problem } from '../validate/problem';
import type { DocPath, TextPosition } from './document';

/** The outcome of an import: the topology (when one could be built) and every problem, located. */
export interface ImportResult {
  topology?: Topology;
  problems: Problem[];
}

/** Maps a path in the produced topology to a position in the source file (or in another file of the lab). */
export type SourceMapper = (path: DocPath) => (TextPosition & { file?: string }) | undefined;

/** A warning or error about the source file. */
export function sourceProblem(
  severity: Problem['severity'],
  code: string,
  message: string,
  at: TextPosition | undefined,
  path: (string | number)[] = [],
): Problem {
  return { code, severity, message, path, line: at?.line ?? 1, column: at?.column ?? 1 };
}

/**
 * Errors of one route or gateway that netplumb cannot apply, most of which
 * the kernel itself refuses, with the rest of the node's configuration going
 * on: in the source tool that route is one command (`ip route add`, `route
 * add`, a gateway line) that fails, and the lab runs without it. An import
 * leaves such a route out with a warning, instead of refusing the whole lab
 * for one line. A duplicate is the second of two (the kernel keeps the
 * first: "File exists"). A next hop that a `dev` route of the node reaches
 * is the kernel's and netplumb's (validate/routes.ts), so it is kept.
 */
const ROUTE_REFUSED_BY_KERNEL = new Set([
  'route-invalid-prefix',
  'route-prefix-host-bits',
  'duplicate-route',
  'route-needs-via-or-dev',
  'route-unknown-dev',
  'route-interface-down',
  'gateway-invalid',
  'gateway-family-mismatch',
  'gateway-is-self',
  'gateway-unreachable',
  'gateway-interface-down',
]);

/** The route or gateway a problem's path names: ['nodes', i, 'routes', j, ...] or ['nodes', i, 'gateway', family]. */
function routeOf(
  path: readonly (string | number)[],
): { node: number; route?: number; family?: string } | undefined {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined;
  if (path[2] === 'routes' && typeof path[3] === 'number') return { node: path[1], route: path[3] };
  if (path[2] === 'gateway' && typeof path[3] === 'string') return { node: path[1], family: path[3] };
  return undefined;
}

type DraftNode = { routes?: unknown[]; gateway?: Record<string, unknown> };

/**
 * Validates the built document like a native file. Problems about the
 * built document keep their topology path (so the canvas can highlight the
 * node) and get the source position from `map`. A route or gateway the
 * kernel would refuse (ROUTE_REFUSED_BY_KERNEL) is left out, its error
 * turned into a warning at the same place; the other problems are those of
 * the document without it, their route indexes as in the returned topology
 * and their positions those of the source line.
 */
export function finishImport(draft: unknown, problems: Problem[], map: SourceMapper): ImportResult {
  const first = validateDocument(draft);
  const refused = first.problems.filter(
    (p) => p.severity === 'error' && ROUTE_REFUSED_BY_KERNEL.has(p.code) && routeOf(p.path),
  );
  if (!refused.length) {
    const located = first.problems.map((p) => ({ ...p, ...(map(p.path) ?? { line: 1, column: 1 }) }));
    return { topology: first.topology, problems: [...problems, ...located] };
  }
  const kept = structuredClone(draft) as { nodes: DraftNode[] };
  // Per node, the draft's route index of each route kept (the returned topology's index -> the source's).
  const dropRoutes = new Map<number, Set<number>>();
  for (const p of refused) {
    const r = routeOf(p.path)!;
    const node = kept.nodes[r.node];
    if (r.route !== undefined) {
      if (!dropRoutes.has(r.node)) dropRoutes.set(r.node, new Set());
      dropRoutes.get(r.node)!.add(r.route);
    } else if (node.gateway) {
      delete node.gateway[r.family!];
      if (Object.keys(node.gateway).length === 0) delete node.gateway;
    }
  }
  const routeIndex = new Map<number, number[]>();
  for (const [i, drop] of dropRoutes) {
    const node = kept.nodes[i];
    const from = (node.routes ?? []).map((_, j) => j).filter((j) => !drop.has(j));
    routeIndex.set(i, from);
    node.routes = from.map((j) => node.routes![j]);
    if (node.routes.length === 0) delete node.routes;
  }
  // The draft's path of a path into the document without the dropped routes.
  const sourcePath = (path: (string | number)[]): (string | number)[] => {
    const r = routeOf(path);
    const from = r?.route !== undefined ? routeIndex.get(r.node) : undefined;
    return from ? [path[0], path[1], path[2], from[r!.route!], ...path.slice(4)] : path;
  };
  const left = refused.map((p) => ({
    ...p,
    code: 'import-route-dropped',
    severity: 'warning' as const,
    message: `${p.message} It is left out of the import, as netplumb cannot apply it: the kernel refuses such a route, so in the source tool this one command most likely fails while the rest of the lab runs.`,
    path: p.path.slice(0, 2),
    ...(map(p.path) ?? { line: 1, column: 1 }),
  }));
  const r = validateDocument(kept);
  const located = r.problems.map((p) => ({ ...p, ...(map(sourcePath(p.path)) ?? { line: 1, column: 1 }) }));
  return { topology: r.topology, problems: [...problems, ...left, ...located] };
}
