import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadTopologyText } from './document';
import { toMermaid } from './mermaid';
import { toSvg } from './svg';
import { autoLayout, LAYOUT, withPositions } from './layout';
import { arbValidTopology } from '../model/arbitraries';
import type { Topology } from '../model';

const HERE = dirname(fileURLToPath(import.meta.url));
const EXAMPLES = join(HERE, '../../examples');

function golden(rel: string, actual: string) {
  const file = join(HERE, '__golden__', rel);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
const example = (name: string): Topology => loadTopologyText(readFileSync(join(EXAMPLES, `${name}.yaml`), 'utf8'), `${name}.yaml`).topology!;
const unpositioned = (t: Topology): Topology => ({ ...t, nodes: t.nodes.map(({ position: _p, ...n }) => n) as Topology['nodes'] });

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

const HOSTILE = ['<script>alert(1)</script>', 'a&b', '"quoted"', "it's", 'x|y', 'line\nbreak', '#35;', ']]>', '\u0001ctl'];

describe('mermaid', () => {
  it.each(['linux-bridge', 'router', 'campus', 'vlan-bridge'])('examples/%s.yaml renders as the golden file', (name) => {
    golden(`mermaid/${name}.mmd`, toMermaid(example(name)));
  });

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
  it.each(['linux-bridge', 'router', 'campus'])('examples/%s.yaml: interface labels do not cover each other', (name) => {
    const svg = toSvg(example(name));
    const rects = [...svg.matchAll(/<g class="end"><rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) => m.slice(1, 5).map(Number));
    expect(rects.length).toBeGreaterThan(0);
    const clash = rects.flatMap((a, i) => rects.slice(i + 1).filter((b) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]).map((b) => [a, b]));
    expect(clash).toEqual([]);
  });

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
        expect(toMermaid(t).split('\n').filter((l) => l.includes('---') || l.includes('-.-'))).toHaveLength(t.links.length);
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
    expect(placed.nodes[2].position!.y).toBeGreaterThan(Math.max(t.nodes[0].position!.y, t.nodes[1].position!.y));
  });
});
