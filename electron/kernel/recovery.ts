/**
 * Ownership re-checks before deletes, and finishing an apply that was
 * interrupted (process killed, power lost): the journal says which steps ran;
 * they are undone in reverse and the previous lab is restored.
 */
import { plan, resolve, ROOT_NS, type Change, type KState, type Resolved } from '../../shared/plan';
import type { EngineOptions } from './engine';
import { rollback, runPlan } from './executor';
import type { LabRecord, LabStore } from './lab-store';
import { readLive } from './live-read';
import { IpLinkList } from './ip-json';
import { listNetns } from './netns';
import type { Runner } from './runner';

export const nsKeys = (s: KState) => Object.keys(s.namespaces).filter((n) => n !== ROOT_NS);
const needsSysctls = (r: Resolved, ns: string) => Object.keys(r.state.namespaces[ns]?.sysctls ?? {}).length > 0;

/** A desired state with no objects: planning it against live deletes everything the lab owns. */
export function emptyLab(lab: string): Resolved {
  return resolve({ version: 1, name: lab, nodes: [], links: [], expect: [], annotations: [] });
}

/** Reads the root namespace and `scope`, with sysctls only where the file sets some (one process fewer per namespace). */
export async function readFor(runner: Runner, desired: Resolved, scope: string[]): Promise<KState> {
  const withSys = scope.filter((n) => needsSysctls(desired, n));
  const without = scope.filter((n) => !needsSysctls(desired, n));
  const [a, b] = await Promise.all([
    readLive(runner, { namespaces: without, includeRoot: true, peerNames: false }),
    withSys.length ? readLive(runner, { namespaces: withSys, sysctls: true }) : Promise.resolve<KState>({ namespaces: {} }),
  ]);
  return { namespaces: { ...a.namespaces, ...b.namespaces } };
}

/** After a failed apply that had already deleted objects: re-create the previously applied lab. */
export async function restorePrevious(record: LabRecord | null, lab: string, runner: Runner, changes: readonly Change[] = []): Promise<string[]> {
  const desired = record ? resolve(record.topology) : emptyLab(lab);
  const existing = new Set(await listNetns());
  // The previous lab's namespaces and every namespace the failed plan touched or created.
  const touched = changes.flatMap((c) => [c.ns, ...(c.batch?.[0] === 'netns' ? [c.batch[2]] : [])]);
  const scope = [...new Set([...nsKeys(desired.state), ...touched])].filter((n) => n !== ROOT_NS && existing.has(n));
  const live = await readFor(runner, desired, scope);
  const r = plan(desired, live, { existingNamespaces: existing });
  const run = await runPlan(r.changes, { runner });
  return run.ok ? [] : [`re-creating the previous lab failed: ${run.failed?.error}`];
}

/** The current ifalias of an interface, or undefined when it does not exist. */
async function aliasOf(runner: Runner, ns: string, dev: string): Promise<string | undefined | null> {
  const r = await runner(['ip', ...(ns === ROOT_NS ? [] : ['-n', ns]), '-j', 'link', 'show', 'dev', dev]);
  if (r.exitCode !== 0) return null;
  const links = IpLinkList.parse(JSON.parse(r.stdout || '[]'));
  return links[0]?.ifalias;
}

/**
 * Re-checks, right before deleting, that every object still carries the mark
 * the plan saw. Why: between planning and deleting, a foreign object may have
 * taken the name; netplumb must never delete what it does not own.
 */
export async function verifyMarks(runner: Runner, deletes: Change[]): Promise<void> {
  let next = 0;
  const one = async (c: Change) => {
      const line = c.batch ?? [];
      const isNs = line[0] === 'netns' && line[1] === 'delete';
      const ns = isNs ? line[2] : c.ns;
      const dev = isNs ? 'lo' : line[line.indexOf('dev') + 1];
      const alias = await aliasOf(runner, ns, dev);
      if (alias === null) throw new Error(`${c.target.name} disappeared before netplumb could delete it`);
      if (alias !== c.requireMark) {
        throw new Error(`refusing to delete ${c.target.name}: it no longer carries netplumb's mark (${c.requireMark}); it may belong to someone else now`);
      }
  };
  // At most 8 checks at a time (a 1000-namespace destroy must not start 1000 processes at once).
  await Promise.all(
    Array.from({ length: Math.min(8, deletes.length) }, async () => {
      while (next < deletes.length) await one(deletes[next++]);
    }),
  );
}

/**
 * Finds a journal left by an interrupted apply and finishes its rollback.
 * Steps that were running when the process died are undone too; undo is
 * tolerant of objects that never got created.
 */
export async function recoverInterrupted(lab: string, store: LabStore, runner: Runner, o: EngineOptions): Promise<void> {
  const journal = store.readJournal(lab);
  if (!journal) return;
  const begin = journal.find((e) => e.t === 'begin');
  if (!begin || begin.t !== 'begin') {
    store.removeJournal(lab);
    return;
  }
  const steps = new Set<number>();
  for (const e of journal) if (e.t === 'start' || e.t === 'done') for (const s of e.steps) steps.add(s);
  o.onNotice?.(
    `An apply of lab "${lab}" (pid ${begin.pid}, started ${begin.at}) was interrupted after ${steps.size} of ${begin.changes.length} steps; rolling it back first.`,
  );
  const rb = await rollback(begin.changes, steps, {
    runner,
    onGroupDone: (done, total, current) => o.onProgress?.({ lab, done, total, current, phase: 'rollback' }),
  });
  const restoreErrors = await restorePrevious(begin.previous, lab, runner, begin.changes);
  const errors = [...rb.errors, ...restoreErrors];
  if (errors.length) o.onNotice?.(`The rollback of the interrupted apply could not undo everything: ${errors.join('; ')}`);
  store.removeJournal(lab);
}
