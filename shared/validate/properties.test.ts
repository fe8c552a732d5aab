/**
 * Property tests: take a valid generated lab, break one thing, and check that
 * the validator reports exactly that thing at the right place.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbValidTopology } from '../model/arbitraries';
import type { Topology } from '../model';
import { validate } from './index';

const errorsOf = (t: Topology) => validate(t).filter((p) => p.severity === 'error');
const clone = (t: Topology): Topology => structuredClone(t);
/** A valid lab with at least one link, and a random pick. */
const withLink = fc.tuple(
  arbValidTopology({ maxNodes: 6 }).filter((t) => t.links.length > 0),
  fc.nat(),
  fc.constantFrom('a' as const, 'b' as const),
);

describe('validator properties', () => {
  it('is pure: same result twice, input untouched', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 6 }), (t) => {
        const before = clone(t);
        expect(validate(t)).toEqual(validate(t));
        expect(t).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });

  it('a too-long interface name is reported at its end', () => {
    fc.assert(
      fc.property(withLink, ([t0, pick, key]) => {
        const t = clone(t0);
        const li = pick % t.links.length;
        t.links[li][key].ifname = 'x'.repeat(16);
        const ps = errorsOf(t).filter((p) => p.code === 'ifname-too-long');
        expect(ps).toHaveLength(1);
        expect(ps[0]).toMatchObject({ path: ['links', li, key, 'ifname'], linkId: t.links[li].id });
      }),
      { numRuns: 100 },
    );
  });

  it('a link end on a missing node is reported at its end', () => {
    fc.assert(
      fc.property(withLink, ([t0, pick, key]) => {
        const t = clone(t0);
        const li = pick % t.links.length;
        t.links[li][key].node = 'ghost';
        const ps = errorsOf(t).filter((p) => p.code === 'link-unknown-node');
        expect(ps).toEqual([
          expect.objectContaining({ path: ['links', li, key, 'node'], linkId: t.links[li].id }),
        ]);
      }),
      { numRuns: 100 },
    );
  });

  it('an address repeated on its own interface is a duplicate at the new index', () => {
    const arb = fc.tuple(
      arbValidTopology({ maxNodes: 6 }).filter((t) =>
        t.links.some((l) => l.a.addresses.length || l.b.addresses.length),
      ),
      fc.nat(),
    );
    fc.assert(
      fc.property(arb, ([t0, pick]) => {
        const t = clone(t0);
        const ends = t.links.flatMap((l, li) =>
          (['a', 'b'] as const).filter((k) => l[k].addresses.length).map((k) => [li, k] as const),
        );
        const [li, key] = ends[pick % ends.length];
        const end = t.links[li][key];
        end.addresses.push(end.addresses[0]);
        const ps = errorsOf(t);
        expect(ps.map((p) => p.code)).toEqual(['address-duplicate']);
        expect(ps[0].path).toEqual(['links', li, key, 'addresses', end.addresses.length - 1]);
      }),
      { numRuns: 100 },
    );
  });

  it('a next hop moved off every connected subnet is unreachable', () => {
    const hasVia = (t: Topology) =>
      t.nodes.some(
        (n) =>
          (n.kind === 'namespace' || n.kind === 'router') &&
          n.routes.some((r) => r.via && r.via.includes('.')),
      );
    fc.assert(
      fc.property(fc.tuple(arbValidTopology({ maxNodes: 6 }).filter(hasVia), fc.nat()), ([t0, pick]) => {
        const t = clone(t0);
        const spots = t.nodes
          .flatMap((n, ni) =>
            n.kind === 'namespace' || n.kind === 'router' ? n.routes.map((r, ri) => ({ ni, ri, r })) : [],
          )
          .filter((x) => x.r.via?.includes('.'));
        const { ni, ri } = spots[pick % spots.length];
        const node = t.nodes[ni] as Extract<Topology['nodes'][number], { kind: 'namespace' | 'router' }>;
        node.routes[ri].via = '203.0.113.9';
        const ps = errorsOf(t);
        expect(ps).toEqual([
          expect.objectContaining({
            code: 'gateway-unreachable',
            path: ['nodes', ni, 'routes', ri, 'via'],
            nodeId: node.id,
          }),
        ]);
      }),
      { numRuns: 100 },
    );
  });

  it("renaming a namespace to another one's name is a duplicate", () => {
    const two = arbValidTopology({ maxNodes: 6 }).filter(
      (t) => t.nodes.filter((n) => n.kind === 'namespace' || n.kind === 'router').length >= 2,
    );
    fc.assert(
      fc.property(two, (t0) => {
        const t = clone(t0);
        const ns = t.nodes
          .map((n, i) => [n, i] as const)
          .filter(([n]) => n.kind === 'namespace' || n.kind === 'router');
        t.nodes[ns[1][1]].name = ns[0][0].name;
        expect(errorsOf(t)).toEqual([
          expect.objectContaining({ code: 'duplicate-netns-name', path: ['nodes', ns[1][1], 'name'] }),
        ]);
      }),
      { numRuns: 50 },
    );
  });
});
