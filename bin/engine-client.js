/* global process, setTimeout, clearTimeout */
/**
 * The client side of netplumb's resident engine (electron/cli/engine-server,
 * started with `netplumb engine start`): when root runs one of the lab
 * commands and a resident engine of this very netplumb is listening, the
 * command is run there — its modules loaded, its code compiled and its reads
 * cached — instead of in this fresh node; its output, exit code and Ctrl-C
 * are this process's. With no engine, or one that declines (another build,
 * another node), nothing has been written or changed and the caller runs
 * the command itself.
 *
 * Plain JavaScript that loads only node:fs, node:path and node:net, so a
 * command routed to the engine costs node's own start and little more.
 *
 * Protocol (one JSON object per line, both ways; ENGINE_PROTOCOL):
 *   client: {v, dist, node, argv, cwd, env, tty: {stdout, stderr, columns}, ns: {net, mnt}}
 *           then {signal: "SIGINT"|"SIGTERM"|"SIGHUP"} for a first signal
 *   engine: {decline: why} (first and only line: nothing was run), or
 *           {queued: the command it runs now} (this one waits behind it), then
 *           {run: true} (the command starts now), then {o: text} / {e: text}
 *           (standard output / error) ... {exit: code},
 *           and {signal: "taken"|"none"} after a signal ("none": no apply is
 *           under way that could stop and roll back, so the client ends as
 *           the signal would; the engine still stops any apply that begins)
 */
const { lstatSync, readlinkSync, realpathSync } = require('node:fs');
const path = require('node:path');

const ENGINE_PROTOCOL = 1;
/** The commands the engine runs: electron/cli/engine-server ENGINE_COMMANDS (its tests check they agree). */
const ENGINE_COMMANDS = ['validate', 'plan', 'apply', 'status', 'destroy', 'list'];
const ENGINE_SOCKET = 'engine.sock';
/** Root's run directory (electron/kernel/run-dir ROOT_RUN_DIR). */
const ROOT_RUN_DIR = '/run/netplumb';

/** Where the engine's socket is: NETPLUMB_ENGINE_DIR (tests), else root's run directory. */
const engineDir = () => process.env.NETPLUMB_ENGINE_DIR || ROOT_RUN_DIR;

/**
 * Why `dir` may not hold the socket of an engine that root talks to, or
 * undefined. Why: the engine runs root's commands and prints their results;
 * only root may be able to put a socket there: the directory is root's and
 * open to nobody else, and every directory above it is root's and writable
 * by root only (or another user could swap it).
 */
function unsafeDir(dir) {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return `${dir} does not exist`;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) return `${dir} is not a plain directory`;
  if (st.uid !== 0) return `${dir} belongs to uid ${st.uid}, not root`;
  if (st.mode & 0o077) return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
  for (let up = path.dirname(dir); ; up = path.dirname(up)) {
    const u = lstatSync(up, { throwIfNoEntry: false });
    // /tmp and the like (sticky, root's): others may add entries, never rename or remove root's.
    const sticky = u && (u.mode & 0o1000) !== 0;
    if (!u || u.isSymbolicLink() || u.uid !== 0 || (u.mode & 0o022 && !sticky))
      return `${up} (above ${dir}) is not root's alone`;
    if (path.dirname(up) === up) return undefined;
  }
}

/** Arguments that name the client's own open files or process (`/dev/stdin`, `/proc/self/fd/0`): the engine's are others. */
const PROCESS_PATH = /^\/(dev|proc)\//;

/** This process's network and mount namespaces (the engine serves only a command in its own). */
function ownNamespaces() {
  const ns = (n) => {
    try {
      return readlinkSync(`/proc/self/ns/${n}`);
    } catch {
      return '?';
    }
  };
  return { net: ns('net'), mnt: ns('mnt') };
}

/** How long a client waits for the engine's first word before it runs the command itself. */
const FIRST_ANSWER_MS = 5000;

