import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validate } from './index';
import { variant, withCode, type LooseDoc } from './test-fixtures';

const routes = (rs: unknown[]) => variant((d) => (d.nodes[2].routes = rs));

describe('routes', () => {
  it('connected next hops, dev and default are fine', () => {
    const ps = validate(
      routes([
        { to: '10.9.0.0/16', via: '10.0.2.2' },
        { to: '10.8.0.0/16', via: '10.0.1.2', dev: 'eth0' },
        { to: 'fd00:9::/64', via: 'fd00:2::2' },
        { to: '10.7.0.0/24', dev: 'eth1' },
        { to: 'default', via: '10.0.1.2' },
        { to: '::/0', via: 'fe80::1', dev: 'eth1' },
      ]),
    );
    expect(ps).toEqual([]);
  });

  it('invalid destination', () => {
    const ps = validate(
      routes([
        { to: '10.9.0.0', via: '10.0.2.2' },
        { to: 'everything', via: '10.0.2.2' },
      ]),
    );
    const p = withCode(ps, 'route-invalid-prefix');
    expect(p).toMatchObject([
      { path: ['nodes', 2, 'routes', 0, 'to'], nodeId: 'r1' },
      { path: ['nodes', 2, 'routes', 1, 'to'] },
    ]);
    expect(p[0].message).toContain('10.9.0.0/32');
  });

  it('host bits set: suggests the canonical prefix', () => {
    const ps = validate(
      routes([
        { to: '10.9.3.4/16', via: '10.0.2.2' },
        { to: 'fd00:9::1/64', via: 'fd00:2::2' },
      ]),
    );
    const p = withCode(ps, 'route-prefix-host-bits');
    expect(p).toHaveLength(2);
    expect(p[0]).toMatchObject({ severity: 'error', path: ['nodes', 2, 'routes', 0, 'to'], nodeId: 'r1' });
    expect(p[0].message).toContain('10.9.0.0/16');
    expect(p[1].message).toContain('fd00:9::/64');
  });

  it('gateway not on a connected subnet', () => {
    const ps = validate(routes([{ to: '10.9.0.0/16', via: '10.0.3.1' }]));
    const p = withCode(ps, 'gateway-unreachable');
    expect(p).toMatchObject([{ severity: 'error', path: ['nodes', 2, 'routes', 0, 'via'], nodeId: 'r1' }]);
    expect(p[0].message).toContain('10.0.1.0/24');
  });

  it('gateway connected, but not on the given dev', () => {
    const ps = validate(routes([{ to: '10.9.0.0/16', via: '10.0.2.2', dev: 'eth0' }]));
    expect(withCode(ps, 'gateway-unreachable')).toMatchObject([{ path: ['nodes', 2, 'routes', 0, 'via'] }]);
  });

  it('gateway through a bridge the node holds (bridge in its namespace)', () => {
    const ps = validate(
      variant((d) => {
        d.nodes[3].namespace = 'ns2';
        d.nodes[3].addresses = ['10.4.0.1/24'];
        d.nodes[1].routes = [{ to: '10.5.0.0/16', via: '10.4.0.7' }];
      }),
    );
    expect(withCode(ps, 'gateway-unreachable')).toEqual([]);
  });

  it('family mismatch, self gateway, bad gateway', () => {
    const ps = validate(
      routes([
        { to: '10.9.0.0/16', via: 'fd00:2::2' },
        { to: '10.8.0.0/16', via: '10.0.2.1' },
        { to: '10.7.0.0/16', via: '10.0.2.x' },
      ]),
    );
    expect(withCode(ps, 'gateway-family-mismatch')).toMatchObject([
      { path: ['nodes', 2, 'routes', 0, 'via'] },
    ]);
    expect(withCode(ps, 'gateway-is-self')).toMatchObject([{ path: ['nodes', 2, 'routes', 1, 'via'] }]);
    expect(withCode(ps, 'gateway-invalid')).toMatchObject([{ path: ['nodes', 2, 'routes', 2, 'via'] }]);
  });

  it('dev must be one of the node interfaces, not a bridge port', () => {
    const ps = validate(routes([{ to: '10.9.0.0/16', dev: 'eth7' }]));
    expect(withCode(ps, 'route-unknown-dev')).toMatchObject([
      { path: ['nodes', 2, 'routes', 0, 'dev'], nodeId: 'r1' },
    ]);
    const port = validate(
      variant((d) => {
        d.nodes[3].namespace = 'ns2';
        d.nodes[1].routes = [{ to: '10.9.0.0/16', dev: 'br0-p2' }];
      }),
    );
    const p = withCode(port, 'route-unknown-dev');
    expect(p).toHaveLength(1);
    expect(p[0].message).toMatch(/port of bridge br0/);
  });

  it('a route needs via or dev', () => {
    const ps = validate(routes([{ to: '10.9.0.0/16' }]));
    expect(withCode(ps, 'route-needs-via-or-dev')).toMatchObject([{ path: ['nodes', 2, 'routes', 0] }]);
  });

  it('duplicate routes (same destination and metric), different metrics are fine', () => {
    const ps = validate(
      routes([
        { to: '10.9.0.0/16', via: '10.0.2.2' },
        { to: '10.9.0.0/16', via: '10.0.1.2' },
        { to: '10.9.0.0/16', via: '10.0.1.2', metric: 10 },
      ]),
    );
    expect(withCode(ps, 'duplicate-route')).toMatchObject([{ path: ['nodes', 2, 'routes', 1, 'to'] }]);
  });

  it('routes through a down interface', () => {
    const ps = validate(
      variant(
        (d) => (
          (d.links[1].a.up = false),
          (d.nodes[2].routes = [
            { to: '10.9.0.0/16', via: '10.0.2.2' },
            { to: '10.8.0.0/16', dev: 'eth1' },
          ])
        ),
      ),
    );
    expect(withCode(ps, 'gateway-interface-down')).toMatchObject([
      { severity: 'error', path: ['nodes', 2, 'routes', 0, 'via'], nodeId: 'r1' },
    ]);
    expect(withCode(ps, 'route-interface-down')).toMatchObject([
      { severity: 'error', path: ['nodes', 2, 'routes', 1, 'dev'], nodeId: 'r1' },
    ]);
    const gw = validate(variant((d) => (d.links[0].a.up = false)));
    expect(withCode(gw, 'gateway-interface-down')).toMatchObject([
      { path: ['nodes', 0, 'gateway', 'ipv4'], nodeId: 'ns1' },
    ]);
  });

  it('link-local next hop without dev is a warning', () => {
    const ps = validate(routes([{ to: 'fd00:9::/64', via: 'fe80::1' }]));
    expect(withCode(ps, 'gateway-link-local')).toMatchObject([{ severity: 'warning' }]);
  });
});

