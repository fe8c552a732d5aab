/**
 * The executor's per-namespace batches through nsread's write mode (`nsread
 * run`, native/nsread-run.c) when it is installed: one process started from
 * Node, which forks one `<tool> -batch -` per namespace, each entering its
 * namespace with setns alone. `ip -n NS` would also copy the host's mount
 * table (iproute2 remounts /sys in a private mount namespace), a cost that
 * grows with every namespace on the host; through the fan-out (fan-out.ts) a
 * 200-namespace wave cost about as much as running the batches one by one.
 *
 * Each job's exit code, stdout and stderr are the tool's own, so the
 * executor reads a failed line ("Command failed -:N") and a gone namespace
 * exactly as from `ip -n NS -batch -`. A job nsread did not report (it was
 * killed, its output was cut) has an unknown outcome: it is answered as a
 * failure with no line, so the executor counts none of its steps complete and
 * the rollback undoes the whole group (undo batches tolerate what is missing).
 * It is never run again through the fan-out: it may have run.
 *
 * A primed job (`prime`, an `ip` batch of an apply) also reads its namespace
 * once its writes have succeeded, in the same child (native/nsread-prime.c):
 * the live reader's read, with nsread's fingerprint before and after, so
 * the apply fills the read cache without a second pass over the namespaces.
 */
import { ALWAYS_READ_KEYS } from '../../shared/model/common';
import type { BatchTool } from '../../shared/plan/argv';
import { readerFor } from './live-reader';
import { execaRunner, type RunResult, type Runner } from './runner';

/** One batch of a wave: `tool [-force] -batch -` with `input`, inside namespace `ns` (the root: ROOT_NS, the empty name). */
export interface NsBatch {
  ns: string;
  tool: BatchTool;
  input: string;
  force?: boolean;
  /** After the writes succeed, read the namespace with runBatches' `primeBatch` (tool ip only, never with force). */
  prime?: boolean;
}

/**
 * A primed job's read: stable (the output `ip -j -d -batch -` printed for the batch, in the state
 * fingerprint `fp` names, and what its namespace's --always sysctls held right after: "" when not
 * read) or not.
 */
export type PrimedRead = { stable: true; fp: string; stdout: string; sysctls: string } | { stable: false };

/** A job's result; `primed` when it was a primed job whose writes succeeded. */
export interface NsBatchResult extends RunResult {
  primed?: PrimedRead;
}

/**
 * The nsread that may run the executor's batches with `runner`, or undefined.
 * Why only the real runner, even when a test names an nsread (useNsread): a
 * recording or fault-injecting runner must see, and may fail, every argv.
 */
export function writerFor(runner: Runner): string | undefined {
  if (runner !== execaRunner) return undefined;
  return readerFor(runner);
}

/** The input of `nsread run`: per job NAME, TOOL, FLAGS, INPUT, each ended by a NUL byte. */
export function encodeRunJobs(jobs: readonly NsBatch[]): string {
  return jobs
    .map((j) => {
      // Why: a read after a forced batch (a rollback) is never wanted, and only ip reads.
      if (j.prime && (j.force || j.tool !== 'ip'))
        throw new Error(`a primed batch must be a plain ip batch (namespace "${j.ns}")`);
      const f = [j.ns, j.tool, j.force ? 'force' : j.prime ? 'prime' : '', j.input];
      // Why: a NUL would end a field early and shift every later job's fields.
      if (f.some((x) => x.includes('\0')))
        throw new Error(`a batch for namespace "${j.ns}" contains a NUL byte`);
      return f.map((x) => x + '\0').join('');
    })
    .join('');
}

/**
 * `nsread run`'s output: per job INDEX NAME EXIT STDOUT STDERR, each ended by
 * a NUL byte, in the order the jobs ended; with `primed` (nsread was given
 * --prime) 4 more: PRIME ("stable", "unstable" or "") FP READ SYSCTLS. Returns one
 * result per job (by INDEX), undefined for a job with no whole record;
 * undefined altogether when a record is malformed (then no record can be
 * trusted).
 */
