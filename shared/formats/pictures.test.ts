import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadTopologyText } from './document';
import { toMermaid } from './mermaid';
import { toSvg } from './svg';
import { autoLayout, LAYOUT, withPositions } from './layout';
import { arbValidTopology } from '../model/arbitraries';
import { golden as goldenFile } from '../testing/golden';
import type { Topology } from '../model';

const HERE = dirname(fileURLToPath(import.meta.url));
const EXAMPLES = join(HERE, '../../examples');

/** Compares with a golden file under __golden__/; UPDATE_GOLDEN=1 rewrites it. */
const golden = (rel: string, actual: string) => goldenFile(join(HERE, '__golden__', rel), actual);
const example = (name: string): Topology =>
  loadTopologyText(readFileSync(join(EXAMPLES, `${name}.yaml`), 'utf8'), `${name}.yaml`).topology!;
const unpositioned = (t: Topology): Topology => ({
  ...t,
  nodes: t.nodes.map(({ position: _p, ...n }) => n) as Topology['nodes'],
});

/** Tags open and close in order, attributes are quoted, and text holds no raw markup characters. */
function checkWellFormed(svg: string) {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of svg.matchAll(tag)) {
    const text = svg.slice(last, m.index);
    expect(text, 'raw markup in text').not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
    last = m.index! + m[0].length;
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]);
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

/** Node shape per kind, as Mermaid brackets spell it. */
const MERMAID_SHAPE: Record<Topology['nodes'][number]['kind'], string> = {
  namespace: '()',
  router: '(())',
  bridge: '{{}}',
  host: '[[]]',
};

