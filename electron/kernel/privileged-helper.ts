/**
 * netplumb's privileged helper: a separate process, started as root by the
 * unprivileged app through `pkexec` (polkit action org.netplumb.helper) or
 * `sudo -n`, that performs kernel operations for it.
 *
 * It reads JSON-lines requests on stdin and answers on stdout (see
 * helper-protocol.ts). Only the typed operations of helper-protocol.ts exist; each request's
 * arguments are parsed again here, and the engine re-validates the topology
 * itself before planning anything.
 *
 * Besides the engine's operations it carries out the live lab (helper-live.ts):
 * terminals run as the calling user, captures stream back to the client.
 *
 * Built by `npm run build` into dist/privileged-helper.mjs (one self-contained
 * file); installed as /usr/lib/netplumb/privileged-helper.mjs and started by the
 * root-owned launcher /usr/lib/netplumb/netplumb-helper (see packaging/).
 */
import { parseUntrustedJson } from '../../shared/ipc/json-limits';
import { detectCapabilities } from './capabilities';
import { callerIds } from './helper-caller';
import type { Engine } from './engine-types';
import { localEngine } from './engine';
import type { EngineOptions } from './engine-types';
import { HelperLive, isLiveHelperOp, type HelperLiveOptions } from './helper-live';
import {
  HELPER_OPS,
  HelperRequestLine,
  LineSplitter,
  MAX_ANSWER_BYTES,
  MAX_CONCURRENT,
  OP_TIMEOUT_MS,
  SEQUENTIAL_OPS,
  UNCAPPED_OPS,
  type HelperOp,
} from './helper-protocol';
import { describeIssues, PlainError, plainMessage } from './plain-error';
import { execaRunner } from './runner';
import { setLockHolderRole } from './lock-holder';

type Write = (line: string) => void;

/** A parsed request, ready to run (or the answer that refuses it). */
type Prepared = { id: number; op: HelperOp; args: Record<string, unknown> } | { answer: object };

/** Parses one request line: JSON, the line's shape, a listed op, and that op's arguments. */
export function parseHelperLine(line: string): Prepared {
  // Why under limits: a line nested thousands deep would overflow the stack
  // in the schemas below (outside any try) and stop the helper for everyone.
  const json = parseUntrustedJson(line, 'request');
  if (!json.ok) return { answer: { id: null, error: json.error } };
  const raw = json.value;
  const req = HelperRequestLine.safeParse(raw);
  if (!req.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
    return { answer: { id, error: `the request is malformed: ${describeIssues(req.error.issues)}` } };
  }
  const { id, op } = req.data;
  // Why Object.hasOwn: only the listed operations, never an inherited key.
  if (!Object.hasOwn(HELPER_OPS, op)) {
    return {
      answer: {
        id,
        error: `unknown operation "${op.slice(0, 32)}": the helper only does ${Object.keys(HELPER_OPS).join(', ')}`,
      },
    };
  }
  // Why parsed again here: the client is unprivileged and may be anyone's program.
  const args = HELPER_OPS[op as HelperOp].safeParse(req.data.args ?? {});
  if (!args.success)
    return {
      answer: { id, error: `the arguments of ${op} are malformed: ${describeIssues(args.error.issues)}` },
    };
  return { id, op: op as HelperOp, args: args.data as Record<string, unknown> };
}

/** Runs one engine operation (the six of the engine, and capabilities). */
async function runEngineOp(
  op: HelperOp,
  a: Record<string, unknown>,
  engine: Engine,
  opts: EngineOptions,
  base: EngineOptions,
): Promise<unknown> {
  switch (op) {
    case 'validate':
      return { problems: (await engine.validateDocument(a.topology)).problems };
    case 'plan':
      return engine.planDocument(a.topology, opts);
    case 'apply':
      // The file is the caller's label for the lab's record (lab-file.ts), never opened here.
      return engine.applyDocument(a.topology, {
        ...opts,
        ...(typeof a.file === 'string' ? { file: a.file } : {}),
      });
    case 'status':
      return engine.statusDocument(a.topology, opts);
    case 'destroy':
      return engine.destroyLab(String(a.lab), opts);
    case 'list':
      return engine.listLabs(opts);
    case 'open':
      return engine.openLab(String(a.lab), opts);
    case 'capabilities':
      return detectCapabilities(base.runner ?? execaRunner);
    default:
      throw new Error(`no engine operation "${op}"`);
  }
}

