/**
 * Errors meant for the user: their message is already plain words and is
 * shown as is. Any other error is reduced to its first line (never a stack).
 */
export class PlainError extends Error {
  override name = 'PlainError';
}

/** Turns anything thrown into one short line fit for the page. */
export function plainMessage(e: unknown): string {
  if (e instanceof PlainError) return e.message;
  const raw = e instanceof Error ? e.message : typeof e === 'string' ? e : 'unexpected failure';
  const first = raw.split('\n').find((l) => l.trim() !== '') ?? 'unexpected failure';
  // Why: error text goes to the page; cap it so a huge kernel message or an
  // embedded document cannot flood the UI, and never include a stack.
  return first.length > 500 ? `${first.slice(0, 497)}...` : first;
}

/** Describes zod issues in plain words (first few only). */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const parts = issues.slice(0, 3).map((i) => {
    const where = i.path.length ? `"${i.path.map(String).join('.')}"` : 'the request';
    return `${where}: ${i.message}`;
  });
  if (issues.length > 3) parts.push(`and ${issues.length - 3} more`);
  return parts.join('; ');
}
