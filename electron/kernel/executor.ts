/**
 * Runs a plan: consecutive changes of one tool and namespace go to one
 * `<tool> [-n NS] -batch -` process; the namespaces of one phase run in
 * parallel, all started by one spawn (nsread's write mode with the real
 * runner, native-run.ts; else the runner's fan-out). Every group is
 * journaled before it runs and after it finishes. On failure, completed
 * steps are undone in reverse order. An apply may ask for its `ip` batches
 * to be primed: nsread then reads each such namespace right after its
 * writes (native-run.ts), for the read cache.
 */
import { availableParallelism } from 'node:os';
import type { Change } from '../../shared/plan/change';
import { batchArgv } from '../../shared/plan/argv';
import { deletedBy, subjectOf } from '../../shared/plan/op';
import { ROOT_NS } from '../../shared/plan/kstate';
import type { Journal } from './lab-store';
import { stopRequested } from './interrupt';
import { execaRunner, type RunResult, type Runner } from './runner';
import { netnsDirMounted } from './netns';
import { explainKernelError } from './kernel-errors';
import { UNREPORTED } from './native-run';
import { groupJob, groupPlan, runWave, type Group } from './executor-wave';
import type { StableRead } from './live-reader';

export { groupPlan, type Group } from './executor-wave';

export interface GroupOutcome {
  completed: number[];
  failed?: { step: number; error: string };
}

