/**
 * The engine: validate -> (recover) -> read live -> plan -> journal + run ->
 * record, with rollback on failure. Each entry point takes an untrusted
 * document and validates it itself.
 */
import { hasErrors, validateDocument as validateDoc, type Problem } from '../../shared/validate';
import type { Topology } from '../../shared/model';
import { driftFromChanges, markLab, plan, resolve } from '../../shared/plan';
import type {
  ApplyOutcome,
  Engine,
  EngineOptions,
  LabDocumentT,
  LabSummaryT,
  PlanOutcome,
  StatusOutcome,
  ValidateOutcome,
} from './engine-types';
import { detectCapabilities, missingFor } from './capabilities';
import { checkHost } from './host-facts';
import {
  emptyLab,
  nsKeys,
  prepareLab,
  previousAddresses,
  readRecorded,
  waitUntilGone,
  type PreparedLab,
} from './lab-scope';
import { beginJournal, LabBusyError, LabStore, RunDirError, type Journal } from './lab-store';
import {
  fillLater,
  primeBatchFor,
  primeReads,
  readLive,
  storePrimedReads,
  warmNamespaces,
  warmOwnSysctls,
} from './live-read';
import { forgetNamespaces, type StableRead } from './live-reader';
import { otherFileWarning } from './lab-file';
import { assertMayChange, callerOf, mayChange, ownerNamer, ownerOf } from './lab-owner';
import { listNetns, netnsInodes } from './netns';
import { verifyMarks } from './ownership';
import { rollback, runPlan } from './executor';
import { recoverInterrupted, restorePrevious, touchedNamespaces } from './recovery';
import { execaRunner, type Runner } from './runner';
import { PlainError } from './plain-error';
import { labNameProblem } from '../../shared/model/lab-name';

const storeOf = (o: EngineOptions) => o.store ?? new LabStore(o.runDir);
const runnerOf = (o: EngineOptions): Runner => o.runner ?? execaRunner;
const problem = (code: string, message: string): Problem => ({ code, severity: 'error', message, path: [] });

export async function validateDocument(doc: unknown): Promise<ValidateOutcome> {
  const r = validateDoc(doc);
  return { problems: r.problems, ...(r.topology && !hasErrors(r.problems) ? { topology: r.topology } : {}) };
}

/** Validation + kernel capability check; problems mean nothing may run. */
async function check(
  doc: unknown,
  runner: Runner,
  kernel: boolean,
): Promise<{ problems: Problem[]; topology?: Topology }> {
  // Remembered by content: the same document again (a status poll, the plan after an apply) is not checked twice.
  const v = validateDoc(doc, { remember: true });
  if (!v.topology || hasErrors(v.problems)) return { problems: v.problems };
  // Why: the host's own addresses and routes are never the lab's to take; refused here, before any change.
  v.problems.push(...(await checkHost(v.topology, runner)));
  if (hasErrors(v.problems)) return { problems: v.problems };
  if (kernel) {
    const missing = missingFor(v.topology, await detectCapabilities(runner));
    if (missing.length)
      return { problems: [...v.problems, ...missing.map((m) => problem('kernel-missing-feature', m))] };
  }
  return { problems: v.problems, topology: v.topology };
}

/**
 * Reads (plan, status) never take the lab's lock: a status poll must not make
 * a Destroy or Apply wait. While another process runs an apply's steps (its
 * journal is open and it holds the lock), a read is refused with its name:
 * the lab is half made then, and a read would call its own new objects
 * foreign. An interrupted apply is finished by the next command that finds
 * its lock free, a read included.
 */
