/**
 * netplumb's resident engine: one long-lived root process that runs root's
 * lab commands (validate, plan, apply, status, destroy, list) for the thin
 * client in bin/engine-client.js, so that a command costs node's start and
 * the work itself, not the loading and compiling of the engine and a cold
 * read of every namespace each time. Started by `netplumb engine start`
 * (engine-commands.ts); it ends by itself after a time without commands.
 *
 * Each command runs exactly as it would in its own process: with the
 * client's arguments, working directory and environment, its standard output
 * and error sent to the client with the client's terminal's colours and
 * width, its exit code returned; the client's Ctrl-C stops an apply before
 * its next step and rolls it back (interrupt.ts stopFromOutside), and a
 * client that goes away stops it the same way. Commands run one after
 * another, never two at once.
 *
 * Who may use it: root only. The socket lives in root's run directory
 * (/run/netplumb, mode 0700) or in NETPLUMB_ENGINE_DIR, which must be root's
 * and open to nobody else; both sides check. It serves only the netplumb it
 * was started from: a client of another checkout, of another node, or of a
 * build made since it started is declined (before anything runs) and runs
 * the command itself; a rebuilt netplumb also ends the engine.
 */
import { lstatSync, readlinkSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as z from 'zod';
import { forgetDetectedCapabilities } from '../kernel/capabilities';
import { clearStop, stopFromOutside } from '../kernel/interrupt';
import { cacheFilled, deferCacheFill } from '../kernel/live-read';
import { setLockHolderRole } from '../kernel/lock-holder';
import { ROOT_RUN_DIR } from '../kernel/run-dir';

/** Version of the line protocol (bin/engine-client.js ENGINE_PROTOCOL). */
export const ENGINE_PROTOCOL = 1;
/** The commands the engine runs (bin/engine-client.js routes exactly these). */
export const ENGINE_COMMANDS = ['validate', 'plan', 'apply', 'status', 'destroy', 'list'] as const;
/** The socket's name in the engine's directory. */
export const ENGINE_SOCKET = 'engine.sock';
/** Minutes without a command after which the engine ends (`--idle` changes it). */
export const DEFAULT_IDLE_MINUTES = 15;

/** The engine's directory: NETPLUMB_ENGINE_DIR (tests), else root's run directory. */
export const engineDir = (): string => process.env.NETPLUMB_ENGINE_DIR || ROOT_RUN_DIR;
export const engineSocket = (dir: string): string => path.join(dir, ENGINE_SOCKET);

const Tty = z.object({ stdout: z.boolean(), stderr: z.boolean(), columns: z.number().int().min(0) });

/** A command asked of the engine (bin/engine-client.js). */
export const EngineRequest = z.object({
  v: z.number().int(),
  dist: z.string(),
  node: z.string(),
  argv: z.array(z.string()).min(1),
  cwd: z.string(),
  env: z.record(z.string(), z.string()),
  tty: Tty,
  /** The client's network and mount namespaces (readlink of /proc/self/ns/net and mnt). */
  ns: z.object({ net: z.string(), mnt: z.string() }),
});
export type EngineRequest = z.infer<typeof EngineRequest>;

/** This process's network and mount namespaces, as a request names them. */
export function ownNamespaces(): EngineRequest['ns'] {
  const ns = (n: string) => {
    try {
      return readlinkSync(`/proc/self/ns/${n}`);
    } catch {
      return '?';
    }
  };
  return { net: ns('net'), mnt: ns('mnt') };
}

/** Arguments that name one of the client's own open files or its process (`/dev/stdin`, `/proc/self/…`): the engine's would be others. */
export const PROCESS_PATH = /^\/(dev|proc)\//;

/** Any first line a client may send: a command, or a question to the engine itself. */
const FirstLine = z.union([
  EngineRequest,
  z.object({ ping: z.literal(true) }),
  z.object({ stop: z.literal(true) }),
]);
const SignalLine = z.object({ signal: z.enum(['SIGINT', 'SIGTERM', 'SIGHUP']) });

/** What makes a netplumb the engine's own: its dist/ directory, its node, and its bundle as it was when the engine started. */
export interface EngineIdentity {
  dist: string;
  node: string;
  bundle: string;
  ns: EngineRequest['ns'];
}

/** The bundle's identity on disk now: size, change time and inode of dist/cli.cjs (a rebuild changes them). */
export function bundleId(dist: string): string {
  try {
    const st = statSync(path.join(dist, 'cli.cjs'));
    return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
  } catch {
    return 'missing';
  }
}

/** Why the engine does not run `req` (the client then runs it itself), or undefined. */
export function declineReason(
  req: EngineRequest,
  self: EngineIdentity,
  bundleNow: string,
): string | undefined {
  if (req.v !== ENGINE_PROTOCOL) return `it speaks protocol ${ENGINE_PROTOCOL}, the command ${req.v}`;
  if (!(ENGINE_COMMANDS as readonly string[]).includes(req.argv[0]))
    return `it does not run "${req.argv[0]}"`;
  if (req.dist !== self.dist) return `it serves the netplumb in ${self.dist}, not the one in ${req.dist}`;
  if (req.node !== self.node) return `it runs on node ${self.node}, the command on ${req.node}`;
  if (bundleNow !== self.bundle) return 'netplumb was built again since the engine started';
  // Why: a command run in another namespace (`ip netns exec X netplumb …`, a container sharing
  // /run) must act there, as it would alone, not in the engine's.
  if (req.ns.net !== self.ns.net)
    return `the command runs in network namespace ${req.ns.net}, the engine in ${self.ns.net}`;
  if (req.ns.mnt !== self.ns.mnt)
    return `the command runs in mount namespace ${req.ns.mnt}, the engine in ${self.ns.mnt}`;
  const own = req.argv.find((a) => PROCESS_PATH.test(a));
  if (own) return `${own} would be the engine's, not the command's`;
  return undefined;
}

/**
 * Why `dir` may not hold the engine's socket, or undefined: root's, a plain
 * directory open to nobody else, and every directory above it root's and
 * writable by root only (a sticky one, like /tmp, lets others add entries,
 * never move root's). The same rule as the client's unsafeDir
 * (bin/engine-client.js, plain JavaScript that cannot load this file, nor
 * this layer it); engine.int.test.ts checks that both judge alike.
 */
export function engineDirProblem(dir: string): string | undefined {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return `${dir} does not exist`;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) return `${dir} is not a plain directory`;
  if (st.uid !== 0) return `${dir} belongs to uid ${st.uid}, not root`;
  if (st.mode & 0o077)
    return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}; it must be 0700)`;
  for (let up = path.dirname(dir); ; up = path.dirname(up)) {
    const u = lstatSync(up, { throwIfNoEntry: false });
    const sticky = u !== undefined && (u.mode & 0o1000) !== 0;
    if (!u || u.isSymbolicLink() || u.uid !== 0 || ((u.mode & 0o022) !== 0 && !sticky))
      return `${up} (above ${dir}) is not root's alone`;
    if (path.dirname(up) === up) return undefined;
  }
}

