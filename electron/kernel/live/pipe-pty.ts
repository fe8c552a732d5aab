/**
 * A fallback terminal when node-pty cannot be loaded (e.g. the native addon
 * was built for another Node/Electron ABI, or could not be built at all):
 * util-linux `script -qefc CMD /dev/null` allocates the pty itself and we
 * talk to it through pipes.
 * Limits: the window size is set once at start (`stty`) and resize is
 * applied by sending `stty` to the shell only when it is idle, so it is not
 * offered; everything else (echo, line editing, job control) works.
 */
import { spawn } from 'node:child_process';

/**
 * A terminal's process: the part of node-pty's IPty that terminals.ts uses,
 * which the pipe fallback here provides too. Defined once, here.
 */
export interface Pty {
  onData(cb: (d: string) => void): { dispose(): void };
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): { dispose(): void };
  write(d: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  /** Stops reading output (the program blocks once the pipe is full); resume() reads again. */
  pause?(): void;
  resume?(): void;
  pid: number;
  /** The pty's slave device (node-pty on Unix; the pipe fallback has none). */
  ptsName?: string;
}

/** Single-quotes a word for sh (script -c takes a command line). */
export function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts `argv` (e.g. `ip netns exec NS setpriv ... bash -l`) under `script`,
 * sized cols x rows.
 */
export function spawnPipePty(
  argv: readonly string[],
  cols: number,
  rows: number,
  env: Record<string, string>,
  cwd = '/',
): Pty {
  // Why every word is quoted: script -c hands the line to sh, and the words
  // (namespace name, shell path) must stay single words whatever they contain.
  const shell = env.SHELL ? ['env', `SHELL=${env.SHELL}`] : [];
  const command = `stty cols ${Math.floor(cols)} rows ${Math.floor(rows)} 2>/dev/null; exec ${[...shell, ...argv].map(quote).join(' ')}`;
  // Why SHELL=/bin/sh for script itself: script runs the line with $SHELL, as
  // this process's user; the shell the user asked for is restored inside.
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...env, SHELL: '/bin/sh' },
    cwd,
  });
  const data: ((d: string) => void)[] = [];
  const exit: ((e: { exitCode: number; signal?: number }) => void)[] = [];
  const emit = (b: Buffer) => data.forEach((cb) => cb(b.toString('utf8')));
  child.stdout!.on('data', emit);
  child.stderr!.on('data', emit);
  child.on('close', (code) => exit.forEach((cb) => cb({ exitCode: code ?? -1 })));
  child.on('error', () => exit.forEach((cb) => cb({ exitCode: 127 })));
  const sub = <T>(list: T[], cb: T) => (list.push(cb), { dispose: () => list.splice(list.indexOf(cb), 1) });
  return {
    pid: child.pid ?? -1,
    onData: (cb) => sub(data, cb),
    onExit: (cb) => sub(exit, cb),
    write: (d) => void child.stdin!.write(d),
    resize: () => {},
    kill: (signal) => void child.kill((signal as NodeJS.Signals) ?? 'SIGHUP'),
    pause: () => (child.stdout!.pause(), child.stderr!.pause()),
    resume: () => (child.stdout!.resume(), child.stderr!.resume()),
  };
}
