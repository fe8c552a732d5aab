/**
 * Runs a plan: consecutive changes of one tool and namespace go to one
 * `<tool> [-n NS] -batch -` process; the namespaces of one phase run in
 * parallel, all started by one spawn (nsread's write mode with the real
 * runner, native-run.ts; else the runner's fan-out). Every group is
 * journaled before it runs and after it finishes. On failure, completed
 * steps are undone in reverse order.
 */
import type { Change } from '../../shared/plan/change';
import { batchArgv, batchText, type BatchTool } from '../../shared/plan/argv';
import { deletedBy, subjectOf, toolOf, type Tool } from '../../shared/plan/op';
import { ROOT_NS } from '../../shared/plan/kstate';
import type { Journal } from './lab-store';
import { fanOut, type FanJob, type RunResult, type Runner } from './runner';
import { explainKernelError } from './kernel-errors';
import { runBatches, UNREPORTED, writerFor } from './native-run';

/** A unit of execution: one process, either one `<tool> -batch` run or one command run alone. */
export type Group =
  | { batch: true; tool: BatchTool; ns: string; changes: Change[] }
  | { batch: false; tool: Tool; ns: string; changes: Change[] };

/** Splits a plan into groups (one process each) and waves (groups that may run at once). */
export function groupPlan(changes: readonly Change[]): Group[][] {
  const groups: Group[] = [];
  for (const c of changes) {
    const tool = toolOf(c.op);
    const last = groups[groups.length - 1];
    // A change with a batch line joins the previous batch of its tool, namespace and phase.
    if (c.batch && tool !== 'sysctl') {
      if (last?.batch && last.tool === tool && last.ns === c.ns && last.changes[0].phase === c.phase)
        last.changes.push(c);
      else groups.push({ batch: true, tool, ns: c.ns, changes: [c] });
    } else groups.push({ batch: false, tool, ns: c.ns, changes: [c] });
  }
  const waves: Group[][] = [];
  for (const g of groups) {
    const w = waves[waves.length - 1];
    const joinable =
      w &&
      g.ns !== ROOT_NS &&
      w.every(
        (x) =>
          x.ns !== ROOT_NS &&
          x.ns !== g.ns &&
          x.batch === g.batch &&
          x.tool === g.tool &&
          x.changes[0].phase === g.changes[0].phase,
      );
    if (joinable) w.push(g);
    else waves.push([g]);
  }
  return waves;
}

export interface GroupOutcome {
  completed: number[];
  failed?: { step: number; error: string };
}

/** Line number (1-based) iproute2 reports for a failed batch line. */
function failedLine(stderr: string): number | undefined {
  const m = /Command failed [^:\n]*:(\d+)/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** The one process a group runs as: argv and its batch text, if any. */
function groupJob(g: Group, force = false): FanJob {
  if (!g.batch) return { argv: g.changes[0].argv };
  return { argv: batchArgv(g.tool, g.ns, force), input: batchText(g.changes.map((x) => x.batch!)) };
}

/**
 * Runs the groups of one wave, each its own process: through nsread's write
 * mode when the real runner may use it and every group is a batch inside a
 * named namespace (native-run.ts), else through the runner's fan-out (which
 * test runners see argv by argv). Results in the order of `wave`.
 */
async function runWave(runner: Runner, wave: readonly Group[], force: boolean, concurrency?: number) {
  const jobs = wave.map((g) => groupJob(g, force));
  const nsread = writerFor(runner);
  if (nsread && wave.every((g) => g.batch && g.ns !== ROOT_NS)) {
    const r = await runBatches(
      nsread,
      runner,
      wave.map((g, i) => ({ ns: g.ns, tool: g.tool as BatchTool, input: jobs[i].input!, force })),
      { concurrency },
    );
    // Only when nsread certainly ran nothing (missing, or a build without `run`): never twice.
    if (r) return r;
  }
  return fanOut(runner, jobs, { concurrency });
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
  /** Called before a group that deletes objects; throws to refuse (ownership re-check). */
  beforeDeletes?: (changes: Change[]) => Promise<void>;
}

export interface RunPlanResult {
  ok: boolean;
  completed: number[];
  failed?: { step: number; error: string };
}

/** Runs every wave in order; stops after the first wave with a failure (letting its other groups finish). */
export async function runPlan(changes: readonly Change[], opts: RunPlanOptions): Promise<RunPlanResult> {
  const waves = groupPlan(changes);
  const completed: number[] = [];
  let done = 0;
  for (const wave of waves) {
    const deletes = wave.flatMap((g) => g.changes).filter((c) => c.action === 'delete' && c.requireMark);
    if (deletes.length && opts.beforeDeletes) {
      try {
        await opts.beforeDeletes(deletes);
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
    // The groups of a wave (one per namespace) start from one spawn: nsread or the runner's fan-out.
    const results = await runWave(opts.runner, wave, false, opts.concurrency);
    const outcomes = wave.map((g, i) => {
      const o = groupOutcome(g, results[i]);
      done += o.completed.length;
      opts.onGroupDone?.(done, changes.length, g.changes[g.changes.length - 1]?.argv.join(' '));
      return o;
    });
    const waveDone = outcomes.flatMap((o) => o.completed);
    completed.push(...waveDone);
    opts.journal?.tryWrite({ t: 'done', steps: waveDone });
    const failed = outcomes.find((o) => o.failed)?.failed;
    if (failed) {
      opts.journal?.tryWrite({ t: 'failed', ...failed });
      return { ok: false, completed, failed };
    }
  }
  return { ok: true, completed };
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
    const results = await runWave(opts.runner, wave, true);
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
