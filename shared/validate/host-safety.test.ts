import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTopology, Topology, type TopologyInput } from '../model';
import { formatIp, parseCidr, prefixMask } from '../util/ip';
import {
  checkHostSafety,
  DEFAULT_HOST_POLICY,
  rootClaims,
  type HostFacts,
  type HostPolicy,
} from './host-safety';

/** A host like a laptop on a home network, with a VPN route and Docker's bridge. */
const FACTS: HostFacts = {
  addresses: [
    { cidr: '127.0.0.1/8', dev: 'lo' },
    { cidr: '192.168.1.20/24', dev: 'wlan0' },
    { cidr: '2001:db8:1::20/64', dev: 'wlan0' },
  ],
  routes: [
    { dst: '192.168.1.0/24', dev: 'wlan0' },
    { dst: '10.8.0.0/16', dev: 'tun0' },
    { dst: '172.17.0.0/16', dev: 'docker0' },
    { dst: '2001:db8:1::/64', dev: 'wlan0' },
  ],
  gateways: [
    { ip: '192.168.1.1', dev: 'wlan0' },
    { ip: 'fe80::1', dev: 'wlan0' },
  ],
};

/** A lab with one host link whose root end gets `root` and a root bridge with `bridge` addresses. */
function lab(root: string[], bridge: string[] = []): Topology {
  const doc: TopologyInput = {
    version: 1,
    name: 'hs',
    nodes: [
      { id: 'host', name: 'host', kind: 'host' },
      { id: 'ns1', name: 'ns1', kind: 'namespace' },
      { id: 'br0', name: 'br0', kind: 'bridge', addresses: bridge },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'host', ifname: 'veth-ns1', addresses: root },
        b: { node: 'ns1', ifname: 'eth0' },
      },
      { id: 'l2', a: { node: 'ns1', ifname: 'eth1' }, b: { node: 'br0', ifname: 'br0-p1' } },
    ],
  };
  const r = parseTopology(doc);
  if (!r.ok) throw new Error('bad test lab');
  return r.topology;
}

const codes = (t: Topology, facts = FACTS, policy?: HostPolicy) =>
  checkHostSafety(t, facts, policy).map((p) => p.code);

describe('root-namespace claims', () => {
  it('are the addresses of host link ends and root bridges, with their paths', () => {
    expect(
      rootClaims(lab(['198.18.5.1/24'], ['198.18.6.1/24'])).map((c) => [c.cidr, c.path, c.nodeId, c.linkId]),
    ).toEqual([
      ['198.18.5.1/24', ['links', 0, 'a', 'addresses', 0], 'host', 'l1'],
      ['198.18.6.1/24', ['nodes', 2, 'addresses', 0], 'br0', undefined],
    ]);
  });
});

describe('host safety', () => {
  it('lets a lab use a network the host does not use', () => {
    expect(checkHostSafety(lab(['198.18.5.1/24', 'fd12:3456::1/64'], ['198.18.6.1/24']), FACTS)).toEqual([]);
  });

  it("refuses the issue's hijacks in plain words, located on the link end", () => {
    const ps = checkHostSafety(lab(['1.0.0.1/1', '128.0.0.1/1', '2000::1/3', '192.168.1.1/32']), FACTS);
    expect(ps.map((p) => [p.code, p.path, p.linkId, p.nodeId])).toEqual([
      ['host-prefix-too-broad', ['links', 0, 'a', 'addresses', 0], 'l1', 'host'],
      ['host-gateway-taken', ['links', 0, 'a', 'addresses', 1], 'l1', 'host'],
      ['host-prefix-too-broad', ['links', 0, 'a', 'addresses', 2], 'l1', 'host'],
      ['host-gateway-taken', ['links', 0, 'a', 'addresses', 3], 'l1', 'host'],
    ]);
    expect(ps[0].message).toBe(
      'Link host:veth-ns1 — ns1:eth0: interface "veth-ns1" on host: 1.0.0.1/1 would be added in the host\'s root namespace, and a /1 covers half or more of all IPv4 addresses, so the machine\'s own traffic would go into the lab. In the root namespace prefixes must be /8 or longer.',
    );
    expect(ps[3].message).toMatch(
      /192\.168\.1\.1\/32 contains 192\.168\.1\.1, this machine's default gateway on wlan0; the machine would lose its network/,
    );
  });

  it('refuses an address the host has, a network around it, and networks the host routes', () => {
    expect(codes(lab(['192.168.1.20/32']))).toEqual(['host-address-taken']);
    expect(codes(lab(['192.168.1.17/28']))).toEqual(['host-address-taken']);
    expect(codes(lab(['10.8.3.1/24']))).toEqual(['host-route-taken']);
    expect(codes(lab(['10.0.0.1/8']))).toEqual(['host-route-taken']);
    expect(codes(lab(['2001:db8:1::99/64']))).toEqual(['host-address-taken']);
    expect(codes(lab([], ['172.17.0.5/24']))).toEqual(['host-route-taken']);
  });

  it('lets the machine policy relax the prefix rule and exempt listed prefixes, never the gateway or host addresses', () => {
    const relaxed: HostPolicy = { minPrefixV4: 1, minPrefixV6: 3, allow: ['10.8.0.0/16'] };
    expect(codes(lab(['4000::1/3']), FACTS, relaxed)).toEqual([]);
    expect(codes(lab(['2000::1/3']), FACTS, relaxed)).toEqual(['host-address-taken']);
    expect(codes(lab(['10.8.3.1/24']), FACTS, relaxed)).toEqual([]);
    expect(codes(lab(['1.0.0.1/1', '128.0.0.1/1']), FACTS, relaxed)).toEqual([
      'host-address-taken',
      'host-gateway-taken',
    ]);
    expect(codes(lab(['192.168.1.1/32']), FACTS, { ...relaxed, allow: ['192.168.0.0/16'] })).toEqual([
      'host-gateway-taken',
    ]);
    expect(codes(lab(['192.168.1.20/32']), FACTS, { ...relaxed, allow: ['192.168.0.0/16'] })).toEqual([
      'host-address-taken',
    ]);
  });

  it('a document cannot carry a policy', () => {
    expect(Topology.safeParse({ version: 1, name: 'x', hostPolicy: { minPrefixV4: 0 } }).success).toBe(false);
  });
});

