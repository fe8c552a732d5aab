/**
 * Recovery: after a failed apply, restoring the previous lab; after an
 * interrupted one (process killed, power lost), finishing its rollback: the
 * journal's facts say what was created; the kernel says what is there; the
 * previous lab is restored.
 */
import { plan, resolve, ROOT_NS, unmarkedLeftovers, type Change } from '../../shared/plan';
import { hasErrors, validateDocument } from '../../shared/validate';
import type { EngineOptions } from './engine-types';
import { runPlan } from './executor';
import { emptyLab, nsKeys, readFor, waitUntilGone } from './lab-scope';
import type { LabRecord, LabStore } from './lab-store';
import { readLive } from './live-read';
import { isValidNetnsName, listNetns } from './netns';
import { verifyMarks } from './ownership';
import type { Runner } from './runner';

/** What makes two changes the same: action, namespace and command (see restorePrevious's `failedPlan`). */
const sameChangeKey = (c: Change): string => `${c.action}\u0000${c.ns}\u0000${c.argv.join(' ')}`;

/**
 * After a failed or interrupted apply: re-creates the previously applied lab
 * (or, without one, removes everything marked for the lab) by planning it
 * against the host. `namespaces`: more namespaces to read (those the apply
 * touched or created), besides the previous lab's.
 *
 * `failedPlan`: the changes of the apply that failed. A change it wanted
 * that the restore wants again, for the same reason (same action and
 * command), was wanted before the apply: drift the apply set out to repair
 * (a route made by hand, deleted), not damage the apply did; the restore
 * leaves it, so that the host is as it was, and a change the kernel refused
 * once is not run again.
 */
export async function restorePrevious(
  record: LabRecord | null,
  lab: string,
  runner: Runner,
  namespaces: readonly string[] = [],
  failedPlan: readonly Change[] = [],
): Promise<string[]> {
  const before = new Set(failedPlan.map(sameChangeKey));
  const desired = record ? resolve(record.topology) : emptyLab(lab);
  let error = '';
  // The kernel tears deleted namespaces down asynchronously (their veth peers
  // vanish a moment later), so an object read now may be gone when its delete
  // runs: read and plan again until the host converges (a few rounds at most).
  for (let round = 0; round < 4; round++) {
    if (round) await new Promise((r) => setTimeout(r, 100 * round));
    const existing = new Set(await listNetns());
    const scope = [...new Set([...nsKeys(desired.state), ...namespaces])].filter(
      (n) => n !== ROOT_NS && existing.has(n),
    );
    const live = await readFor(runner, desired, scope);
    const r = plan(desired, live, { existingNamespaces: existing });
    if (r.conflicts.length)
      return [`re-creating the previous lab was refused: ${r.conflicts.map((c) => c.message).join('; ')}`];
    const changes = r.changes.filter((c) => !before.has(sameChangeKey(c)));
    const run = await runPlan(changes, { runner, beforeDeletes: (dels) => verifyMarks(runner, dels) });
    if (run.ok) return [];
    error = run.failed?.error ?? 'unknown error';
  }
  return [`re-creating the previous lab failed: ${error}`];
}

/** Namespaces a plan's changes run in or create (for restorePrevious). */
export function touchedNamespaces(changes: readonly Change[]): string[] {
  return [
    ...new Set(
      changes.flatMap((c) => [
        c.ns,
        ...(c.creates ?? []).flatMap((f) =>
          f.kind === 'namespace' ? [f.name] : [f.ns, f.peer?.ns ?? ROOT_NS],
        ),
      ]),
    ),
  ];
}

/**
 * The last applied lab, if its record reads back as a valid document. Why
 * validated: recovery plans it as root, and the record is a file.
 */
function trustedRecord(store: LabStore, lab: string): { record: LabRecord | null; problem?: string } {
  const record = store.readRecord(lab);
  if (!record) return { record: null };
  const v = validateDocument(record.topology);
  if (!v.topology || hasErrors(v.problems) || v.topology.name !== lab) {
    const first = v.problems.find((p) => p.severity === 'error')?.message ?? 'it names another lab';
    return {
      record: null,
      problem: `the record of the last apply of lab "${lab}" is not a valid document (${first})`,
    };
  }
  return { record: { ...record, topology: v.topology } };
}

/**
 * Finds a journal left by an interrupted apply (process killed, power lost)
 * and finishes its rollback from recorded facts, never from stored command
 * lines: objects the apply created but had not marked yet are removed when
 * the kernel proves they are those (shared/plan/recover.ts); then the last
 * applied lab is planned against the host, which removes everything else
 * marked for the lab that it does not have and repairs what was changed.
 */
export async function recoverInterrupted(
  lab: string,
  store: LabStore,
  runner: Runner,
  o: EngineOptions,
): Promise<void> {
  const journal = store.readJournal(lab);
  if (!journal) return;
  const begin = journal.find((e) => e.t === 'begin');
  const started = new Set<number>();
  for (const e of journal) if (e.t === 'start' || e.t === 'done') for (const s of e.steps) started.add(s);
  if (begin?.t === 'begin') {
    o.onNotice?.(
      `An apply of lab "${lab}" (pid ${begin.pid}, started ${begin.at}) was interrupted after ${started.size} of ${begin.steps} steps; rolling it back first.`,
    );
  } else {
    // Unreadable (or from an older netplumb): nothing is known of what it created, but
    // restoring the last applied lab still removes everything else marked for the lab.
    o.onNotice?.(
      `An interrupted apply of lab "${lab}" left a journal that cannot be read; restoring the lab as last applied.`,
    );
  }
  const facts = begin?.t === 'begin' ? begin.created.filter((f) => started.has(f.step)) : [];
  const { record, problem } = trustedRecord(store, lab);
  const named = facts.flatMap((f) => (f.kind === 'namespace' ? [f.name] : [f.ns, f.peer?.ns ?? ROOT_NS]));
  const previousNs = record ? nsKeys(resolve(record.topology).state) : [];
  const existing = new Set(await listNetns());
  const scope = [...new Set([...named, ...previousNs])].filter(
    (n) => n !== ROOT_NS && isValidNetnsName(n) && existing.has(n),
  );
  const live = await readLive(runner, { namespaces: scope, includeRoot: true });
  const left = unmarkedLeftovers(lab, facts, live);
  const errors: string[] = [];
  const run = await runPlan(left.changes, {
    runner,
    onGroupDone: (done, total, current) => o.onProgress?.({ lab, done, total, current, phase: 'rollback' }),
  });
  if (!run.ok) errors.push(`removing what the interrupted apply created failed: ${run.failed?.error}`);
  if (problem) o.onNotice?.(`${problem}; only what the interrupted apply created was removed.`);
  else errors.push(...(await restorePrevious(record, lab, runner, scope)));
  for (const why of left.ignored) o.onNotice?.(`Recovery left alone: ${why}.`);
  if (errors.length)
    o.onNotice?.(`The rollback of the interrupted apply could not undo everything: ${errors.join('; ')}`);
  const now = new Set(await listNetns());
  const deleted = new Set(scope.filter((n) => !now.has(n)));
  if (deleted.size) await waitUntilGone(runner, lab, deleted);
  store.removeJournal(lab);
}