/** One line of the protocol. */
const line = (m: object): string => JSON.stringify(m) + '\n';

/** Sends a question (`{ping}` or `{stop}`) to the engine at `dir`; its answer, or undefined when none answers. */
export function askEngine(
  dir: string,
  question: { ping: true } | { stop: true },
  timeoutMs = 3000,
): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const conn = net.connect(engineSocket(dir));
    let buf = '';
    const done = (v: Record<string, unknown> | undefined) => {
      clearTimeout(timer);
      conn.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    conn.on('connect', () => conn.write(line(question)));
    conn.on('data', (d) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      try {
        done(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      } catch {
        done(undefined);
      }
    });
    conn.on('error', () => done(undefined));
    conn.on('close', () => done(undefined));
  });
}

/** What a stream looked like before a command borrowed it. */
interface Borrowed {
  restore(): void;
}

/** Sends what is written to `stream` to `sink` instead, and makes it look like the client's terminal (or not). */
function borrow(
  stream: NodeJS.WriteStream,
  sink: (s: string) => void,
  tty: boolean,
  columns: number,
): Borrowed {
  const own = Object.getOwnPropertyDescriptors(stream);
  const keys = ['write', 'isTTY', 'columns'] as const;
  Object.defineProperty(stream, 'write', {
    configurable: true,
    writable: true,
    value: (chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
      sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof enc === 'function' ? enc : cb;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    },
  });
  Object.defineProperty(stream, 'isTTY', { configurable: true, writable: true, value: tty || undefined });
  Object.defineProperty(stream, 'columns', {
    configurable: true,
    writable: true,
    value: tty && columns > 0 ? columns : undefined,
  });
  return {
    restore() {
      for (const k of keys) {
        if (own[k]) Object.defineProperty(stream, k, own[k]);
        else delete (stream as unknown as Record<string, unknown>)[k];
      }
    },
  };
}

