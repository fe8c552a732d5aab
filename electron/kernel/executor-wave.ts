/**
 * The executor's units (executor.ts): a plan split into groups, one process
 * each, and waves of groups that may run at once; and how one wave runs.
 */
import type { Change } from '../../shared/plan/change';
import { batchArgv, batchText, type BatchTool } from '../../shared/plan/argv';
import { toolOf, type Tool } from '../../shared/plan/op';
import { ROOT_NS } from '../../shared/plan/kstate';
import { fanOut, type FanJob, type Runner } from './runner';
import { runBatches, writerFor, type NsBatchResult } from './native-run';

/** Primed jobs nsread runs at once: each waits for its namespace to settle (nsread-prime.c) more than it computes. */
const PRIMED_JOBS = 32;

/** A unit of execution: one process, either one `<tool> -batch` run or one command run alone. */
export type Group =
  | { batch: true; tool: BatchTool; ns: string; changes: Change[] }
  | { batch: false; tool: Tool; ns: string; changes: Change[] };

/** Fewest new namespaces one `ip -batch` of a split (see groupPlan) creates. */
const NETNS_PER_PROCESS = 8;

/** What groupPlan may do besides grouping. */
export interface GroupOptions {
  /**
   * Processes that may create the plan's new namespaces at once (default 1).
   * The kernel sets up namespaces in parallel (it does not create links in
   * parallel): a root batch's leading `netns add` lines are then split into
   * up to this many batches of one wave, each of at least NETNS_PER_PROCESS.
   */
  netnsProcesses?: number;
}

/**
 * The leading run of `netns add` changes of a root ip batch group, split into
 * up to `processes` groups (`parts`), and the group's other changes (`rest`);
 * undefined when it is not worth splitting.
 */
function splitNetnsAdds(g: Group, processes: number): { parts: Group[]; rest?: Group } | undefined {
  if (!g.batch || g.tool !== 'ip' || g.ns !== ROOT_NS || processes < 2) return undefined;
  let k = 0;
  while (k < g.changes.length && g.changes[k].op.op === 'netns-add') k++;
  const n = Math.min(processes, Math.floor(k / NETNS_PER_PROCESS));
  if (n < 2) return undefined;
  const parts: Group[] = [];
  for (let i = 0; i < n; i++) {
    const from = Math.floor((i * k) / n);
    const to = Math.floor(((i + 1) * k) / n);
    parts.push({ batch: true, tool: 'ip', ns: ROOT_NS, changes: g.changes.slice(from, to) });
  }
  return { parts, ...(k < g.changes.length ? { rest: { ...g, changes: g.changes.slice(k) } } : {}) };
}

/** Splits a plan into groups (one process each) and waves (groups that may run at once). */
export function groupPlan(changes: readonly Change[], o: GroupOptions = {}): Group[][] {
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
    // Root batches that only create namespaces: one wave of their own, run at once; the rest after.
    const split = splitNetnsAdds(g, o.netnsProcesses ?? 1);
    if (split) {
      waves.push(split.parts);
      if (split.rest) waves.push([split.rest]);
      continue;
    }
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

/** The one process a group runs as: argv and its batch text, if any. */
export function groupJob(g: Group, force = false): FanJob {
  if (!g.batch) return { argv: g.changes[0].argv };
  return { argv: batchArgv(g.tool, g.ns, force), input: batchText(g.changes.map((x) => x.batch!)) };
}

/** What runWave needs besides the wave. */
export interface WaveOptions {
  force: boolean;
  concurrency?: number;
  /** The read that primed `ip` batches run after their writes (see RunPlanOptions.primeBatch). */
  primeBatch?: string;
}

/**
 * Runs the groups of one wave, each its own process: the batches (a named
 * namespace's, or the root's) through nsread's write mode when the real
 * runner may use it (native-run.ts), the rest (an unbatched group) through
 * the runner's fan-out (which test runners see argv by argv), both at once.
 * Results in the order of `wave`.
 */
export async function runWave(
  runner: Runner,
  wave: readonly Group[],
  o: WaveOptions,
): Promise<NsBatchResult[]> {
  const jobs = wave.map((g) => groupJob(g, o.force));
  const nsread = writerFor(runner);
  // The root's batches too: nsread runs them in its own namespace (the empty name), one spawn fewer per wave.
  const native = wave.flatMap((g, i) => (nsread && g.batch ? [i] : []));
  const rest = wave.flatMap((_, i) => (native.includes(i) ? [] : [i]));
  const viaNsread = async (): Promise<NsBatchResult[] | undefined> => {
    if (!native.length) return [];
    const batches = native.map((i) => ({
      ns: wave[i].ns,
      tool: wave[i].tool as BatchTool,
      input: jobs[i].input!,
      force: o.force,
      prime: o.primeBatch !== undefined && !o.force && wave[i].tool === 'ip' && wave[i].ns !== ROOT_NS,
    }));
    // Primed jobs spend most of their time waiting for their namespace to settle, not on a CPU.
    const primed = batches.some((b) => b.prime);
    return runBatches(nsread!, runner, batches, {
      concurrency: primed ? Math.max(o.concurrency ?? 0, PRIMED_JOBS) : o.concurrency,
      primeBatch: o.primeBatch,
    });
  };
  const [viaN, viaFan] = await Promise.all([
    viaNsread(),
    fanOut(
      runner,
      rest.map((i) => jobs[i]),
      { concurrency: o.concurrency },
    ),
  ]);
  const results: NsBatchResult[] = [];
  rest.forEach((i, k) => (results[i] = viaFan[k]));
  // Only when nsread certainly ran nothing (missing, or a build without `run`): never twice.
  const again = viaN
    ? []
    : await fanOut(
        runner,
        native.map((i) => jobs[i]),
        { concurrency: o.concurrency },
      );
  native.forEach((i, k) => (results[i] = viaN ? viaN[k] : again[k]));
  return results;
}