describe('gateways', () => {
  it('family check', () => {
    const ps = validate(variant((d) => (d.nodes[0].gateway = { ipv4: 'fd00::1' })));
    expect(withCode(ps, 'gateway-family-mismatch')).toMatchObject([
      { path: ['nodes', 0, 'gateway', 'ipv4'], nodeId: 'ns1' },
    ]);
  });

  it('unreachable gateway', () => {
    const ps = validate(variant((d) => (d.nodes[1].gateway = { ipv4: '10.0.1.1', ipv6: 'fd00:3::1' })));
    const p = withCode(ps, 'gateway-unreachable');
    expect(p.map((x) => x.path)).toEqual([
      ['nodes', 1, 'gateway', 'ipv4'],
      ['nodes', 1, 'gateway', 'ipv6'],
    ]);
    expect(p[0].nodeId).toBe('ns2');
  });

  it('a gateway plus a default route of the same family', () => {
    const ps = validate(
      variant((d) => (d.nodes[0].routes = [{ to: 'default', via: '10.0.1.1', metric: 5 }])),
    );
    expect(withCode(ps, 'duplicate-default-route')).toMatchObject([
      { path: ['nodes', 0, 'gateway', 'ipv4'], nodeId: 'ns1' },
    ]);
    const ps0 = validate(variant((d) => (d.nodes[0].routes = [{ to: '0.0.0.0/0', via: '10.0.1.1' }])));
    expect(withCode(ps0, 'duplicate-default-route')).toHaveLength(1);
  });

  it('a gateway plus a default of the other family is fine', () => {
    const ps = validate(
      variant(
        (d) => (
          (d.nodes[1].gateway = { ipv4: '10.0.2.1' }),
          (d.nodes[1].routes = [{ to: 'default', via: 'fd00:2::1' }])
        ),
      ),
    );
    expect(ps).toEqual([]);
  });
});

