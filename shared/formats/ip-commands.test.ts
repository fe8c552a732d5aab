import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatIpCommand, parseIpCommand, type IpCommand } from './ip-commands';
import { interpretLines } from './exec-config';

describe('parseIpCommand', () => {
  it.each([
    ['ip addr add 10.0.0.1/24 dev eth1', { kind: 'addr', dev: 'eth1', cidr: '10.0.0.1/24' }],
    ['ip address add 10.0.0.1/24 dev eth1', { kind: 'addr', dev: 'eth1', cidr: '10.0.0.1/24' }],
    ['ip a add dev eth1 10.0.0.1/24 brd +', { kind: 'addr', dev: 'eth1', cidr: '10.0.0.1/24' }],
    ['ip -6 addr add fd00::1/64 dev eth1', { kind: 'addr', dev: 'eth1', cidr: 'fd00::1/64' }],
    ['sudo ip -4 addr add 10.0.0.1 dev eth1', { kind: 'addr', dev: 'eth1', cidr: '10.0.0.1/32' }],
    ['ip route add default via 10.0.0.254', { kind: 'route', to: 'default', via: '10.0.0.254', v6: false }],
    [
      'ip route add 0.0.0.0/0 via 10.0.0.254 dev eth0',
      { kind: 'route', to: 'default', via: '10.0.0.254', dev: 'eth0', v6: false },
    ],
    [
      'ip r add 10.2.0.0/16 via 10.0.0.2 metric 5',
      { kind: 'route', to: '10.2.0.0/16', via: '10.0.0.2', metric: 5, v6: false },
    ],
    ['ip -6 route add default via fd00::1', { kind: 'route', to: 'default', via: 'fd00::1', v6: true }],
    ['ip route add fd01::/64 dev eth2', { kind: 'route', to: 'fd01::/64', dev: 'eth2', v6: true }],
    ['ip link set eth1 up', { kind: 'link', dev: 'eth1', up: true }],
    [
      'ip link set dev eth1 mtu 9000 address 02:AA:00:00:00:01 down',
      { kind: 'link', dev: 'eth1', mtu: 9000, mac: '02:aa:00:00:00:01', up: false },
    ],
    // iproute2 takes the device and the settings in any order
    ['ip link set up dev eth2', { kind: 'link', dev: 'eth2', up: true }],
    ['ip link set mtu 1400 dev eth1 down', { kind: 'link', dev: 'eth1', mtu: 1400, up: false }],
    ['ip link set down eth3', { kind: 'link', dev: 'eth3', up: false }],
    ['sysctl -w net.ipv4.ip_forward=1', { kind: 'sysctl', key: 'net.ipv4.ip_forward', value: '1' }],
    [
      'sysctl net/ipv6/conf/all/forwarding=1',
      { kind: 'sysctl', key: 'net.ipv6.conf.all.forwarding', value: '1' },
    ],
    ['echo 1 > /proc/sys/net/ipv4/ip_forward', { kind: 'sysctl', key: 'net.ipv4.ip_forward', value: '1' }],
    // bridges made inside a node, and their ports (iproute2 and bridge-utils forms)
    ['ip link add br0 type bridge', { kind: 'bridge', name: 'br0' }],
    ['ip link add name sw type bridge stp_state 1', { kind: 'bridge', name: 'sw', stp: true }],
    ['ip link add dev sw type bridge stp_state 0', { kind: 'bridge', name: 'sw', stp: false }],
    ['brctl addbr br0', { kind: 'bridge', name: 'br0' }],
    ['ip link set dev br0 type bridge stp_state 1', { kind: 'bridge-set', name: 'br0', stp: true }],
    ['brctl stp br0 off', { kind: 'bridge-set', name: 'br0', stp: false }],
    // options netplumb has no field for are kept as written (the bridge is still made)
    [
      'ip link add br9 type bridge forward_delay 0 vlan_filtering 1',
      { kind: 'bridge', name: 'br9', vlanFiltering: true, dropped: ['forward_delay 0'] },
    ],
    // iproute2 reads `u`, `g`, `na` as names (only `up`, `group`, `name` are keywords, written in full)
    ['ip link add u type bridge', { kind: 'bridge', name: 'u' }],
    ['ip link add na type bridge', { kind: 'bridge', name: 'na' }],
    ['ip link set g up', { kind: 'link', dev: 'g', up: true }],
    // `ad` abbreviates `address`, `m` abbreviates `master`
    [
      'ip link set dev eth0 m br0 ad 02:00:00:00:00:01',
      { kind: 'link', dev: 'eth0', master: 'br0', mac: '02:00:00:00:00:01' },
    ],
    ['ip link set eth0 master br0', { kind: 'link', dev: 'eth0', master: 'br0' }],
    ['ip link set dev eth1 master br0 up', { kind: 'link', dev: 'eth1', master: 'br0', up: true }],
    ['ip link set eth1 nomaster', { kind: 'link', dev: 'eth1', master: null }],
    // `master` takes the next word whatever it is, as iproute2 does
    ['ip link set dev eth1 master up', { kind: 'link', dev: 'eth1', master: 'up' }],
    ['brctl addif br0 eth0 eth1', { kind: 'ports', bridge: 'br0', devs: ['eth0', 'eth1'], release: false }],
    ['/sbin/brctl delif br0 eth1', { kind: 'ports', bridge: 'br0', devs: ['eth1'], release: true }],
    // bridge port VLANs (iproute2 bridge/vlan.c): `add` and `del` abbreviate, `master` is the default
    [
      'bridge vlan add vid 10 dev eth0 pvid untagged',
      { kind: 'vlan', del: false, dev: 'eth0', vid: 10, pvid: true, untagged: true, self: false },
    ],
    [
      'bridge vlan a dev eth1 vid 10-20 master',
      { kind: 'vlan', del: false, dev: 'eth1', vid: 10, end: 20, pvid: false, untagged: false, self: false },
    ],
    [
      '/sbin/bridge vlan d vid 1 dev eth0',
      { kind: 'vlan', del: true, dev: 'eth0', vid: 1, pvid: false, untagged: false, self: false },
    ],
    [
      'bridge vlan add vid 30 dev br0 self',
      { kind: 'vlan', del: false, dev: 'br0', vid: 30, pvid: false, untagged: false, self: true },
    ],
    // lines iproute2 or the kernel refuse are read, with why
    [
      'bridge vlan add vid 10-20 dev eth0 pvid',
      {
        kind: 'vlan',
        del: false,
        dev: 'eth0',
        vid: 10,
        end: 20,
        pvid: true,
        untagged: false,
        self: false,
        refused: 'iproute2 refuses a PVID for a range of VLANs',
      },
    ],
    [
      'bridge vlan add vid 4095 dev eth0',
      {
        kind: 'vlan',
        del: false,
        dev: 'eth0',
        vid: 4095,
        pvid: false,
        untagged: false,
        self: false,
        refused: 'the kernel takes VLAN ids 1 to 4094 only',
      },
    ],
    [
      'bridge vlan del vid 20-10 dev eth0',
      {
        kind: 'vlan',
        del: true,
        dev: 'eth0',
        vid: 20,
        end: 10,
        pvid: false,
        untagged: false,
        self: false,
        refused: 'iproute2 refuses the range 20-10: its end must be above its start',
      },
    ],
  ])('%s', (line, expected) => {
    expect(parseIpCommand(line)).toEqual(expected);
  });

  it.each([
    'ip addr add 10.0.0.1/24',
    'ip addr add 10.0.0.300/24 dev eth0',
    'ip route add 10.0.0.0/8 via 10.0.0.1 table 5',
    'ip route add 10.0.0.0/8',
    'ip link set eth0 promisc on',
    'ip link set up',
    'ip link set eth1 eth2 up',
    // `a` abbreviates `address` for iproute2: no device is named
    'ip link add a type bridge',
    'ip link add br0 type bridge forward_delay',
    'ip link add br0 type bond',
    // `h` asks iproute2 for help; `vf` is a keyword
    'ip link add h type bridge',
    'ip link add vf type bridge',
    'ip link set dev br0 type bridge',
    'brctl setfd br0 0',
    'brctl show',
    'brctl addif br0',
    'ip addr add 10.0.0.1/24 dev eth0; reboot',
    'ip addr add $ADDR dev eth0',
    'ifconfig eth0 10.0.0.1 netmask 255.255.255.0',
    'sysctl -a',
    'apk add iproute2',
    'bridge vlan show',
    'bridge vlan add vid 10',
    'bridge vlan add dev eth0',
    'bridge vlan add vid ten dev eth0',
    'bridge vlan add vid 10 dev eth0 tunnel_info id 100',
    'bridge vlan set vid 10 dev eth0 state blocking',
    'bridge fdb add 02:00:00:00:00:01 dev eth0',
    '',
  ])('does not guess: %s', (line) => {
    expect(parseIpCommand(line)).toBeNull();
  });

  it('reads back every line it writes', () => {
    // A name iproute2 would read as a keyword (`up`, `a`) is written with `dev`/`name` and still read back.
    const dev = fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/);
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    const cmd: fc.Arbitrary<IpCommand> = fc.oneof(
      fc.record({
        kind: fc.constant('addr' as const),
        dev,
        cidr: fc.tuple(v4, fc.integer({ min: 1, max: 32 })).map(([a, p]) => `${a}/${p}`),
      }),
      fc.record(
        {
          kind: fc.constant('route' as const),
          to: fc.constantFrom('default', '10.1.0.0/16', '192.0.2.0/24'),
          via: v4,
          dev,
          metric: fc.nat(1000),
          v6: fc.constant(false),
        },
        { requiredKeys: ['kind', 'to', 'via', 'v6'] },
      ),
      fc.record(
        {
          kind: fc.constant('link' as const),
          dev,
          up: fc.boolean(),
          mtu: fc.integer({ min: 68, max: 65535 }),
        },
        { requiredKeys: ['kind', 'dev', 'up'] },
      ),
      fc.record(
        {
          kind: fc.constant('link' as const),
          dev,
          master: fc.oneof(fc.constant(null), dev),
          up: fc.boolean(),
        },
        { requiredKeys: ['kind', 'dev', 'master'] },
      ),
      fc.record(
        { kind: fc.constant('bridge' as const), name: dev, stp: fc.boolean() },
        { requiredKeys: ['kind', 'name'] },
      ),
      fc.record(
        {
          kind: fc.constant('bridge-set' as const),
          name: dev,
          stp: fc.boolean(),
          vlanFiltering: fc.boolean(),
        },
        { requiredKeys: ['kind', 'name', 'stp'] },
      ),
      fc.record({
        kind: fc.constant('ports' as const),
        bridge: dev,
        devs: fc.array(dev, { minLength: 1, maxLength: 3 }),
        release: fc.boolean(),
      }),
      fc
        .record({
          kind: fc.constant('vlan' as const),
          del: fc.boolean(),
          dev,
          vid: fc.integer({ min: 1, max: 4000 }),
          span: fc.option(fc.integer({ min: 1, max: 94 }), { nil: undefined }),
          pvid: fc.boolean(),
          untagged: fc.boolean(),
          self: fc.boolean(),
        })
        .map(({ span, ...c }): IpCommand =>
          span === undefined ? c : { ...c, end: c.vid + span, pvid: false },
        ),
    );
    fc.assert(
      fc.property(cmd, (c) => {
        expect(parseIpCommand(formatIpCommand(c))).toEqual(c);
      }),
    );
  });
});