/** The client's environment for the time of one command (children started by it inherit it). */
function swapEnv(env: Record<string, string>): () => void {
  const before = { ...process.env };
  const set = (e: Record<string, string | undefined>) => {
    for (const k of Object.keys(process.env)) delete process.env[k];
    for (const [k, v] of Object.entries(e)) if (v !== undefined) process.env[k] = v;
  };
  set(env);
  return () => set(before);
}

export interface EngineOptions {
  /** Directory of the socket (engineDirProblem must find nothing wrong with it). */
  dir: string;
  /** This netplumb's dist/ directory (real path). */
  dist: string;
  /** Ends after this long without a command. */
  idleMs: number;
  /** Runs one command: the CLI's main (main.ts). */
  main: (argv: readonly string[]) => Promise<number>;
  /** Notes for the engine's own log (`engine serve` prints them). */
  log?: (s: string) => void;
}

export interface RunningEngine {
  socket: string;
  /** Resolves when the engine has ended (idle, asked to stop, or rebuilt). */
  ended: Promise<string>;
  /** Ends it after the command it runs, if any. */
  stop(why: string): void;
}

/** Starts the engine: listens on its socket until idle, asked to stop, or netplumb is rebuilt. */
export async function startEngine(o: EngineOptions): Promise<RunningEngine> {
  const problem = engineDirProblem(o.dir);
  if (problem) throw new Error(`the resident engine cannot use ${o.dir}: ${problem}`);
  const socket = engineSocket(o.dir);
  const other = await askEngine(o.dir, { ping: true }, 1000);
  if (other) throw new Error(`a resident engine already runs (pid ${String(other.pid)})`);
  // No engine answers: what is left is a dead one's socket.
  rmSync(socket, { force: true });
  const self: EngineIdentity = {
    dist: o.dist,
    node: process.version,
    bundle: bundleId(o.dist),
    ns: ownNamespaces(),
  };
  const started = Date.now();
  let served = 0;
  let queue: Promise<void> = Promise.resolve();
  let busy = 0;
  let stopping: string | undefined;
  /** The command being run, for the clients that wait behind it. */
  let running: string | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let end!: (why: string) => void;
  const ended = new Promise<string>((r) => (end = r));
  const log = o.log ?? (() => undefined);

  const server = net.createServer((conn) => onClient(conn));
  /** The socket file this engine made (another engine's, made at the same path since, is left alone). */
  const made: { socket?: string } = {};
  const fileId = () => {
    const st = lstatSync(socket, { throwIfNoEntry: false });
    return st && `${st.dev}:${st.ino}`;
  };
  let closed = false;
  /** Whether this engine turned deferCacheFill on (from listening to its end). */
  let deferring = false;
  const close = (why: string) => {
    if (closed) return;
    closed = true;
    stopping ??= why;
    if (idleTimer) clearTimeout(idleTimer);
    server.close();
    if (made.socket !== undefined && fileId() === made.socket) rmSync(socket, { force: true });
    if (deferring) deferCacheFill(false);
    deferring = false;
    log(`ended: ${why}`);
    end(why);
  };
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (busy === 0) close(`no command for ${Math.round(o.idleMs / 60_000)} minutes`);
    }, o.idleMs);
  };
  const stop = (why: string) => {
    stopping ??= why;
    if (busy === 0) close(why);
  };

  /** Runs one command for `send`'s client; `gone()` is true once the client has left. */
  const run = async (req: EngineRequest, send: (m: object) => void, gone: () => boolean) => {
    if (gone()) return;
    const cwd = process.cwd();
    try {
      process.chdir(req.cwd);
    } catch (e) {
      // Its directory gone or not one: the client, in it, runs the command itself and says so.
      send({ decline: `cannot enter ${req.cwd}: ${(e as Error).message}` });
      return;
    }
    running = req.argv.join(' ');
    const restoreEnv = swapEnv(req.env);
    const out = borrow(process.stdout, (s) => send({ o: s }), req.tty.stdout, req.tty.columns);
    const err = borrow(process.stderr, (s) => send({ e: s }), req.tty.stderr, req.tty.columns);
    let code: number;
    // As a command alone starts: nothing of the kernel's features known yet, its own name on its locks.
    forgetDetectedCapabilities();
    setLockHolderRole(`the netplumb command line ("netplumb ${req.argv[0]}", in the resident engine)`);
    try {
      send({ run: true });
      code = await o.main(req.argv);
    } catch (e) {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      code = 1;
    } finally {
      err.restore();
      out.restore();
      try {
        process.chdir(cwd);
      } catch {
        process.chdir('/');
      }
      restoreEnv();
      clearStop();
    }
    served++;
    send({ exit: code });
  };

  const onClient = (conn: net.Socket) => {
    let buf = '';
    let first = true;
    let gone = false;
    let active = false;
    // Whole characters only: a multi-byte one split between two reads would otherwise be garbled.
    conn.setEncoding('utf8');
    const send = (m: object) => {
      if (!gone) conn.write(line(m));
    };
    conn.on('error', () => undefined);
    conn.on('close', () => {
      gone = true;
      // The client went away (killed, or a second Ctrl-C): an apply it started stops and rolls back.
      if (active) stopFromOutside('the command was ended');
    });
    conn.on('data', (d: string) => {
      buf += d;
      if (buf.length > 4 * 1024 * 1024) return conn.destroy();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let msg: unknown;
        try {
          msg = JSON.parse(text);
        } catch {
          return conn.destroy();
        }
        if (!first) {
          const s = SignalLine.safeParse(msg);
          if (s.success && active)
            send({
              signal: stopFromOutside(
                { SIGINT: 'Ctrl-C', SIGTERM: 'SIGTERM', SIGHUP: 'SIGHUP' }[s.data.signal],
              )
                ? 'taken'
                : 'none',
            });
          continue;
        }
        first = false;
        const m = FirstLine.safeParse(msg);
        if (!m.success) return conn.destroy();
        if ('ping' in m.data) {
          send({
            pid: process.pid,
            since: started,
            served,
            busy: busy > 0,
            current: running ?? null,
            dist: o.dist,
            node: process.version,
            idleMs: o.idleMs,
          });
          conn.end();
          continue;
        }
        if ('stop' in m.data) {
          send({ stopping: true, pid: process.pid });
          conn.end();
          stop('asked to stop');
          continue;
        }
        const req = m.data;
        const bundleNow = bundleId(o.dist);
        const why = stopping ? `it is ending (${stopping})` : declineReason(req, self, bundleNow);
        if (why) {
          send({ decline: why });
          conn.end();
          // A rebuilt netplumb: this engine's code is out of date for good.
          if (bundleNow !== self.bundle) stop('netplumb was built again');
          continue;
        }
        // Behind another command: said at once, so the client knows the engine is alive and why it waits.
        if (busy > 0) send({ queued: running ?? 'another command' });
        busy++;
        if (idleTimer) clearTimeout(idleTimer);
        // Never a rejected queue: the commands after it would not run.
        queue = queue
          .catch(() => undefined)
          .then(async () => {
            active = true;
            try {
              await run(req, send, () => gone);
            } finally {
              active = false;
              // The cache an apply fills after its answer (fillLater): filled before the next command reads
              // (meanwhile a waiting client is still told that this command runs: its end is what it waits for).
              await cacheFilled().catch(() => undefined);
              running = undefined;
              busy--;
              conn.end();
              if (stopping && busy === 0) close(stopping);
              else if (busy === 0) armIdle();
            }
          });
      }
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  made.socket = fileId();
  // Serving: an apply's client is answered before the apply fills the read cache (the next command waits for it).
  deferCacheFill((deferring = true));
  armIdle();
  log(
    `listening on ${socket} (pid ${process.pid}); ends after ${Math.round(o.idleMs / 60_000)} minutes without a command`,
  );
  return { socket, ended, stop };
}