describe('next hops reached through a route without one (as the kernel allows)', () => {
  // ns1 has 10.0.1.2/24 on eth0; 10.99.0.1 is outside every subnet of the lab.
  const ns1 = (rs: unknown[], gateway?: unknown) =>
    validate(
      variant((d) => {
        d.nodes[0].routes = rs;
        if (gateway !== undefined) d.nodes[0].gateway = gateway;
      }),
    );

  it('a gateway or a next hop inside a dev route of the node is reachable, in either order', () => {
    expect(ns1([{ to: '10.99.0.1/32', dev: 'eth0' }], { ipv4: '10.99.0.1' })).toEqual([]);
    expect(
      ns1([
        { to: '10.50.0.0/16', via: '10.99.0.1' },
        { to: '10.99.0.0/30', dev: 'eth0' },
      ]),
    ).toEqual([]);
    expect(
      ns1([
        { to: 'fd00:99::1/128', dev: 'eth0' },
        { to: 'fd00:50::/48', via: 'fd00:99::1', dev: 'eth0' },
      ]),
    ).toEqual([]);
  });

  it('only a dev route reaches: not a route through another next hop (the kernel looks among link-scope routes)', () => {
    const p = withCode(
      ns1([
        { to: '10.99.0.0/24', via: '10.0.1.1' },
        { to: '10.50.0.0/16', via: '10.99.0.1' },
      ]),
      'gateway-unreachable',
    );
    expect(p).toMatchObject([{ path: ['nodes', 0, 'routes', 1, 'via'] }]);
    expect(p[0].message).toContain('nor in a route of the node through an interface without a next hop');
  });

  it('the dev route must be through the route’s own dev, up, of the same family, and contain the next hop', () => {
    const unreachable = (rs: unknown[], edit?: (d: LooseDoc) => void) =>
      withCode(
        validate(
          variant((d) => {
            d.nodes[2].routes = rs;
            edit?.(d);
          }),
        ),
        'gateway-unreachable',
      ).map((x) => x.path);
    const via = ['nodes', 2, 'routes', 1, 'via'];
    // r1: eth0 10.0.1.1/24, eth1 10.0.2.1/24 and fd00:2::1/64.
    expect(
      unreachable([
        { to: '10.99.0.1/32', dev: 'eth1' },
        { to: '10.50.0.0/16', via: '10.99.0.1', dev: 'eth0' },
      ]),
    ).toEqual([via]);
    expect(
      unreachable([
        { to: '10.99.0.0/30', dev: 'eth1' },
        { to: '10.50.0.0/16', via: '10.99.0.5' },
      ]),
    ).toEqual([via]);
    expect(
      unreachable([
        { to: 'fd00:99::/64', dev: 'eth1' },
        { to: '10.50.0.0/16', via: '10.99.0.1' },
      ]),
    ).toEqual([via]);
    // Through a down interface the kernel refuses the dev route itself, and the next hop with it.
    expect(
      unreachable(
        [
          { to: '10.99.0.1/32', dev: 'eth0' },
          { to: '10.50.0.0/16', via: '10.99.0.1' },
        ],
        (d) => (d.links[0].b.up = false),
      ),
    ).toEqual([via]);
  });

  it('property: a next hop outside the subnets is accepted exactly when a dev route of the node contains it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 24, max: 32 }),
        fc.integer({ min: 0, max: 255 }),
        (net, len, host) => {
          const hop = `10.77.0.${host}`;
          const to = `10.77.0.${net & ~((1 << (32 - len)) - 1) & 255}/${len}`;
          const inside = len === 32 ? (net & 255) === host : net >> (32 - len) === host >> (32 - len);
          const ps = ns1([
            { to: '10.50.0.0/16', via: hop },
            { to, dev: 'eth0' },
          ]);
          expect(withCode(ps, 'gateway-unreachable').length === 0).toBe(inside);
          expect(ps.filter((p) => p.code !== 'gateway-unreachable')).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
