#!/usr/bin/env node
/* global process, console, performance */
/**
 * `npm run build` (also run by npm on `npm install`/`npm ci` through
 * `prepare`): bundles the TypeScript that runs outside Electron to plain
 * JavaScript with esbuild, so nothing started at run time — above all nothing
 * started as root — loads TypeScript or a transform cache.
 *
 *   dist/cli.cjs                  the `netplumb` command (bin/netplumb.js), one
 *                                 CommonJS file: each module is evaluated only
 *                                 when a command first uses it.
 *   dist/cli.cjs.cache            V8's code cache of it (scripts/cli-cache.mjs),
 *                                 which bin/cli-bundle.js uses when it was made
 *                                 for exactly that file by the Node that runs it.
 *   dist/privileged-helper.mjs    the privileged helper, one self-contained
 *                                 file: `netplumb helper install` copies it to
 *                                 /usr/lib/netplumb/ and it needs nothing else
 *                                 (node-pty, a native addon, stays external).
 *   dist/nsread                   the native namespace reader (native/*.c),
 *                                 compiled by `cc` when there is one; without
 *                                 it netplumb reads with one `ip` per namespace.
 *
 * Electron's main and preload are built by Forge's Vite plugin (vite.main.config.ts,
 * vite.preload.config.ts) at `npm start`/`npm run make`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// Bundled CommonJS packages (ws, yaml) call require() for Node built-ins; an
// ES module has no require, so each output file makes one.
const banner = {
  js: "import { createRequire as __npCreateRequire } from 'node:module';\nconst require = __npCreateRequire(import.meta.url);",
};

/** Options shared by both bundles (and the bench's bundle of the engine: bench/engine-bundle.ts). */
export const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner,
  // Native addon (loaded lazily, optional) and ws's optional speed-ups stay
  // outside; vite is only used by `netplumb serve` to build the page in a checkout.
  external: ['node-pty', 'bufferutil', 'utf-8-validate', 'vite', 'electron'],
  define: { __NETPLUMB_VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'none',
  logLevel: 'warning',
  sourcemap: 'linked',
  outExtension: { '.js': '.mjs' },
};

export async function build() {
  const t0 = performance.now();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await Promise.all([
    esbuild.build({
      ...common,
      // CommonJS, so that bin/cli-bundle.js can compile it from a code cache
      // (Node 20 has no code cache for ES modules); its require is the wrapper's.
      format: 'cjs',
      banner: { js: "const __npImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      define: { ...common.define, 'import.meta.url': '__npImportMetaUrl' },
      // import() of what stays outside (vite, node-pty) becomes require(): a vm.Script may not
      // call import() in Node 20 without an experimental flag; require() loads ES modules since 20.19.
      supported: { 'dynamic-import': false },
      // A third smaller (names kept, so stack traces still read): less to read, decode and hash
      // at each start, and all ASCII (comments go), which V8 keeps as one byte per character.
      minifyWhitespace: true,
      minifySyntax: true,
      entryPoints: { cli: 'electron/cli/main.ts' },
      outdir: out,
      outExtension: { '.js': '.cjs' },
    }),
    esbuild.build({
      ...common,
      entryPoints: { 'privileged-helper': 'electron/kernel/privileged-helper.ts' },
      outdir: out,
      // One file: installed alone under /usr/lib/netplumb.
      splitting: false,
      sourcemap: false,
    }),
  ]);
  const nsread = buildNsread();
  if (nsread !== 'built nsread') console.error(`netplumb: ${nsread}`);
  const cache = buildCliCache();
  if (cache) console.error(`netplumb: ${cache}`);
  writeFileSync(
    path.join(out, 'build-info.json'),
    JSON.stringify({ version: pkg.version, builtAt: new Date().toISOString() }, null, 2) + '\n',
  );
  return performance.now() - t0;
}

/**
 * Compiles native/*.c into dist/nsread with the system's C compiler (never at
 * run time). Returns what happened in words; a missing compiler or a failed
 * build is not an error: netplumb then reads with one `ip` per namespace.
 */
export function buildNsread(cc = process.env.CC || 'cc', dir = out) {
  const src = path.join(root, 'native');
  const files = existsSync(src) ? readdirSync(src).filter((f) => f.endsWith('.c')) : [];
  if (!files.length) return 'no native sources';
  const r = spawnSync(
    cc,
    ['-O2', '-Wall', '-pthread', '-o', path.join(dir, 'nsread'), ...files.map((f) => path.join(src, f))],
    { encoding: 'utf8' },
  );
  if (r.error || r.status !== 0) {
    rmSync(path.join(dir, 'nsread'), { force: true });
    const why = r.error
      ? `${cc} is not available`
      : `${cc} failed: ${(r.stderr || '').trim().split('\n')[0]}`;
    return `nsread not built (${why}); live reads use one ip process per namespace`;
  }
  return 'built nsread';
}

/**
 * Writes dist/cli.cjs.cache (scripts/cli-cache.mjs) with this Node, in a
 * process of its own without NODE_OPTIONS (V8 refuses a cache made under
 * other flags). Returns why there is none, or undefined: without it the
 * command works, compiling its bundle at each start.
 */
export function buildCliCache(dir = out) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'cli-cache.mjs'), dir], {
    encoding: 'utf8',
    env,
  });
  if (r.error || r.status !== 0) {
    rmSync(path.join(dir, 'cli.cjs.cache'), { force: true });
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-1)[0];
    return `no code cache for the command (${why}); it compiles its bundle at each start`;
  }
  return undefined;
}

