/**
 * The names of the kernel and tool features netplumb offers or relies on.
 * The detection lives in electron/kernel/capabilities.ts; the names live here
 * so a kind descriptor can say which features its objects need (`needs`) and
 * the capability check reads that instead of a table of its own.
 */
export const FEATURES = [
  'ipCommand',
  'bridgeCommand',
  'tcCommand',
  'veth',
  'bridge',
  'bridgeStp',
  'bridgeVlanFiltering',
  'vlan8021q',
  'netem',
  'tbf',
  'htb',
  'dummy',
  'bond',
  'vrf',
  'macvlan',
  'vxlan',
  'geneve',
  'gre',
  'ipvlan',
  'nftables',
  'tcpdump',
  'ping',
  'sysctlCommand',
] as const;

/** One feature (see FEATURES). */
export type Feature = (typeof FEATURES)[number];

/**
 * How the capability check tries a kernel feature: one command run inside a
 * private scratch namespace (`ip -n NS …` or `tc -n NS …`). `onVeth`: the
 * command sits on the scratch veth pair `npv0`/`npv1`, made by the veth probe
 * first. Documentation addresses only (RFC 5737): the devices stay down.
 */
export interface FeatureProbe {
  /** What the command creates, for the detail sentence ("a VXLAN device"). */
  what: string;
  tool: 'ip' | 'tc';
  /** The arguments after `ip -n NS` / `tc -n NS`. */
  args: readonly string[];
  onVeth?: boolean;
}

/** What messages say of a feature, and how it is detected. */
export interface FeatureInfo {
  /** Plain-words name, e.g. "VXLAN devices". */
  title: string;
  /** Short name that starts each detail sentence, e.g. "vxlan". */
  label: string;
  /** The kernel module behind it, named when the kernel lacks it. */
  module?: string;
  /** How to try it (tools are found on PATH instead; STP, VLAN filtering and nftables have their own reads). */
  probe?: FeatureProbe;
}

const ipProbe = (what: string, ...args: string[]): FeatureProbe => ({ what, tool: 'ip', args });
const onVeth = (p: FeatureProbe): FeatureProbe => ({ ...p, onVeth: true });

/**
 * Every feature's words and probe, in one place: a new kind that needs a new
 * kernel feature adds its name to FEATURES and its entry here (the compiler
 * asks for it), and the capability check and its messages follow.
 */
