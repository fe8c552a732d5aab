/**
 * `netplumb engine start|stop|status|serve`: the resident engine
 * (engine-server.ts) started, stopped, asked about, or run in the foreground.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { runningAsRoot } from '../kernel/root-check';
import { checkRunDir, ROOT_RUN_DIR } from '../kernel/run-dir';
import type { ParsedArgs } from './args';
import { EXIT, err, json, out } from './command';
import {
  askEngine,
  DEFAULT_IDLE_MINUTES,
  engineDir,
  engineDirProblem,
  engineSocket,
  startEngine,
} from './engine-server';
import { green } from './output';

/** This netplumb's dist/ directory, as bin/netplumb.js said (the engine runs only from a built command). */
function distDir(): string | undefined {
  const d = (globalThis as Record<symbol, unknown>)[Symbol.for('netplumb.dist')];
  return typeof d === 'string' ? realpathSync(d) : undefined;
}

/** The idle time asked for (--idle MINUTES), or why it is not one. */
function idleMinutes(args: ParsedArgs): number | string {
  const v = args.flags.idle;
  if (v === undefined) return DEFAULT_IDLE_MINUTES;
  const n = Number(v);
  return typeof v === 'string' && Number.isFinite(n) && n > 0 && n <= 24 * 60
    ? n
    : `--idle takes a number of minutes from more than 0 to 1440, not "${String(v)}"`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `netplumb engine …`. */
export async function engineCommand(args: ParsedArgs): Promise<number> {
  const [sub, ...extra] = args.positionals;
  const usage = 'usage: netplumb engine start|stop|status|serve (netplumb engine --help)';
  if (!sub || extra.length || !['start', 'stop', 'status', 'serve'].includes(sub)) {
    err(usage);
    return EXIT.invalid;
  }
  if (!runningAsRoot()) {
    err(
      "netplumb engine: the resident engine runs root's commands only; run it with sudo. A normal user's commands go through the privileged helper.",
    );
    return EXIT.invalid;
  }
  const dir = engineDir();
  try {
    // Root's run directory is made as the engine's state always is (0700, root's); another must exist already.
    if (dir === ROOT_RUN_DIR && (sub === 'start' || sub === 'serve')) checkRunDir(dir, true);
  } catch (e) {
    err(`netplumb engine: ${(e as Error).message}`);
    return EXIT.invalid;
  }
  const problem = engineDirProblem(dir);
  const ping = problem ? undefined : await askEngine(dir, { ping: true });

  if (sub === 'status') {
    if (args.flags.json) json(ping ? { running: true, ...ping } : { running: false });
    else if (!ping) out('No resident engine runs: every command loads the engine itself.');
    else
      out(
        `${green('✓')} The resident engine runs (pid ${String(ping.pid)}, since ${new Date(Number(ping.since)).toLocaleString()}): ` +
          `${String(ping.served)} command${ping.served === 1 ? '' : 's'} run, ${ping.busy ? 'running one now' : 'idle'}; ` +
          `it serves the netplumb in ${String(ping.dist)} and ends after ${Math.round(Number(ping.idleMs) / 60_000)} minutes without a command.`,
      );
    return EXIT.ok;
  }

  if (sub === 'stop') {
    if (!ping) {
      out('No resident engine runs: nothing to stop.');
      return EXIT.ok;
    }
    await askEngine(dir, { stop: true });
    // It ends once its command, if any, has finished (an apply's rollback included).
    const pid = Number(ping.pid);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 300 && alive(); i++) await sleep(100);
    if (alive()) {
      err(
        `netplumb engine: the resident engine (pid ${pid}) is still finishing ${ping.current ? `"netplumb ${String(ping.current)}"` : 'a command'}; it ends when that is done (kill -KILL ${pid} ends it at once; the next command on the lab then rolls back what it had begun).`,
      );
      return EXIT.invalid;
    }
    out(`${green('✓')} The resident engine (pid ${pid}) has ended.`);
    return EXIT.ok;
  }

  const idle = idleMinutes(args);
  if (typeof idle === 'string') {
    err(`netplumb engine: ${idle}; nothing was started.`);
    return EXIT.invalid;
  }
  if (problem) {
    err(`netplumb engine: it cannot use ${dir}: ${problem}. Nothing was started.`);
    return EXIT.invalid;
  }
  if (ping) {
    out(`The resident engine already runs (pid ${String(ping.pid)}).`);
    return EXIT.ok;
  }
  const dist = distDir();
  if (!dist) {
    err('netplumb engine: run it through the netplumb command (bin/netplumb.js), whose build it serves.');
    return EXIT.invalid;
  }

  if (sub === 'serve') {
    const { main } = await import('./main');
    // Loaded now, not by the first command: the commands' registry, the lab commands and the engine.
    await Promise.all([import('./registry'), import('./lab-run'), import('../kernel/engine')]);
    // Their pure code run a few times first, so that the first commands find it compiled (engine-warm.ts).
    await (await import('./engine-warm')).warmUp();
    try {
      const engine = await startEngine({
        dir,
        dist,
        idleMs: idle * 60_000,
        main,
        log: (s) => err(`netplumb engine: ${s}`),
      });
      // The first signal ends it once its command, if any, has finished (an apply stops and rolls
      // back, interrupt.ts); the second ends it at once, as that signal would.
      const sigs = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
      const end = (sig: NodeJS.Signals) => {
        if (asked) {
          for (const s of sigs) process.removeAllListeners(s);
          process.kill(process.pid, sig);
          return;
        }
        asked = true;
        engine.stop(`asked to stop by ${sig}`);
      };
      let asked = false;
      for (const s of sigs) process.on(s, end);
      await engine.ended;
      return EXIT.ok;
    } catch (e) {
      err(`netplumb engine: ${(e as Error).message}`);
      return EXIT.invalid;
    }
  }

  // start: the same command, serving, in its own session, with no terminal.
  const child = execa(
    process.execPath,
    [path.join(dist, '..', 'bin', 'netplumb.js'), 'engine', 'serve', '--idle', String(idle)],
    { detached: true, stdio: 'ignore', cleanup: false, reject: false, cwd: '/' },
  );
  child.unref();
  for (let i = 0; i < 100; i++) {
    const up = await askEngine(dir, { ping: true }, 500);
    if (up) {
      out(
        `${green('✓')} The resident engine runs (pid ${String(up.pid)}): root's validate, plan, apply, status, destroy and list now start in it. ` +
          `It ends after ${idle} minutes without a command, when netplumb is built again, or with "netplumb engine stop".`,
      );
      return EXIT.ok;
    }
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  err(
    `netplumb engine: the engine did not start (socket ${engineSocket(dir)}); run "netplumb engine serve" to see why.`,
  );
  return EXIT.invalid;
}
