/**
 * No containerlab node setting vanishes silently: every key of containerlab's
 * node-config (its JSON schema, listed in __fixtures__/clab/node-config-keys.json)
 * is either one the import maps or named in a warning at the line that sets
 * it, whether it is set on the node, in `kinds:`, `groups:` or `defaults:`.
 * A key containerlab may add later is treated the same way.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromClab } from './clab';
import { MAPPED_NODE_KEYS } from './clab-import-nodes';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCHEMA_KEYS: string[] = JSON.parse(
  readFileSync(join(HERE, '__fixtures__', 'clab', 'node-config-keys.json'), 'utf8'),
).keys;

type Layer = 'nodes' | 'kinds' | 'groups' | 'defaults';
const LAYERS: Layer[] = ['nodes', 'kinds', 'groups', 'defaults'];

/** A lab whose node n1 (kind linux, in group g) gets `key: value` from `layer`; returns the text and the key's line. */
function labWith(key: string, value: unknown, layer: Layer): { text: string; line: number } {
  const set = (indent: number) => `${' '.repeat(indent)}${key}: ${JSON.stringify(value)}`;
  const lines = ['name: keys', 'topology:'];
  let line = 0;
  const put = (indent: number) => {
    lines.push(set(indent));
    line = lines.length;
  };
  if (layer === 'defaults') {
    lines.push('  defaults:');
    put(4);
  }
  if (layer === 'kinds') {
    lines.push('  kinds:', '    linux:');
    put(6);
  }
  if (layer === 'groups') {
    lines.push('  groups:', '    g:');
    put(6);
  }
  lines.push('  nodes:', '    n1:', '      kind: linux', '      group: g');
  if (layer === 'nodes') put(6);
  lines.push('    n2:', '      kind: linux', '  links:', '    - endpoints: ["n1:eth1", "n2:eth1"]');
  return { text: lines.join('\n') + '\n', line };
}

/** The warnings that name `key` at `line`. */
const warnedAt = (key: string, value: unknown, layer: Layer) => {
  const { text, line } = labWith(key, value, layer);
  const r = fromClab(text, '/labs/keys/keys.clab.yml');
  return {
    r,
    hits: r.problems.filter(
      (p) => p.severity === 'warning' && p.line === line && p.message.includes(`setting ${key}:`),
    ),
  };
};

const anyValue = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9 ./:=-]{0,20}$/),
  fc.integer({ min: 1, max: 9999 }),
  fc.boolean(),
  fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9./:-]{0,12}$/), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/), fc.stringMatching(/^[a-z0-9]{1,8}$/), {
    minKeys: 1,
    maxKeys: 3,
  }),
);

describe('containerlab node settings: mapped or warned, never silently dropped', () => {
  it('the schema list is the real one', () => {
    expect(SCHEMA_KEYS.length).toBeGreaterThan(40);
    for (const k of ['type', 'env', 'dns', 'aliases', 'cpu', 'memory', 'healthcheck', 'stages', 'labels'])
      expect(SCHEMA_KEYS).toContain(k);
    // every key the import maps is a containerlab node setting
    for (const k of MAPPED_NODE_KEYS) expect(SCHEMA_KEYS).toContain(k);
  });

  it.each(SCHEMA_KEYS.filter((k) => !MAPPED_NODE_KEYS.has(k)))(
    '%s is warned at its line on the node, in kinds:, groups: and defaults:',
    (key) => {
      for (const layer of LAYERS) {
        const { r, hits } = warnedAt(key, 'x', layer);
        expect(r.topology, `${key} in ${layer}`).toBeDefined();
        expect(
          hits,
          `${key} in ${layer}: ${r.problems.map((p) => `${p.line} ${p.message}`).join('\n')}`,
        ).toHaveLength(1);
        expect(hits[0].code).toBe('clab-dropped');
        expect(hits[0].message).toContain('"n1"');
      }
    },
  );

  it('any value of any setting the import does not map, in any layer, is warned at its line', () => {
    const key = fc.oneof(
      fc.constantFrom(...SCHEMA_KEYS.filter((k) => !MAPPED_NODE_KEYS.has(k))),
      // a setting a later containerlab may add
      fc
        .stringMatching(/^[a-z][a-z0-9-]{2,15}$/)
        .filter((k) => !MAPPED_NODE_KEYS.has(k) && !SCHEMA_KEYS.includes(k)),
    );
    fc.assert(
      fc.property(key, anyValue, fc.constantFrom(...LAYERS), (k, v, layer) => {
        expect(warnedAt(k, v, layer).hits).toHaveLength(1);
      }),
    );
  });

  it('a network-mode the import does not read is warned at its line, not ignored', () => {
    const { text, line } = labWith('network-mode', 'macvlan0', 'groups');
    const r = fromClab(text, 'x.clab.yml');
    expect(r.problems.filter((p) => p.message.includes('network-mode'))).toMatchObject([
      { line, message: expect.stringContaining('a namespace of its own') },
    ]);
    for (const quiet of ['none', 'bridge'])
      expect(fromClab(labWith('network-mode', quiet, 'nodes').text, 'keys.clab.yml').problems).toEqual([]);
  });

  it('type is kept with kind and image (set on the node or inherited) and written back by the export', async () => {
    const { toClab } = await import('./clab-export');
    for (const where of ['kinds', 'nodes'] as const) {
      const { text } = labWith('type', 'ixr-d3l', where);
      const r = fromClab(text, 'x.clab.yml');
      expect(r.problems.filter((p) => p.message.includes('setting type'))).toEqual([]);
      const n1 = r.topology!.nodes.find((n) => n.name === 'n1')!;
      expect(n1.origin?.type).toBe('ixr-d3l');
      expect(toClab(r.topology!).text).toMatch(/\n\s+type: ixr-d3l\n/);
    }
  });

  it("labels other than netplumb's own are named; netplumb's own are read without a word", () => {
    const own = warnedAt(
      'labels',
      { 'graph-posX': '10', 'graph-posY': '20', 'netplumb.label': 'A' },
      'nodes',
    );
    expect(own.r.problems.filter((p) => p.message.includes('labels'))).toEqual([]);
    expect(own.r.topology!.nodes.find((n) => n.name === 'n1')).toMatchObject({
      label: 'A',
      position: { x: 10, y: 20 },
    });
    const { text, line } = labWith('labels', { 'graph-posX': '10', team: 'blue' }, 'nodes');
    const r = fromClab(text, 'x.clab.yml');
    expect(r.problems.filter((p) => p.message.includes('setting labels:'))).toMatchObject([
      { line, message: expect.stringContaining('{"team":"blue"}') },
    ]);
  });
});
