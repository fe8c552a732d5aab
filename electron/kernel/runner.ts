/**
 * The single place where netplumb runs processes. Everything in electron/kernel
 * takes a Runner, so tests can swap in a recorder or a failure injector.
 * Commands are argv arrays (never a shell string).
 */
import { execa } from 'execa';

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

/** Runs argv[0] with argv[1..]; resolves with the exit code (does not throw on non-zero). */
export type Runner = (argv: readonly string[], opts?: RunOptions) => Promise<RunResult>;

/** The real runner: execa with an argv array, no shell, C locale for parseable errors. */
export const execaRunner: Runner = async (argv, opts = {}) => {
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
    return { exitCode: 127, stdout: String(r.stdout ?? ''), stderr: r.shortMessage ?? String(r.stderr ?? '') };
  }
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
};

/** A runner that records every call and answers from a function; for tests. */
export function recordingRunner(answer: (argv: readonly string[], opts?: RunOptions) => RunResult = () => ({ exitCode: 0, stdout: '', stderr: '' })) {
  const calls: { argv: string[]; input?: string }[] = [];
  const run: Runner = async (argv, opts) => {
    calls.push({ argv: [...argv], input: opts?.input });
    return answer(argv, opts);
  };
  return { run, calls };
}