const arbV4 = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((n) => formatIp({ family: 4, value: BigInt(n) }));
const arbV6 = fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map((n) => formatIp({ family: 6, value: n }));
/** A CIDR with prefix `len` whose network contains `ip`, with random host bits. */
const around = (ip: string, fam: 4 | 6, len: number, hostBits: bigint) => {
  const bits = fam === 4 ? 32 : 128;
  const v = parseCidr(`${ip}/${bits}`)!.value;
  const m = prefixMask(fam, len);
  const all = (1n << BigInt(bits)) - 1n;
  return `${formatIp({ family: fam, value: (v & m) | (hostBits & (all ^ m)) })}/${len}`;
};
const noFacts: HostFacts = { addresses: [], routes: [], gateways: [] };

describe('host safety properties', () => {
  it('any root-namespace prefix containing the default gateway is refused, whatever the policy', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        arbV4,
        arbV6,
        fc.integer({ min: 0, max: 128 }),
        fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
        fc.boolean(),
        (v6, g4, g6, l, hb, relax) => {
          const fam = v6 ? 6 : 4;
          const gw = v6 ? g6 : g4;
          const cidr = around(gw, fam, l % (fam === 4 ? 33 : 129), hb);
          const policy = relax
            ? { minPrefixV4: 0, minPrefixV6: 0, allow: [v6 ? '::/0' : '0.0.0.0/0'] }
            : DEFAULT_HOST_POLICY;
          const ps = checkHostSafety(lab([cidr]), { ...noFacts, gateways: [{ ip: gw }] }, policy);
          expect(ps.map((p) => [p.code, p.path])).toEqual([
            ['host-gateway-taken', ['links', 0, 'a', 'addresses', 0]],
          ]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any prefix containing a host address is refused; any prefix overlapping a foreign route is refused unless allowed', () => {
    fc.assert(
      fc.property(
        arbV4,
        fc.integer({ min: 8, max: 32 }),
        fc.integer({ min: 8, max: 32 }),
        fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
        (ip, l, rl, hb) => {
          const cidr = around(ip, 4, l, hb);
          expect(codes(lab([cidr]), { ...noFacts, addresses: [{ cidr: `${ip}/24`, dev: 'eth0' }] })).toEqual([
            'host-address-taken',
          ]);
          const route = around(ip, 4, rl, 0n);
          expect(codes(lab([cidr]), { ...noFacts, routes: [{ dst: route, dev: 'eth0' }] })).toEqual([
            'host-route-taken',
          ]);
          expect(
            codes(
              lab([cidr]),
              { ...noFacts, routes: [{ dst: route, dev: 'eth0' }] },
              { ...DEFAULT_HOST_POLICY, allow: [around(ip, 4, Math.min(l, rl), 0n)] },
            ),
          ).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('prefixes shorter than the policy minimum are refused, the rest pass on an empty host', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        arbV4,
        arbV6,
        fc.integer({ min: 0, max: 128 }),
        fc.integer({ min: 0, max: 32 }),
        (v6, a4, a6, l, min) => {
          const fam = v6 ? 6 : 4;
          const len = l % (fam === 4 ? 33 : 129);
          const cidr = `${v6 ? a6 : a4}/${len}`;
          const policy = { minPrefixV4: min, minPrefixV6: min * 4, allow: [] };
          const want = len < (v6 ? min * 4 : min) ? ['host-prefix-too-broad'] : [];
          expect(codes(lab([cidr]), noFacts, policy)).toEqual(want);
          expect(codes(lab([cidr]), noFacts)).toEqual(len < (v6 ? 32 : 8) ? ['host-prefix-too-broad'] : []);
        },
      ),
      { numRuns: 500 },
    );
  });
});
