/**
 * The single place where netplumb runs processes. Everything in electron/kernel
 * takes a Runner, so tests can swap in a recorder or a failure injector.
 * Commands are argv arrays (never a shell string).
 */
import { execa } from 'execa';
import { fanOutOnce, type FanJob, type FanOptions } from './fan-out';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Text written to the process's standard input (e.g. an `ip -batch -` script). */
  input?: string;
  /** Milliseconds before the process is killed. */
  timeoutMs?: number;
}

/**
 * Runs argv[0] with argv[1..]; resolves with the exit code (does not throw on
 * non-zero). A runner may also carry `fanOut`: many processes started by one
 * spawn (see fan-out.ts); callers go through {@link fanOut}, which falls back
 * to one call per job, so recording runners still see every argv.
 */
export type Runner = ((argv: readonly string[], opts?: RunOptions) => Promise<RunResult>) & {
  fanOut?: FanOutFn;
};

/** Runs independent jobs; results in the order of `jobs`. */
export type FanOutFn = (jobs: readonly FanJob[], opts?: FanOptions) => Promise<RunResult[]>;
export type { FanJob, FanOptions };

/** The real runner: execa with an argv array, no shell, C locale for parseable errors. */
const runOne = async (argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> => {
  if (argv.length === 0) throw new Error('empty command');
  const r = await execa(argv[0], argv.slice(1), {
    input: opts.input,
    reject: false,
    timeout: opts.timeoutMs ?? 60_000,
    env: { LC_ALL: 'C' },
    stripFinalNewline: false,
  });
  if (r.failed && r.exitCode === undefined) {
    // The process could not start (e.g. `ip` not installed) or was killed.
    return {
      exitCode: 127,
      stdout: String(r.stdout ?? ''),
      stderr: r.shortMessage ?? String(r.stderr ?? ''),
    };
  }
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
};

/** The real runner: execa with an argv array, no shell, C locale for parseable errors; fans out through one bash. */
export const execaRunner: Runner = Object.assign(runOne, {
  fanOut: (jobs: readonly FanJob[], opts?: FanOptions) => fanOutOnce(runOne, jobs, opts),
});

/**
 * Runs every job, through the runner's one-spawn fan-out when it has one,
 * else with at most `concurrency` runner calls at a time. Results keep the
 * order of `jobs`; each has its own exit code, stdout and stderr.
 */
export async function fanOut(
  runner: Runner,
  jobs: readonly FanJob[],
  opts: FanOptions = {},
): Promise<RunResult[]> {
  if (jobs.length === 0) return [];
  if (jobs.length > 1 && runner.fanOut) return runner.fanOut(jobs, opts);
  const out = new Array<RunResult>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await runner(jobs[i].argv, jobs[i].input === undefined ? undefined : { input: jobs[i].input });
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, jobs.length)) }, worker),
  );
  return out;
}

/** A runner that records every call and answers from a function; for tests. */
export function recordingRunner(
  answer: (argv: readonly string[], opts?: RunOptions) => RunResult = () => ({
    exitCode: 0,
    stdout: '',
    stderr: '',
  }),
) {
  const calls: { argv: string[]; input?: string }[] = [];
  const run: Runner = async (argv, opts) => {
    calls.push({ argv: [...argv], input: opts?.input });
    return answer(argv, opts);
  };
  return { run, calls };
}
