/**
 * The compiled build (scripts/build.mjs, run by `npm install` through prepare
 * and by vitest's globalSetup): what runs at run time is plain JavaScript, the
 * helper is one self-contained file, `--version` loads no command code, a
 * command evaluates only the modules it uses, and the command's code cache is
 * used only when it is exactly its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wrap } from '../bin/cli-bundle.js';
import { buildNsread, skipReason } from './build.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const read = (f: string) => readFileSync(path.join(root, f), 'utf8');
/** Module specifiers a bundle imports (static, dynamic and require). */
const specifiers = (code: string) =>
  [
    ...code.matchAll(
      /(?:\bfrom\s*(["'])([^"'\s]+)\1\s*;|\bimport\s*\(\s*(["'])([^"'\s]+)\3\s*\)|\brequire\s*\(\s*(["'])([^"'\s]+)\5\s*\)|^import\s+(["'])([^"'\s]+)\7)/gm,
    ),
  ].map((m) => m[2] ?? m[4] ?? m[6] ?? m[8]);
const isBuiltin = (s: string) =>
  s.startsWith('node:') ||
  [
    'fs',
    'path',
    'child_process',
    'os',
    'util',
    'events',
    'stream',
    'crypto',
    'url',
    'tty',
    'net',
    'http',
    'https',
    'zlib',
    'buffer',
  ].includes(s);

/**
 * Which source a character of dist/cli.cjs was bundled from, by its source
 * map (dist/cli.cjs.map, version 3): `sources` and the base64-VLQ `mappings`.
 */
function bundleSources(): (offset: number) => string {
  const bundle = readFileSync(path.join(dist, 'cli.cjs'), 'utf8');
  const map = JSON.parse(readFileSync(path.join(dist, 'cli.cjs.map'), 'utf8')) as {
    sources: string[];
    mappings: string;
  };
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  /** Each generated line's segments: [column, source index], in column order. */
  const lines: [number, number][][] = [];
  let src = 0;
  for (const line of map.mappings.split(';')) {
    const segs: [number, number][] = [];
    let col = 0;
    for (const seg of line ? line.split(',') : []) {
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = digits.indexOf(ch);
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += values[0];
      if (values.length >= 4) {
        src += values[1];
        segs.push([col, src]);
      }
    }
    lines.push(segs);
  }
  const starts = [0];
  for (let i = bundle.indexOf('\n'); i >= 0; i = bundle.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let line = starts.length - 1;
    while (starts[line] > offset) line--;
    const col = offset - starts[line];
    const segs = lines[line] ?? [];
    let found: number | undefined;
    for (const [c, s] of segs) {
      if (c > col) break;
      found = s;
    }
    return found === undefined ? '' : path.relative(root, path.resolve(dist, map.sources[found]));
  };
}

describe('the compiled build', () => {
  it('the privileged helper bundle imports only Node built-ins (and node-pty, the optional native addon)', () => {
    const deps = [...new Set(specifiers(readFileSync(path.join(dist, 'privileged-helper.mjs'), 'utf8')))];
    expect(deps.filter((s) => !isBuiltin(s) && s !== 'node-pty')).toEqual([]);
  });

  it('nothing started at run time uses tsx or loads TypeScript', () => {
    for (const f of [
      'bin/netplumb.js',
      'bin/cli-bundle.js',
      'bin/engine-client.js',
      'bin/start.mjs',
      'packaging/netplumb-helper',
      'packaging/postinst',
    ])
      expect(read(f), f).not.toMatch(/tsx|\.ts\b/);
    for (const f of [path.join(dist, 'cli.cjs'), path.join(dist, 'privileged-helper.mjs')]) {
      const deps = specifiers(readFileSync(f, 'utf8'));
      expect(
        deps.filter((s) => /tsx|\.tsx?$/.test(s)),
        f,
      ).toEqual([]);
    }
  });

  it('the command bundle calls no import() (a vm.Script may not in Node 20) and requires only built-ins and the externals', () => {
    const cli = readFileSync(path.join(dist, 'cli.cjs'), 'utf8');
    expect(cli).not.toMatch(/(?<![.\w$])import\(/);
    const deps = [...new Set(specifiers(cli))];
    expect(
      deps.filter(
        (s) =>
          !builtinModules.includes(s.replace(/^node:/, '')) &&
          !['node-pty', 'vite', 'electron', 'bufferutil', 'utf-8-validate'].includes(s),
      ),
    ).toEqual([]);
  });

  it('`--version` is answered from the build record, without the command bundle', () => {
    const co = mkdtempSync(path.join(tmpdir(), 'np-version-'));
    try {
      mkdirSync(path.join(co, 'bin'));
      mkdirSync(path.join(co, 'dist'));
      for (const f of ['netplumb.js', 'cli-bundle.js', 'package.json'])
        copyFileSync(path.join(root, 'bin', f), path.join(co, 'bin', f));
      copyFileSync(path.join(dist, 'build-info.json'), path.join(co, 'dist', 'build-info.json'));
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(co, 'bin', 'netplumb.js'), ...args], { encoding: 'utf8' });
      const v = run('--version');
      expect(v.status).toBe(0);
      expect(v.stdout).toBe(`netplumb ${JSON.parse(read('package.json')).version}\n`);
      // Any other command needs the bundle, and says how to build it.
      const other = run('validate', 'x.yaml');
      expect(other.status).toBe(1);
      expect(other.stderr).toContain('dist/cli.cjs is missing');
      expect(other.stderr).toContain('npm run build');
    } finally {
      rmSync(co, { recursive: true, force: true });
    }
  });

  it("the command starts without Node's ES-module loader (bin/ is CommonJS, and loads no node:module)", (ctx) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'np-esm-probe-'));
    try {
      // Preloaded into each run: says on exit whether Node loaded its ES-module loader.
      const probe = path.join(dir, 'probe.cjs');
      writeFileSync(
        probe,
        "process.on('exit', () => process.stderr.write('\\nesm-loader: ' + process.moduleLoadList.some((m) => m.endsWith('internal/modules/esm/loader')) + '\\n'));",
      );
      const loader = (...args: string[]) => {
        const r = spawnSync(process.execPath, ['--require', probe, ...args], { encoding: 'utf8', cwd: root });
        expect(r.status, r.stderr).toBe(0);
        return /esm-loader: (true|false)\n/.exec(r.stderr)?.[1];
      };
      writeFileSync(path.join(dir, 'bare.cjs'), '');
      writeFileSync(path.join(dir, 'bare.mjs'), '');
      // The probe sees the loader where an ES module runs (so this test can fail) ...
      expect(loader(path.join(dir, 'bare.mjs'))).toBe('true');
      // ... and a newer Node may load it for every script: nothing for the command to save then.
      if (loader(path.join(dir, 'bare.cjs')) !== 'false')
        return ctx.skip(`Node ${process.version} loads its ES-module loader for every script`);
      const bin = path.join(root, 'bin', 'netplumb.js');
      expect(loader(bin, '--version')).toBe('false');
      expect(loader(bin, '--help')).toBe('false');
      expect(loader(bin, 'validate', 'examples/linux-bridge.yaml')).toBe('false');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a command evaluates only the modules it uses: plan FILE.json runs no YAML parser, importer, other zod locale or (as root) helper client; --help no command work', () => {
    const sourceAt = bundleSources();
    const prefix = wrap('').indexOf('{') + 1;
    /** The sources with a function that ran (V8's coverage of the bundle). */
    const ran = (...args: string[]) => {
      const cov = mkdtempSync(path.join(tmpdir(), 'np-coverage-'));
      try {
        const r = spawnSync(process.execPath, [path.join(root, 'bin', 'netplumb.js'), ...args], {
          encoding: 'utf8',
          env: { ...process.env, NODE_V8_COVERAGE: cov },
        });
        expect(r.error).toBeUndefined();
        expect(r.stderr).not.toMatch(/not valid|Error/);
        const scripts = readdirSync(cov).flatMap(
          (f) =>
            (
              JSON.parse(readFileSync(path.join(cov, f), 'utf8')) as {
                result: { url: string; functions: { ranges: { startOffset: number; count: number }[] }[] }[];
              }
            ).result,
        );
        const cli = scripts.find((s) => s.url.endsWith('/dist/cli.cjs'));
        expect(cli, 'coverage of dist/cli.cjs').toBeDefined();
        const out = new Set<string>();
        for (const fn of cli!.functions) {
          const first = fn.ranges[0];
          // The wrapper and the bundle's own top level (esbuild's helpers, the entry's static imports) always run.
          if (first.count > 0 && first.startOffset > prefix) out.add(sourceAt(first.startOffset - prefix));
        }
        return [...out];
      } finally {
        rmSync(cov, { recursive: true, force: true });
      }
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'np-lazy-'));
    try {
      const file = path.join(dir, 'lab.json');
      writeFileSync(
        file,
        JSON.stringify({
          version: 1,
          name: `lazy-${process.pid}`,
          nodes: [
            { name: `lz${process.pid % 10000}a`, kind: 'namespace' },
            { name: `lz${process.pid % 10000}b`, kind: 'namespace' },
          ],
          links: [
            {
              id: 'l',
              a: { node: `lz${process.pid % 10000}a`, ifname: 'eth0' },
              b: { node: `lz${process.pid % 10000}b`, ifname: 'eth0' },
            },
          ],
        }),
      );
      // plan only reads the host: as root through this process's engine, else the helper or a refusal.
      const plan = ran('plan', file);
      expect(plan).toContain('shared/formats/text-load.ts');
      expect(plan).toContain('shared/validate/index.ts');
      if (process.getuid?.() === 0) expect(plan).toContain('electron/kernel/engine.ts');
      const forbidden = new RegExp(
        '^node_modules/(yaml|ws)/|^node_modules/zod/v4/locales/(?!en\\.js$|index\\.js$)|^shared/formats/(clab|kathara|core|miniedit|document)\\.ts$' +
          (process.getuid?.() === 0 ? '|^electron/kernel/(helper-client|privilege)\\.ts$' : ''),
      );
      expect(plan.filter((s) => forbidden.test(s))).toEqual([]);
      const help = ran('--help');
      expect(help).toContain('electron/cli/registry.ts');
      expect(
        help.filter((s) =>
          /^node_modules\/|^shared\/(validate|model|formats\/index)|^electron\/kernel\/(?!import-host-name|install\/paths|root-check)/.test(
            s,
          ),
        ),
      ).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the command runs from the code cache the build made for this Node, and from no cache that is not exactly its own', () => {
    const co = mkdtempSync(path.join(tmpdir(), 'np-cache-'));
    try {
      const bundleFile = path.join(co, 'cli.cjs');
      copyFileSync(path.join(dist, 'cli.cjs'), bundleFile);
      copyFileSync(path.join(dist, 'cli.cjs.cache'), bundleFile + '.cache');
      /** What became of the cache when a fresh node loads the bundle, and whether the command still works. */
      const state = () => {
        const r = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const { loadBundle } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'bin', 'cli-bundle.js')).href)});
             const b = loadBundle(${JSON.stringify(bundleFile)});
             const code = await b.exports.main(['validate', ${JSON.stringify(path.join(root, 'examples', 'linux-bridge.yaml'))}]);
             console.error('cache=' + b.cache + ' exit=' + code);`,
          ],
          { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
        );
        return /cache=(\w+) exit=(\d+)/.exec(r.stderr)?.slice(1).join(' ') ?? r.stderr;
      };
      expect(state()).toBe('used 0');
      // Another bundle of the same length (V8 alone would take the cache for it): not used.
      const text = readFileSync(bundleFile, 'utf8');
      const i = text.indexOf('netplumb');
      writeFileSync(bundleFile, text.slice(0, i) + 'Netplumb' + text.slice(i + 8));
      expect(readFileSync(bundleFile).length).toBe(Buffer.byteLength(text));
      expect(state()).toBe('stale 0');
      writeFileSync(bundleFile, text);
      // Another Node's cache, or a cache of another layout: not passed to V8.
      const cache = readFileSync(bundleFile + '.cache');
      const nl = cache.indexOf(10);
      const header = cache.toString('latin1', 0, nl);
      writeFileSync(
        bundleFile + '.cache',
        Buffer.concat([
          Buffer.from(header.replace(/ v\d+\.\d+\.\d+ /, ' v1.0.0 ') + '\n'),
          cache.subarray(nl + 1),
        ]),
      );
      expect(state()).toBe('stale 0');
      writeFileSync(bundleFile + '.cache', cache.subarray(nl + 1));
      expect(state()).toBe('stale 0');
      rmSync(bundleFile + '.cache');
      expect(state()).toBe('none 0');
      if (process.getuid?.() === 0) {
        // Root takes no code another user could have written.
        writeFileSync(bundleFile + '.cache', cache);
        chownSync(bundleFile + '.cache', 65534, 65534);
        expect(state()).toBe('untrusted 0');
        chownSync(bundleFile + '.cache', 0, 0);
        chmodSync(bundleFile + '.cache', 0o666);
        expect(state()).toBe('untrusted 0');
        chmodSync(bundleFile + '.cache', 0o644);
        expect(state()).toBe('used 0');
      }
    } finally {
      rmSync(co, { recursive: true, force: true });
    }
  });

  it('runs on npm install: package.json builds on prepare, with esbuild installed', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.scripts.prepare).toBe('node scripts/build.mjs');
    expect(pkg.devDependencies.esbuild).toBeDefined();
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.optionalDependencies['node-pty']).toBeDefined();
    expect(pkg.dependencies['node-pty']).toBeUndefined();
  });

  it('prepare leaves an up-to-date dist/ alone (npx runs prepare on every `npx netplumb` in the checkout)', () => {
    // vitest's globalSetup has just built dist/ from these sources.
    expect(skipReason(1000)).toBe('dist/ is up to date');
  });

  it.skipIf(process.getuid?.() !== 0)(
    'as root in a checkout another user owns, prepare writes nothing, and a build is refused',
    () => {
      // `sudo npx netplumb helper install` runs prepare as root in the user's checkout.
      const co = mkdtempSync(path.join(tmpdir(), 'np-build-owner-'));
      try {
        mkdirSync(path.join(co, 'scripts'));
        copyFileSync(path.join(root, 'scripts', 'build.mjs'), path.join(co, 'scripts', 'build.mjs'));
        copyFileSync(path.join(root, 'package.json'), path.join(co, 'package.json'));
        symlinkSync(path.join(root, 'node_modules'), path.join(co, 'node_modules'));
        mkdirSync(path.join(co, 'dist'));
        writeFileSync(path.join(co, 'dist', 'build-info.json'), "the user's build\n");
        chownSync(co, 65534, 65534);
        const run = (event: string) =>
          spawnSync(process.execPath, [path.join(co, 'scripts', 'build.mjs')], {
            encoding: 'utf8',
            env: { ...process.env, npm_lifecycle_event: event },
          });
        const prepared = run('prepare');
        expect(prepared.status, prepared.stderr).toBe(0);
        expect(prepared.stderr).toContain(
          'not rebuilding dist/ as root in a checkout that belongs to uid 65534',
        );
        expect(readdirSync(path.join(co, 'dist'))).toEqual(['build-info.json']);
        expect(readFileSync(path.join(co, 'dist', 'build-info.json'), 'utf8')).toBe("the user's build\n");
        const built = run('build');
        expect(built.status).toBe(1);
        expect(built.stderr).toContain('refusing to build as root in a checkout that belongs to uid 65534');
        expect(readdirSync(path.join(co, 'dist'))).toEqual(['build-info.json']);
      } finally {
        rmSync(co, { recursive: true, force: true });
      }
    },
  );
});

describe('nsread, the native reader, at build time', () => {
  it('is compiled by cc when there is one, and its absence is not a build failure', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netplumb-nsread-build-'));
    try {
      const none = buildNsread('/nonexistent/cc', dir);
      expect(none).toMatch(
        /^nsread not built \(\/nonexistent\/cc is not available\); live reads use one ip process per namespace$/,
      );
      expect(readdirSync(dir)).toEqual([]);
      const cc = spawnSync('cc', ['--version']);
      if (cc.error) return; // no compiler here: the fallback above is all there is to check
      expect(buildNsread('cc', dir)).toBe('built nsread');
      expect(execFileSync(path.join(dir, 'nsread'), ['--version'], { encoding: 'utf8' })).toBe('nsread 1\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
