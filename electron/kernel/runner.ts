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
import { execa, type ResultPromise } from 'execa';
import { mapLimit } from '../../shared/util/map-limit';
import { fanOutOnce } from './fan-out';
import type { FanJob, FanOptions, RunOptions, RunResult, Runner } from './run-types';

export type { FanJob, FanOptions, FanOutFn, RunOptions, RunResult, Runner } from './run-types';

/** The real runner: execa with an argv array, no shell, C locale for parseable errors. */
const runOne = async (argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> => {
  if (argv.length === 0) throw new Error('empty command');
  const served = servable.has(argv[0]) ? await viaServer(argv[0], argv.slice(1), opts) : undefined;
  if (served) return served;
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

/**
 * nsread kept running (`nsread serve`, native/nsread-serve.c). Why: Node
 * starts a process by fork(), which copies the page tables of all of Node;
 * on the project's 2-CPU test VM that blocked the event loop 12 ms per start
 * (18 ms at 300 MB), and an apply starts nsread up to three times. nsread
 * forks itself in under a millisecond. One server per binary, asked one
 * request at a time: a call made while it is busy starts nsread as before.
 * The server dies with this process, and its request with it. What differs
 * from a start of its own: a call killed at its deadline gives back nothing
 * of what it printed (a write job's records included: the executor then
 * treats every job of it as unreported, as when nsread itself dies).
 */
const servable = new Set<string>();

/** Lets the runner keep `bin` (an nsread found safe for root, live-reader.ts) running between calls. */
export function serveNsread(bin: string): void {
  if (process.env.NETPLUMB_NSREAD_SERVE !== '0') servable.add(bin);
}

const SERVE_OPTIONS = {
  stdin: 'pipe',
  stdout: 'pipe',
  stderr: 'ignore',
  buffer: false,
  reject: false,
  env: { LC_ALL: 'C' },
  // Not the directory of whichever command started it (the resident engine's first client's):
  // a long-lived server would keep it busy.
  cwd: '/',
} as const;

interface Server {
  proc: ResultPromise<typeof SERVE_OPTIONS>;
  busy: boolean;
  dead: boolean;
  /** The answer being read (NUL-separated head, then the outputs). */
  answer: ReturnType<typeof answerAssembler>;
  settle?: (r: RunResult | undefined) => void;
}
const servers = new Map<string, Server>();

/** The head of an answer (exit code, stdout's and stderr's lengths) and where its outputs begin, once `data` holds it. */
function headOf(data: Buffer): { head: number[]; at: number } | undefined {
  const head: number[] = [];
  let at = 0;
  while (head.length < 3) {
    const nul = data.indexOf(0, at);
    if (nul < 0) return undefined;
    head.push(Number(data.toString('latin1', at, nul)));
    at = nul + 1;
  }
  return { head, at };
}

/** The answer in `data` when it is whole: exit code, stdout, stderr (see nsread-serve.c). */
function answerOf(data: Buffer): RunResult | undefined {
  const h = headOf(data);
  if (!h) return undefined;
  const [exitCode, out, err] = h.head;
  const { at } = h;
  if (data.length < at + out + err) return undefined;
  return {
    exitCode,
    stdout: data.toString('utf8', at, at + out),
    stderr: data.toString('utf8', at + out, at + out + err),
  };
}

/** One request to `nsread serve` (nsread-serve.c): ARGC, the arguments and the input's length, each ended by NUL, then the input. */
export function serveRequest(args: readonly string[], input: string): Buffer {
  const body = Buffer.from(input, 'utf8');
  return Buffer.concat([
    Buffer.from([String(args.length), ...args, String(body.length)].join('\0') + '\0'),
    body,
  ]);
}

/**
 * Puts a server's answer together from the chunks its stdout brings; `push`
 * returns the answer once it is whole (then the next answer starts). Why the
 * length is kept: joining every chunk received so far at each new one made
 * a large answer (a 1000-namespace write wave with its reads) cost time
 * quadratic in its size (half a second of copying at 1000 namespaces).
 */
export function answerAssembler(): { push(d: Buffer): RunResult | undefined } {
  let chunks: Buffer[] = [];
  let got = 0;
  let need: number | undefined;
  return {
    push(d) {
      chunks.push(d);
      got += d.length;
      if (need === undefined) {
        // The head is a few dozen bytes: it is in the first chunks.
        if (chunks.length > 1) chunks = [Buffer.concat(chunks)];
        const h = headOf(chunks[0]);
        if (!h) return undefined;
        need = h.at + h.head[1] + h.head[2];
      }
      if (got < need) return undefined;
      const r = answerOf(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      chunks = [];
      got = 0;
      need = undefined;
      return r;
    },
  };
}

function startServer(bin: string): Server {
  const proc = execa(bin, ['serve'], SERVE_OPTIONS);
  const s: Server = { proc, busy: false, dead: false, answer: answerAssembler() };
  const idle = () => {
    // An idle server never keeps this process alive.
    proc.unref();
    (proc.stdout as unknown as { unref?: () => void }).unref?.();
    (proc.stdin as unknown as { unref?: () => void }).unref?.();
  };
  idle();
  proc.stdout.on('data', (d: Buffer) => {
    const r = s.answer.push(d);
    if (r && s.settle) {
      const done = s.settle!;
      s.settle = undefined;
      idle();
      done(r);
    }
  });
  proc.stdin.on('error', () => undefined);
  void proc.then(() => {
    s.dead = true;
    if (servers.get(bin) === s) servers.delete(bin);
    s.settle?.(undefined);
    s.settle = undefined;
  });
  return s;
}

/** Runs `nsread ARGS` through its server; undefined when it cannot (busy, or the server is gone): start it instead. */
async function viaServer(
  bin: string,
  args: readonly string[],
  opts: RunOptions,
): Promise<RunResult | undefined> {
  if (args.some((a) => a.includes('\0'))) return undefined;
  let s = servers.get(bin);
  if (s?.busy) return undefined;
  const fresh = !s || s.dead;
  if (fresh) servers.set(bin, (s = startServer(bin)));
  const server = s!;
  server.busy = true;
  try {
    // A new server answers `--version` first: a build without `serve` (or not nsread at all) is then
    // never sent the real request, which runs as it always did (started on its own).
    if (fresh) {
      const hello = await ask(server, ['--version'], { timeoutMs: 10_000 });
      if (hello?.exitCode !== 0 || !/^nsread \d+\n$/.test(hello.stdout)) {
        servable.delete(bin);
        server.proc.kill('SIGKILL');
        return undefined;
      }
    }
    // Gone before it answered: the request may have run in part; never run again behind the caller's back.
    return (
      (await ask(server, args, opts)) ?? {
        exitCode: 127,
        stdout: '',
        stderr: 'nsread serve ended before it answered',
      }
    );
  } finally {
    server.busy = false;
  }
}

/** One request to a server, its answer; undefined when the server ended first. */
async function ask(
  server: Server,
  args: readonly string[],
  opts: RunOptions,
): Promise<RunResult | undefined> {
  const ms = opts.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const answer = new Promise<RunResult | undefined>((resolve) => {
    if (server.dead) return resolve(undefined);
    server.settle = resolve;
    timer = setTimeout(() => {
      // Killing the server kills the request's process and its tools (nsread-serve.c).
      server.settle = undefined;
      server.proc.kill('SIGKILL');
      resolve({ exitCode: 137, stdout: '', stderr: `nsread timed out after ${ms} milliseconds` });
    }, ms);
  });
  server.proc.ref();
  (server.proc.stdout as unknown as { ref?: () => void }).ref?.();
  server.proc.stdin.write(serveRequest(args, opts.input ?? ''));
  const r = await answer;
  clearTimeout(timer);
  return r;
}