export const FEATURE_INFO = {
  ipCommand: { title: 'the ip command (iproute2)', label: 'ip' },
  bridgeCommand: { title: 'the bridge command (iproute2)', label: 'bridge (command)' },
  tcCommand: { title: 'the tc command (iproute2)', label: 'tc' },
  veth: {
    title: 'veth pairs',
    label: 'veth',
    module: 'veth',
    probe: ipProbe('a veth pair', 'link', 'add', 'npv0', 'type', 'veth', 'peer', 'name', 'npv1'),
  },
  bridge: {
    title: 'Linux bridges',
    label: 'bridge',
    module: 'bridge',
    probe: ipProbe('a bridge', 'link', 'add', 'npbr0', 'type', 'bridge'),
  },
  bridgeStp: {
    title: 'bridge STP',
    label: 'bridge STP',
    probe: ipProbe('a bridge with STP on', 'link', 'add', 'npbr1', 'type', 'bridge', 'stp_state', '1'),
  },
  bridgeVlanFiltering: {
    title: 'bridge VLAN filtering',
    label: 'bridge VLAN filtering',
    probe: ipProbe(
      'a VLAN-filtering bridge',
      ...['link', 'add', 'npbr2', 'type', 'bridge', 'vlan_filtering', '1'],
    ),
  },
  vlan8021q: {
    title: '802.1Q VLAN devices',
    label: '802.1Q VLAN',
    module: '8021q',
    probe: onVeth(
      ipProbe(
        'an 802.1Q device',
        ...['link', 'add', 'link', 'npv0', 'name', 'npv0.10', 'type', 'vlan', 'id', '10'],
      ),
    ),
  },
  netem: {
    title: 'link emulation (tc netem)',
    label: 'netem',
    module: 'sch_netem',
    probe: onVeth({
      what: 'a netem qdisc',
      tool: 'tc',
      args: ['qdisc', 'add', 'dev', 'npv0', 'root', 'netem', 'delay', '1ms'],
    }),
  },
  tbf: {
    title: 'the tbf rate limiter',
    label: 'tbf',
    module: 'sch_tbf',
    probe: onVeth({
      what: 'a tbf qdisc',
      tool: 'tc',
      args: [
        'qdisc',
        'add',
        'dev',
        'npv1',
        'root',
        'tbf',
        'rate',
        '1mbit',
        'burst',
        '32kbit',
        'latency',
        '400ms',
      ],
    }),
  },
  htb: {
    title: 'the htb qdisc',
    label: 'htb',
    module: 'sch_htb',
    probe: {
      what: 'an htb qdisc',
      tool: 'tc',
      args: ['qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10'],
    },
  },
  dummy: {
    title: 'dummy devices',
    label: 'dummy',
    module: 'dummy',
    probe: ipProbe('a dummy device', 'link', 'add', 'npd0', 'type', 'dummy'),
  },
  bond: {
    title: 'bonding',
    label: 'bond',
    module: 'bonding',
    probe: ipProbe('a bond', 'link', 'add', 'npbo0', 'type', 'bond'),
  },
  vrf: {
    title: 'VRF devices',
    label: 'vrf',
    module: 'vrf',
    probe: ipProbe('a VRF', 'link', 'add', 'npvrf0', 'type', 'vrf', 'table', '4242'),
  },
  macvlan: {
    title: 'macvlan devices',
    label: 'macvlan',
    module: 'macvlan',
    probe: onVeth(
      ipProbe(
        'a macvlan device',
        ...['link', 'add', 'link', 'npv0', 'name', 'npmv0', 'type', 'macvlan', 'mode', 'bridge'],
      ),
    ),
  },
  vxlan: {
    title: 'VXLAN devices',
    label: 'vxlan',
    module: 'vxlan',
    probe: ipProbe('a VXLAN device', 'link', 'add', 'npvx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789'),
  },
  geneve: {
    title: 'Geneve devices',
    label: 'geneve',
    module: 'geneve',
    probe: ipProbe(
      'a Geneve device',
      ...['link', 'add', 'name', 'npgnv0', 'type', 'geneve', 'id', '42', 'remote', '192.0.2.2'],
    ),
  },
  gre: {
    title: 'GRE tunnels',
    label: 'gre',
    module: 'ip_gre',
    probe: ipProbe(
      'a GRE tunnel',
      'link',
      'add',
      'npgre0',
      'type',
      'gre',
      'local',
      '192.0.2.1',
      'remote',
      '192.0.2.2',
    ),
  },
  ipvlan: {
    title: 'ipvlan devices',
    label: 'ipvlan',
    module: 'ipvlan',
    probe: onVeth(
      ipProbe(
        'an ipvlan device',
        ...['link', 'add', 'link', 'npv1', 'name', 'npiv0', 'type', 'ipvlan', 'mode', 'l2'],
      ),
    ),
  },
  nftables: { title: 'nftables (nft)', label: 'nftables' },
  tcpdump: { title: 'tcpdump', label: 'tcpdump' },
  // ping, traceroute, check and step mode send their packets with it (Debian: iputils-ping).
  ping: { title: 'ping (iputils-ping)', label: 'ping' },
  // Reads without nsread, and every sysctl a lab sets, run it (Debian: procps).
  sysctlCommand: { title: 'the sysctl command (procps)', label: 'sysctl' },
} as const satisfies { [F in Feature]: FeatureInfo };