describe('interpretLines', () => {
  it('gathers interface settings, a gateway per family, routes, sysctls and what it cannot read', () => {
    const cfg = interpretLines([
      'ip addr add 10.0.0.2/24 dev eth1',
      'ip -6 addr add fd00::2/64 dev eth1',
      'ip link set eth1 mtu 1400',
      '# comment',
      'ip route add default via 10.0.0.1',
      'ip route add default via 10.0.0.9',
      'ip -6 route add default via fd00::1',
      'sysctl -w net.ipv4.conf.all.rp_filter=2',
      'sysctl -w vm.swappiness=10',
      'iptables -A FORWARD -j DROP',
    ]);
    expect(cfg.ifaces.get('eth1')).toEqual({ addresses: ['10.0.0.2/24', 'fd00::2/64'], mtu: 1400 });
    expect(cfg.gateway).toEqual({ ipv4: '10.0.0.1', ipv6: 'fd00::1' });
    expect(cfg.routes).toEqual([{ to: 'default', via: '10.0.0.9' }]);
    expect(cfg.sysctls).toEqual({ 'net.ipv4.conf.all.rp_filter': 2 });
    expect(cfg.unsupported.map((u) => u.index)).toEqual([8, 9]);
  });

  it('follows bridges the lines make and their ports; a master the lines did not make is not guessed', () => {
    const cfg = interpretLines([
      'ip link add name br0 type bridge',
      'brctl addbr br1',
      'brctl stp br1 on',
      'ip link set dev eth0 master br0',
      'brctl addif br0 eth1 eth2',
      'brctl delif br0 eth2',
      'ip link set eth2 master br1 up',
      'ip link set dev eth3 master bond0',
      'brctl addif br9 eth4',
      'ip link set dev br0 type bridge stp_state 1',
      'ip link set dev br0 type bridge stp_state 0',
      'ip link add br0 type bridge',
      'brctl delif br1 eth0',
      'brctl addif br1 eth5 br1',
      'ip link add name all type bridge',
      'ip link add name abcdefghijklmnop type bridge',
      'ip link add name br2 type bridge hello_time 100',
    ]);
    expect([...cfg.bridges].map(([n, b]) => [n, b.stp, b.index])).toEqual([
      ['br0', false, 0],
      ['br1', true, 1],
      ['br2', false, 16],
    ]);
    // delif names the bridge a port leaves: eth0 is br0's, so it stays; addif takes eth5, not br1 itself
    expect([...cfg.masters].map(([d, m]) => `${d}>${m.bridge}@${m.index}`)).toEqual([
      'eth0>br0@3',
      'eth1>br0@4',
      'eth2>br1@6',
      'eth5>br1@13',
    ]);
    expect(cfg.ifaces.get('eth2')).toEqual({ addresses: [], up: true });
    expect(cfg.unsupported.map((u) => [u.index, u.why])).toEqual([
      [7, 'bond0 is not a bridge these lines make'],
      [8, 'br9 is not a bridge these lines make'],
      [11, 'br0 exists already'],
      [12, 'eth0 is not a port of br1'],
      [13, 'a bridge is not made a port of br1 here'],
      [14, 'the kernel refuses the name all'],
      [15, "the name abcdefghijklmnop is longer than the kernel's 15 characters"],
      [
        16,
        'its option hello_time 100 has no netplumb form (netplumb sets only STP and VLAN filtering on a bridge); the bridge br2 itself is made',
      ],
    ]);
  });
});
