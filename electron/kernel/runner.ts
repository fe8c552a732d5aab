/**
 * Where the kernel side runs its commands: processes that run to completion
 * (ip, bridge, tc, sysctl, reads and changes alike). The engine, the live
 * reader and the live lab take a Runner, so tests can swap in a recorder or a
 * failure injector. Commands are argv arrays (never a shell string).
 *
 * Long-lived processes are not run here but by their own modules, each with
 * an argv array too: the privileged helper (helper-client.ts; `sudo -l` in
 * helper-route.ts), terminals (live/terminals.ts, live/pipe-pty.ts), packet
 * captures (live/capture.ts), traces (live/trace.ts), and in the CLI
 * (cli/live-commands.ts, cli/serve-command.ts).
 */
import { execa } from 'execa';
import { mapLimit } from '../../shared/util/map-limit';
import { fanOutOnce } from './fan-out';
import type { FanJob, FanOptions, RunOptions, RunResult, Runner } from './run-types';

export type { FanJob, FanOptions, FanOutFn, RunOptions, RunResult, Runner } from './run-types';

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
  return mapLimit(jobs, opts.concurrency ?? 8, (j) =>
    runner(j.argv, j.input === undefined ? undefined : { input: j.input }),
  );
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
