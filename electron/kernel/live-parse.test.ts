import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCidr, isLinkLocal, parseCidr } from '../../shared/util/ip';
import { BridgeVlanList, IpLinkList, IpNeighList, IpRouteList, TcQdiscList, parseIpJson } from './ip-json';
import {
  handMadeQdisc,
  linkToIface,
  lostRoutes,
  netemByDev,
  netemFromOptions,
  permanentNeighs,
  parseSysctlOutput,
  portVlans,
  routeFamily,
  staticRoutes,
  settledV6,
  tableRoutes,
} from './live-parse';
import {
  ADDRESS_SHOW,
  BRIDGE_VLAN_SHOW,
  ROUTES_ALL,
  SYSCTL_OUTPUT,
  TC_QDISC_SHOW,
} from './test-support/iproute2-samples';

import { connectedRoutes } from '../../shared/plan/connected';
import type { KIface } from '../../shared/plan/kstate';

const links = parseIpJson(IpLinkList, ADDRESS_SHOW, 'sample');

describe('linkToIface', () => {
  it('normalises every link of a recorded `ip -j -d address show`', () => {
    expect(links.map(linkToIface)).toEqual([
      // The loopback's own 127.0.0.1/8 and ::1/128 are the kernel's, not ours.
      { name: 'lo', kind: 'loopback', mark: 'netplumb:lab1:ns:ns1', mtu: 65536, up: true, addresses: [] },
      {
        name: 'v1',
        kind: 'veth',
        mark: 'netplumb:lab1:link:l1:a',
        mtu: 1400,
        mac: '02:00:00:00:00:01',
        up: true,
        // link-local and the SLAAC (dynamic) address are left out; fd00:0:0:0::1 is canonicalised.
        addresses: ['10.0.0.1/24', 'fd00::1/64'],
      },
      {
        name: 'p1',
        kind: 'veth',
        master: 'br0',
        mtu: 1500,
        mac: '02:00:00:00:01:01',
        up: true,
        addresses: [],
      },
      {
        name: 'p2',
        kind: 'veth',
        master: 'br0',
        mtu: 1500,
        mac: '02:00:00:00:01:02',
        up: false,
        addresses: [],
      },
      {
        name: 'br0',
        kind: 'bridge',
        mark: 'netplumb:lab1:node:br0',
        mtu: 1500,
        mac: '02:00:00:00:00:b0',
        up: true,
        addresses: ['10.9.0.1/24'],
        bridge: { stp: false, vlanFiltering: true, defaultPvid: 10 },
      },
    ]);
  });

  it('reads STP on and falls back to PVID 1 when the kernel has no VLAN filtering', () => {
    const [br] = parseIpJson(
      IpLinkList,
      JSON.stringify([
        {
          ifindex: 3,
          ifname: 'b',
          flags: [],
          linkinfo: { info_kind: 'bridge', info_data: { stp_state: 1, vlan_filtering: 0 } },
        },
      ]),
      't',
    );
    expect(linkToIface(br).bridge).toEqual({ stp: true, vlanFiltering: false, defaultPvid: 1 });
  });

  it('marks a loopback that is up without its own 127.0.0.1/8 (deleted by hand), and only then', () => {
    const lo = (flags: string[], addrs: { family: string; local: string; prefixlen: number }[]) =>
      linkToIface(
        parseIpJson(
          IpLinkList,
          JSON.stringify([{ ifindex: 1, ifname: 'lo', flags, link_type: 'loopback', addr_info: addrs }]),
          't',
        )[0],
      );
    const own = { family: 'inet', local: '127.0.0.1', prefixlen: 8 };
    const six = { family: 'inet6', local: '::1', prefixlen: 128 };
    expect(lo(['LOOPBACK', 'UP', 'LOWER_UP'], [own, six]).lostOwn).toBeUndefined();
    expect(lo(['LOOPBACK', 'UP', 'LOWER_UP'], [six]).lostOwn).toBe(true);
    expect(lo(['LOOPBACK', 'UP', 'LOWER_UP'], [{ ...own, prefixlen: 32 }]).lostOwn).toBe(true);
    // Down: coming up gives it back, so nothing is missing.
    expect(lo(['LOOPBACK'], []).lostOwn).toBeUndefined();
    expect(lo(['LOOPBACK', 'UP', 'LOWER_UP'], [own]).addresses).toEqual([]);
  });

  it('sorts addresses and treats unknown kinds as other', () => {
    const [l] = parseIpJson(
      IpLinkList,
      JSON.stringify([
        {
          ifindex: 7,
          ifname: 'x',
          flags: ['UP'],
          linkinfo: { info_kind: 'macvlan' },
          addr_info: [
            { family: 'inet6', local: 'fd00::2', prefixlen: 64 },
            { family: 'inet', local: '10.2.0.1', prefixlen: 16 },
            { family: 'inet', local: '10.10.0.1', prefixlen: 16 },
          ],
        },
      ]),
      't',
    );
    expect(linkToIface(l)).toEqual({
      name: 'x',
      kind: 'other',
      otherKind: 'macvlan',
      up: true,
      addresses: ['10.10.0.1/16', '10.2.0.1/16', 'fd00::2/64'],
    });
    // Its lower device, in the same namespace (iproute2's "link"); a veth's "link" is its peer instead.
    const [mv, peer] = parseIpJson(
      IpLinkList,
      JSON.stringify([
        { ifindex: 8, ifname: 'mv', link: 'eth0', flags: [], linkinfo: { info_kind: 'macvlan' } },
        { ifindex: 9, ifname: 'v1', link: 'v2', flags: [], linkinfo: { info_kind: 'veth' } },
      ]),
      't',
    );
    expect(linkToIface(mv)).toMatchObject({ lower: 'eth0', otherKind: 'macvlan' });
    expect(linkToIface(peer).lower).toBeUndefined();
  });
});

