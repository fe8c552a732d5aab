import { describe, expect, it } from 'vitest';
import { loadTopologyText } from './document';
import { serializeTopology } from './serialize';
import type { Topology } from '../model';

const COMMENTED = `# yaml-language-server: $schema=../schema/netplumb.schema.json
# The classic lab, written by hand.
$schema: ../schema/netplumb.schema.json
version: 1
name: demo   # lab name
nodes:
  # first host
  - name: ns1
    kind: namespace
    position: {x: 0, y: 0}

  # second host
  - name: ns2
    kind: namespace
    routes:
      - to: default
        via: 10.0.0.254   # the gateway
links:
  - a: {node: ns1, ifname: veth1, addresses: ['10.0.0.1/24']}
    b: {node: ns2, ifname: veth2, addresses: ['10.0.0.2/24']}
    up_note: x
`.replace('    up_note: x\n', '');

function load(text: string): Topology {
  const r = loadTopologyText(text, 'lab.yaml');
  if (!r.topology) throw new Error(JSON.stringify(r.problems));
  return r.topology;
}

describe('serializeTopology', () => {
  it('writes short YAML: defaults omitted, key order fixed, reads back the same', () => {
    const t = load(COMMENTED);
    const text = serializeTopology(t, { format: 'yaml' });
    expect(text).not.toMatch(/up: true|routes: \[\]|stp:|expect:|annotations:|\bid: ns1/);
    expect(text.indexOf('$schema')).toBeLessThan(text.indexOf('version'));
    expect(text.indexOf('version')).toBeLessThan(text.indexOf('name: demo'));
    expect(text.indexOf('nodes:')).toBeLessThan(text.indexOf('links:'));
    expect(text).toContain('position: { x: 0, y: 0 }');
    expect(text.startsWith('# yaml-language-server: $schema=../schema/netplumb.schema.json\n')).toBe(true);
    expect(load(text)).toEqual(t);
  });

  it('writes JSON that reads back the same', () => {
    const t = load(COMMENTED);
    const text = serializeTopology(t, { format: 'json' });
    expect(JSON.parse(text).nodes[0]).toEqual({ name: 'ns1', kind: 'namespace', position: { x: 0, y: 0 } });
    const back = loadTopologyText(text, 'lab.json').topology;
    expect(back).toEqual(t);
  });

  it('with the original text, an unchanged document is written back byte for byte', () => {
    const t = load(COMMENTED);
    expect(serializeTopology(t, { format: 'yaml', original: COMMENTED })).toBe(COMMENTED);
  });

  it('changes only the changed values when no key or item is added or removed', () => {
    const t = load(COMMENTED);
    t.nodes[0].position = { x: 40, y: 80 };
    t.links[0].b.addresses = ['10.0.0.3/24'];
    t.name = '123';
    const out = serializeTopology(t, { format: 'yaml', original: COMMENTED });
    const expected = COMMENTED.replace('{x: 0, y: 0}', '{x: 40, y: 80}')
      .replace("'10.0.0.2/24'", "'10.0.0.3/24'")
      .replace('name: demo', 'name: "123"');
    expect(out).toBe(expected);
    expect(load(out)).toEqual(t);
  });

  it('keeps comments and key order of untouched parts when nodes are added', () => {
    const t = load(COMMENTED);
    t.nodes[0].position = { x: 40, y: 80 };
    t.links[0].b.addresses = ['10.0.0.3/24'];
    t.nodes.push({ id: 'br0', name: 'br0', kind: 'bridge', stp: false, vlanFiltering: false, addresses: [] });
    const out = serializeTopology(t, { format: 'yaml', original: COMMENTED });
    for (const line of ['# The classic lab, written by hand.', '  # first host', '  # second host']) {
      expect(out).toContain(line);
    }
    expect(out).toMatch(/name: demo +# lab name/);
    expect(out).toMatch(/ {8}via: 10\.0\.0\.254 +# the gateway/);
    expect(out.indexOf('$schema')).toBeLessThan(out.indexOf('version'));
    expect(out).toContain('position: {x: 40, y: 80}');
    expect(out).toContain('10.0.0.3/24');
    expect(out).toMatch(/- name: br0\n {4}kind: bridge\n/);
    expect(out).not.toContain('stp');
    expect(load(out)).toEqual(t);
  });

  it('keeps a comment on a node when an earlier node is removed', () => {
    const t = load(COMMENTED);
    t.nodes.splice(0, 1);
    t.links = [];
    const out = serializeTopology(t, { format: 'yaml', original: COMMENTED });
    expect(out).toContain('# second host');
    expect(out).toContain('# the gateway');
    expect(out).not.toContain('ns1');
    expect(load(out)).toEqual(t);
  });

  it('keeps explicit defaults the author wrote', () => {
    const orig =
      'version: 1\nname: d\nnodes:\n- name: b\n  kind: bridge\n  stp: false # keep this\nlinks: []\n';
    const t = load(orig);
    t.nodes[0].label = 'Switch';
    const out = serializeTopology(t, { format: 'yaml', original: orig });
    expect(out).toContain('stp: false # keep this');
    expect(out).toMatch(/^- name: b\n {2}kind: bridge\n {2}label: Switch\n/m);
    expect(load(out)).toEqual(t);
  });
});

describe('serializeTopology properties', () => {
  it('editing one saved lab into any other reads back as the other (in-place YAML edit); the kept parse of the original is never changed by it', async () => {
    const fc = (await import('fast-check')).default;
    const { arbValidTopology } = await import('../model/arbitraries');
    fc.assert(
      fc.property(arbValidTopology(), arbValidTopology(), fc.boolean(), (x, y, comment) => {
        let original = serializeTopology(x, { format: 'yaml' });
        if (comment)
          original = `# a comment that must survive\n${original.replace('\nnodes:\n', '\n# the nodes\nnodes:\n')}`;
        const out = serializeTopology(y, { format: 'yaml', original });
        expect(load(out)).toEqual(y);
        if (comment) expect(out).toContain('# a comment that must survive');
        expect(serializeTopology(x, { format: 'yaml', original })).toBe(original);
      }),
      { numRuns: 100 },
    );
  });

  it('small edits to a saved lab read back exactly and leave other lines alone', async () => {
    const fc = (await import('fast-check')).default;
    const { arbValidTopology } = await import('../model/arbitraries');
    fc.assert(
      fc.property(arbValidTopology(), fc.integer({ min: -500, max: 500 }), (x, dx) => {
        x.nodes[0].position = { x: 1, y: 1 };
        const original = serializeTopology(x, { format: 'yaml' });
        const y = structuredClone(x);
        y.nodes[0].position = { x: dx, y: 7 };
        const out = serializeTopology(y, { format: 'yaml', original });
        expect(load(out)).toEqual(y);
        const before = original.split('\n');
        const after = out.split('\n');
        // only the moved node's position line differs
        expect(after.length).toBe(before.length);
        expect(after.filter((l, i) => l !== before[i]).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('serializeTopology golden files', () => {
  it.each(['router', 'vlan-bridge'])('examples/%s.yaml written fresh as YAML and JSON', async (name) => {
    const { readFileSync } = await import('node:fs');
    const { golden } = await import('../testing/golden');
    const { dirname, join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const here = dirname(fileURLToPath(import.meta.url));
    const t = load(readFileSync(join(here, '../../examples', `${name}.yaml`), 'utf8'));
    for (const format of ['yaml', 'json'] as const) {
      const text = serializeTopology(t, { format });
      golden(join(here, '__golden__', 'native', `${name}.${format}`), text);
    }
  });
});
