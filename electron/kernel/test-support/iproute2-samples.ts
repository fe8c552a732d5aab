/**
 * Recorded and reconstructed iproute2 6.1 JSON output for parser tests.
 *
 * ADDRESS_SHOW, ROUTES_ALL and NETNS_LIST_ID were recorded on this machine
 * (trimmed of fields the reader ignores; one IPv6 address and one MAC are
 * written non-canonically on purpose, to test normalisation). Features this kernel lacks were
 * written from iproute2 6.1's printing code: bridge/vlan.c (print_vlan_info:
 * {"ifname", "vlans":[{"vlan", "vlanEnd"?, "flags"?:["PVID","Egress Untagged"]}]}),
 * tc/q_netem.c (netem_print_opt: times in seconds and probabilities as
 * fractions, printed with "%g"; rate in bytes per second) and ip/iplink_bridge.c
 * (vlan_default_pvid next to vlan_filtering).
 */

/** `ip -j -d address show` in a namespace with lo (marked), a veth, a bridge port and a VLAN-filtering bridge. */
export const ADDRESS_SHOW = JSON.stringify([
  {
    ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, qdisc: 'noqueue', operstate: 'UNKNOWN',
    group: 'default', txqlen: 1000, link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00',
    ifalias: 'netplumb:lab1:ns:ns1',
    addr_info: [
      { family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet6', local: '::1', prefixlen: 128, scope: 'host', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    ],
  },
  {
    ifindex: 2, link_index: 2, ifname: 'v1', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1400, qdisc: 'netem',
    operstate: 'UP', group: 'default', txqlen: 1000, link_type: 'ether', address: '02:00:00:00:00:01', broadcast: 'ff:ff:ff:ff:ff:ff',
    link_netnsid: 0, promiscuity: 0, linkinfo: { info_kind: 'veth' }, ifalias: 'netplumb:lab1:link:l1:a',
    addr_info: [
      { family: 'inet', local: '10.0.0.1', prefixlen: 24, scope: 'global', label: 'v1', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet6', local: 'fd00:0:0:0::1', prefixlen: 64, scope: 'global', nodad: true, valid_life_time: 4294967295, preferred_life_time: 4294967295 },
      { family: 'inet6', local: '2001:db8::ff:fe00:1', prefixlen: 64, scope: 'global', dynamic: true, mngtmpaddr: true, valid_life_time: 86400, preferred_life_time: 14400 },
      { family: 'inet6', local: 'fe80::ff:fe00:1', prefixlen: 64, scope: 'link', valid_life_time: 4294967295, preferred_life_time: 4294967295 },
    ],
  },
  {
    ifindex: 3, link: 'p2', ifname: 'p1', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, qdisc: 'noqueue',
    master: 'br0', operstate: 'UP', link_type: 'ether', address: '02:00:00:00:01:01', broadcast: 'ff:ff:ff:ff:ff:ff',
    linkinfo: { info_kind: 'veth', info_slave_kind: 'bridge', info_slave_data: { state: 'forwarding', priority: 32, cost: 2 } },
    addr_info: [],
  },
  {
    ifindex: 4, link: 'p1', ifname: 'p2', flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, qdisc: 'noop',
    master: 'br0', operstate: 'DOWN', link_type: 'ether', address: '02:00:00:00:01:02', broadcast: 'ff:ff:ff:ff:ff:ff',
    linkinfo: { info_kind: 'veth', info_slave_kind: 'bridge' },
    addr_info: [],
  },
  {
    ifindex: 5, ifname: 'br0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, qdisc: 'noqueue', operstate: 'UP',
    link_type: 'ether', address: '02:00:00:00:00:B0', broadcast: 'ff:ff:ff:ff:ff:ff', ifalias: 'netplumb:lab1:node:br0',
    linkinfo: {
      info_kind: 'bridge',
      info_data: { forward_delay: 1500, hello_time: 200, max_age: 2000, stp_state: 0, priority: 32768, vlan_filtering: 1, vlan_protocol: '802.1Q', vlan_default_pvid: 10 },
    },
    addr_info: [{ family: 'inet', local: '10.9.0.1', prefixlen: 24, scope: 'global', label: 'br0', valid_life_time: 4294967295, preferred_life_time: 4294967295 }],
  },
]);

/** `ip -j -d route show table all` (both families, all tables). */
export const ROUTES_ALL = JSON.stringify([
  { type: 'unicast', dst: '10.0.0.0/24', dev: 'v1', table: 'main', protocol: 'kernel', scope: 'link', prefsrc: '10.0.0.1', flags: [] },
  { type: 'unicast', dst: '10.9.0.0/16', gateway: '10.0.0.2', dev: 'v1', table: 'main', protocol: 'boot', scope: 'global', flags: [] },
  { type: 'unicast', dst: '10.8.0.0/16', gateway: '10.0.0.3', dev: 'v1', table: 'main', protocol: 'static', scope: 'global', metric: 20, flags: [] },
  { type: 'unicast', dst: '10.5.5.5', dev: 'v1', table: 'main', protocol: 'boot', scope: 'link', flags: [] },
  { type: 'unicast', dst: 'default', dev: 'v1', table: 'main', protocol: 'boot', scope: 'link', flags: [] },
  { type: 'unicast', dst: '172.16.0.0/12', gateway: '10.0.0.9', dev: 'v1', table: 'main', protocol: 'dhcp', scope: 'global', metric: 100, flags: [] },
  { type: 'unicast', dst: '192.168.7.0/24', table: 'main', protocol: 'boot', scope: 'global', flags: [], nexthops: [{ gateway: '10.0.0.2', dev: 'v1', weight: 1, flags: [] }, { gateway: '10.0.0.3', dev: 'v1', weight: 1, flags: [] }] },
  { type: 'unicast', dst: '192.168.8.0/24', via: { family: 'inet6', host: 'fd00::2' }, dev: 'v1', table: 'main', protocol: 'boot', scope: 'global', flags: [] },
  { type: 'blackhole', dst: '192.168.66.0/24', table: 'main', protocol: 'boot', scope: 'global', flags: [] },
  { type: 'unicast', dst: '10.77.0.0/16', gateway: '10.0.0.2', dev: 'v1', table: '100', protocol: 'boot', scope: 'global', flags: [] },
  { type: 'local', dst: '10.0.0.1', dev: 'v1', table: 'local', protocol: 'kernel', scope: 'host', prefsrc: '10.0.0.1', flags: [] },
  { type: 'broadcast', dst: '10.0.0.255', dev: 'v1', table: 'local', protocol: 'kernel', scope: 'link', prefsrc: '10.0.0.1', flags: [] },
  { type: 'unicast', dst: 'fd00::/64', dev: 'v1', table: 'main', protocol: 'kernel', scope: 'global', metric: 256, flags: [], pref: 'medium' },
  { type: 'unicast', dst: 'fd09::/32', gateway: 'fd00::2', dev: 'v1', table: 'main', protocol: 'boot', scope: 'global', metric: 1024, flags: [], pref: 'medium' },
  { type: 'unicast', dst: 'fd0a:0::/48', gateway: 'fd00::3', dev: 'v1', table: 'main', protocol: 'static', scope: 'global', metric: 5, flags: [], pref: 'medium' },
  { type: 'unicast', dst: 'fd0b::7', dev: 'v1', table: 'main', protocol: 'boot', scope: 'global', metric: 1024, flags: [], pref: 'medium' },
  { type: 'unicast', dst: 'default', dev: 'v1', table: 'main', protocol: 'boot', scope: 'global', metric: 1024, flags: [], pref: 'medium' },
  { type: 'unicast', dst: 'default', gateway: 'fe80::1', dev: 'v1', table: 'main', protocol: 'ra', scope: 'global', metric: 1024, flags: [], pref: 'medium' },
  { type: 'unicast', dst: 'fe80::/64', dev: 'v1', table: 'main', protocol: 'kernel', scope: 'global', metric: 256, flags: [], pref: 'medium' },
  { type: 'unicast', dst: 'fe80::/64', dev: 'v1', table: 'main', protocol: 'boot', scope: 'global', metric: 1024, flags: [], pref: 'medium' },
  { type: 'multicast', dst: 'ff00::/8', dev: 'v1', table: 'local', protocol: 'kernel', scope: 'global', metric: 256, flags: [], pref: 'medium' },
  { type: 'unicast', dst: 'ff05::/16', dev: 'v1', table: 'main', protocol: 'boot', scope: 'global', metric: 1024, flags: [], pref: 'medium' },
]);

/** `ip -j netns list-id`: nsid 0 is a named namespace, nsid 1 has no name (the root, seen from inside). */
export const NETNS_LIST_ID = JSON.stringify([{ nsid: 0, name: 'ns2' }, { nsid: 1 }]);

/** `bridge -j vlan show` on a VLAN-filtering bridge: PVID/untagged, tagged ranges, and the bridge's own entry. */
export const BRIDGE_VLAN_SHOW = JSON.stringify([
  { ifname: 'p1', vlans: [{ vlan: 10, flags: ['PVID', 'Egress Untagged'] }, { vlan: 30 }, { vlan: 20, vlanEnd: 22 }] },
  { ifname: 'p2', vlans: [{ vlan: 5, flags: ['Egress Untagged'] }, { vlan: 1, flags: ['PVID'] }] },
  { ifname: 'br0', vlans: [{ vlan: 10, flags: ['PVID', 'Egress Untagged'] }] },
]);

/**
 * `tc -j qdisc show`: netem (delay 50ms 10ms, loss 1%, rate 1mbit) at the
 * root of v1, a netem below an htb class on p1 (not ours), noqueue elsewhere.
 */
export const TC_QDISC_SHOW = JSON.stringify([
  { kind: 'noqueue', handle: '0:', dev: 'lo', root: true, refcnt: 2, options: {} },
  {
    kind: 'netem', handle: '8001:', dev: 'v1', root: true, refcnt: 3,
    options: {
      limit: 1000,
      delay: { delay: 0.05, jitter: 0.01, correlation: 0 },
      'loss-random': { loss: 0.01, correlation: 0 },
      rate: { rate: 125000, packetoverhead: 0, cellsize: 0, celloverhead: 0 },
      ecn: false, gap: 0,
    },
  },
  { kind: 'htb', handle: '1:', dev: 'p1', root: true, refcnt: 2, options: { r2q: 10, default: '0x10', direct_packets_stat: 0, direct_qlen: 1000 } },
  { kind: 'netem', handle: '10:', dev: 'p1', parent: '1:1', options: { limit: 1000, delay: { delay: 0.2, jitter: 0, correlation: 0 }, ecn: false, gap: 0 } },
  { kind: 'noqueue', handle: '0:', dev: 'br0', root: true, refcnt: 2, options: {} },
]);

/** `sysctl -e KEYS...` as procps prints it (a missing key is skipped silently). */
export const SYSCTL_OUTPUT = 'net.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 0\nnet.ipv4.conf.all.rp_filter = 2\n';