async function readLab<T>(lab: string, o: EngineOptions, fn: (store: LabStore) => Promise<T>): Promise<T> {
  const store = storeOf(o);
  const journal = store.readJournal(lab);
  // A journal and a live holder: another process is changing the lab this moment. Its objects are
  // half made (not yet marked, or not yet up): a read would call them foreign or drift.
  const busy = journal ? store.otherHolder(lab) : undefined;
  if (busy)
    throw new LabBusyError(
      `Lab "${lab}" is being changed by ${busy} right now: until it is done, the lab is half made. Run this again when it has finished.`,
    );
  // A journal left by a killed apply: when nobody holds the lock, this read is
  // "the next command" and finishes the rollback first (so status never reports
  // a half-applied lab as the truth). When the lock is held by this process (an
  // apply of its own is running), it reads the kernel as it is, without waiting.
  // Why the owner test: finishing a rollback changes the kernel, which only the lab's owner (or root) may cause.
  if (journal && mayChange(store.readRecord(lab), callerOf(o))) {
    let release: (() => void) | undefined;
    try {
      release = store.lock(lab);
    } catch {
      // Held (an apply is running) or not ours to take: read without recovering.
    }
    if (release) {
      try {
        await recoverInterrupted(lab, store, runnerOf(o), o);
      } finally {
        release();
      }
    }
  }
  return fn(store);
}

/**
 * Runs `fn` holding the lab's lock (`held`: taken already, by beginApply), after checking who owns
 * the lab and finishing any interrupted apply.
 */
async function withLab<T>(
  lab: string,
  o: EngineOptions,
  action: string,
  held: { store: LabStore; release: () => void } | undefined,
  fn: (store: LabStore, runner: Runner) => Promise<T>,
): Promise<T> {
  const store = held?.store ?? storeOf(o);
  let release: () => void;
  try {
    release = held?.release ?? store.lock(lab);
  } catch (e) {
    if (e instanceof LabBusyError || e instanceof RunDirError) throw e;
    throw new Error(
      `netplumb could not take the lock of lab "${lab}" in ${store.runDir} (${store.writeProblem() ?? (e as Error).message}). Nothing was changed.`,
    );
  }
  try {
    // Under the lock, so the record cannot change between this test and the work.
    assertMayChange(lab, store.readRecord(lab), callerOf(o), action);
    await recoverInterrupted(lab, store, runnerOf(o), o);
    return await fn(store, runnerOf(o));
  } finally {
    release();
  }
}

export async function planDocument(doc: unknown, o: EngineOptions = {}): Promise<PlanOutcome> {
  const runner = runnerOf(o);
  const c = await check(doc, runner, false);
  if (!c.topology) return { problems: c.problems, changes: [] };
  const topology = c.topology;
  return readLab(topology.name, o, async (store) => {
    const p = await prepareLab(topology, store, runner);
    const r = plan(p.desired, p.live, {
      existingNamespaces: p.existing,
      previousAddresses: previousAddresses(p.record),
    });
    return { problems: [...c.problems, ...r.conflicts], changes: r.conflicts.length ? [] : r.changes };
  });
}

/**
 * What an apply may start before it validates its file: the lab's lock, and
 * the read of the namespaces its record names (lab-scope.ts readRecorded),
 * which prepareLab takes when the file's namespaces turn out the same.
 * Why: validating a 200-host file is ~6 ms of this thread, and the read
 * ~6-15 ms of waiting for nsread; one after the other, they were about a
 * tenth of adding a host to such a lab. Only where nothing this would put
 * first could have come first: the file names its lab by a valid name, the
 * lab has a record, its lock is free, no interrupted apply waits to be
 * finished, and the caller may change the lab. Else undefined, and the
 * apply goes in its usual order (validate, lock, read), saying what it
 * always said. The read runs under the lock, as prepareLab's own would.
 */