/** The socket of a resident engine root may use now, or undefined. */
function engineSocket(argv) {
  if (process.env.NETPLUMB_ENGINE === 'off') return undefined;
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return undefined;
  if (!ENGINE_COMMANDS.includes(argv[0]) || argv.some((a) => PROCESS_PATH.test(a))) return undefined;
  const dir = engineDir();
  if (unsafeDir(dir)) return undefined;
  const sock = path.join(dir, ENGINE_SOCKET);
  try {
    const st = lstatSync(sock);
    // Only root's socket (its directory is root's alone, but a file there could still be anything).
    return st.isSocket() && st.uid === 0 ? sock : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `argv` in the resident engine. Returns undefined when there is none to
 * use (the caller runs the command itself: nothing was printed or changed),
 * else a promise of the command's exit code, or of undefined when the engine
 * declined before running anything.
 */
function viaEngine(dist, argv) {
  const sock = engineSocket(argv);
  if (!sock) return undefined;
  const net = require('node:net');
  return new Promise((resolve) => {
    const conn = net.connect(sock);
    conn.setEncoding('utf8');
    let answered = false;
    // An engine that says nothing (stopped, or stuck) is not waited for: the command runs here.
    let heard = false;
    const silent = setTimeout(() => {
      if (heard) return;
      if (process.env.NETPLUMB_DEBUG) process.stderr.write('netplumb: the resident engine did not answer\n');
      conn.destroy();
      finish(undefined);
    }, FIRST_ANSWER_MS);
    let finished = false;
    let buf = '';
    let signalled;
    const handlers = {};
    const unhook = () => {
      for (const [sig, h] of Object.entries(handlers)) process.removeListener(sig, h);
    };
    // Ends this process as `sig` would (the handlers gone, the default action runs).
    const dieBy = (sig) => {
      unhook();
      process.kill(process.pid, sig);
    };
    const finish = (code) => {
      if (finished) return;
      finished = true;
      clearTimeout(silent);
      unhook();
      resolve(code);
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      handlers[sig] = () => {
        // The second signal ends the client at once; the engine, its client gone, stops the apply.
        if (signalled !== undefined || !answered) return dieBy(sig);
        signalled = sig;
        conn.write(JSON.stringify({ signal: sig }) + '\n');
      };
      process.on(sig, handlers[sig]);
    }
    conn.on('connect', () => {
      const request = {
        v: ENGINE_PROTOCOL,
        dist: realpathSync(dist),
        node: process.version,
        argv,
        cwd: process.cwd(),
        env: { ...process.env },
        ns: ownNamespaces(),
        tty: {
          stdout: !!process.stdout.isTTY,
          stderr: !!process.stderr.isTTY,
          columns: process.stdout.columns || process.stderr.columns || 0,
        },
      };
      conn.write(JSON.stringify(request) + '\n');
    });
    conn.on('data', (chunk) => {
      heard = true;
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let m;
        try {
          m = JSON.parse(line);
        } catch {
          continue;
        }
        if (!answered && typeof m.decline === 'string') {
          if (process.env.NETPLUMB_DEBUG)
            process.stderr.write(`netplumb: resident engine not used: ${m.decline}\n`);
          conn.destroy();
          return finish(undefined);
        }
        if (!answered && typeof m.queued === 'string') {
          // Said on a terminal only: a script's output is the command's alone.
          if (process.stderr.isTTY)
            process.stderr.write(
              `netplumb: waiting for the resident engine, which runs "netplumb ${m.queued.slice(0, 60)}"\n`,
            );
          continue;
        }
        answered = true;
        if (m.run === true) continue;
        if (typeof m.o === 'string') process.stdout.write(m.o);
        else if (typeof m.e === 'string') process.stderr.write(m.e);
        else if (m.signal === 'none' && signalled) return dieBy(signalled);
        else if (Number.isInteger(m.exit)) {
          conn.end();
          return finish(m.exit);
        }
      }
    });
    conn.on('error', () => undefined);
    conn.on('close', () => {
      if (finished) return;
      if (!answered) return finish(undefined);
      // Exit 2, as for a kernel step that failed: the next command on the lab rolls back what it did.
      process.stderr.write(
        'netplumb: the resident engine ended before the command did (see `netplumb engine status`); ' +
          'the next netplumb command on the lab rolls back whatever it had begun. NETPLUMB_ENGINE=off runs commands without it.\n',
      );
      finish(2);
    });
  });
}

module.exports = { viaEngine, ENGINE_PROTOCOL, ENGINE_COMMANDS, ENGINE_SOCKET, unsafeDir };
