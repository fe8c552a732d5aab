/**
 * Terminals into a lab's namespaces: a real shell through a pty (node-pty),
 * `ip netns exec NS bash -l` (or $SHELL, else sh). In the privileged helper
 * the shell runs **as the calling user** (`as`: setpriv drops root before the
 * shell starts, see helper-caller.ts); in a root process it runs as root.
 * Only namespaces the lab owns (owned.ts) and never the host.
 *
 * A watcher closes a terminal when its namespace goes away or is replaced
 * (the lab was destroyed): the namespace's inode is checked every second,
 * and closeLab() is called directly by lab:destroy.
 */
import { chownSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { asCallerArgv, callerCwd, callerEnv, type Caller } from '../helper-caller';
import { netnsInode } from '../netns';
import { PlainError } from '../plain-error';
import { ownedNode, type LiveOptions } from './owned';
import { spawnPipePty, type Pty } from './pipe-pty';

type Spawn = (
  file: string,
  args: string[],
  opts: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string> },
) => Pty;

/** node-pty's spawn, or why it cannot be used (then terminals use pipe-pty.ts). */
type PtyLoad = { spawn: Spawn } | { missing: string };

/** Why node-pty could not be imported, in plain words. */
export function ptyMissingReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND')
    return 'node-pty is not installed';
  return `node-pty could not be loaded: ${String(err?.message ?? e).split('\n')[0]}`;
}

/** The notice a terminal tab shows when it runs without node-pty. */
export function noPtyNotice(reason: string): string {
  const [what, why] = reason.startsWith('node-pty is not installed')
    ? ['node-pty is not installed', 'it is optional and needs a C++ compiler to build']
    : [reason, 'it was built for another version of Node or Electron'];
  return `terminal without a pty: ${what} (${why}; the shell works through util-linux script, but the window size stays fixed). To fix: sudo apt install build-essential python3, then npm rebuild node-pty`;
}

let defaultLoad: Promise<PtyLoad> | undefined;
function loadPty(importer?: () => Promise<unknown>): Promise<PtyLoad> {
  const load = (importer ?? (() => import('node-pty'))) as () => Promise<unknown>;
  const p = load().then(
    (m) => ({ spawn: (m as { spawn?: Spawn }).spawn ?? (m as { default: { spawn: Spawn } }).default.spawn }),
    (e: unknown) => ({ missing: ptyMissingReason(e) }),
  );
  if (importer) return p;
  // node-pty is optional: its absence is remembered for the process, like a loaded module.
  defaultLoad ??= p;
  return defaultLoad;
}

/** The shell started in a terminal: bash when installed, else $SHELL, else sh. */
export function shellArgv(): string[] {
  if (existsSync('/bin/bash')) return ['/bin/bash', '-l'];
  if (process.env.SHELL && existsSync(process.env.SHELL)) return [process.env.SHELL, '-l'];
  return ['/bin/sh'];
}

export interface TerminalEvents {
  output(id: string, data: string): void;
  exit(id: string, code: number, reason?: string): void;
}

interface Term {
  id: string;
  lab: string;
  nodeId: string;
  ns: string;
  inode: number;
  pty: Pty;
  events: TerminalEvents;
  closed: boolean;
  /** Who opened it (a page's handler context), for closeOwnedBy(). */
  owner?: object;
}

/** How a terminal is opened beyond lab and node. */
export interface OpenOptions {
  /** Who opened it (a page's handler context), for closeOwnedBy(). */
  owner?: object;
  /** Run as this user, not as this process's user (the privileged helper's caller). */
  as?: Caller;
  /** A command instead of the login shell (`netplumb exec`). */
  command?: readonly string[];
  /** false: the terminal does not echo input (a command fed from a pipe, not a person). */
  echo?: boolean;
  /** Use this id (the helper's client picks session ids); refused when in use. */
  id?: string;
}

/** The most terminals open at once. */
export const MAX_TERMINALS = 32;

export class TerminalManager {
  private readonly terms = new Map<string, Term>();
  private watcher: NodeJS.Timeout | undefined;
  private paused = false;
  constructor(
    private readonly o: LiveOptions & {
      /** Use the `script` fallback even when node-pty loads (tests). */ pipeFallback?: boolean;
      /** Imports node-pty (tests simulate it missing). */ ptyModule?: () => Promise<unknown>;
    } = {},
  ) {}