function beginApply(doc: unknown, o: EngineOptions, runner: Runner) {
  let store: LabStore;
  let release: () => void;
  let lab: unknown;
  try {
    lab = typeof doc === 'object' && doc !== null ? (doc as { name?: unknown }).name : undefined;
    if (typeof lab !== 'string' || labNameProblem(lab)) return undefined;
    store = storeOf(o);
    if (!store.readRecord(lab)) return undefined;
    release = store.lock(lab);
  } catch {
    return undefined;
  }
  try {
    const record = store.readRecord(lab);
    const read =
      record && !store.readJournal(lab) && mayChange(record, callerOf(o)) && readRecorded(record, runner);
    if (read) return { lab, store, release, read };
  } catch {
    // said by the usual order
  }
  release();
  return undefined;
}

export async function applyDocument(doc: unknown, o: EngineOptions = {}): Promise<ApplyOutcome> {
  const started = Date.now();
  const runner = runnerOf(o);
  const early = beginApply(doc, o, runner);
  // Not taken: its read is waited for (one request at a time), then the lock let go.
  const drop = async () => {
    await early?.read.live.catch(() => undefined);
    early?.release();
  };
  let c: Awaited<ReturnType<typeof check>>;
  try {
    c = await check(doc, runner, true);
  } catch (e) {
    await drop();
    throw e;
  }
  if (early && early.lab !== c.topology?.name) {
    await drop();
    return applyChecked(c, o, runner, started);
  }
  return applyChecked(c, o, runner, started, early);
}

