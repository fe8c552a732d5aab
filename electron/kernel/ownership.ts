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
 */
export async function verifyMarks(runner: Runner, deletes: Change[]): Promise<void> {
  // A namespace's mark is the alias of its lo.
  const targets = deletes.flatMap((c) => {
    const d = c.deletes;
    // Why: a delete whose object is unknown cannot be checked, so it must not run.
    if (!d) throw new Error(`refusing to run "${c.argv.join(' ')}": netplumb cannot tell what it deletes`);
    return [d.kind === 'namespace' ? { c, ns: d.name, dev: 'lo' } : { c, ns: d.namespace, dev: d.name }];
  });
  const spaces = [...new Set(targets.map((t) => t.ns))];
  const aliases = await readMarks(runner, spaces);
  for (const { c, ns, dev } of targets) {
    const links = aliases.get(ns);
    if (!links || !links.has(dev))
      throw new Error(`${c.target.name} disappeared before netplumb could delete it`);
    if (links.get(dev) !== c.requireMark) {
      throw new Error(
        `refusing to delete ${c.target.name}: it no longer carries netplumb's mark (${c.requireMark}); it may belong to someone else now`,
      );
    }
  }
}