describe('interface addresses', () => {
  /** The rule by definition: parse every address, then leave out IPv6 link-local and dynamic ones. */
  const byDefinition = (addrs: { family: string; local: string; prefixlen: number; dynamic?: boolean }[]) =>
    [
      ...new Set(
        addrs.flatMap((a) => {
          const c = parseCidr(`${a.local}/${a.prefixlen}`);
          if (!c) return [];
          const cidr = formatCidr(c);
          return c.family === 6 && (isLinkLocal(cidr) || a.dynamic) ? [] : [cidr];
        }),
      ),
    ].sort();
  const link = (addr_info: object[]) =>
    parseIpJson(IpLinkList, JSON.stringify([{ ifindex: 2, ifname: 'e', flags: [], addr_info }]), 't')[0];

  it('leaves out link-local IPv6 told by its text exactly as by its value', () => {
    const cases = [
      'fe80::1',
      'FE80::1',
      'febf:ffff::1',
      'fe8::1',
      'fec0::1',
      'fe80:0:0:0:0:0:0:1',
      'fd00::1',
    ];
    const addr = cases.map((local) => ({ family: 'inet6', local, prefixlen: 64 }));
    expect(linkToIface(link(addr)).addresses).toEqual(['fd00::1/64', 'fe8::1/64', 'fec0::1/64']);
  });

  it('gives the same addresses as parsing each one (property)', () => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((g) => g.toString(16));
    const v6 = fc.oneof(
      fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.join(':')),
      fc
        .tuple(fc.constantFrom('fe80', 'febf', 'fe8', 'FEA0', 'fec0', '0fe8'), group)
        .map(([a, b]) => `${a}::${b}`),
    );
    const v4 = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.${a}.${b}.1`);
    const entry = fc.oneof(
      fc.record({
        family: fc.constant('inet6'),
        local: v6,
        prefixlen: fc.integer({ min: 1, max: 128 }),
        dynamic: fc.boolean(),
      }),
      fc.record({ family: fc.constant('inet'), local: v4, prefixlen: fc.integer({ min: 1, max: 32 }) }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (addrs) => {
        expect(linkToIface(link(addrs)).addresses).toEqual(byDefinition(addrs));
      }),
    );
  });
});

describe('staticRoutes', () => {
  it('keeps only static routes of table main (unicast, and the types a file never has), normalised and sorted', () => {
    expect(staticRoutes(parseIpJson(IpRouteList, ROUTES_ALL, 'sample'))).toEqual([
      { to: '10.5.5.5/32', family: 4, dev: 'v1' },
      { to: '10.8.0.0/16', family: 4, via: '10.0.0.3', dev: 'v1', metric: 20 },
      { to: '10.9.0.0/16', family: 4, via: '10.0.0.2', dev: 'v1' },
      // A blackhole route made by hand: drift, since a file has none.
      { to: '192.168.66.0/24', family: 4, type: 'blackhole' },
      // A multipath route is kept, without a single next hop.
      { to: '192.168.7.0/24', family: 4 },
      // An IPv4 route via an IPv6 next hop (RFC 5549).
      { to: '192.168.8.0/24', family: 4, via: 'fd00::2', dev: 'v1' },
      { to: 'default', family: 4, dev: 'v1' },
      { to: 'default', family: 6, dev: 'v1' },
      { to: 'fd09::/32', family: 6, via: 'fd00::2', dev: 'v1' },
      { to: 'fd0a::/48', family: 6, via: 'fd00::3', dev: 'v1', metric: 5 },
      { to: 'fd0b::7/128', family: 6, dev: 'v1' },
    ]);
  });

  it('tells the family of a default route without a gateway by the IPv6-only pref field', () => {
    const rs = parseIpJson(
      IpRouteList,
      JSON.stringify([
        { dst: 'default', dev: 'a' },
        { dst: 'default', dev: 'a', pref: 'medium' },
        { dst: 'default', gateway: 'fd00::1' },
      ]),
      't',
    );
    expect(rs.map(routeFamily)).toEqual([4, 6, 6]);
  });

  it("keeps a route's type of service and nexthop object (recorded, Linux 6.1): they name the route the kernel deletes", () => {
    const rs = parseIpJson(
      IpRouteList,
      JSON.stringify([
        {
          type: 'unicast',
          dst: 'default',
          tos: '0x10',
          gateway: '10.5.0.9',
          dev: 'e0',
          table: 'main',
          protocol: 'boot',
          scope: 'global',
          flags: [],
        },
        {
          type: 'unicast',
          dst: '10.6.0.2',
          nhid: 5,
          gateway: '10.5.0.77',
          dev: 'e0',
          table: 'main',
          protocol: 'boot',
          scope: 'global',
          flags: [],
          nh_info: { id: 5, gateway: '10.5.0.77', dev: 'e0', scope: 'link', protocol: 'unspec', flags: [] },
        },
        {
          type: 'unicast',
          dst: '10.5.0.2',
          tos: '0x10',
          dev: 'e0',
          table: '100',
          protocol: 'boot',
          scope: 'link',
          flags: [],
        },
        {
          type: 'unicast',
          dst: '10.6.0.3',
          nhid: 5,
          gateway: '10.5.0.77',
          dev: 'e0',
          table: '100',
          protocol: 'boot',
          scope: 'global',
          flags: [],
        },
      ]),
      't',
    );
    expect(staticRoutes(rs)).toEqual([
      { to: '10.6.0.2/32', family: 4, via: '10.5.0.77', dev: 'e0', nhid: 5 },
      { to: 'default', family: 4, via: '10.5.0.9', dev: 'e0', tos: '0x10' },
    ]);
    expect(tableRoutes(rs, {}).hand.map((t) => t.words.join(' '))).toEqual([
      '10.5.0.2 table 100 tos 0x10 dev e0 proto boot',
      '10.6.0.3 table 100 nhid 5 proto boot',
    ]);
  });

  it('treats a missing protocol (ip without -d) as boot', () => {
    const rs = parseIpJson(
      IpRouteList,
      JSON.stringify([{ dst: '10.1.0.0/16', gateway: '10.0.0.1', dev: 'e', flags: [] }]),
      't',
    );
    expect(staticRoutes(rs)).toEqual([{ to: '10.1.0.0/16', family: 4, via: '10.0.0.1', dev: 'e' }]);
  });
});

describe('the routes the kernel makes for addresses', () => {
  const iface = (name: string, addresses: string[], up = true): KIface => ({
    name,
    kind: 'veth',
    up,
    addresses,
  });
  const ifaces = {
    lo: { name: 'lo', kind: 'loopback', up: true, addresses: [] } as KIface,
    e0: iface('e0', ['10.0.0.1/24', '10.0.0.9/24', '10.5.0.1/32', 'fd00::1/64']),
    e1: iface('e1', ['10.1.0.1/30'], false),
  };
  const kernel = (dst: string, dev: string, extra: Record<string, unknown> = {}) => ({
    dst,
    dev,
    protocol: 'kernel',
    scope: 'link',
    flags: [],
    ...extra,
  });
  const rs = (xs: unknown[]) => parseIpJson(IpRouteList, JSON.stringify(xs), 't');

  it("leaves out the kernel's own routes, and keeps one of protocol kernel that no address accounts for", () => {
    const routes = rs([
      kernel('10.0.0.0/24', 'e0', { prefsrc: '10.0.0.1' }),
      kernel('fd00::/64', 'e0', { metric: 256, pref: 'medium' }),
      kernel('fe80::/64', 'e0', { metric: 256, pref: 'medium' }),
      kernel('10.0.0.2', 'lo'),
      kernel('10.0.0.0/24', 'e1'),
    ]);
    expect(staticRoutes(routes, ifaces)).toEqual([
      { to: '10.0.0.0/24', family: 4, dev: 'e1', proto: 'kernel' },
      { to: '10.0.0.2/32', family: 4, dev: 'lo', proto: 'kernel' },
    ]);
    // Without the interfaces (the root namespace: the host's), no kernel route is read.
    expect(staticRoutes(routes)).toEqual([]);
  });

  it('names a route an address of an up interface makes that is missing, IPv4 or IPv6 (not for /32 or /128, nor on a down interface)', () => {
    const v6 = kernel('fd00::/64', 'e0', { metric: 256, pref: 'medium' });
    expect(lostRoutes(rs([kernel('10.0.0.0/24', 'e0'), v6]), ifaces)).toEqual([]);
    expect(lostRoutes(rs([v6]), ifaces)).toEqual([
      { to: '10.0.0.0/24', family: 4, dev: 'e0', proto: 'kernel', src: '10.0.0.1' },
    ]);
    expect(lostRoutes(rs([kernel('10.0.0.0/24', 'e0')]), ifaces)).toEqual([
      { to: 'fd00::/64', family: 6, dev: 'e0', proto: 'kernel', src: 'fd00::1', metric: 256 },
    ]);
    // Replaced by one for a single type of service (protocol kernel too): missing, and that one is read.
    const tos = kernel('10.0.0.0/24', 'e0', { tos: '0x10' });
    expect(lostRoutes(rs([tos, v6]), ifaces)).toHaveLength(1);
    expect(staticRoutes(rs([tos, v6]), ifaces)).toEqual([
      { to: '10.0.0.0/24', family: 4, dev: 'e0', proto: 'kernel', tos: '0x10' },
    ]);
    // Replaced by the same route with a source address that is not the interface's: missing.
    expect(lostRoutes(rs([kernel('10.0.0.0/24', 'e0', { prefsrc: '127.0.0.1' }), v6]), ifaces)).toHaveLength(
      1,
    );
    expect(lostRoutes(rs([kernel('10.0.0.0/24', 'e0', { prefsrc: '10.0.0.9' }), v6]), ifaces)).toEqual([]);
    // Replaced by a static route to the same prefix: still missing.
    expect(lostRoutes(rs([{ ...kernel('10.0.0.0/24', 'e0'), protocol: 'boot' }, v6]), ifaces)).toHaveLength(
      1,
    );
  });

  it('agrees with connectedRoutes for any addresses (property)', () => {
    const arbV4 = fc
      .tuple(
        fc.integer({ min: 1, max: 223 }),
        fc.nat(255),
        fc.nat(255),
        fc.integer({ min: 1, max: 254 }),
        fc.integer({ min: 8, max: 32 }),
      )
      .map(([a, b, c, d, len]) => `${a}.${b}.${c}.${d}/${len}`);
    fc.assert(
      fc.property(fc.uniqueArray(arbV4, { maxLength: 4 }), fc.boolean(), (addrs, present) => {
        const i = { e: iface('e', addrs.map((a) => formatCidr(parseCidr(a)!)).sort()) };
        const made = connectedRoutes(i.e);
        const routes = rs(present ? made.map((r) => kernel(r.to, 'e')) : []);
        // Present: none lost, none read as made by hand. Absent: each is lost, once.
        expect(staticRoutes(routes, i)).toEqual([]);
        expect(lostRoutes(routes, i)).toEqual(present ? [] : made);
        expect(new Set(made.map((r) => r.to)).size).toBe(made.length);
        for (const r of made) expect(r.to.endsWith('/32')).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('routes of tables other than main', () => {
  // Recorded (`ip -j -d route show table all`, Linux 6.1) in a namespace with e0 10.5.0.1/24 and
  // 2001:db8::1/64, after `route add local 10.5.0.9 dev lo table local`, `route add 10.7.0.0/24 dev
  // e0 table 100` and `-6 route add local 2001:db8::9 dev lo table local`.
  const recorded = parseIpJson(
    IpRouteList,
    JSON.stringify([
      {
        type: 'unicast',
        dst: '10.7.0.0/24',
        dev: 'e0',
        table: '100',
        protocol: 'boot',
        scope: 'link',
        flags: [],
      },
      {
        type: 'unicast',
        dst: '10.5.0.0/24',
        dev: 'e0',
        table: 'main',
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '10.5.0.1',
        flags: [],
      },
      {
        type: 'local',
        dst: '10.5.0.1',
        dev: 'e0',
        table: 'local',
        protocol: 'kernel',
        scope: 'host',
        prefsrc: '10.5.0.1',
        flags: [],
      },
      {
        type: 'local',
        dst: '10.5.0.9',
        dev: 'lo',
        table: 'local',
        protocol: 'boot',
        scope: 'host',
        flags: [],
      },
      {
        type: 'broadcast',
        dst: '10.5.0.255',
        dev: 'e0',
        table: 'local',
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '10.5.0.1',
        flags: [],
      },
      {
        type: 'local',
        dst: '127.0.0.0/8',
        dev: 'lo',
        table: 'local',
        protocol: 'kernel',
        scope: 'host',
        prefsrc: '127.0.0.1',
        flags: [],
      },
      {
        type: 'local',
        dst: '127.0.0.1',
        dev: 'lo',
        table: 'local',
        protocol: 'kernel',
        scope: 'host',
        prefsrc: '127.0.0.1',
        flags: [],
      },
      {
        type: 'unicast',
        dst: '2001:db8::/64',
        dev: 'e0',
        table: 'main',
        protocol: 'kernel',
        scope: 'global',
        metric: 256,
        flags: [],
        pref: 'medium',
      },
      {
        type: 'local',
        dst: '::1',
        dev: 'lo',
        table: 'local',
        protocol: 'kernel',
        scope: 'global',
        metric: 0,
        flags: [],
        pref: 'medium',
      },
      {
        type: 'local',
        dst: '2001:db8::1',
        dev: 'e0',
        table: 'local',
        protocol: 'kernel',
        scope: 'global',
        metric: 0,
        flags: [],
        pref: 'medium',
      },
      {
        type: 'local',
        dst: '2001:db8::9',
        dev: 'lo',
        table: 'local',
        protocol: 'boot',
        scope: 'global',
        metric: 1024,
        flags: [],
        pref: 'medium',
      },
      {
        type: 'multicast',
        dst: 'ff00::/8',
        dev: 'e0',
        table: 'local',
        protocol: 'kernel',
        scope: 'global',
        metric: 256,
        flags: [],
        pref: 'medium',
      },
      // A routing daemon's route is the daemon's, as in table main.
      {
        type: 'unicast',
        dst: '10.8.0.0/24',
        gateway: '10.5.0.2',
        dev: 'e0',
        table: '100',
        protocol: 'zebra',
        scope: 'global',
        flags: [],
      },
    ]),
    'recorded',
  );
  const ifaces: Record<string, KIface> = {
    lo: { name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'] },
    e0: { name: 'e0', kind: 'veth', up: true, addresses: ['10.5.0.1/24', '2001:db8::1/64'] },
  };

  it('reads the routes made by hand (protocol boot or static) as the words that delete exactly them; none of the kernel is lost', () => {
    const t = tableRoutes(recorded, ifaces);
    expect(t.hand).toEqual([
      {
        family: 4,
        words: ['10.7.0.0/24', 'table', '100', 'dev', 'e0', 'proto', 'boot'],
        extra: ['scope', 'link'],
        dev: 'e0',
      },
      {
        family: 4,
        words: ['local', '10.5.0.9', 'table', 'local', 'dev', 'lo', 'proto', 'boot'],
        extra: ['scope', 'host'],
        dev: 'lo',
      },
      {
        family: 6,
        words: ['local', '2001:db8::9', 'table', 'local', 'dev', 'lo', 'metric', '1024', 'proto', 'boot'],
        dev: 'lo',
      },
    ]);
    expect(t.lost).toEqual([]);
  });

  it("names the kernel's local route of an IPv4 address that is missing, up or down, with what makes it again", () => {
    const without = recorded.filter((r) => !(r.table === 'local' && r.dst === '10.5.0.1'));
    for (const up of [true, false])
      expect(tableRoutes(without, { ...ifaces, e0: { ...ifaces.e0, up } }).lost).toEqual([
        {
          family: 4,
          words: ['local', '10.5.0.1', 'table', 'local', 'dev', 'e0', 'proto', 'kernel'],
          extra: ['scope', 'host', 'src', '10.5.0.1'],
          dev: 'e0',
        },
      ]);
  });

  it("names the kernel's local route of an IPv6 address past DAD that is missing; while DAD runs it is not there yet", () => {
    const without = recorded.filter((r) => !(r.table === 'local' && r.dst === '2001:db8::1'));
    const settled = new Set(['2001:db8::1\u0000e0']);
    expect(tableRoutes(without, ifaces, settled).lost).toEqual([
      {
        family: 6,
        words: ['local', '2001:db8::1', 'table', 'local', 'dev', 'e0', 'proto', 'kernel'],
        extra: ['metric', '0', 'pref', 'medium'],
        dev: 'e0',
      },
    ]);
    // Tentative (not past DAD): the kernel adds it when DAD ends.
    expect(tableRoutes(without, ifaces, new Set()).lost).toEqual([]);
    // Past DAD and there: nothing is missing.
    expect(tableRoutes(recorded, ifaces, settled).lost).toEqual([]);
  });

  it('settledV6: IPv6 addresses neither tentative, optimistic nor failed, by interface', () => {
    const links = parseIpJson(
      IpLinkList,
      JSON.stringify([
        {
          ifindex: 2,
          ifname: 'e0',
          addr_info: [
            { family: 'inet', local: '10.5.0.1', prefixlen: 24 },
            { family: 'inet6', local: '2001:db8::1', prefixlen: 64 },
            { family: 'inet6', local: '2001:db8::2', prefixlen: 64, tentative: true },
            { family: 'inet6', local: '2001:db8::3', prefixlen: 64, tentative: true, dadfailed: true },
            { family: 'inet6', local: '2001:db8::4', prefixlen: 64, optimistic: true },
          ],
        },
      ]),
      't',
    );
    expect([...settledV6(links)]).toEqual(['2001:db8::1\u0000e0']);
  });

  it('an IPv6 default is written ::/0, and a word that could not be written back exactly leaves the route unread', () => {
    const rs = parseIpJson(
      IpRouteList,
      JSON.stringify([
        {
          type: 'unicast',
          dst: 'default',
          dev: 'e0',
          table: '100',
          protocol: 'static',
          metric: 1024,
          pref: 'medium',
          flags: [],
        },
        { type: 'unicast', dst: '10.1.0.0/24', dev: 'e0', table: 'my table', protocol: 'boot', flags: [] },
      ]),
      't',
    );
    expect(tableRoutes(rs, ifaces).hand).toEqual([
      {
        family: 6,
        words: ['::/0', 'table', '100', 'dev', 'e0', 'metric', '1024', 'proto', 'static'],
        dev: 'e0',
      },
    ]);
  });
});

describe('neighbour entries made by hand', () => {
  it("are the permanent ones and the noarp ones to a unicast address (recorded, Linux 6.1); the kernel's noarp multicast ones are not", () => {
    const list = parseIpJson(
      IpNeighList,
      JSON.stringify([
        { dst: '10.5.0.3', dev: 'e0', lladdr: '02:00:00:00:00:99', state: ['NOARP'] },
        { dst: 'ff02::16', dev: 'e1', lladdr: '33:33:00:00:00:16', state: ['NOARP'] },
        { dst: '224.0.0.1', dev: 'e0', lladdr: '01:00:5e:00:00:01', state: ['NOARP'] },
        { dst: '10.5.0.255', dev: 'e0', lladdr: 'ff:ff:ff:ff:ff:ff', state: ['NOARP'] },
        { dst: '0.0.0.0', dev: 'lo', lladdr: '00:00:00:00:00:00', state: ['NOARP'] },
        { dst: '10.5.0.4', dev: 'e0', lladdr: '02:00:00:00:00:AA', state: ['PERMANENT'] },
        { dst: '10.5.0.5', dev: 'e0', lladdr: '02:00:00:00:00:05', state: ['REACHABLE'] },
      ]),
      't',
    );
    expect(permanentNeighs(list)).toEqual([
      { addr: '10.5.0.3', dev: 'e0', lladdr: '02:00:00:00:00:99' },
      { addr: '10.5.0.4', dev: 'e0', lladdr: '02:00:00:00:00:aa' },
    ]);
  });
});

describe('portVlans', () => {
  it('maps PVID/Egress Untagged flags and expands ranges', () => {
    const v = portVlans(parseIpJson(BridgeVlanList, BRIDGE_VLAN_SHOW, 'sample'));
    expect(Object.fromEntries(v)).toEqual({
      p1: { pvid: 10, untagged: [10], tagged: [20, 21, 22, 30] },
      p2: { pvid: 1, untagged: [5], tagged: [1] },
      br0: { pvid: 10, untagged: [10], tagged: [] },
    });
  });
});

describe('netem', () => {
  it('reads only root netem qdiscs, in ms, percent and kbit/s', () => {
    const m = netemByDev(parseIpJson(TcQdiscList, TC_QDISC_SHOW, 'sample'), 'sample');
    expect(Object.fromEntries(m)).toEqual({
      v1: { delayMs: 50, jitterMs: 10, lossPercent: 1, rateKbit: 1000 },
    });
  });

  it('rounds the kernel fixed-point values and leaves zero fields out', () => {
    // 33.3333ms printed with %g; 0.5% stored as a 32-bit fraction.
    expect(
      netemFromOptions({
        delay: { delay: 0.0333333, jitter: 0 },
        'loss-random': { loss: 0.00500000011641532 },
      }),
    ).toEqual({ delayMs: 33.333, lossPercent: 0.5 });
    expect(netemFromOptions({ limit: 1000 })).toEqual({});
  });

  it('names the device when netem options have an odd shape', () => {
    const q = parseIpJson(
      TcQdiscList,
      JSON.stringify([{ kind: 'netem', dev: 'v9', root: true, options: { delay: { delay: 'soon' } } }]),
      't',
    );
    expect(() => netemByDev(q, 'tc -j qdisc show in namespace "x"')).toThrow(/netem on v9.*delay\.delay/);
  });
});

describe('parseSysctlOutput', () => {
  it('pairs keys with values', () => {
    expect(parseSysctlOutput(SYSCTL_OUTPUT)).toEqual({
      'net.ipv4.ip_forward': '1',
      'net.ipv6.conf.all.forwarding': '0',
      'net.ipv4.conf.all.rp_filter': '2',
    });
    expect(parseSysctlOutput('net.bridge.bridge-nf-call-iptables = 0\n\n')).toEqual({
      'net.bridge.bridge-nf-call-iptables': '0',
    });
  });
});

describe('handMadeQdisc', () => {
  it('on a device the kernel gives no queue (veth, bridge, vxlan, geneve, macvlan), any queue but noqueue/noop was added', () => {
    for (const dev of ['veth', 'bridge', 'vxlan', 'geneve', 'macvlan']) {
      for (const k of ['pfifo', 'bfifo', 'fq_codel', 'pfifo_fast', 'sfq', 'tbf'])
        expect(handMadeQdisc(k, dev)).toBe(k);
      for (const k of ['noqueue', 'noop', 'netem', undefined]) expect(handMadeQdisc(k, dev)).toBeUndefined();
    }
    // Another device (a NIC, a tun): the kernel's defaults are not judged.
    expect(handMadeQdisc('fq_codel', 'tun')).toBeUndefined();
    expect(handMadeQdisc('pfifo', undefined)).toBeUndefined();
  });

  it('names a root qdisc someone added (tbf, htb, prio), never netem or one the kernel sets by itself', () => {
    for (const k of ['tbf', 'htb', 'prio', 'hfsc', 'red']) expect(handMadeQdisc(k)).toBe(k);
    for (const k of [undefined, 'netem', 'noop', 'noqueue', 'pfifo_fast', 'mq', 'fq_codel', 'fq'])
      expect(handMadeQdisc(k)).toBeUndefined();
  });
});
