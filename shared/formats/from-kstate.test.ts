import { describe, expect, it } from 'vitest';
import { parseTopology, type Topology } from '../model';
import { type KState, ROOT_NS, resolve } from '../plan';
import { hasErrors } from '../validate';
import { FRESH_NS_SYSCTLS } from './from-kstate-parts';
import { kstateToTopology } from './from-kstate';

/** The kernel state a topology produces, as the live reader reports it: no marks, every allowlisted sysctl. */
function liveOf(t: Topology): KState {
  const s = structuredClone(resolve(t).state);
  for (const [name, ns] of Object.entries(s.namespaces)) {
    delete ns.mark;
    if (name !== ROOT_NS) ns.sysctls = { ...FRESH_NS_SYSCTLS, ...ns.sysctls };
    for (const i of Object.values(ns.ifaces)) delete i.mark;
  }
  return s;
}

/** resolve() of a topology without marks, for comparing kernel content. */
const unmarked = (t: Topology) => liveOf(t);

const classic = topo({
  version: 1,
  name: 'classic',
  nodes: [
    { id: 'ns1', kind: 'namespace', gateway: { ipv4: '10.0.0.254' } },
    { id: 'ns2', kind: 'namespace' },
    { id: 'br0', kind: 'bridge', addresses: ['10.0.0.254/24'] },
  ],
  links: [
    {
      id: 'l1',
      a: { node: 'ns1', ifname: 'veth-ns1', addresses: ['10.0.0.1/24'], mac: '02:00:00:00:00:01' },
      b: { node: 'br0', ifname: 'veth-ns1-br' },
    },
    {
      id: 'l2',
      a: { node: 'ns2', ifname: 'veth-ns2', addresses: ['10.0.0.2/24'], mtu: 1400 },
      b: { node: 'br0', ifname: 'veth-ns2-br', mtu: 1400 },
    },
  ],
});

const routed = topo({
  version: 1,
  name: 'routed',
  nodes: [
    { id: 'h1', kind: 'namespace', gateway: { ipv4: '10.1.0.1' } },
    {
      id: 'r1',
      kind: 'router',
      ipv6Forwarding: false,
      sysctls: { 'net.ipv4.conf.all.rp_filter': 2 },
      routes: [
        { to: '10.3.0.0/24', via: '10.2.0.2' },
        { to: '10.9.0.0/16', via: '10.2.0.2', metric: 50 },
      ],
    },
    { id: 'r2', kind: 'router', gateway: { ipv4: '10.2.0.1' } },
    { id: 'lan', kind: 'bridge', namespace: 'r2', addresses: ['10.3.0.1/24'] },
    { id: 'h2', kind: 'namespace', gateway: { ipv4: '10.3.0.1' } },
  ],
  links: [
    {
      id: 'a',
      a: { node: 'h1', ifname: 'eth0', addresses: ['10.1.0.2/24'] },
      b: { node: 'r1', ifname: 'eth0', addresses: ['10.1.0.1/24'] },
    },
    {
      id: 'b',
      a: { node: 'r1', ifname: 'eth1', addresses: ['10.2.0.1/30'] },
      b: { node: 'r2', ifname: 'eth0', addresses: ['10.2.0.2/30'] },
    },
    {
      id: 'c',
      a: { node: 'h2', ifname: 'eth0', addresses: ['10.3.0.2/24'] },
      b: { node: 'lan', ifname: 'p-h2' },
    },
  ],
});