async function applyChecked(
  c: Awaited<ReturnType<typeof check>>,
  o: EngineOptions,
  runner: Runner,
  started: number,
  early?: NonNullable<ReturnType<typeof beginApply>>,
): Promise<ApplyOutcome> {
  if (!c.topology) return { problems: c.problems };
  const topology = c.topology;
  const lab = topology.name;
  return withLab(lab, o, 'apply', early, async (store) => {
    const p = await prepareLab(topology, store, runner, early?.read);
    const r = plan(p.desired, p.live, {
      existingNamespaces: p.existing,
      previousAddresses: previousAddresses(p.record),
    });
    if (r.conflicts.length) return { problems: [...c.problems, ...r.conflicts] };
    // Another file's lab of the same name: said, not refused (lab-file.ts).
    const other = otherFileWarning(p.record, o.file, r.changes);
    const problems = other ? [...c.problems, other] : c.problems;
    // Before any change: a caller that cannot be told (bad SUDO_UID) is refused here, not after the kernel changed.
    // The first owner stays: root re-applying a user's lab does not take it from them.
    const owner = p.record?.owner ?? ownerOf(o);
    const changes = r.changes;
    const progress = (phase: 'apply' | 'rollback') => (done: number, total: number, current?: string) =>
      o.onProgress?.({ lab, done, total, current, phase });
    let primed: Promise<void> | undefined;
    if (changes.length) {
      let journal: Journal;
      try {
        journal = beginJournal(store, lab, changes);
      } catch (e) {
        // Why refuse: without a journal an interrupted apply could not be finished by the next command.
        return { problems: [...problems, problem('journal-unwritable', (e as Error).message)] };
      }
      // With a read cache to fill, each namespace's ip batch is followed by its read (in the same nsread child).
      const primeBatch = primeBatchFor(runner);
      // The reads stored before the lab's bridges came up (onPrimedSettled), when the plan ends so.
      let storedEarly = false;
      const storeEarly = (reads: ReadonlyMap<string, StableRead>) => {
        try {
          storePrimedReads(reads);
          storedEarly = true;
          warmNamespaces(reads.keys());
          // With their sysctls too: here, before the flood, rather than in the last read's wait, where
          // it would share the CPU with that read while the kernel floods (live-read.ts warmOwnSysctls).
          warmOwnSysctls(reads);
        } catch {
          // Not in the middle of the writes: stored (or failing, as before) after them.
        }
      };
      const run = await runPlan(changes, {
        runner,
        journal,
        onGroupDone: progress('apply'),
        beforeDeletes: (dels) => verifyMarks(runner, dels),
        ...(primeBatch !== undefined ? { primeBatch, onPrimedSettled: storeEarly } : {}),
        stoppable: true,
      });
      if (!run.ok) {
        journal.tryWrite({ t: 'rollback', at: new Date().toISOString() });
        const rb = await rollback(changes, run.completed, { runner, onGroupDone: progress('rollback') });
        // Undoing step by step cannot express every kernel side effect (deleting an
        // address drops the routes through it), so the rollback ends with a repair
        // pass: plan the previously applied lab against the host and run it.
        const restoreErrors = await restorePrevious(
          p.record,
          lab,
          runner,
          touchedNamespaces(changes),
          changes,
        );
        journal.close(true);
        const errors = [...rb.errors, ...restoreErrors];
        const failed = run.failed!;
        return {
          problems,
          result: {
            ok: false,
            lab,
            steps: changes.length,
            changes,
            failedStep: failed.step,
            rolledBack: errors.length === 0,
            error:
              `Step ${failed.step + 1} of ${changes.length} failed: ${failed.error}. ` +
              (errors.length === 0
                ? 'Every change made before it was rolled back; the host is as it was.'
                : `The rollback could not undo everything: ${errors.join('; ')}`),
            durationMs: Date.now() - started,
          },
        };
      }
      journal.close(true);
      const deletedNs = new Set(
        changes.flatMap((ch) => (ch.deletes?.kind === 'namespace' ? [ch.deletes.name] : [])),
      );
      if (deletedNs.size) await waitUntilGone(runner, lab, deletedNs);
      forgetNamespaces(deletedNs);
      const inWrites = new Map([...(run.primed ?? [])].filter(([ns]) => !deletedNs.has(ns)));
      // Namespaces not read stably right after their writes are read now, beside writing the record (never fails the apply).
      // Asked first: the reads made in the writes are checked and stored while nsread reads these.
      const reading = primeReads(
        runner,
        touchedNamespaces(changes).filter((ns) => !deletedNs.has(ns) && !inWrites.has(ns)),
      );
      // Stored early, they are these: the waves after only brought bridges up (no namespace deleted or read).
      if (primeBatch !== undefined && !storedEarly) storePrimedReads(inWrites);
      primed = (async () => {
        // While that read runs: what the next read would make of each namespace read in the writes (live-read.ts).
        await new Promise((r) => setImmediate(r));
        if (!storedEarly) {
          warmNamespaces(inWrites.keys());
          warmOwnSysctls(inWrites);
        }
        await reading;
      })();
    }
    await writeRecord(store, topology, p, owner, o);
    // In the resident engine, after the answer (fillLater): nothing of the apply's result depends on it.
    if (primed) await fillLater(primed);
    return {
      problems,
      result: { ok: true, lab, steps: changes.length, changes, durationMs: Date.now() - started },
    };
  });
}

async function writeRecord(
  store: LabStore,
  topology: Topology,
  p: PreparedLab,
  owner: number,
  o: EngineOptions & { file?: string },
) {
  const names = nsKeys(p.desired.state);
  // All at once (netnsInodes): one await per namespace cost ~10 ms for 200 of them.
  const inodes = await netnsInodes(names);
  const namespaces: Record<string, number> = {};
  names.forEach((n, i) => {
    if (inodes[i] !== undefined) namespaces[n] = inodes[i];
  });
  store.writeRecord({
    lab: topology.name,
    topology,
    appliedAt: new Date().toISOString(),
    namespaces,
    ...(o.file ? { file: o.file } : {}),
    owner,
  });
}

