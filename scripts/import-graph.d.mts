/** Types for scripts/import-graph.mjs. */
/** Folders whose sources form the graph. */
export const ROOTS: string[];
/** The tree file a relative import names (`./x`, `./x.js`, a folder's index), or undefined. */
export function resolveSpec(from: string, spec: string): string | undefined;
/** Imports between the tree's files, relative to `root` (type-only ones too when `withTypes`). */
export function importGraph(root: string, withTypes?: boolean): Map<string, string[]>;
/** Strongly connected components with more than one file (or a file importing itself), each sorted. */
export function cycles(graph: Map<string, string[]>): string[][];
/** The graph between folders (`shared/model` → `shared/validate`); tests left out. */
export function folderGraph(
  graph: Map<string, string[]>,
  prefix: string,
  depth?: number,
): Map<string, string[]>;
/** One concrete loop through a component, for the message: a → b → … → a. */
export function loopThrough(graph: Map<string, string[]>, comp: string[]): string[];
