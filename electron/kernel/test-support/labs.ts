/** Topologies for engine tests; every kernel name starts with the given prefix. */
import type { TopologyInput } from '../../../shared/model';

/** The classic lab: two namespaces on a bridge in the root namespace. */
export function classicLab(p: string): TopologyInput & {
  name: string;
  nodes: NonNullable<TopologyInput['nodes']>;
  links: NonNullable<TopologyInput['links']>;
} {
  return {
    version: 1,
    name: `${p}-classic`,
    nodes: [
      { id: 'ns1', name: `${p}a`, kind: 'namespace' },
      { id: 'ns2', name: `${p}b`, kind: 'namespace' },
      { id: 'br0', name: `${p}br`, kind: 'bridge' },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'ns1', ifname: 'eth0', addresses: ['10.0.0.1/24', 'fd00::1/64'] },
        b: { node: 'br0', ifname: `${p}p1` },
      },
      {
        id: 'l2',
        a: { node: 'ns2', ifname: 'eth0', addresses: ['10.0.0.2/24', 'fd00::2/64'] },
        b: { node: 'br0', ifname: `${p}p2` },
      },
    ],
  };
}

/**
 * The root-namespace /30 of {@link richLab}: the host end's and the router
 * end's addresses, different for each test prefix, because the engine refuses
 * a root-namespace address another lab (another test running at the same
 * time) already put on the host. A prefix without hex digits gets 10.3.0.0/30.
 */
export function richHostNet(p: string): [string, string] {
  const n = parseInt(p.replace(/[^0-9a-f]/g, '').slice(-4) || '0', 16) % 16384;
  const base = `10.3.${n >> 6}.${(n & 63) * 4}`.split('.').map(Number);
  return [
    `${base.slice(0, 3).join('.')}.${base[3] + 1}/30`,
    `${base.slice(0, 3).join('.')}.${base[3] + 2}/30`,
  ];
}

/**
 * A lab using most of what this kernel supports: a root bridge with STP, a
 * bridge inside a namespace, a router with sysctls, routes, IPv6, MTU and MAC
 * settings, and an end in the root namespace (host node).
 */
export function richLab(p: string): TopologyInput & {
  name: string;
  nodes: NonNullable<TopologyInput['nodes']>;
  links: NonNullable<TopologyInput['links']>;
} {
  const [hostEnd, routerEnd] = richHostNet(p);
  return {
    version: 1,
    name: `${p}-rich`,
    nodes: [
      { id: 'h1', name: `${p}h1`, kind: 'namespace', gateway: { ipv4: '10.1.0.1', ipv6: 'fd01::1' } },
      { id: 'h2', name: `${p}h2`, kind: 'namespace', gateway: { ipv4: '10.1.0.1' } },
      { id: 'r1', name: `${p}r1`, kind: 'router', sysctls: { 'net.ipv4.conf.all.rp_filter': 2 } },
      { id: 'h3', name: `${p}h3`, kind: 'namespace', routes: [{ to: '10.1.0.0/24', via: '10.2.0.1' }] },
      { id: 'sw', name: `${p}sw`, kind: 'bridge', mtu: 1400 },
      // STP holds ports in listening/learning for 2 x forward_delay (30 s): kept off the ping paths.
      { id: 'stp', name: `${p}stp`, kind: 'bridge', stp: true },
      { id: 'ibr', name: 'ibr0', kind: 'bridge', namespace: 'r1', addresses: ['10.2.0.1/24'] },
      { id: 'host', name: 'host', kind: 'host' },
    ],
    links: [
      {
        id: 'a',
        a: {
          node: 'h1',
          ifname: 'eth0',
          mtu: 1400,
          mac: '02:00:00:00:01:01',
          addresses: ['10.1.0.11/24', 'fd01::11/64'],
        },
        b: { node: 'sw', ifname: `${p}s1`, mtu: 1400 },
      },
      {
        id: 'b',
        a: { node: 'h2', ifname: 'eth0', mtu: 1400, addresses: ['10.1.0.12/24'] },
        b: { node: 'sw', ifname: `${p}s2`, mtu: 1400 },
      },
      {
        id: 'c',
        a: { node: 'r1', ifname: 'up0', mtu: 1400, addresses: ['10.1.0.1/24', 'fd01::1/64'] },
        b: { node: 'sw', ifname: `${p}s3`, mtu: 1400 },
      },
      {
        id: 'd',
        a: { node: 'h3', ifname: 'eth0', addresses: ['10.2.0.13/24'] },
        b: { node: 'ibr', ifname: 'p-h3' },
      },
      { id: 's', a: { node: 'h3', ifname: 'eth1' }, b: { node: 'stp', ifname: `${p}st1` } },
      {
        id: 'e',
        a: { node: 'host', ifname: `${p}hx`, addresses: [hostEnd] },
        b: { node: 'r1', ifname: 'hostlink', addresses: [routerEnd] },
      },
    ],
  };
}