export function parseRunRecords(
  out: string,
  jobs: readonly Pick<NsBatch, 'ns' | 'prime'>[],
  primed = false,
): (NsBatchResult | undefined)[] | undefined {
  const n = primed ? 9 : 5;
  const f = out.split('\0');
  f.pop(); // what follows the last NUL: empty, or a record cut short (its job did not report)
  const results: (NsBatchResult | undefined)[] = jobs.map(() => undefined);
  for (let i = 0; i + n <= f.length; i += n) {
    const [index, name, exit, stdout, stderr, prime, fp, read, sysctls] = f.slice(i, i + n);
    if (!/^\d+$/.test(index) || !/^\d+$/.test(exit)) return undefined;
    const k = Number(index);
    if (k >= jobs.length || jobs[k].ns !== name || results[k]) return undefined;
    const r: NsBatchResult = { exitCode: Number(exit), stdout, stderr };
    if (primed) {
      if (prime === 'stable') {
        // Why: a read said stable is cached and later believed; anything unexpected about it is a malformed record.
        if (!jobs[k].prime || r.exitCode !== 0 || !/^[0-9a-f]{64}$/.test(fp)) return undefined;
        r.primed = { stable: true, fp, stdout: read, sysctls };
      } else if (prime === 'unstable') {
        if (!jobs[k].prime || fp !== '' || read !== '' || sysctls !== '') return undefined;
        r.primed = { stable: false };
      } else if (prime !== '' || fp !== '' || read !== '' || sysctls !== '') return undefined;
    }
    results[k] = r;
  }
  return results;
}

/** How the stderr of a job nsread did not report begins (its outcome is unknown, never "already gone"). */
export const UNREPORTED = 'nsread did not report how';

/**
 * True when nsread certainly ran no job: it could not be started, or it is
 * an older build without `run` (it prints its usage before reading input).
 */
export function ranNothing(r: RunResult): boolean {
  if (r.stdout !== '') return false;
  if (r.exitCode === 2 && /^usage: nsread read /.test(r.stderr)) return true;
  return r.exitCode === 127 && /^Command failed with E(NOENT|ACCES)\b/.test(r.stderr);
}

/**
 * Runs every batch through `nsread run`; results in the order of `jobs`, or
 * undefined when nsread ran none of them (see ranNothing: the caller may run
 * them another way). Primed jobs read their namespace with `primeBatch`
 * after their writes (an older nsread without --prime ran nothing).
 */
export async function runBatches(
  nsread: string,
  runner: Runner,
  jobs: readonly NsBatch[],
  opts: { concurrency?: number; timeoutMs?: number; primeBatch?: string } = {},
): Promise<NsBatchResult[] | undefined> {
  if (jobs.length === 0) return [];
  const primed = jobs.some((j) => j.prime);
  if (primed && !opts.primeBatch) throw new Error('primed batches need the batch that reads them');
  const r = await runner(
    [
      nsread,
      'run',
      String(Math.max(1, opts.concurrency ?? 4)),
      // After the read, the sysctl files the next read asks of each namespace are opened and kept (nsread-run.c warm).
      ...(primed ? [`--prime=${opts.primeBatch}`, ...ALWAYS_READ_KEYS] : []),
    ],
    {
      input: encodeRunJobs(jobs),
      timeoutMs: opts.timeoutMs ?? 120_000,
    },
  );
  if (ranNothing(r)) return undefined;
  const results = parseRunRecords(r.stdout, jobs, primed);
  const why = r.stderr.trim() || (results ? 'it ended early' : 'its output could not be read');
  return jobs.map(
    (j, i) =>
      results?.[i] ?? {
        exitCode: r.exitCode || 1,
        stdout: '',
        stderr: `${UNREPORTED} \`${j.tool} ${j.ns ? `-n ${j.ns} ` : ''}-batch -\` ended (exit ${r.exitCode}): ${why}`,
      },
  );
}
