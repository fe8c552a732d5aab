/**
 * The compiled build (scripts/build.mjs, run by `npm install` through prepare
 * and by vitest's globalSetup): what runs at run time is plain JavaScript, the
 * helper is one self-contained file, `--version` loads no command code, and
 * `apply` loads only the code it uses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
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
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('the compiled build', () => {
  it('the privileged helper bundle imports only Node built-ins (and node-pty, the optional native addon)', () => {
    const deps = [...new Set(specifiers(readFileSync(path.join(dist, 'privileged-helper.mjs'), 'utf8')))];
    expect(deps.filter((s) => !isBuiltin(s) && s !== 'node-pty')).toEqual([]);
  });

  it('nothing started at run time uses tsx or loads TypeScript', () => {
    for (const f of ['bin/netplumb.js', 'bin/start.js', 'packaging/netplumb-helper', 'packaging/postinst'])
      expect(read(f), f).not.toMatch(/tsx|\.ts\b/);
    const files = [
      path.join(dist, 'cli.mjs'),
      path.join(dist, 'privileged-helper.mjs'),
      ...readdirSync(path.join(dist, 'chunks'))
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => path.join(dist, 'chunks', f)),
    ];
    for (const f of files) {
      const deps = specifiers(readFileSync(f, 'utf8'));
      expect(
        deps.filter((s) => /tsx|\.tsx?$/.test(s)),
        f,
      ).toEqual([]);
    }
  });

  it('`--version` loads no command module: cli.mjs imports the command table only on demand', () => {
    const cli = readFileSync(path.join(dist, 'cli.mjs'), 'utf8');
    const staticImports = [...cli.matchAll(/^import\s[^;]*?["']([^"']+)["']/gms)].map((m) => m[1]);
    const dynamic = [...cli.matchAll(/import\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(dynamic.some((s) => /\/registry-/.test(s))).toBe(true);
    expect(staticImports.some((s) => /\/(registry|lab-commands)-/.test(s))).toBe(false);
    const out = execFileSync(process.execPath, [path.join(root, 'bin', 'netplumb.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(out).toBe(`netplumb ${JSON.parse(read('package.json')).version}\n`);
  });

  it('`apply FILE.json` loads only what it uses: no YAML parser, importer, helper client or zod locale; the registry no command work', () => {
    const chunks = path.join(dist, 'chunks');
    const code = new Map(
      readdirSync(chunks)
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => [path.join(chunks, f), readFileSync(path.join(chunks, f), 'utf8')]),
    );
    code.set(path.join(dist, 'cli.mjs'), readFileSync(path.join(dist, 'cli.mjs'), 'utf8'));
    // esbuild heads each bundled source with a `// path` comment.
    const chunkOf = (source: string) => [...code].find(([, c]) => c.includes(`\n// ${source}\n`))![0];
    /** A chunk and the chunks it imports statically, transitively (what loading it loads). */
    const closure = (...starts: string[]) => {
      const seen = new Set<string>();
      const todo = [...starts];
      while (todo.length) {
        const f = todo.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        for (const m of code.get(f)!.matchAll(/^import\s*(?:[^;]*?\sfrom\s*)?["'](\.[^"']+)["'];?$/gm))
          todo.push(path.resolve(path.dirname(f), m[1]));
      }
      return [...seen].map((f) => code.get(f)!).join('\n');
    };
    const sources = (text: string) => [...text.matchAll(/^\/\/ (\S+)$/gm)].map((m) => m[1]);
    const registry = closure(path.join(dist, 'cli.mjs'), chunkOf('electron/cli/registry.ts'));
    // What apply runs: the command's work, the JSON reader and the engine; the rest loads on demand.
    const apply = closure(
      path.join(dist, 'cli.mjs'),
      chunkOf('electron/cli/registry.ts'),
      chunkOf('electron/cli/lab-run.ts'),
      chunkOf('electron/kernel/engine.ts'),
    );
    expect(sources(apply)).toContain('shared/formats/text-load.ts');
    expect(sources(apply)).toContain('electron/kernel/engine.ts');
    expect(
      sources(apply).filter((s) =>
        /^node_modules\/(yaml|ws)\/|^node_modules\/zod\/v4\/locales\/(?!en\.js)|^shared\/formats\/(clab|kathara|core|miniedit|document)\.ts$|^electron\/kernel\/(helper-client|privilege)\.ts$/.test(
          s,
        ),
      ),
    ).toEqual([]);
    expect(
      sources(registry).filter((s) =>
        /^node_modules\/|^shared\/(validate|model|formats\/index)|^electron\/kernel\/(?!import-host-name|install\/paths|root-check)/.test(
          s,
        ),
      ),
    ).toEqual([]);
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
