/**
 * A validation problem: a code, plain words, and where it is. `path` points
 * into the document (e.g. ["links", 2, "a", "ifname"]); nodeId/linkId let the
 * canvas highlight the object; line/column are added by the file parsers.
 */
export interface Problem {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  path: (string | number)[];
  nodeId?: string;
  linkId?: string;
  line?: number;
  column?: number;
  /** The file line/column refer to, when it is not the main file (e.g. a Kathará `pc1.startup`). */
  file?: string;
}

/** True when any problem blocks planning/applying. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