/** Line number (1-based) iproute2 reports for a failed batch line. */
function failedLine(stderr: string): number | undefined {
  const m = /Command failed [^:\n]*:(\d+)/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** Which of a group's steps completed, from its process's result; a failure names the step and the kernel's words. */
function groupOutcome(g: Group, r: RunResult): GroupOutcome {
  const c = g.changes[0];
  if (!g.batch) {
    if (r.exitCode === 0) return { completed: [c.step] };
    return {
      completed: [],
      failed: { step: c.step, error: explainKernelError(c.argv, r.stderr || r.stdout) },
    };
  }
  if (r.exitCode === 0) return { completed: g.changes.map((x) => x.step) };
  const line = failedLine(r.stderr);
  if (line === undefined || line < 1 || line > g.changes.length) {
    // Could not tell which line failed: nothing is known to be complete, and
    // the rollback (which tolerates missing objects) undoes the whole group.
    return {
      completed: [],
      failed: {
        step: c.step,
        error: explainKernelError(batchArgv(g.tool, g.ns), r.stderr || r.stdout),
      },
    };
  }
  const bad = g.changes[line - 1];
  const message = r.stderr
    .split('\n')
    .filter((l) => l && !/^Command failed/.test(l))
    .join('\n');
  return {
    completed: g.changes.slice(0, line - 1).map((x) => x.step),
    failed: { step: bad.step, error: explainKernelError(bad.argv, message) },
  };
}

/** The groups of a wave without the given steps (a group left with none is dropped). */
function withoutSteps(wave: readonly Group[], steps: ReadonlySet<number>): Group[] {
  if (!steps.size) return [...wave];
  return wave.flatMap((g) => {
    const changes = g.changes.filter((c) => !steps.has(c.step));
    return changes.length ? [{ ...g, changes }] : [];
  });
}

/**
 * After a wave with failures: when every failure is a delete the kernel
 * refused because the object is not there, and a new look finds it gone
 * (beforeDeletes), those deletes are done, and what their groups had left
 * to run is returned to run now. Why: the object went between the look
 * before the wave and the delete (the kernel tearing down a namespace
 * deleted by hand takes the root ends of its veth pairs with it, on its own
 * time). Undefined when a failure is anything else: the apply fails.
 */
async function goneMeanwhile(
  groups: readonly Group[],
  outcomes: readonly GroupOutcome[],
  results: readonly RunResult[],
  recheck: RunPlanOptions['beforeDeletes'],
): Promise<{ gone: number[]; groups: Group[] } | undefined> {
  if (!recheck) return undefined;
  const failed = groups.flatMap((g, i) => {
    const f = outcomes[i].failed;
    return f ? [{ g, at: g.changes.findIndex((c) => c.step === f.step), r: results[i] }] : [];
  });
  const deletes = failed.map(({ g, at, r }) => {
    const c = g.changes[at];
    const notThere = !r.stderr.startsWith(UNREPORTED) && ALREADY_GONE.test(r.stderr);
    return c?.action === 'delete' && c.requireMark && notThere ? c : undefined;
  });
  if (deletes.some((c) => !c)) return undefined;
  let gone: ReadonlySet<number>;
  try {
    gone = (await recheck(deletes as Change[])) ?? new Set();
  } catch {
    return undefined;
  }
  if (!deletes.every((c) => gone.has(c!.step))) return undefined;
  return {
    gone: [...gone],
    groups: failed.flatMap(({ g, at }) =>
      at + 1 < g.changes.length ? [{ ...g, changes: g.changes.slice(at + 1) }] : [],
    ),
  };
}

/** Runs one group; reports which of its steps completed. */
export async function runGroup(runner: Runner, g: Group, force = false): Promise<GroupOutcome> {
  const job = groupJob(g, force);
  return groupOutcome(g, await runner(job.argv, job.input === undefined ? undefined : { input: job.input }));
}

export interface RunPlanOptions {
  runner: Runner;
  journal?: Journal;
  concurrency?: number;
  onGroupDone?: (done: number, total: number, current?: string) => void;
  /**
   * Called before a wave that deletes objects; throws to refuse (ownership
   * re-check); returns the steps whose object is gone already, which are
   * done without running.
   */
  beforeDeletes?: (changes: Change[]) => Promise<ReadonlySet<number> | void>;
  /**
   * The live reader's batch: each `ip` batch inside a named namespace is
   * followed by this read of its namespace when it runs through nsread (see
   * RunPlanResult.primed). Only for an apply's own waves, never a rollback's.
   */
  primeBatch?: string;
  /** Stops before the next wave when the user asked to (interrupt.ts). An apply's own waves only, never a rollback's. */
  stoppable?: boolean;
  /**
   * With primeBatch: called once with the reads primed so far (as
   * RunPlanResult.primed has them) before the first wave from which on every
   * wave only brings root bridges up, so that none changes them or primes
   * more; not called when no such wave is left. The caller may store them
   * then, before a bridge forwards the lab's start-up traffic: every new
   * host's IPv6 solicitations and reports are flooded to every port, and at
   * 1000 hosts that flood slowed the same storing afterwards about fourfold.
   */
  onPrimedSettled?: (primed: ReadonlyMap<string, StableRead>) => void;
}

export interface RunPlanResult {
  ok: boolean;
  completed: number[];
  failed?: { step: number; error: string };
  /**
   * The stable reads made right after a namespace's writes (primeBatch), of
   * namespaces that no later wave of the plan touched (no group in it, no
   * root group: a root change can change any namespace), by namespace.
   */
  primed?: Map<string, StableRead>;
}

/**
 * How many processes may create new namespaces at once (groupPlan): one per
 * CPU, at most 4 (measured on 2 CPUs: 200 namespaces in 121 ms from one
 * process, 72 ms from two, 81 ms from four), once /run/netns is set up.
 * Only with the real runner: a test's runner sees the plan's batches as they are.
 */
export function netnsProcessesFor(runner: Runner): number {
  if (runner !== execaRunner || !netnsDirMounted()) return 1;
  return Math.min(availableParallelism(), 4);
}

/** A root group that only brings bridges up: it changes no namespace (a veth end's carrier follows its peer's own up/down, not its bridge's). */
const bringsBridgesUp = (g: Group): boolean =>
  g.ns === ROOT_NS && g.changes.every((c) => c.phase === 'bridge-up');

/** Runs every wave in order; stops after the first wave with a failure (letting its other groups finish). */
export async function runPlan(changes: readonly Change[], opts: RunPlanOptions): Promise<RunPlanResult> {
  const waves = groupPlan(changes, { netnsProcesses: netnsProcessesFor(opts.runner) });
  const completed: number[] = [];
  let done = 0;
  const primed = new Map<string, StableRead>();
  // The first wave of the run of last waves that only bring root bridges up (onPrimedSettled), or -1.
  let settledFrom = -1;
  if (opts.primeBatch !== undefined)
    for (let w = waves.length - 1; w >= 0 && waves[w].every(bringsBridgesUp); w--) settledFrom = w;
  for (const [w, wave] of waves.entries()) {
    // Asked to stop (Ctrl-C): stop before this wave; the caller rolls back what is done.
    const stop = opts.stoppable ? stopRequested() : undefined;
    if (stop !== undefined) {
      const failed = { step: wave[0].changes[0].step, error: `stopped by ${stop} before this step` };
      opts.journal?.tryWrite({ t: 'failed', ...failed });
      return { ok: false, completed, failed };
    }
    if (w === settledFrom) opts.onPrimedSettled?.(primed);
    // A read primed before this wave may no longer be the state its namespace ends in.
    for (const g of wave) {
      if (bringsBridgesUp(g)) continue;
      // Neighbour entries are not part of a read (live-read.ts: addresses, routes, links).
      if (g.changes.every((c) => c.phase === 'neigh')) continue;
      if (g.ns === ROOT_NS) primed.clear();
      else primed.delete(g.ns);
    }
    const deletes = wave.flatMap((g) => g.changes).filter((c) => c.action === 'delete' && c.requireMark);
    let gone: ReadonlySet<number> = new Set<number>();
    if (deletes.length && opts.beforeDeletes) {
      try {
        gone = (await opts.beforeDeletes(deletes)) ?? gone;
      } catch (e) {
        const failed = { step: deletes[0].step, error: (e as Error).message };
        opts.journal?.tryWrite({ t: 'failed', ...failed });
        return { ok: false, completed, failed };
      }
    }
    // Why stop when the journal cannot be written: a step that is not journaled
    // before it runs could not be undone after a crash.
    const unjournaled = opts.journal?.tryWrite({
      t: 'start',
      steps: wave.flatMap((g) => g.changes.map((c) => c.step)),
    });
    if (unjournaled !== undefined) {
      return {
        ok: false,
        completed,
        failed: {
          step: wave[0].changes[0].step,
          error: `the journal could not be written (${unjournaled}), so netplumb stopped before this step`,
        },
      };
    }
    // A delete whose object is gone already (verifyMarks) is done without running.
    if (gone.size) {
      done += gone.size;
      completed.push(...gone);
      opts.journal?.tryWrite({ t: 'done', steps: [...gone] });
    }
    let groups = withoutSteps(wave, gone);
    while (groups.length) {
      // The groups of a wave (one per namespace) start from one spawn: nsread or the runner's fan-out.
      const results = await runWave(opts.runner, groups, {
        force: false,
        concurrency: opts.concurrency,
        primeBatch: opts.primeBatch,
      });
      results.forEach((r, i) => {
        const p = r.primed;
        if (p?.stable) primed.set(groups[i].ns, { fp: p.fp, stdout: p.stdout, sysctls: p.sysctls });
      });
      const outcomes = groups.map((g, i) => {
        const o = groupOutcome(g, results[i]);
        done += o.completed.length;
        opts.onGroupDone?.(done, changes.length, g.changes[g.changes.length - 1]?.argv.join(' '));
        return o;
      });
      const waveDone = outcomes.flatMap((o) => o.completed);
      completed.push(...waveDone);
      opts.journal?.tryWrite({ t: 'done', steps: waveDone });
      const failed = outcomes.find((o) => o.failed)?.failed;
      if (!failed) break;
      const again = await goneMeanwhile(groups, outcomes, results, opts.beforeDeletes);
      if (!again) {
        opts.journal?.tryWrite({ t: 'failed', ...failed });
        return { ok: false, completed, failed };
      }
      done += again.gone.length;
      completed.push(...again.gone);
      opts.journal?.tryWrite({ t: 'done', steps: again.gone });
      for (const g of again.groups) {
        if (g.ns === ROOT_NS) primed.clear();
        else primed.delete(g.ns);
      }
      groups = again.groups;
    }
  }
  return { ok: true, completed, ...(opts.primeBatch !== undefined ? { primed } : {}) };
}

export interface RollbackResult {
  /** Steps whose undo failed for a reason other than "already gone". */
  errors: string[];
}

/** The namespace a change's undo runs in. */
const undoNsOf = (c: Change) => c.undoNs ?? c.ns;

/**
 * Undoes completed steps in reverse order. Undo batches run with -force so
 * one missing object does not stop the rest. Steps inside a namespace that
 * the rollback deletes anyway are skipped (deleting the namespace undoes them).
 */
export async function rollback(
  changes: readonly Change[],
  completedSteps: Iterable<number>,
  opts: { runner: Runner; onGroupDone?: RunPlanOptions['onGroupDone'] },
): Promise<RollbackResult> {
  const done = new Set(completedSteps);
  const todo = changes.filter((c) => done.has(c.step)).sort((x, y) => y.step - x.step);
  const deletedNs = new Set(todo.flatMap((c) => (c.undoOp?.op === 'netns-delete' ? [c.undoOp.name] : [])));
  // A step without an undo (a delete) is repaired by the restore pass the caller runs after this.
  const undos: Change[] = [];
  for (const c of todo) {
    if (!c.undo || !c.undoOp) continue;
    const ns = undoNsOf(c);
    if (ns !== ROOT_NS && deletedNs.has(ns)) continue;
    // The undo as a change of its own: its operation, what it touches and deletes, its commands.
    const deletes = deletedBy(c.undoOp, ns);
    undos.push({
      ...c,
      ns,
      op: c.undoOp,
      subject: subjectOf(c.undoOp, ns),
      deletes,
      argv: c.undo,
      batch: c.undoBatch,
      phase: 'rollback',
    });
  }
  const errors: string[] = [];
  let n = 0;
  // Each wave (one group per namespace) starts from one spawn, like the apply.
  for (const wave of groupPlan(undos)) {
    const results = await runWave(opts.runner, wave, { force: true });
    wave.forEach((g, i) => {
      n += g.changes.length;
      opts.onGroupDone?.(n, undos.length, g.changes[0].argv.join(' '));
      // A batch nsread did not report may have done nothing: never taken for "already gone".
      const unknown = results[i].stderr.startsWith(UNREPORTED);
      for (const f of forcedErrors(g, results[i])) if (unknown || !ALREADY_GONE.test(f)) errors.push(f);
    });
  }
  return { errors };
}

/** Errors that mean an undo had nothing left to do. */
const ALREADY_GONE =
  /not found|no such|cannot find|does not exist|cannot assign requested address|no such process|cannot open network namespace/i;

/** One plain-words error per failed line of a group run with -force (every line is tried). */
function forcedErrors(g: Group, r: RunResult): string[] {
  if (r.exitCode === 0) return [];
  if (!g.batch) return [explainKernelError(g.changes[0].argv, r.stderr || r.stdout)];
  const out: string[] = [];
  let pending: string[] = [];
  for (const line of r.stderr.split('\n')) {
    const m = /Command failed [^:\n]*:(\d+)/.exec(line);
    if (!m) {
      if (line.trim()) pending.push(line);
      continue;
    }
    const c = g.changes[Number(m[1]) - 1];
    out.push(explainKernelError(c?.argv ?? batchArgv(g.tool, g.ns), pending.join('\n')));
    pending = [];
  }
  if (!out.length) out.push(explainKernelError(batchArgv(g.tool, g.ns), r.stderr));
  return out;
}