export async function statusDocument(doc: unknown, o: EngineOptions = {}): Promise<StatusOutcome> {
  const runner = runnerOf(o);
  const c = await check(doc, runner, false);
  if (!c.topology) return { problems: c.problems, inSync: false, applied: false, drift: [] };
  const topology = c.topology;
  return readLab(topology.name, o, async (store) => {
    const p = await prepareLab(topology, store, runner);
    const r = plan(p.desired, p.live, { existingNamespaces: p.existing });
    // Only this lab's own marks count: namespaces of the same name made by another lab do not make this one applied.
    const applied =
      p.record !== null || nsKeys(p.live).some((n) => markLab(p.live.namespaces[n].mark) === topology.name);
    if (r.conflicts.length)
      return { problems: [...c.problems, ...r.conflicts], inSync: false, applied, drift: [] };
    const drift = driftFromChanges(r.changes);
    return { problems: c.problems, inSync: r.changes.length === 0, applied, drift };
  });
}

export async function destroyLab(lab: string, o: EngineOptions = {}): Promise<{ removed: string[] }> {
  return withLab(lab, o, 'destroy', undefined, async (store, runner) => {
    const record = store.readRecord(lab);
    // Without a record (e.g. a lab made by an exported script), look for marked namespaces everywhere.
    const existing = new Set(await listNetns());
    const names = record
      ? Object.keys(record.namespaces).concat(nsKeys(resolve(record.topology).state))
      : [...existing];
    // Only the mark proves ownership: a namespace's inode number is reused by
    // the kernel, so a namespace made by someone else after ours was deleted
    // could carry the recorded inode. Every candidate is read for its mark.
    const toRead = [...new Set(names)].filter((n) => existing.has(n));
    const live = await readLive(runner, { namespaces: toRead, includeRoot: true, peerNames: false });
    const r = plan(emptyLab(lab), live, { existingNamespaces: existing });
    // A namespace holding someone else's interface: deleting it would delete that too.
    if (r.conflicts.length)
      throw new PlainError(
        `Destroying lab "${lab}" was refused. Nothing was changed. ${r.conflicts.map((c) => c.message).join(' ')}`,
      );
    const run = await runPlan(r.changes, { runner, beforeDeletes: (dels) => verifyMarks(runner, dels) });
    if (!run.ok) throw new Error(`Destroying lab "${lab}" stopped: ${run.failed?.error}`);
    await waitUntilGone(runner, lab);
    forgetNamespaces(r.changes.flatMap((ch) => (ch.deletes?.kind === 'namespace' ? [ch.deletes.name] : [])));
    store.removeLab(lab);
    return { removed: r.changes.map((ch) => ch.target.name) };
  });
}

/** The document a lab was last applied from (its record), or null when this host has no record of it. */
export async function openLab(lab: string, o: EngineOptions = {}): Promise<LabDocumentT | null> {
  const rec = storeOf(o).readRecord(lab);
  if (!rec) return null;
  return {
    lab: rec.lab,
    topology: rec.topology,
    appliedAt: rec.appliedAt,
    ...(rec.file ? { file: rec.file } : {}),
  };
}

export async function listLabs(o: EngineOptions = {}): Promise<LabSummaryT[]> {
  const store = storeOf(o);
  const existing = new Set(await listNetns());
  const caller = callerOf(o);
  const ownerName = ownerNamer();
  return store.labs().map((lab) => {
    const rec = store.readRecord(lab);
    const journal = store.readJournal(lab);
    const namespaces = rec ? Object.keys(rec.namespaces) : [];
    const allThere = namespaces.every((n) => existing.has(n));
    return {
      name: lab,
      state: journal ? 'partial' : rec ? (allThere ? 'applied' : 'partial') : 'unknown',
      namespaces,
      ...(rec?.file ? { file: rec.file } : {}),
      ...(rec?.appliedAt ? { appliedAt: rec.appliedAt } : {}),
      ...(rec?.owner !== undefined ? { owner: ownerName(rec.owner), yours: mayChange(rec, caller) } : {}),
    };
  });
}

/** The engine running in this process (as root); helper-client.ts is the other `Engine`. */
export const localEngine: Engine = {
  validateDocument,
  planDocument,
  applyDocument,
  statusDocument,
  destroyLab,
  listLabs,
  openLab,
};