  /** Opens a shell in node `nodeId`'s namespace; output and exit arrive through `events`. */
  async open(
    lab: string,
    nodeId: string,
    cols: number,
    rows: number,
    events: TerminalEvents,
    o: OpenOptions = {},
  ): Promise<{ id: string; ns: string; notice?: string }> {
    if (this.terms.size >= MAX_TERMINALS)
      throw new PlainError(`${MAX_TERMINALS} terminals are open already: close one first`);
    if (o.id !== undefined && this.terms.has(o.id))
      throw new PlainError(`terminal "${o.id}" is open already`);
    // Why: only a namespace this lab owns right now; the host and foreign namespaces are refused there.
    const owned = await ownedNode(lab, nodeId, this.o);
    const inode = await netnsInode(owned.ns);
    if (inode === undefined) throw new PlainError(`namespace "${owned.ns}" disappeared`);
    const extra = {
      TERM: 'xterm-256color',
      NETPLUMB_LAB: lab,
      NETPLUMB_NODE: nodeId,
      debian_chroot: owned.ns,
      PS1: `(${owned.ns}) \\w\\$ `,
    };
    let argv: string[];
    let env: Record<string, string>;
    // Without echo, input fed from a pipe is not printed back (stty runs inside, as whoever runs the command).
    const command =
      o.command && o.echo === false
        ? ['/bin/sh', '-c', 'stty -echo 2>/dev/null; exec "$@"', 'sh', ...o.command]
        : o.command;
    if (o.as) {
      // Why: the helper is root; the shell (or command) must run as the caller, never as root.
      argv = asCallerArgv(o.as, owned.ns, command ?? [o.as.shell, '-l']);
      env = callerEnv(o.as, extra);
    } else {
      argv = ['ip', 'netns', 'exec', owned.ns, ...(command ?? shellArgv())];
      env = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
      Object.assign(env, extra);
    }
    const cwd = o.as ? callerCwd(o.as) : '/';
    const size = [clamp(cols, 2, 500), clamp(rows, 2, 300)] as const;
    let pty: Pty;
    let notice: string | undefined;
    const loaded: PtyLoad = this.o.pipeFallback
      ? { missing: 'node-pty is turned off for this session' }
      : await loadPty(this.o.ptyModule);
    if ('spawn' in loaded) {
      pty = loaded.spawn(argv[0], argv.slice(1), {
        name: 'xterm-256color',
        cols: size[0],
        rows: size[1],
        cwd,
        env,
      });
      // The pty belongs to whoever uses it (as login does), so `tty`, `mesg` and friends behave.
      if (o.as && pty.ptsName) {
        try {
          chownSync(pty.ptsName, o.as.uid, o.as.gid);
        } catch {
          // Not fatal: the shell still has its open descriptors.
        }
      }
    } else {
      // node-pty missing (optional dependency) or built for another ABI: util-linux `script` gives a pty through pipes (no resize).
      pty = spawnPipePty(argv, size[0], size[1], env, cwd);
      notice = noPtyNotice(loaded.missing);
    }
    const id = o.id ?? randomBytes(8).toString('hex');
    const term: Term = {
      id,
      lab,
      nodeId,
      ns: owned.ns,
      inode,
      pty,
      events,
      closed: false,
      ...(o.owner ? { owner: o.owner } : {}),
    };
    this.terms.set(id, term);
    pty.onData((d) => events.output(id, d));
    pty.onExit((e) => this.finish(term, e.exitCode));
    if (this.paused) pty.pause?.();
    this.watch();
    return { id, ns: owned.ns, ...(notice ? { notice } : {}) };
  }

  private get(id: string): Term {
    const t = this.terms.get(id);
    if (!t) throw new PlainError(`there is no open terminal "${id}"`);
    return t;
  }

  /**
   * Stops (true) or restarts (false) reading every terminal's output. Why:
   * when the reader falls behind (the helper's client), a shell printing
   * without end must block, not grow this process's memory.
   */
  setPaused(paused: boolean): void {
    this.paused = paused;
    for (const t of this.terms.values()) {
      try {
        if (paused) t.pty.pause?.();
        else t.pty.resume?.();
      } catch {
        // A terminal that just ended.
      }
    }
  }

  /** True when terminal `id` is open. */
  has(id: string): boolean {
    return this.terms.has(id);
  }

  input(id: string, data: string): void {
    this.get(id).pty.write(data);
  }

  resize(id: string, cols: number, rows: number): void {
    this.get(id).pty.resize(clamp(cols, 2, 500), clamp(rows, 2, 300));
  }

  close(id: string, reason?: string): void {
    const t = this.get(id);
    this.kill(t, reason);
  }

  /** Closes every terminal of a lab (called when the lab is destroyed). */
  closeLab(lab: string, reason = `lab "${lab}" was destroyed`): void {
    for (const t of [...this.terms.values()]) if (t.lab === lab) this.kill(t, reason);
  }

  /** Closes the terminals a page opened (its window closed or its WebSocket went away). */
  closeOwnedBy(owner: object, reason = 'the page that opened it went away'): void {
    for (const t of [...this.terms.values()]) if (t.owner === owner) this.kill(t, reason);
  }

  closeAll(): void {
    for (const t of [...this.terms.values()]) this.kill(t, 'netplumb is closing');
  }

  /** Open terminals (for tests and the page's tab list). */
  list(): { id: string; lab: string; nodeId: string; ns: string }[] {
    return [...this.terms.values()].map(({ id, lab, nodeId, ns }) => ({ id, lab, nodeId, ns }));
  }

  private kill(t: Term, reason?: string) {
    if (t.closed) return;
    t.closed = true;
    this.terms.delete(t.id);
    try {
      t.pty.kill('SIGHUP');
    } catch {
      // Already gone.
    }
    t.events.exit(t.id, -1, reason);
    this.stopWatchIfIdle();
  }

  private finish(t: Term, code: number) {
    if (t.closed) return;
    t.closed = true;
    this.terms.delete(t.id);
    t.events.exit(t.id, code);
    this.stopWatchIfIdle();
  }

  private watch() {
    if (this.watcher) return;
    this.watcher = setInterval(() => {
      void (async () => {
        for (const t of [...this.terms.values()]) {
          // Why: a shell must not outlive its lab; a re-created namespace of the same name is a different one.
          if ((await netnsInode(t.ns)) !== t.inode)
            this.kill(t, `namespace "${t.ns}" is gone (the lab was destroyed)`);
        }
      })();
    }, 1000);
    this.watcher.unref();
  }

  private stopWatchIfIdle() {
    if (this.terms.size === 0 && this.watcher) {
      clearInterval(this.watcher);
      this.watcher = undefined;
    }
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.floor(n)));
}
