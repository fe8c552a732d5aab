/**
 * The architecture rules in eslint.config.js bite (docs/ARCHITECTURE.md, 14):
 * ESLint's own API lints small snippets placed at paths in the tree and must
 * report an import cycle, a process started outside the runner, the pty
 * module and the helper client, and each layer crossing; the same imports
 * where they are allowed pass; and the tree as it is passes.
 */
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.mjs';

const ROOT = join(import.meta.dirname, '..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The messages ESLint gives `code` as if it were the file at `path` (relative to the repository). */
async function lint(path: string, code: string): Promise<Linter.LintMessage[]> {
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return r.messages;
}
const byRule = (ms: Linter.LintMessage[], rule: string) => ms.filter((m) => m.ruleId === rule);

describe('local/no-import-cycles', () => {
  it('reports an import that closes a loop, naming the loop', async () => {
    // A real edge of the tree, so the snippet closes a real loop.
    expect(importGraph(ROOT, true).get('electron/cli/main.ts')).toContain('electron/cli/command.ts');
    const ms = byRule(
      await lint('electron/cli/command.ts', "import { main } from './main';\nexport const m = main;\n"),
      'local/no-import-cycles',
    );
    expect(ms).toHaveLength(1);
    expect(ms[0].severity).toBe(2);
    expect(ms[0].line).toBe(1);
    expect(ms[0].message).toContain(
      'electron/cli/command.ts → electron/cli/main.ts → electron/cli/command.ts',
    );
  });

  it('counts type-only imports and `export … from`, and a file importing itself', async () => {
    const types = await lint('electron/cli/command.ts', "export type { main } from './main';\n");
    expect(byRule(types, 'local/no-import-cycles')).toHaveLength(1);
    const self = await lint(
      'shared/util/ip.ts',
      "import { parseIp } from './ip';\nexport const p = parseIp;\n",
    );
    expect(byRule(self, 'local/no-import-cycles')).toHaveLength(1);
  });

  it('passes imports that form no loop, and the allow-listed cycles', async () => {
    const ok = await lint(
      'shared/util/lint-probe.ts',
      "import { parseCidr } from './ip';\nexport const p = parseCidr;\n",
    );
    expect(byRule(ok, 'local/no-import-cycles')).toEqual([]);
    const [engine] = await eslint.lintFiles([join(ROOT, 'electron/kernel/engine.ts')]);
    expect(byRule(engine.messages, 'local/no-import-cycles')).toEqual([]);
  });
});

describe('process spawning (no-restricted-imports)', () => {
  const spawnSnippet = "import { spawn } from 'node:child_process';\nexport const s = spawn;\n";
  const execaSnippet = "import { execa } from 'execa';\nexport const e = execa;\n";
  const spawns = (ms: Linter.LintMessage[]) =>
    byRule(ms, 'no-restricted-imports').filter((m) => m.message.includes('processes are started only'));

  it('is refused in the kernel side, the CLI and main', async () => {
    for (const path of [
      'electron/kernel/live/lint-probe.ts',
      'electron/kernel/engine.ts',
      'electron/cli/live-commands.ts',
      'electron/cli/lab-commands.ts',
      'electron/main/lint-probe.ts',
    ]) {
      expect(spawns(await lint(path, spawnSnippet)), path).toHaveLength(1);
      expect(spawns(await lint(path, execaSnippet)), path).toHaveLength(1);
    }
  });

  it('is allowed in the runner, the pty module, the helper client and `netplumb exec`', async () => {
    for (const path of [
      'electron/kernel/runner.ts',
      'electron/kernel/live/pipe-pty.ts',
      'electron/kernel/helper-client.ts',
      'electron/cli/exec-command.ts',
    ])
      expect(spawns(await lint(path, spawnSnippet)), path).toEqual([]);
  });
});

describe('local/layers', () => {
  const layer = async (path: string, spec: string, dynamic = false) =>
    byRule(
      await lint(
        path,
        dynamic
          ? `export const load = () => import('${spec}');\n`
          : `import * as m from '${spec}';\nexport { m };\n`,
      ),
      'local/layers',
    );

  it('reports each crossing the architecture forbids', async () => {
    const bad: [string, string, boolean?][] = [
      ['shared/model/lint-probe.ts', '../../electron/kernel/runner'],
      ['shared/model/lint-probe.ts', '../../renderer/store/store'],
      ['shared/model/lint-probe.ts', '../../scripts/import-graph.mjs'],
      ['renderer/app/lint-probe.tsx', '../../electron/cli/command'],
      ['renderer/app/lint-probe.tsx', '../../electron/kernel/runner'],
      ['electron/kernel/lint-probe.ts', '../cli/command'],
      ['electron/kernel/lint-probe.ts', '../cli', true],
      ['electron/kernel/live/lint-probe.ts', '../../main/policy'],
      ['electron/kernel/lint-probe.ts', '../../renderer/store/store'],
      ['electron/main/lint-probe.ts', '../cli/main'],
      ['electron/main/lint-probe.ts', '../cli/registry', true],
      ['electron/cli/lint-probe.ts', '../main/policy'],
      ['electron/cli/lint-probe.ts', '../../renderer/store/store'],
      ['electron/common/lint-probe.ts', '../kernel/runner'],
      ['electron/preload/lint-probe.ts', '../main/policy'],
    ];
    for (const [path, spec, dynamic] of bad) {
      const ms = await layer(path, spec, dynamic);
      expect(ms, `${path} → ${spec}`).toHaveLength(1);
      expect(ms[0].severity).toBe(2);
    }
  });

  it('passes the imports each layer may make, and tests', async () => {
    const good: [string, string][] = [
      ['shared/model/lint-probe.ts', '../validate/problem'],
      ['renderer/app/lint-probe.tsx', '../../shared/model'],
      ['renderer/app/lint-probe.tsx', '../store/store'],
      ['electron/kernel/lint-probe.ts', '../../shared/plan'],
      ['electron/kernel/lint-probe.ts', '../common/static-files'],
      ['electron/cli/lint-probe.ts', '../kernel/runner'],
      ['electron/cli/lint-probe.ts', '../../shared/model'],
      ['electron/main/lint-probe.ts', '../kernel/handlers'],
      // A test may use any layer to check its own.
      ['electron/kernel/lint-probe.test.ts', '../cli/command'],
      ['shared/model/lint-probe.test.ts', '../../electron/cli/kathara-files'],
    ];
    for (const [path, spec] of good) expect(await layer(path, spec), `${path} → ${spec}`).toEqual([]);
  });
});

describe('the tree', () => {
  it('passes every lint rule', { timeout: 180_000 }, async () => {
    const results = await eslint.lintFiles(['.']);
    expect(results.length).toBeGreaterThan(400);
    const errors = results.flatMap((r) =>
      r.messages
        .filter((m) => m.severity === 2)
        .map((m) => `${r.filePath.slice(ROOT.length + 1)}:${m.line}: ${m.message} (${m.ruleId})`),
    );
    expect(errors).toEqual([]);
  });
});

describe('tests never return an assertion', () => {
  // expect(…).toX() returns an object; fast-check fails a property that returns one.
  it('reports a returned assertion and a property arrow that is one; asserting, then returning, passes', async () => {
    const code = [
      "import fc from 'fast-check';",
      "import { expect, it } from 'vitest';",
      "it('a', () => { fc.assert(fc.property(fc.nat(), (n) => expect(n).toBeGreaterThanOrEqual(0))); });",
      "it('b', () => { fc.assert(fc.property(fc.nat(), (n) => { if (n === 1) return expect(n).not.toBe(2); })); });",
      "it('c', () => { fc.assert(fc.property(fc.nat(), (n) => { if (n === 1) { expect(n).toBe(1); return; } })); });",
      '',
    ].join('\n');
    const ms = byRule(await lint('shared/util/lint-probe.test.ts', code), 'no-restricted-syntax');
    expect(ms.map((m) => m.line)).toEqual([3, 4]);
    expect(ms.map((m) => m.message).join('\n')).toContain('fast-check');
    // Not a test file: the rule does not apply.
    expect(byRule(await lint('shared/util/lint-probe.ts', code), 'no-restricted-syntax')).toEqual([]);
  });
});
