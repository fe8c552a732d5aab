/**
 * Ownership re-checks before deletes, and finishing an apply that was
 * interrupted (process killed, power lost): the journal's facts say what was
 * created; the kernel says what is there; the previous lab is restored.
 */
import {
  markLab,
  plan,
  resolve,
  ROOT_NS,
  unmarkedLeftovers,
  type Change,
  type KState,
  type Resolved,
} from '../../shared/plan';
import { hasErrors, validateDocument } from '../../shared/validate';
import type { EngineOptions } from './engine-types';
import { runPlan } from './executor';
import type { LabRecord, LabStore } from './lab-store';
import { readLive } from './live-read';
import { IpLinkList } from './ip-json';
import { isValidNetnsName, listNetns } from './netns';
import { fanOut, type Runner } from './runner';

export const nsKeys = (s: KState) => Object.keys(s.namespaces).filter((n) => n !== ROOT_NS);
const needsSysctls = (r: Resolved, ns: string) =>
  Object.keys(r.state.namespaces[ns]?.sysctls ?? {}).length > 0;

/** A desired state with no objects: planning it against live deletes everything the lab owns. */
export function emptyLab(lab: string): Resolved {
  return resolve({ version: 1, name: lab, nodes: [], links: [], expect: [], annotations: [] });
}

/** Reads the root namespace and `scope` in one fan-out, with sysctls only where the file sets some (one process fewer per namespace). */
export async function readFor(runner: Runner, desired: Resolved, scope: string[]): Promise<KState> {
  return readLive(runner, {
    namespaces: scope,
    includeRoot: true,
    peerNames: false,
    sysctls: scope.filter((n) => needsSysctls(desired, n)),
  });
}

/**
 * After a failed or interrupted apply: re-creates the previously applied lab
 * (or, without one, removes everything marked for the lab) by planning it
 * against the host. `namespaces`: more namespaces to read (those the apply
 * touched or created), besides the previous lab's.
 */
export async function restorePrevious(
  record: LabRecord | null,
  lab: string,
  runner: Runner,
  namespaces: readonly string[] = [],
): Promise<string[]> {
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
    const run = await runPlan(r.changes, { runner, beforeDeletes: (dels) => verifyMarks(runner, dels) });
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
 * Re-checks, right before deleting, that every object still carries the mark
 * the plan saw. Why: between planning and deleting, a foreign object may have
 * taken the name; netplumb must never delete what it does not own. One
 * `ip -j link show` per namespace involved, all started by one fan-out.
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
  const results = await fanOut(
    runner,
    spaces.map((ns) => ({ argv: ['ip', ...(ns === ROOT_NS ? [] : ['-n', ns]), '-j', 'link', 'show'] })),
  );
  const aliases = new Map<string, Map<string, string | undefined>>();
  spaces.forEach((ns, i) => {
    const r = results[i];
    if (r.exitCode !== 0) return; // the namespace is gone: every object in it "disappeared"
    aliases.set(
      ns,
      new Map(IpLinkList.parse(JSON.parse(r.stdout || '[]')).map((l) => [l.ifname, l.ifalias])),
    );
  });
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

/**
 * The kernel tears a deleted namespace down asynchronously: veth ends whose
 * peer lived there linger for a moment. Wait (briefly) until none of the
 * lab's interfaces is left in the root namespace, so "destroyed" means gone.
 */
export async function waitUntilGone(
  runner: Runner,
  lab: string,
  deletedNs?: ReadonlySet<string>,
): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const root = await readLive(runner, { namespaces: [], includeRoot: true, peerNames: false });
    const left = Object.values(root.namespaces[''].ifaces).filter(
      (f) =>
        markLab(f.mark) === lab &&
        (!deletedNs || (f.kind === 'veth' && (f.peer === undefined || deletedNs.has(f.peer.ns)))),
    );
    if (!left.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
