/**
 * No import cycles (docs/ARCHITECTURE.md: each module imports only what comes
 * before it). Type-only imports count: a cycle in types still means two files
 * that cannot be understood one before the other. Fails listing the loop.
 * Lint reports the same per import (eslint-rules/no-import-cycles.mjs); this
 * test also checks the folders of shared/. The cycles still tolerated are
 * listed in eslint-rules/allowed-cycles.mjs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_CYCLE_FILES as ALLOWED } from '../eslint-rules/allowed-cycles.mjs';
import { cycles, folderGraph, importGraph, loopThrough } from './import-graph.mjs';

const ROOT = join(import.meta.dirname, '..');

const ALLOWED_CYCLE_FILES = new Set(ALLOWED);

describe('import graph', () => {
  const graph = importGraph(ROOT, true);

  it('reads the tree', () => {
    expect(graph.size).toBeGreaterThan(100);
    // A known edge, so an empty or broken graph cannot pass silently.
    expect(graph.get('electron/cli/main.ts')).toContain('electron/cli/command.ts');
  });

  it('has no import cycles between files (outside the allow-list)', () => {
    const bad = cycles(graph)
      .filter((c) => !c.every((f) => ALLOWED_CYCLE_FILES.has(f)))
      .map((c) => loopThrough(graph, c).join(' → '));
    expect(bad, 'import cycles (break them: move the shared part to a leaf module)').toEqual([]);
  });

  it('has no cycles between the folders of shared/ (model before validate before plan …)', () => {
    const fg = folderGraph(graph, 'shared/');
    expect(fg.get('shared/validate')).toContain('shared/model');
    expect(cycles(fg).map((c) => loopThrough(fg, c).join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(loopThrough(g, ['a.ts', 'b.ts', 'c.ts'])).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
  });
});