function topo(input: unknown): Topology {
  const r = parseTopology(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.topology;
}

const names = (t: Topology) => t.nodes.map((n) => `${n.kind}:${n.name}`).sort();

describe('kstateToTopology', () => {
  it('turns a classic bridge lab into a valid topology with the same kernel content', () => {
    const r = kstateToTopology(liveOf(classic), { lab: 'classic' });
    expect(hasErrors(r.problems)).toBe(false);
    const t = r.topology!;
    expect(names(t)).toEqual(['bridge:br0', 'namespace:ns1', 'namespace:ns2']);
    expect(t.links).toHaveLength(2);
    const l1 = t.links.find((l) => l.a.ifname === 'veth-ns1')!;
    expect(l1.a).toMatchObject({
      node: 'ns1',
      addresses: ['10.0.0.1/24'],
      mac: '02:00:00:00:00:01',
      up: true,
    });
    expect(l1.b).toMatchObject({ node: 'br0', ifname: 'veth-ns1-br', addresses: [] });
    expect(t.nodes.find((n) => n.name === 'ns1')).toMatchObject({
      gateway: { ipv4: '10.0.0.254' },
      routes: [],
    });
    expect(t.nodes.every((n) => n.position)).toBe(true);
    expect(unmarked(t)).toEqual(liveOf(classic));
  });

  it("leaves out a bridge MAC that the kernel took from one of its ports (it is not a setting, and would duplicate the port's)", () => {
    const s = liveOf(classic);
    s.namespaces[ROOT_NS].ifaces['veth-ns1-br'].mac = '02:00:00:00:00:aa';
    s.namespaces[ROOT_NS].ifaces.br0.mac = '02:00:00:00:00:aa';
    const r = kstateToTopology(s, { lab: 'classic' });
    expect(hasErrors(r.problems)).toBe(false);
    expect(r.topology!.nodes.find((n) => n.name === 'br0')).not.toHaveProperty('mac');
    s.namespaces[ROOT_NS].ifaces.br0.mac = '02:00:00:00:00:bb';
    expect(
      kstateToTopology(s, { lab: 'classic' }).topology!.nodes.find((n) => n.name === 'br0'),
    ).toMatchObject({ mac: '02:00:00:00:00:bb' });
  });

  it('turns a routed lab (routers, a bridge inside a router, routes with metrics) into the same kernel content', () => {
    const r = kstateToTopology(liveOf(routed), { lab: 'routed' });
    expect(hasErrors(r.problems)).toBe(false);
    const t = r.topology!;
    expect(names(t)).toEqual(['bridge:lan', 'namespace:h1', 'namespace:h2', 'router:r1', 'router:r2']);
    const r1 = t.nodes.find((n) => n.name === 'r1')!;
    expect(r1).toMatchObject({
      kind: 'router',
      ipv6Forwarding: false,
      sysctls: { 'net.ipv4.conf.all.rp_filter': '2' },
    });
    expect(t.nodes.find((n) => n.name === 'lan')).toMatchObject({ namespace: 'r2' });
    expect(unmarked(t)).toEqual(liveOf(routed));
  });

  it('limits the import to the given namespaces and the bridges and links that touch them', () => {
    const r = kstateToTopology(liveOf(classic), { lab: 'part', namespaces: ['ns1'] });
    expect(hasErrors(r.problems)).toBe(false);
    expect(names(r.topology!)).toEqual(['bridge:br0', 'namespace:ns1']);
    expect(r.topology!.links.map((l) => l.a.ifname)).toEqual(['veth-ns1']);
    const r2 = kstateToTopology(liveOf(routed), { lab: 'part', namespaces: ['h1', 'r1', 'nothere'] });
    expect(names(r2.topology!)).toEqual(['namespace:h1', 'router:r1']);
    expect(r2.problems.map((p) => p.message).join('\n')).toMatch(/"nothere" was asked for/);
    // eth1 of r1 leads to r2, which is not imported: the link and the routes through it are left out, with warnings.
    expect(r2.problems.map((p) => p.message).join('\n')).toMatch(/veth eth1 in namespace r1 is left out/);
    expect(r2.problems.map((p) => p.message).join('\n')).toMatch(
      /Route 10.3.0.0\/24 via 10.2.0.2 in namespace r1 is left out/,
    );
    expect(hasErrors(r2.problems)).toBe(false);
  });

  it('drops foreign interfaces, unnamed peers and non-bridge masters with warnings naming them', () => {
    const s = liveOf(classic);
    s.namespaces.ns1.ifaces.dummy0 = { name: 'dummy0', kind: 'other', up: true, addresses: ['192.0.2.1/24'] };
    s.namespaces[ROOT_NS].ifaces.vethdock = {
      name: 'vethdock',
      kind: 'veth',
      up: true,
      addresses: [],
      peer: { ns: '' },
    };
    s.namespaces.ns2.ifaces['veth-ns2'].master = 'bond0';
    s.namespaces.ns2.ifaces.bond0 = { name: 'bond0', kind: 'other', up: true, addresses: [] };
    const r = kstateToTopology(s, { lab: 'x' });
    const text = r.problems.map((p) => p.message).join('\n');
    expect(text).toMatch(/dummy0 in namespace ns1 are left out/);
    expect(text).toMatch(/vethdock in the root namespace left out/);
    expect(text).toMatch(/veth-ns2 in namespace ns2 is left out \(with its peer\): it is enslaved to bond0/);
    expect(r.topology!.links.map((l) => l.id)).toHaveLength(1);
    expect(hasErrors(r.problems)).toBe(false);
  });

  it('puts a root veth end that is not a bridge port on a host node, and keeps VLANs and netem', () => {
    const t = topo({
      version: 1,
      name: 'v',
      nodes: [
        { id: 'a', kind: 'namespace' },
        { id: 'b', kind: 'namespace' },
        { id: 'sw', kind: 'bridge', vlanFiltering: true, defaultPvid: 7 },
        { id: 'host', kind: 'host' },
      ],
      links: [
        {
          id: 'x',
          a: { node: 'a', ifname: 'e0', addresses: ['10.5.0.1/24'], netem: { delayMs: 20, lossPercent: 1 } },
          b: { node: 'sw', ifname: 'pa', vlans: { pvid: 10, untagged: [10], tagged: [20] } },
        },
        {
          id: 'y',
          a: { node: 'b', ifname: 'e0', addresses: ['10.6.0.1/24'] },
          b: { node: 'host', ifname: 'vb', addresses: ['10.6.0.2/24'] },
        },
      ],
    });
    const r = kstateToTopology(liveOf(t), { lab: 'v' });
    expect(hasErrors(r.problems)).toBe(false);
    expect(names(r.topology!)).toEqual(['bridge:sw', 'host:host', 'namespace:a', 'namespace:b']);
    const x = r.topology!.links.find((l) => l.a.node === 'a')!;
    expect(x.a.netem).toEqual({ delayMs: 20, lossPercent: 1 });
    expect(x.b.vlans).toEqual({ pvid: 10, untagged: [10], tagged: [20] });
    expect(r.topology!.links.find((l) => l.a.node === 'b')!.b).toMatchObject({ node: 'host', ifname: 'vb' });
    expect(unmarked(r.topology!)).toEqual(liveOf(t));
  });

  it('warns when a namespace already belongs to a netplumb lab', () => {
    const s = liveOf(classic);
    s.namespaces.ns1.mark = 'netplumb:other';
    const r = kstateToTopology(s, { lab: 'x' });
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        code: 'import-host-managed',
        severity: 'warning',
        message: expect.stringMatching(/ns1 already belongs to netplumb lab "other"/),
      }),
    );
  });

  it('names hand-made settings it leaves out (ARP off, port flags, a shaping qdisc), and the lab is the same otherwise', () => {
    const s = liveOf(classic);
    Object.assign(s.namespaces.ns2.ifaces['veth-ns2'], { arpOff: true, rootQdisc: 'tbf' });
    s.namespaces.ns2.routes.push({ to: '10.0.0.1/32', family: 4, dev: 'lo', proto: 'kernel' });
    s.namespaces.ns2.rules = [{ pref: 100, words: ['to', '10.0.0.1', 'prohibit'] }];
    s.namespaces.ns2.neighs = [{ addr: '10.0.0.1', dev: 'veth-ns2', lladdr: '02:00:00:00:00:99' }];
    const r = kstateToTopology(s, { lab: 'x' });
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(
          /^Route 10.0.0.1\/32 in namespace ns2 is left out: it is a route of protocol kernel/,
        ),
      }),
    );
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        code: 'import-host-dropped',
        message: expect.stringMatching(/^ARP off, a tbf qdisc on veth-ns2 in namespace ns2 are left out/),
      }),
    );
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(
          /^policy rule "100: to 10.0.0.1 prohibit", permanent neighbour 10.0.0.1 on veth-ns2 in namespace ns2 are left out/,
        ),
      }),
    );
    expect(unmarked(r.topology!)).toEqual(liveOf(classic));
  });

  it('makes ids from names that are not valid ids, unique', () => {
    const s: KState = { namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, ifaces: {}, routes: [] } } };
    for (const n of ['my ns', 'my:ns', 'host'])
      s.namespaces[n] = {
        name: n,
        sysctls: {},
        ifaces: { lo: { name: 'lo', kind: 'loopback', up: true, addresses: [] } },
        routes: [],
      };
    const r = kstateToTopology(s, { lab: 'ids' });
    expect(r.topology!.nodes.map((n) => n.id).sort()).toEqual(['host-2', 'my-ns', 'my-ns-2']);
  });
});
