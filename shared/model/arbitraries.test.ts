import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbMutatedDocument, arbValidDocument, arbValidTopology } from './arbitraries';
import { validate, validateDocument } from '../validate';
import type { Topology } from './topology';

const utf8 = (s: string) => new TextEncoder().encode(s).length;

function kernelNames(t: Topology): { netns: string[]; ifnames: string[]; root: string[] } {
  const netns = t.nodes.filter((n) => n.kind === 'namespace' || n.kind === 'router').map((n) => n.name);
  const bridges = t.nodes.filter((n) => n.kind === 'bridge');
  const nsOf = (id: string) => {
    const n = t.nodes.find((x) => x.id === id)!;
    if (n.kind === 'host') return '';
    if (n.kind === 'bridge') return n.namespace ?? '';
    return n.id;
  };
  const ifnames = [...bridges.map((b) => b.name), ...t.links.flatMap((l) => [l.a.ifname, l.b.ifname])];
  const root = [
    ...bridges.filter((b) => !b.namespace).map((b) => b.name),
    ...t.links
      .flatMap((l) => [l.a, l.b])
      .filter((e) => nsOf(e.node) === '')
      .map((e) => e.ifname),
  ];
  return { netns, ifnames, root };
}

describe('arbValidTopology', () => {
  it('300 runs all validate with no errors', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 8 }), (t) => {
        const errors = validate(t).filter((p) => p.severity === 'error');
        expect(errors, JSON.stringify(t)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the plain documents go through validateDocument cleanly too (netem on, no IPv6, no hosts)', () => {
    fc.assert(
      fc.property(arbValidDocument({ maxNodes: 6, netem: true, ipv6: false, hosts: false }), (doc) => {
        const r = validateDocument(doc);
        expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(r.topology?.nodes.some((n) => n.kind === 'host')).toBe(false);
        expect(JSON.stringify(doc)).not.toMatch(/fd[0-9a-f]{2}:/);
      }),
      { numRuns: 100 },
    );
  });

  it('uses short, unique, lab-prefixed kernel names', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 8 }), (t) => {
        expect(t.name).toMatch(/^p[0-9a-f]{6}$/);
        const tag = `np${t.name.slice(1)}`;
        const { netns, ifnames, root } = kernelNames(t);
        for (const n of netns) expect(n.startsWith(tag) && utf8(n) <= 15).toBe(true);
        for (const n of ifnames) expect(utf8(n)).toBeLessThanOrEqual(15);
        for (const n of root) expect(n.startsWith(tag)).toBe(true);
        expect(new Set(netns).size).toBe(netns.length);
        expect(new Set(root).size).toBe(root.length);
        expect(t.nodes.length).toBeLessThanOrEqual(8);
      }),
      { numRuns: 200 },
    );
  });

  it('lab tags are spread out (no bias towards 000000/ffffff), so parallel runs do not collide', () => {
    const names = fc.sample(arbValidTopology({ maxNodes: 2 }), 300).map((t) => t.name);
    expect(new Set(names).size).toBeGreaterThan(290);
  });

  it('never puts addresses in the root namespace', () => {
    fc.assert(
      fc.property(arbValidTopology(), (t) => {
        for (const n of t.nodes) if (n.kind === 'bridge' && !n.namespace) expect(n.addresses).toEqual([]);
        const rootNodes = new Set(t.nodes.filter((n) => n.kind === 'host').map((n) => n.id));
        for (const l of t.links)
          for (const e of [l.a, l.b]) if (rootNodes.has(e.node)) expect(e.addresses).toEqual([]);
      }),
    );
  });

  it('covers the features it promises', () => {
    const sample = fc.sample(arbValidTopology({ maxNodes: 8 }), { numRuns: 300, seed: 42 });
    const count = (f: (t: Topology) => boolean) => sample.filter(f).length;
    const features = {
      router: count((t) => t.nodes.some((n) => n.kind === 'router')),
      rootBridge: count((t) => t.nodes.some((n) => n.kind === 'bridge' && !n.namespace)),
      nsBridge: count((t) => t.nodes.some((n) => n.kind === 'bridge' && !!n.namespace)),
      host: count((t) => t.nodes.some((n) => n.kind === 'host')),
      ipv4: count((t) => t.links.some((l) => l.a.addresses.some((a) => a.includes('.')))),
      ipv6: count((t) => t.links.some((l) => l.a.addresses.some((a) => a.includes(':')))),
      viaRoute: count((t) =>
        t.nodes.some((n) => (n.kind === 'namespace' || n.kind === 'router') && n.routes.some((r) => r.via)),
      ),
      devRoute: count((t) =>
        t.nodes.some((n) => (n.kind === 'namespace' || n.kind === 'router') && n.routes.some((r) => r.dev)),
      ),
      gateway: count((t) =>
        t.nodes.some((n) => (n.kind === 'namespace' || n.kind === 'router') && !!n.gateway),
      ),
      sysctls: count((t) =>
        t.nodes.some((n) => (n.kind === 'namespace' || n.kind === 'router') && !!n.sysctls),
      ),
      portVlans: count((t) => t.links.some((l) => !!(l.a.vlans || l.b.vlans))),
      mtu: count((t) => t.links.some((l) => l.a.mtu !== undefined)),
      mac: count((t) => t.links.some((l) => !!l.a.mac)),
      expect: count((t) => t.expect.length > 0),
      bridgeLoopWithStp: count(
        (t) => t.links.filter((l) => l.a.node.startsWith('b') && l.b.node.startsWith('b')).length >= 2,
      ),
    };
    for (const [name, n] of Object.entries(features)) expect(n, name).toBeGreaterThan(5);
  });
});

describe('arbMutatedDocument', () => {
  it('never makes validateDocument throw, and problems are well formed', () => {
    fc.assert(
      fc.property(arbMutatedDocument(), (doc) => {
        const r = validateDocument(doc);
        expect(Array.isArray(r.problems)).toBe(true);
        for (const p of r.problems) {
          expect(typeof p.code).toBe('string');
          expect(p.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
          expect(['error', 'warning']).toContain(p.severity);
          expect(p.message.length).toBeGreaterThan(0);
          expect(Array.isArray(p.path)).toBe(true);
        }
        expect(r.problems.some((p) => p.code === 'internal-error')).toBe(false);
        if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('mostly produces documents with problems', () => {
    const sample = fc.sample(arbMutatedDocument(), { numRuns: 300, seed: 7 });
    const bad = sample.filter((d) => validateDocument(d).problems.length > 0).length;
    expect(bad).toBeGreaterThan(150);
    // and enough of them get past the schema for the rules to be fuzzed too
    const parsed = sample.filter((d) => validateDocument(d).topology !== undefined).length;
    expect(parsed).toBeGreaterThan(45);
  });
});