/** A small reader of the Mermaid subset toMermaid writes: node, edge, class and comment lines. */
function parseMermaid(text: string) {
  const [header, ...lines] = text.trimEnd().split('\n');
  const nodes: { id: string; shape: string; label: string }[] = [];
  const edges: { from: string; to: string; arrow: string; label: string }[] = [];
  const classOf = new Map<string, string>();
  const rest: string[] = [];
  for (const line of lines) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^ {2}(n\d+)(\(\(|\(|\{\{|\[\[)"([^"]*)"(\)\)|\)|\}\}|\]\])$/)))
      nodes.push({ id: m[1], shape: m[2] + m[4], label: m[3] });
    else if ((m = line.match(/^ {2}(n\d+) (---|-\.-)\|"([^"]*)"\| (n\d+)$/)))
      edges.push({ from: m[1], arrow: m[2], label: m[3], to: m[4] });
    else if ((m = line.match(/^ {2}class ([\w,]+) (\w+)$/)))
      for (const id of m[1].split(',')) classOf.set(id, m[2]);
    else if (!/^ {2}(classDef \w+ .+|%% .*)$/.test(line)) rest.push(line);
  }
  return { header, nodes, edges, classOf, rest };
}

const HOSTILE = [
  '<script>alert(1)</script>',
  'a&b',
  '"quoted"',
  "it's",
  'x|y',
  'line\nbreak',
  '#35;',
  ']]>',
  '\u0001ctl',
];

describe('mermaid', () => {
  it.each(['linux-bridge', 'router', 'campus', 'vlan-bridge'])(
    'examples/%s.yaml renders as the golden file',
    (name) => {
      golden(`mermaid/${name}.mmd`, toMermaid(example(name)));
    },
  );

  it.each(['linux-bridge', 'router', 'campus', 'vlan-bridge'])(
    'examples/%s.yaml parses back to its nodes (shaped by kind) and links',
    (name) => {
      const t = example(name);
      const g = parseMermaid(toMermaid(t));
      expect(g.header).toBe('graph LR');
      expect(g.rest, 'every line is a node, an edge, a class or a comment').toEqual([]);
      expect(g.nodes).toHaveLength(t.nodes.length);
      const idOf = new Map<string, string>();
      for (const n of t.nodes) {
        const found = g.nodes.find((m) => m.label.includes(`<b>${n.label ?? n.name}</b>`));
        expect(found, `node ${n.name}`).toBeDefined();
        expect(found!.shape).toBe(MERMAID_SHAPE[n.kind]);
        expect(g.classOf.get(found!.id)).toBe(n.kind);
        idOf.set(n.id, found!.id);
      }
      expect(new Set(idOf.values()).size).toBe(t.nodes.length);
      expect(g.edges).toHaveLength(t.links.length);
      for (const l of t.links) {
        const e = g.edges.find(
          (x) =>
            x.from === idOf.get(l.a.node) &&
            x.to === idOf.get(l.b.node) &&
            x.label.startsWith(`${l.a.ifname}`),
        );
        expect(e, `link ${l.a.node}:${l.a.ifname} - ${l.b.node}:${l.b.ifname}`).toBeDefined();
        expect(e!.label).toContain(` ↔ ${l.b.ifname}`);
        for (const a of [...l.a.addresses, ...l.b.addresses]) expect(e!.label).toContain(a);
        expect(e!.arrow).toBe(l.a.up && l.b.up ? '---' : '-.-');
      }
    },
  );

  it('fences for Markdown and keeps hostile names inside their labels', () => {
    const t = example('linux-bridge');
    t.nodes[0].label = HOSTILE.join(' ');
    t.links[0].a.ifname = 'a"|b';
    const text = toMermaid(t, { fenced: true });
    expect(text.startsWith('```mermaid\ngraph LR\n')).toBe(true);
    expect(text.endsWith('```\n')).toBe(true);
    for (const line of text.split('\n').slice(2, -2)) {
      // Each line is a statement: quotes only delimit labels, pipes only delimit the edge label.
      expect((line.match(/"/g) ?? []).length % 2).toBe(0);
      expect((line.match(/\|/g) ?? []).length).toBeLessThanOrEqual(2);
      expect(line).not.toMatch(/<script/);
    }
  });
});

describe('svg', () => {
  it.each(['linux-bridge', 'router', 'campus'])(
    'examples/%s.yaml: interface labels do not cover each other',
    (name) => {
      const svg = toSvg(example(name));
      const rects = [
        ...svg.matchAll(
          /<g class="end"><rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/g,
        ),
      ].map((m) => m.slice(1, 5).map(Number));
      expect(rects.length).toBeGreaterThan(0);
      const clash = rects.flatMap((a, i) =>
        rects
          .slice(i + 1)
          .filter((b) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3])
          .map((b) => [a, b]),
      );
      expect(clash).toEqual([]);
    },
  );

  it.each(['linux-bridge', 'router', 'campus'])('examples/%s.yaml renders as the golden file', (name) => {
    const svg = toSvg(example(name));
    checkWellFormed(svg);
    golden(`svg/${name}.svg`, svg);
  });

  it('auto-lays out a file without positions (golden) and escapes every text', () => {
    const t = unpositioned(example('router'));
    golden('svg/router-auto.svg', toSvg(t));
    t.name = HOSTILE.join(' ');
    t.description = HOSTILE.join(' ');
    t.nodes[0].label = HOSTILE.join(' ');
    t.links[0].a.addresses = HOSTILE;
    t.annotations = [{ id: 't', kind: 'text', text: HOSTILE.join('\n'), position: { x: 0, y: -80 } }];
    const svg = toSvg(t);
    checkWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('\u0001');
  });

  it('is well-formed for random valid labs, with or without positions', () => {
    fc.assert(
      fc.property(arbValidTopology(), fc.boolean(), (t, strip) => {
        checkWellFormed(toSvg(strip ? unpositioned(t) : t));
        expect(
          toMermaid(t)
            .split('\n')
            .filter((l) => l.includes('---') || l.includes('-.-')),
        ).toHaveLength(t.links.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('autoLayout', () => {
  it('puts the router on top and its neighbours one layer below', () => {
    const pos = autoLayout(example('campus'));
    expect(pos.get('cp-core')!.y).toBe(0);
    for (const id of ['cp-isp', 'cpbr-a', 'cpbr-b', 'cpbr-c']) expect(pos.get(id)!.y).toBe(LAYOUT.dy);
    for (const id of ['cp-a1', 'cp-b4', 'cp-c2']) expect(pos.get(id)!.y).toBe(2 * LAYOUT.dy);
    // hosts of building A sit left of building C's
    expect(pos.get('cp-a1')!.x).toBeLessThan(pos.get('cp-c1')!.x);
  });

  it('gives every node a distinct spot, deterministically', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 10 }), (t) => {
        const a = autoLayout(t);
        expect(autoLayout(t)).toEqual(a);
        expect(a.size).toBe(t.nodes.length);
        expect(new Set([...a.values()].map((p) => `${p.x},${p.y}`)).size).toBe(t.nodes.length);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps positions that exist and places the rest below them', () => {
    const t = example('linux-bridge');
    delete t.nodes[2].position;
    const placed = withPositions(t);
    expect(placed.nodes[0].position).toEqual(t.nodes[0].position);
    expect(placed.nodes[2].position!.y).toBeGreaterThan(
      Math.max(t.nodes[0].position!.y, t.nodes[1].position!.y),
    );
  });
});
