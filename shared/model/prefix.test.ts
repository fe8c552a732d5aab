import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbValidTopology } from './arbitraries';
import { checkPrefix, maxPrefixLength, prefixTopology, PREFIX_MAX } from './prefix';
import type { Topology } from './topology';
import { validate } from '../validate';

const bytes = (s: string) => new TextEncoder().encode(s).length;
const arbPrefix = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,11}$/).filter((p) => !p.includes('..'));

/** Every kernel name of a document with where it lives (namespace key + name, unique per kernel namespace). */
function kernelNames(t: Topology): string[] {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const nsOf = (id: string): string => {
    const n = byId.get(id)!;
    if (n.kind === 'namespace' || n.kind === 'router') return n.name;
    if (n.kind === 'bridge' && n.namespace) return byId.get(n.namespace)!.name;
    return '';
  };
  return [
    ...t.nodes.filter((n) => n.kind === 'namespace' || n.kind === 'router').map((n) => `netns ${n.name}`),
    ...t.nodes.filter((n) => n.kind === 'bridge').map((n) => `if ${nsOf(n.id)}/${n.name}`),
    ...t.links.flatMap((l) =>
      [l.a, l.b].map(
        (e) => `if ${byId.get(e.node)!.kind === 'bridge' ? nsOf(e.node) : nsOf(e.node)}/${e.ifname}`,
      ),
    ),
  ];
}

describe('prefixTopology', () => {
  it('a valid document prefixed stays valid, or every problem is a name made too long, located', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 6 }), arbPrefix, (t, prefix) => {
        const r = prefixTopology(t, prefix);
        if (!r.ok) {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) {
            expect(p.code).toBe('prefix-name-too-long');
            expect(p.path.length).toBeGreaterThan(0);
            expect(p.message).toMatch(/becomes ".+" with the prefix/);
          }
          // It fails only when the prefix is longer than the room the document leaves.
          expect(prefix.length).toBeGreaterThan(maxPrefixLength(t));
          return;
        }
        expect(prefix.length).toBeLessThanOrEqual(maxPrefixLength(t));
        expect(validate(r.topology).filter((p) => p.severity === 'error')).toEqual([]);
        // Ids are unchanged: checks, expectations and the canvas keep working.
        expect(r.topology.nodes.map((n) => n.id)).toEqual(t.nodes.map((n) => n.id));
        expect(r.topology.links.map((l) => l.id)).toEqual(t.links.map((l) => l.id));
        expect(r.topology.name).toBe(prefix + t.name);
      }),
      { numRuns: 200 },
    );
  });

  it('names map 1:1: distinct names stay distinct, each is the prefix plus the old name, and nothing else changes', () => {
    fc.assert(
      fc.property(
        arbValidTopology({ maxNodes: 6 }),
        fc.stringMatching(/^[a-z][a-z0-9]{0,2}-$/),
        (t, prefix) => {
          const r = prefixTopology(t, prefix);
          fc.pre(r.ok);
          if (!r.ok) return;
          const before = kernelNames(t);
          const after = kernelNames(r.topology);
          expect(new Set(after).size).toBe(new Set(before).size);
          for (const m of r.mapping) expect(m.to).toBe(prefix + m.from);
          const froms = new Map<string, string>();
          for (const m of r.mapping) {
            const key = `${m.kind}:${m.to}:${m.nodeId ?? ''}:${m.linkId ?? ''}:${m.end ?? ''}`;
            expect(froms.has(key)).toBe(false);
            froms.set(key, m.from);
          }
          // Undoing the prefix gives back the document.
          const strip = (s: string) => s.slice(prefix.length);
          const back: Topology = {
            ...r.topology,
            name: strip(r.topology.name),
            nodes: r.topology.nodes.map((n) =>
              n.kind === 'host'
                ? n
                : n.kind === 'bridge'
                  ? { ...n, name: strip(n.name) }
                  : {
                      ...n,
                      name: strip(n.name),
                      routes: n.routes.map((x) => (x.dev ? { ...x, dev: strip(x.dev) } : x)),
                    },
            ),
            links: r.topology.links.map((l) => ({
              ...l,
              a: { ...l.a, ifname: strip(l.a.ifname) },
              b: { ...l.b, ifname: strip(l.b.ifname) },
            })),
          };
          expect(back).toEqual(t);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('says which name is too long and by how much', () => {
    const t = {
      version: 1,
      name: 'lab',
      nodes: [{ id: 'a', name: 'a', kind: 'namespace', routes: [] }],
      links: [
        {
          id: 'l',
          a: { node: 'a', ifname: 'eth-twelve-ch', addresses: [], up: true },
          b: { node: 'a', ifname: 'e1', addresses: [], up: true },
        },
      ],
      expect: [],
      annotations: [],
    } as unknown as Topology;
    const r = prefixTopology(t, 'abc-');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'prefix-name-too-long',
        path: ['links', 0, 'a', 'ifname'],
        linkId: 'l',
        message:
          'interface name "eth-twelve-ch" becomes "abc-eth-twelve-ch" with the prefix "abc-": 17 bytes, at most 15 allowed; use a shorter prefix or a shorter name',
      }),
    ]);
    expect(bytes('abc-e1')).toBeLessThan(15);
  });

  it('refuses bad prefixes in plain words', () => {
    expect(checkPrefix('')).toMatch(/empty/);
    expect(checkPrefix('Ab')).toMatch(/lower-case/);
    expect(checkPrefix('-a')).toMatch(/start with a letter or digit/);
    expect(checkPrefix('a b')).toMatch(/lower-case/);
    expect(checkPrefix('x'.repeat(PREFIX_MAX + 1))).toMatch(/at most 12/);
    expect(checkPrefix('a..')).toMatch(/cannot contain "\.\."/);
    expect(checkPrefix('g1-')).toBeNull();
    const t = {
      version: 1,
      name: 'lab',
      nodes: [],
      links: [],
      expect: [],
      annotations: [],
    } as unknown as Topology;
    const r = prefixTopology(t, 'A;rm');
    expect(r.ok ? [] : r.problems.map((p) => p.code)).toEqual(['prefix-invalid']);
  });
});
