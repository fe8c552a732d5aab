/**
 * The engine's problems (a name taken on the host, a missing kernel feature)
 * carry a node, a link or a path, never a line: the CLI places them in the
 * file (placeProblems), so `apply` says FILE:LINE:COLUMN as `validate` does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { arbValidTopology } from '../../shared/model/arbitraries';
import type { Problem } from '../../shared/validate';
import { loadFile, placeProblems } from './load';

const dir = mkdtempSync(join(tmpdir(), 'netplumb-place-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 1-based lines where the items of top-level list `key` open, found in the text as each syntax lays them out. */
function itemLines(text: string, key: 'nodes' | 'links', json: boolean): number[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => (json ? l === `  "${key}": [` : l === `${key}:`));
  const out: number[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    if (json ? /^ {2}\S/.test(lines[i]) : /^\S/.test(lines[i])) break;
    if (json ? lines[i] === '    {' : lines[i].startsWith('  - ')) out.push(i + 1);
  }
  return out;
}

const problem = (over: Partial<Problem>): Problem => ({
  code: 'foreign-object',
  severity: 'error',
  message: 'taken',
  path: [],
  ...over,
});

describe('placeProblems', () => {
  it("places a node's or a link's problem on the line where it opens, in YAML and JSON (property)", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(arbValidTopology({ maxNodes: 6 }), fc.boolean(), fc.nat(), async (t, json, pick) => {
        const text = json ? JSON.stringify(t, null, 2) : stringify(t);
        const f = join(dir, `t${n++}.${json ? 'json' : 'yaml'}`);
        writeFileSync(f, text);
        const loaded = await loadFile(f);
        expect(loaded.topology).toBeDefined();
        const nodes = itemLines(text, 'nodes', json);
        const links = itemLines(text, 'links', json);
        expect(nodes.length).toBe(t.nodes.length);
        expect(links.length).toBe(t.links.length);
        const given: Problem[] = [];
        const want: (number | undefined)[] = [];
        if (t.nodes.length) {
          const i = pick % t.nodes.length;
          given.push(problem({ nodeId: t.nodes[i].id }));
          want.push(nodes[i]);
        }
        if (t.links.length) {
          const i = pick % t.links.length;
          // A link's problem names its link even when a node is named too.
          given.push(problem({ linkId: t.links[i].id, nodeId: t.links[i].a.node }));
          want.push(links[i]);
        }
        given.push(problem({ nodeId: 'no-such-node' }));
        want.push(undefined);
        const placed = await placeProblems(loaded, given);
        expect(placed.map((p) => p.line)).toEqual(want);
        for (const p of placed) if (p.line !== undefined) expect(p.column).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  it('places by path first, keeps problems already placed, and leaves imported formats alone', async () => {
    const f = join(dir, 'p.yaml');
    writeFileSync(
      f,
      [
        'version: 1',
        'name: place',
        'nodes:',
        '  - { id: a, name: pa, kind: namespace }',
        '  - { id: b, name: pb, kind: namespace }',
        'links:',
        '  - id: l1',
        '    a: { node: a, ifname: eth0 }',
        '    b: { node: b, ifname: eth0 }',
        '',
      ].join('\n'),
    );
    const loaded = await loadFile(f);
    const [byPath, kept] = await placeProblems(loaded, [
      problem({ path: ['links', 0, 'b', 'ifname'], nodeId: 'a' }),
      problem({ nodeId: 'b', line: 99, column: 1 }),
    ]);
    expect([byPath.line, byPath.column]).toEqual([9, 27]);
    expect([kept.line, kept.column]).toEqual([99, 1]);
    const clab = join(dir, 'x.clab.yml');
    writeFileSync(clab, 'name: x\ntopology:\n  nodes:\n    r1: { kind: linux }\n');
    const imported = await loadFile(clab);
    expect(imported.topology).toBeDefined();
    const [p] = await placeProblems(imported, [problem({ nodeId: imported.topology!.nodes[0].id })]);
    expect(p.line).toBeUndefined();
  });
});
