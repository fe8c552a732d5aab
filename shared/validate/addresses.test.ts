import { describe, expect, it } from 'vitest';
import { validate } from './index';
import { variant, withCode } from './test-fixtures';

describe('address format', () => {
  it.each([
    ['10.0.1.2', /needs a prefix length, e\.g\. 10\.0\.1\.2\/24/],
    ['10.0.1.256/24', /not a valid address/],
    ['10.0.1.2/33', /not a valid address/],
    ['fd00::1::2/64', /not a valid address/],
    ['hello', /not a valid address/],
  ])('%s -> address-invalid', (addr, msg) => {
    const ps = validate(variant((d) => (d.links[0].a.addresses = [addr])));
    const p = withCode(ps, 'address-invalid');
    expect(p).toMatchObject([
      { severity: 'error', path: ['links', 0, 'a', 'addresses', 0], nodeId: 'ns1', linkId: 'l1' },
    ]);
    expect(p[0].message).toMatch(msg);
  });

  it('the message names the link by its ends as drawn (never its internal id), the interface and the node', () => {
    const p = withCode(validate(variant((d) => (d.links[0].a.addresses = ['10.0.1.2']))), 'address-invalid');
    expect(p[0].message).toBe(
      'Link ns1:eth0 — r1:eth0: interface "eth0" on ns1: "10.0.1.2" is not a valid address; it needs a prefix length, e.g. 10.0.1.2/24.',
    );
    expect(p[0].message).not.toMatch(/"l1"/);
  });

  it('addresses in the root namespace are a warning', () => {
    const ps = validate(variant((d) => (d.nodes[3].addresses = ['10.0.2.9/24'])));
    expect(withCode(ps, 'root-namespace-address')).toMatchObject([
      { severity: 'warning', path: ['nodes', 3, 'addresses', 0], nodeId: 'br0' },
    ]);
    const inNs = validate(
      variant((d) => ((d.nodes[3].namespace = 'ns2'), (d.nodes[3].addresses = ['10.4.0.1/24']))),
    );
    expect(withCode(inNs, 'root-namespace-address')).toEqual([]);
  });

  it('network and broadcast addresses of short IPv4 prefixes', () => {
    const ps = validate(variant((d) => (d.links[0].a.addresses = ['10.0.1.0/24', '10.0.3.127/25'])));
    expect(withCode(ps, 'address-network-address')).toMatchObject([
      { path: ['links', 0, 'a', 'addresses', 0] },
    ]);
    expect(withCode(ps, 'address-network-address')[0].message).toContain('10.0.1.1/24');
    expect(withCode(ps, 'address-broadcast')).toMatchObject([{ path: ['links', 0, 'a', 'addresses', 1] }]);
  });

  it('/31 and /32 have no network or broadcast address', () => {
    const ps = validate(
      variant((d) => {
        d.links[0].a.addresses = ['10.0.1.0/31'];
        d.links[0].b.addresses = ['10.0.1.1/31'];
        d.nodes[0].gateway = undefined;
        d.links.push({
          id: 'l9',
          a: { node: 'ns1', ifname: 'x0', addresses: ['10.9.9.9/32'] },
          b: { node: 'ns1', ifname: 'x1' },
        });
      }),
    );
    expect(ps).toEqual([]);
  });

  it('special ranges', () => {
    const ps = validate(
      variant(
        (d) =>
          (d.links[0].a.addresses = [
            '127.0.0.2/8',
            '224.0.0.5/24',
            'ff02::1/64',
            '0.1.2.3/8',
            '::ffff:10.0.1.7/128',
            '::1/128',
          ]),
      ),
    );
    expect(withCode(ps, 'address-special').map((p) => p.path[4])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('explicit IPv6 link-local is refused (netplumb would never set it); IPv4 169.254/16 is an address like any other', () => {
    const ps = validate(variant((d) => d.links[0].a.addresses.push('fe80::12/64')));
    expect(withCode(ps, 'address-link-local')).toMatchObject([
      { severity: 'error', path: ['links', 0, 'a', 'addresses', 1] },
    ]);
    const v4 = validate(variant((d) => d.links[0].a.addresses.push('169.254.5.1/16')));
    expect(v4.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('bridge addresses are checked too', () => {
    const ps = validate(variant((d) => (d.nodes[3].addresses = ['10.5.0.0/16'])));
    expect(withCode(ps, 'address-network-address')).toMatchObject([
      { path: ['nodes', 3, 'addresses', 0], nodeId: 'br0' },
    ]);
  });
});

describe('addresses on bridge ports', () => {
  it('an address on a bridge-port end is an error', () => {
    const ps = validate(variant((d) => (d.links[2].b.addresses = ['10.0.2.9/24'])));
    const p = withCode(ps, 'address-on-bridge-port');
    expect(p).toMatchObject([{ path: ['links', 2, 'b', 'addresses', 0], nodeId: 'br0', linkId: 'l3' }]);
    expect(p[0].message).toMatch(/on the bridge itself/);
  });
  it('an address on the bridge itself is fine', () => {
    expect(
      validate(variant((d) => (d.nodes[3].addresses = ['10.0.2.9/24']))).filter(
        (p) => p.code !== 'root-namespace-address',
      ),
    ).toEqual([]);
  });
});

describe('duplicate addresses', () => {
  it('twice on one interface', () => {
    const ps = validate(variant((d) => d.links[0].a.addresses.push('10.0.1.2/24')));
    expect(withCode(ps, 'address-duplicate')).toMatchObject([
      { path: ['links', 0, 'a', 'addresses', 1], nodeId: 'ns1' },
    ]);
  });

  it('on two interfaces of one namespace (different prefix lengths, same address): a warning on both', () => {
    const ps = validate(
      variant((d) =>
        d.links.push({
          id: 'l9',
          a: { node: 'ns1', ifname: 'x0', addresses: ['10.0.1.2/32'] },
          b: { node: 'ns2', ifname: 'x0' },
        }),
      ),
    );
    expect(withCode(ps, 'address-duplicate')).toEqual([]);
    expect(withCode(ps, 'address-conflict')).toMatchObject([
      { severity: 'warning', path: ['links', 3, 'a', 'addresses', 0], linkId: 'l9' },
      { severity: 'warning', path: ['links', 0, 'a', 'addresses', 0], linkId: 'l1' },
    ]);
  });

  it('across namespaces on one segment (through a bridge): a warning that flags both hosts, each naming the other', () => {
    const ps = validate(variant((d) => (d.links[2].a.addresses = ['10.0.2.1/24'])));
    const p = withCode(ps, 'address-conflict');
    expect(p).toHaveLength(2);
    expect(p.map((x) => x.nodeId).sort()).toEqual(['ns2', 'r1']);
    expect(p.every((x) => x.severity === 'warning' && /layer-2 segment/.test(x.message))).toBe(true);
    expect(p.find((x) => x.nodeId === 'ns2')).toMatchObject({
      linkId: 'l3',
      path: ['links', 2, 'a', 'addresses', 0],
    });
    // (The fixture's gateway then points at this host itself: that error is about the gateway, not the address.)
    expect(ps.filter((x) => x.severity === 'error' && x.code.startsWith('address'))).toEqual([]);
  });

  it('across namespaces on one veth', () => {
    const ps = validate(variant((d) => (d.links[0].b.addresses = ['10.0.1.2/24'])));
    expect(
      withCode(ps, 'address-conflict')
        .map((p) => p.nodeId)
        .sort(),
    ).toEqual(['ns1', 'r1']);
  });

  it('the same address on separate segments in separate namespaces is allowed', () => {
    const ps = validate(
      variant((d) => {
        d.nodes.push({ id: 'ns3', kind: 'namespace' }, { id: 'ns4', kind: 'namespace' });
        d.links.push({
          id: 'l9',
          a: { node: 'ns3', ifname: 'e0', addresses: ['10.0.1.2/24'] },
          b: { node: 'ns4', ifname: 'e0', addresses: ['10.0.1.3/24'] },
        });
      }),
    );
    expect(ps).toEqual([]);
  });

  it('IPv6 compare canonical forms', () => {
    const ps = validate(variant((d) => (d.links[2].a.addresses = ['10.0.2.2/24', 'FD00:2:0::1/64'])));
    expect(withCode(ps, 'address-conflict')).toHaveLength(2);
  });
});

describe('overlapping subnets in one namespace', () => {
  it('different overlapping subnets on two interfaces is an error', () => {
    const ps = validate(
      variant((d) =>
        d.links.push({
          id: 'l9',
          a: { node: 'ns1', ifname: 'x0', addresses: ['10.0.5.1/16'] },
          b: { node: 'ns2', ifname: 'x0', addresses: ['10.0.5.2/16'] },
        }),
      ),
    );
    const p = withCode(ps, 'address-overlap');
    expect(p).toHaveLength(2); // ns1 (10.0.1.2/24 vs 10.0.5.1/16) and ns2 (10.0.2.2/24 vs 10.0.5.2/16)
    expect(p[0]).toMatchObject({
      severity: 'error',
      path: ['links', 3, 'a', 'addresses', 0],
      linkId: 'l9',
      nodeId: 'ns1',
    });
  });

  it('disjoint subnets are fine, and the same subnet twice is only a warning', () => {
    const ok = validate(
      variant((d) =>
        d.links.push({
          id: 'l9',
          a: { node: 'ns1', ifname: 'x0', addresses: ['10.7.0.1/24'] },
          b: { node: 'ns2', ifname: 'x0', addresses: ['10.7.0.2/24'] },
        }),
      ),
    );
    expect(ok).toEqual([]);
    const warn = validate(
      variant((d) =>
        d.links.push({
          id: 'l9',
          a: { node: 'ns1', ifname: 'x0', addresses: ['10.0.1.9/24'] },
          b: { node: 'ns2', ifname: 'x0', addresses: ['10.0.1.10/24'] },
        }),
      ),
    );
    expect(withCode(warn, 'subnet-on-two-interfaces')).toMatchObject([
      { severity: 'warning', nodeId: 'ns1' },
    ]);
    expect(warn.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('prefix-length mismatch on one segment is a warning', () => {
    const ps = validate(variant((d) => (d.links[0].a.addresses = ['10.0.1.2/16'])));
    expect(withCode(ps, 'prefix-length-mismatch')).toMatchObject([{ severity: 'warning' }]);
  });
});
