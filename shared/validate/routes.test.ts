import { describe, expect, it } from 'vitest';
import { validate } from './index';
import { variant, withCode } from './test-fixtures';

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
