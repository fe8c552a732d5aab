/**
 * `netplumb serve [--port N] [--open]`: browser mode from the command line.
 * Builds the page if it is not built yet, starts the server on 127.0.0.1,
 * prints a one-time sign-in link (a fresh one each time Enter is pressed)
 * and runs until Ctrl+C.
 */
import { BuildProgress, buildProgressPlugin } from './build-progress';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { APP_ROOT, DEFAULT_RENDER_DIR, startServer, type RunningServer } from './serve';
import { CODE_TTL_MS } from './serve-auth';
import { EXIT } from './command';

export interface ServeFlags {
  port: number;
  open: boolean;
  help: boolean;
}

export const SERVE_USAGE = `usage: netplumb serve [--port N] [--open]

Serves the netplumb page on http://127.0.0.1 (never another address) and
prints a sign-in link. Opening it signs the browser in (a session cookie)
and moves on to the page at a clean address. Each link works once: press
Enter in this terminal for a new one (another browser, or after the browser
was closed). A browser that signed in can change this machine's network
namespaces: do not share a link.

  --port N   listen on port N (default: a free port)
  --open     open the page in the default browser, with a one-time link
             that also expires after two minutes
`;

/** Parses the flags of `netplumb serve`; throws with plain words on a bad one. */
export function parseServeFlags(argv: readonly string[]): ServeFlags {
  const flags: ServeFlags = { port: 0, open: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (name === '--open') flags.open = true;
    else if (name === '--help' || name === '-h') flags.help = true;
    else if (name === '--port' || name === '-p') {
      const v = inline ?? argv[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535)
        throw new Error(
          `--port needs a port number from 0 to 65535 (got ${v === undefined ? 'nothing' : `"${v}"`})`,
        );
      flags.port = Number(v);
    } else throw new Error(`unknown option "${a}" for netplumb serve (try --help)`);
  }
  return flags;
}

/** Newest modification time of the files under `dir` (0 when missing). */
function newestUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestUnder(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** True when the built page is missing or older than renderer/ or shared/. */
export function rendererStale(renderDir = DEFAULT_RENDER_DIR): boolean {
  const index = path.join(renderDir, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return (
    Math.max(newestUnder(path.join(APP_ROOT, 'renderer')), newestUnder(path.join(APP_ROOT, 'shared'))) > built
  );
}

/** Builds the renderer with Vite when it is missing or older than its sources. */
export async function ensureRendererBuilt(
  renderDir = DEFAULT_RENDER_DIR,
  print: (s: string) => void = console.log,
): Promise<void> {
  if (!rendererStale(renderDir)) return;
  print(
    existsSync(path.join(renderDir, 'index.html'))
      ? 'netplumb: the page is older than its sources; rebuilding it with Vite (up to a minute)...'
      : 'netplumb: building the page with Vite (first run only; up to a minute on a small machine)...',
  );
  const progress = new BuildProgress(print);
  const { build } = await import('vite');
  await build({
    configFile: path.join(APP_ROOT, 'renderer', 'vite.config.ts'),
    logLevel: 'warn',
    plugins: [buildProgressPlugin(progress)],
  });
  if (!existsSync(path.join(renderDir, 'index.html')))
    throw new Error(`the page build did not produce ${path.join(renderDir, 'index.html')}`);
  progress.done(path.relative(process.cwd(), renderDir) || renderDir);
}

/** What openInBrowser starts a process with (node's spawn, or a recorder in tests). */
export type Spawner = (
  cmd: string,
  args: string[],
) => { on(ev: 'error', f: () => void): unknown; unref(): void };

const detachedSpawn: Spawner = (cmd, args) => spawn(cmd, args, { stdio: 'ignore', detached: true });

/** Opens the page in the default browser with a fresh one-time sign-in code; returns the argv it ran. */
export function openInBrowser(
  server: Pick<RunningServer, 'signInUrl'>,
  run: Spawner = detachedSpawn,
): string[] {
  // Why a one-time code and not the token: xdg-open's (and the browser's)
  // command line is readable by every local user in /proc/PID/cmdline.
  // The URL is one argv element; no shell.
  const argv = ['xdg-open', server.signInUrl(CODE_TTL_MS)];
  const child = run(argv[0], argv.slice(1));
  child.on('error', () =>
    console.error('netplumb serve: could not open a browser (xdg-open is missing); open the URL yourself'),
  );
  child.unref();
  return argv;
}

/** Runs `netplumb serve`; resolves with the exit code once stopped. */
export async function serveCommand(argv: readonly string[]): Promise<number> {
  let flags: ServeFlags;
  try {
    flags = parseServeFlags(argv);
  } catch (e) {
    console.error(`netplumb serve: ${(e as Error).message}`);
    return EXIT.invalid;
  }
  if (flags.help) {
    process.stdout.write(SERVE_USAGE);
    return EXIT.ok;
  }
  let server: RunningServer;
  try {
    // Why: building the page runs Vite, which compiles and loads the checkout's TypeScript config
    // (a file its user can change); root must never run that. Build it as the user instead.
    if (process.getuid?.() === 0 && rendererStale()) {
      console.error(
        'netplumb serve: the page is not built (or older than its sources), and building it runs code from this checkout, which root must not do.\nBuild it as your normal user first: npm run build:renderer (or run netplumb serve as your user, with the helper installed).',
      );
      return EXIT.invalid;
    }
    await ensureRendererBuilt();
    server = await startServer({ port: flags.port, renderDir: DEFAULT_RENDER_DIR });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'EADDRINUSE'
        ? `port ${flags.port} is already in use (try another --port, or leave it out)`
        : err.message;
    console.error(`netplumb serve: ${why}`);
    return EXIT.invalid;
  }
  const interactive = process.stdin.isTTY === true;
  console.log(
    `netplumb is running in browser mode. Open this link in a browser on this machine (it works once):\n\n  ${server.url}\n\n` +
      (interactive ? 'Press Enter for a new sign-in link, Ctrl+C to stop.' : 'Press Ctrl+C to stop.'),
  );
  if (flags.open) openInBrowser(server);
  // Each link works once, so another browser (or this one after a restart) needs a new one.
  const another = () => console.log(`\nA new sign-in link (it works once):\n\n  ${server.signInUrl()}\n`);
  if (interactive) process.stdin.on('data', another);
  return new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (interactive) {
        process.stdin.off('data', another);
        process.stdin.pause();
      }
      console.log('\nnetplumb serve: stopping');
      void server.close().then(() => resolve(EXIT.ok));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

const isMain = process.argv[1] !== undefined && /serve-command\.(ts|js)$/.test(process.argv[1]);
if (isMain) void serveCommand(process.argv.slice(2)).then((code) => process.exit(code));
