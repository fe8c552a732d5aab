/**
 * The one place the page asks "what is wrong with this document?". It calls
 * the shared validator the kernel side uses (no second copy of any rule here).
 */
import { validateDocument } from '../../shared/validate';
import type { Problem } from '../../shared/validate/problem';

/** Problems of a document (plain data or a Topology), schema and semantic. */
export function validateTopology(doc: unknown): Problem[] {
  return validateDocument(doc).problems;
}
