/**
 * The engine reads top to bottom (issue 14): types, then the lab's scope and
 * reading it, ownership, plan execution, recovery, and the engine itself;
 * each of these files imports only the ones before it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph } from '../../scripts/import-graph.mjs';

const ORDER = [
  'electron/kernel/engine-types.ts',
  'electron/kernel/lab-scope.ts',
  'electron/kernel/ownership.ts',
  'electron/kernel/executor.ts',
  'electron/kernel/recovery.ts',
  'electron/kernel/engine.ts',
];

describe('the engine files', () => {
  const graph = importGraph(join(import.meta.dirname, '..', '..'), true);

  it('each imports only engine files that come before it', () => {
    const late: string[] = [];
    ORDER.forEach((file, i) => {
      expect(graph.has(file), file).toBe(true);
      for (const dep of graph.get(file) ?? []) {
        const j = ORDER.indexOf(dep);
        if (j >= i) late.push(`${file} imports ${dep}`);
      }
    });
    expect(late).toEqual([]);
  });

  it('are used in that order: recovery needs the executor, the engine needs recovery', () => {
    // Known edges, so a broken graph cannot pass silently.
    expect(graph.get('electron/kernel/recovery.ts')).toContain('electron/kernel/executor.ts');
    expect(graph.get('electron/kernel/engine.ts')).toContain('electron/kernel/recovery.ts');
  });
});
