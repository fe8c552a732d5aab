/**
 * The shapes of running processes, shared by the runner (runner.ts) and the
 * one-spawn fan-out (fan-out.ts): a leaf, so the two never import each other.
 */

/** What a finished process gave back. */
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

/** One process of a fan-out: argv and optional standard input. */
export interface FanJob {
  argv: readonly string[];
  input?: string;
}

export interface FanOptions {
  /** Jobs running at once (default 4: measured best on a busy 2-core host). */
  concurrency?: number;
  /** Milliseconds before the whole fan-out is killed (default 120 s). */
  timeoutMs?: number;
}

/** Runs independent jobs; results in the order of `jobs`. */
export type FanOutFn = (jobs: readonly FanJob[], opts?: FanOptions) => Promise<RunResult[]>;

/**
 * Runs argv[0] with argv[1..]; resolves with the exit code (does not throw on
 * non-zero). A runner may also carry `fanOut`: many processes started by one
 * spawn (see fan-out.ts); callers go through `fanOut` in runner.ts, which
 * falls back to one call per job, so recording runners still see every argv.
 */
export type Runner = ((argv: readonly string[], opts?: RunOptions) => Promise<RunResult>) & {
  fanOut?: FanOutFn;
};