/** Newest modification time (ms) of the files the bundles are built from. */
export function newestSource() {
  let t = 0;
  const walk = (p) => {
    const st = statSync(p);
    if (!st.isDirectory()) return void (t = Math.max(t, st.mtimeMs));
    for (const e of readdirSync(p)) if (e !== 'node_modules' && !e.startsWith('.')) walk(path.join(p, e));
  };
  for (const p of [
    'electron',
    'shared',
    'native',
    'scripts/build.mjs',
    'scripts/cli-cache.mjs',
    'bin/cli-bundle.js',
    'package.json',
  ])
    if (existsSync(path.join(root, p))) walk(path.join(root, p));
  return t;
}

/**
 * Whether `prepare` should leave dist/ as it is, and why (undefined: build).
 * - Up to date: npm runs `prepare` on every `npx netplumb` in the checkout
 *   (npx links the project and prepares it), which would rebuild each time.
 * - Root in a checkout another user owns (`sudo npx netplumb helper install`):
 *   Why: a rebuild would leave root-owned files in the user's dist/, and the
 *   user's next build or `npx netplumb` would fail on them.
 */
export function skipReason(uid = process.getuid?.() ?? -1) {
  const info = path.join(out, 'build-info.json');
  const built = existsSync(info) ? statSync(info).mtimeMs : 0;
  if (uid === 0 && statSync(root).uid !== 0) {
    return built
      ? `not rebuilding dist/ as root in a checkout that belongs to uid ${statSync(root).uid}${built < newestSource() ? ' (it is older than its sources: run `npm run build` as that user)' : ''}`
      : undefined;
  }
  return built && built >= newestSource() ? 'dist/ is up to date' : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `npm run build` always builds; `prepare` (npm install, npx) only when needed.
  const skip = process.env.npm_lifecycle_event === 'prepare' ? skipReason() : undefined;
  if (skip) {
    if (!/up to date/.test(skip)) console.error(`netplumb: ${skip}`);
    process.exit(0);
  }
  if (process.getuid?.() === 0 && statSync(root).uid !== 0) {
    console.error(
      `netplumb: refusing to build as root in a checkout that belongs to uid ${statSync(root).uid} (it would leave root-owned files in dist/): run \`npm run build\` as that user`,
    );
    process.exit(1);
  }
  try {
    const ms = await build();
    console.log(`netplumb: built dist/ (cli and privileged helper) in ${Math.round(ms)} ms`);
  } catch (e) {
    console.error(`netplumb: the build failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