/** What one helper connection shares between its requests. */
export interface HelperConnection {
  engine: Engine;
  base: EngineOptions;
  live: HelperLive;
  write: Write;
}

/** Creates the state of one connection (one client). */
export function helperConnection(
  write: Write,
  engine: Engine = localEngine,
  base: EngineOptions = {},
  live: Omit<HelperLiveOptions, 'runner' | 'runDir'> = {},
): HelperConnection {
  const liveOpts: HelperLiveOptions = {
    ...live,
    ...(base.runner ? { runner: base.runner } : {}),
    ...(base.runDir ? { runDir: base.runDir } : {}),
  };
  return { engine, base, write, live: new HelperLive((e) => write(JSON.stringify(e)), liveOpts) };
}

/**
 * Runs one parsed request and returns its answer object, bounded in time
 * (OP_TIMEOUT_MS) and size (MAX_ANSWER_BYTES). Events (progress) are
 * written through the connection while the operation runs.
 */
export async function runPrepared(
  p: Extract<Prepared, { id: number }>,
  c: HelperConnection,
): Promise<object> {
  const { id, op, args } = p;
  // Why the options are built here and not taken from the request: the
  // unprivileged side must not choose the runner or where root writes state.
  let caller: number;
  try {
    // Why per request and from the elevation tool: the helper runs as root for someone else; lab
    // ownership (lab-owner.ts) is checked against that user, and a caller that cannot be told is refused.
    caller = c.base.caller ?? callerIds(process.env, process.getuid?.() ?? 0).uid;
  } catch (e) {
    return { id, error: plainMessage(e) };
  }
  const opts: EngineOptions = {
    ...c.base,
    caller,
    onProgress: (pr) => c.write(JSON.stringify({ id, event: 'progress', payload: pr })),
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = isLiveHelperOp(op)
      ? c.live.run(op, args as never, opts)
      : runEngineOp(op, args, c.engine, opts, c.base);
    // Why a deadline: a hung kernel command must not leave the client waiting forever.
    const limit = OP_TIMEOUT_MS[op];
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${op} took longer than ${Math.round(limit / 1000)} s; the helper stopped waiting for it`,
            ),
          ),
        limit,
      );
    });
    const result = await Promise.race([work, late]);
    if (op === 'destroy') c.live.labGone(String(args.lab));
    const answer = { id, result: result ?? null };
    // Why a size cap: the answer is one line the client must hold in memory.
    if (JSON.stringify(answer).length > MAX_ANSWER_BYTES)
      return {
        id,
        error: `the answer to ${op} is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB and was not sent`,
      };
    return answer;
  } catch (e) {
    // A refusal in plain words is logged as one line; anything else with its stack.
    const detail =
      e instanceof PlainError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`netplumb-helper: ${op} failed: ${detail}\n`);
    return { id, error: plainMessage(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Bytes waiting for the client beyond which terminal and capture output pauses. */
const OUTPUT_HIGH_WATER = 4 * 1024 * 1024;

/** Connections being served (closed on a signal). */
const connections = new Set<HelperConnection>();

/** Handles one request line and returns the answer object (a connection of its own when none is given). */
export async function handleHelperLine(
  line: string,
  engine: Engine,
  write: Write,
  base: EngineOptions = {},
  c = helperConnection(write, engine, base),
): Promise<object> {
  const p = parseHelperLine(line);
  return 'answer' in p ? p.answer : runPrepared(p, c);
}

/**
 * Serves requests from `input` until it ends. Kernel-changing operations run
 * one at a time in order (SEQUENTIAL_OPS); reads, pings and terminal input run
 * beside them, at most MAX_CONCURRENT at once (terminal input is not
 * counted: UNCAPPED_OPS). When the input ends, every
 * terminal closes and every capture stops.
 */
export function serveHelper(
  input: NodeJS.ReadableStream,
  write: Write,
  engine: Engine = localEngine,
  base: EngineOptions = {},
  live: Omit<HelperLiveOptions, 'runner' | 'runDir'> = {},
): Promise<void> {
  const c = helperConnection(write, engine, base, live);
  connections.add(c);
  let queue = Promise.resolve();
  const inFlight = new Set<Promise<void>>();
  // Why: one request that fails in an unforeseen way must not reject the
  // queue (every later request would be dropped) or end the process.
  const failed = (e: unknown) => {
    process.stderr.write(
      `netplumb-helper: a request could not be handled: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    write(JSON.stringify({ id: null, error: 'the helper could not handle this request (internal error)' }));
  };
  const splitter = new LineSplitter(
    (line) => {
      let p: ReturnType<typeof parseHelperLine>;
      try {
        p = parseHelperLine(line);
      } catch (e) {
        return failed(e);
      }
      if ('answer' in p) {
        write(JSON.stringify(p.answer));
        return;
      }
      if (SEQUENTIAL_OPS.has(p.op)) {
        // Why sequential: two applies racing as root would interleave kernel changes.
        queue = queue.then(async () => write(JSON.stringify(await runPrepared(p, c)))).catch(failed);
        return;
      }
      // In order and never "busy": keystrokes into the caller's own terminal (see UNCAPPED_OPS).
      if (UNCAPPED_OPS.has(p.op)) {
        void runPrepared(p, c).then((a) => write(JSON.stringify(a)));
        return;
      }
      // Why a cap: each request may start processes; a flood must not exhaust the host.
      if (inFlight.size >= MAX_CONCURRENT) {
        write(
          JSON.stringify({
            id: p.id,
            error: `the helper is busy (${MAX_CONCURRENT} requests running): try again`,
          }),
        );
        return;
      }
      const run = runPrepared(p, c).then((a) => write(JSON.stringify(a)), failed);
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    },
    (reason) => write(JSON.stringify({ id: null, error: reason })),
  );
  // Bytes, not text: the splitter caps lines by their size in bytes.
  input.on('data', (chunk: Buffer | string) => splitter.push(chunk));
  return new Promise((resolve) => {
    const finish = () =>
      // No shell or capture outlives the client that asked for it.
      void Promise.all([queue, ...inFlight])
        .then(() => c.live.closeAll())
        .then(() => void connections.delete(c))
        .then(resolve);
    input.on('end', finish);
    input.on('error', finish);
  });
}

const isMain = process.argv[1] !== undefined && /privileged-helper\.(ts|js|mjs|cjs)$/.test(process.argv[1]);
if (isMain) {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    process.stderr.write('netplumb-helper: warning: not running as root; kernel changes will fail\n');
  }
  setLockHolderRole("netplumb's privileged helper");
  // Why a high-water mark: a client that stops reading must not make root's
  // memory grow; terminals and captures wait until its pipe drains.
  let throttled = false;
  const write: Write = (line) => {
    process.stdout.write(`${line}\n`);
    if (!throttled && process.stdout.writableLength > OUTPUT_HIGH_WATER) {
      throttled = true;
      for (const c of connections) c.live.throttle(true);
      process.stdout.once('drain', () => {
        throttled = false;
        for (const c of connections) c.live.throttle(false);
      });
    }
  };
  // The client is gone when its end of the pipe closes: stop instead of crashing on EPIPE.
  process.stdout.on('error', () => process.exit(0));
  void serveHelper(process.stdin, write).then(() => process.exit(0));
  // Stopped by a signal, the helper still closes shells and stops captures first.
  for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    process.on(
      sig,
      () => void Promise.all([...connections].map((c) => c.live.closeAll())).finally(() => process.exit(0)),
    );
  }
}
