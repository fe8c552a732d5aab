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
 * Validates the built document like a native file. Problems about the
 * built document keep their topology path (so the canvas can highlight the
 * node) and get the source position from `map`.
 */
export function finishImport(draft: unknown, problems: Problem[], map: SourceMapper): ImportResult {
  const r = validateDocument(draft);
  const located = r.problems.map((p) => ({ ...p, ...(map(p.path) ?? { line: 1, column: 1 }) }));
  return { topology: r.topology, problems: [...problems, ...located] };
}
