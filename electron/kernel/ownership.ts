/**
 * Ownership, checked at the last moment: every object a plan deletes must
 * still carry the mark the plan saw, right before the delete runs.
 */
import type { Change } from '../../shared/plan';
import { readMarks } from './mark-check';
import type { Runner } from './runner';

/**
 * Re-checks, right before deleting, that every object still carries the mark
 * the plan saw. Why: between planning and deleting, a foreign object may have
 * taken the name; netplumb must never delete what it does not own. The
 * marks are read now (mark-check.ts: one nsread for all namespaces, or one
 * `ip -j link show` per namespace through the fan-out).
 *
 * Returns the steps whose object is gone already: what they were to do is
 * done. Why not an error: the kernel deletes on its own, later than the
 * command that asked for it. A namespace deleted by hand is torn down in the
 * background, and the root's end of each of its veth pairs goes with it,
 * often after the plan read that end as a veth to re-create.
 */
export async function verifyMarks(runner: Runner, deletes: Change[]): Promise<Set<number>> {
  // A namespace's mark is the alias of its lo.
  const targets = deletes.flatMap((c) => {
    const d = c.deletes;
    // Why: a delete whose object is unknown cannot be checked, so it must not run.
    if (!d) throw new Error(`refusing to run "${c.argv.join(' ')}": netplumb cannot tell what it deletes`);
    return [d.kind === 'namespace' ? { c, ns: d.name, dev: 'lo' } : { c, ns: d.namespace, dev: d.name }];
  });
  const spaces = [...new Set(targets.map((t) => t.ns))];
  const aliases = await readMarks(runner, spaces);
  const gone = new Set<number>();
  for (const { c, ns, dev } of targets) {
    const links = aliases.get(ns);
    if (!links || !links.has(dev)) {
      gone.add(c.step);
      continue;
    }
    if (links.get(dev) !== c.requireMark) {
      throw new Error(
        `refusing to delete ${c.target.name}: it no longer carries netplumb's mark (${c.requireMark}); it may belong to someone else now`,
      );
    }
  }
  return gone;
}
