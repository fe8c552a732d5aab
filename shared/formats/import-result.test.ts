import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { finishImport } from './import-result';
import type { NetnsNode } from '../model';

/** Two namespaces on one link, 10.0.0.1/24 and 10.0.0.2/24; `routes` and `gateway` on the first. */
function draft(routes: object[], gateway?: object) {
  return {
    version: 1,
    name: 'imp',
    nodes: [
      { id: 'a', name: 'a', kind: 'namespace', routes, ...(gateway ? { gateway } : {}) },
      { id: 'b', name: 'b', kind: 'namespace' },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'a', ifname: 'eth0', addresses: ['10.0.0.1/24', '2001:db8::1/64'] },
        b: { node: 'b', ifname: 'eth0', addresses: ['10.0.0.2/24', '2001:db8::2/64'] },
      },
    ],
  };
}
/** A source position per path: the line encodes the route index, so a wrong index shows. */
const map = (path: readonly (string | number)[]) =>
  path[2] === 'routes' && typeof path[3] === 'number'
    ? { line: 100 + path[3], column: 7 }
    : path[2] === 'gateway'
      ? { line: 50, column: 3 }
      : undefined;

describe('finishImport: a route the kernel would refuse is left out, not the lab', () => {
  it('drops an unreachable route and gateway with a warning where they came from; the rest keeps its source positions', () => {
    const r = finishImport(
      draft(
        [
          { to: '10.1.0.0/16', via: '10.0.0.2' },
          { to: '10.2.0.0/16', via: '10.9.9.9' },
          // A warning of its own (link-local next hop without dev): its path follows the route's new index.
          { to: '2001:db8:5::/48', via: 'fe80::2' },
        ],
        { ipv4: '192.168.7.1' },
      ),
      [],
      map,
    );
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const a = r.topology!.nodes[0] as NetnsNode;
    expect(a.routes).toEqual([
      { to: '10.1.0.0/16', via: '10.0.0.2' },
      { to: '2001:db8:5::/48', via: 'fe80::2' },
    ]);
    expect(a.gateway).toBeUndefined();
    const dropped = r.problems.filter((p) => p.code === 'import-route-dropped');
    expect(dropped).toMatchObject([
      { severity: 'warning', line: 101, message: expect.stringContaining('10.9.9.9') },
      { severity: 'warning', line: 50, message: expect.stringContaining('192.168.7.1') },
    ]);
    expect(dropped.every((p) => p.message.includes('left out of the import'))).toBe(true);
    const linkLocal = r.problems.find((p) => p.code === 'gateway-link-local');
    expect(linkLocal).toMatchObject({ path: ['nodes', 0, 'routes', 1, 'via'], line: 102 });
  });

  it('keeps a gateway of the other family, and every error that is not one route', () => {
    const d = draft([], { ipv4: '10.9.9.9', ipv6: '2001:db8::2' });
    d.nodes[1].name = 'a'; // two nodes with one kernel name: an error of the lab, not of a route
    const r = finishImport(d, [], map);
    expect(r.problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(['import-route-dropped', 'duplicate-netns-name']),
    );
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => p.code)).toEqual([
      'duplicate-netns-name',
    ]);
    expect((r.topology!.nodes[0] as NetnsNode).gateway).toEqual({ ipv6: '2001:db8::2' });
  });

  it('drops the second of two routes to one destination, and a prefix with host bits', () => {
    const r = finishImport(
      draft([
        { to: '10.1.0.0/16', via: '10.0.0.2' },
        { to: '10.1.0.0/16', dev: 'eth0' },
        { to: '10.5.0.1/24', via: '10.0.0.2' },
      ]),
      [],
      map,
    );
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect((r.topology!.nodes[0] as NetnsNode).routes).toEqual([{ to: '10.1.0.0/16', via: '10.0.0.2' }]);
    expect(r.problems.filter((p) => p.code === 'import-route-dropped').map((p) => p.line)).toEqual([
      101, 102,
    ]);
  });

  it('keeps a next hop that a route without one reaches (a /32 point-to-point), but not through a route it drops', () => {
    const ptp = finishImport(draft([{ to: '10.99.0.1/32', dev: 'eth0' }], { ipv4: '10.99.0.1' }), [], map);
    expect(ptp.problems).toEqual([]);
    expect((ptp.topology!.nodes[0] as NetnsNode).gateway).toEqual({ ipv4: '10.99.0.1' });
    // The second route to 10.99.0.0/24 is refused by the kernel, so nothing is reached through it.
    const r = finishImport(
      draft([
        { to: '10.99.0.0/24', via: '10.0.0.2' },
        { to: '10.99.0.0/24', dev: 'eth0' },
        { to: '10.5.0.0/16', via: '10.99.0.1' },
      ]),
      [],
      map,
    );
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect((r.topology!.nodes[0] as NetnsNode).routes).toEqual([{ to: '10.99.0.0/24', via: '10.0.0.2' }]);
    expect(r.problems.filter((p) => p.code === 'import-route-dropped').map((p) => p.line)).toEqual([
      101, 102,
    ]);
  });

  it('leaves a valid draft alone', () => {
    const d = draft([{ to: '10.1.0.0/16', via: '10.0.0.2' }], { ipv6: '2001:db8::2' });
    const r = finishImport(d, [], map);
    expect(r.problems).toEqual([]);
    expect((r.topology!.nodes[0] as NetnsNode).routes).toEqual([{ to: '10.1.0.0/16', via: '10.0.0.2' }]);
    expect((r.topology!.nodes[0] as NetnsNode).gateway).toEqual({ ipv6: '2001:db8::2' });
  });

  it('keeps exactly the routes the kernel takes, in order, each dropped one said once at its own line', () => {
    const route = fc.oneof(
      fc
        .integer({ min: 1, max: 200 })
        .map((k) => ({ ok: true, r: { to: `10.${k}.0.0/16`, via: '10.0.0.2' } })),
      fc.integer({ min: 1, max: 200 }).map((k) => ({ ok: true, r: { to: `172.16.${k}.0/24`, dev: 'eth0' } })),
      fc
        .integer({ min: 1, max: 200 })
        .map((k) => ({ ok: false, r: { to: `10.${k}.0.0/16`, via: '10.99.0.1' } })),
      fc
        .integer({ min: 1, max: 200 })
        .map((k) => ({ ok: false, r: { to: `172.17.${k}.0/24`, dev: 'eth9' } })),
      fc
        .integer({ min: 1, max: 200 })
        .map((k) => ({ ok: false, r: { to: `10.${k}.0.0/16`, via: '10.0.0.1' } })),
    );
    fc.assert(
      fc.property(fc.uniqueArray(route, { selector: (x) => x.r.to, maxLength: 12 }), (routes) => {
        const r = finishImport(draft(routes.map((x) => x.r)), [], map);
        expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
        const want = routes.filter((x) => x.ok).map((x) => x.r);
        expect((r.topology!.nodes[0] as NetnsNode).routes ?? []).toEqual(want);
        const lines = r.problems.filter((p) => p.code === 'import-route-dropped').map((p) => p.line);
        expect(lines).toEqual(routes.flatMap((x, j) => (x.ok ? [] : [100 + j])));
      }),
      { numRuns: 200 },
    );
  });
});
