/**
 * The one place the page asks "what is wrong with this document?". It uses the
 * same shared code as the kernel side (no second copy of any rule here).
 */
import { parseTopology } from '../../shared/model';
import type { Problem } from '../../shared/validate/problem';

/** Problems of a document (plain data or a Topology), schema and semantic. */
export function validateTopology(doc: unknown): Problem[] {
  const parsed = parseTopology(doc);
  if (!parsed.ok) return parsed.problems;
  return [];
}
