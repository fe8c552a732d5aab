/**
 * KState: the kernel's view of a lab, in one normalised shape used both for
 * the desired state (resolved from a Topology) and for the live state (read
 * back with `ip -j` / `bridge -j`). The planner diffs two KStates.
 *
 * Only what netplumb manages is represented; the live reader leaves the rest
 * of the host out (except that it records foreign names, for collision checks).
 */

/** The root namespace's key in KState.namespaces. */
export const ROOT_NS = '';

/** Route types other than unicast: a file never has them, so one found in a lab namespace is drift. */
/** The MTU the kernel gives a new veth (ETH_DATA_LEN), what a file silent on MTU wants. */
export const VETH_MTU = 1500;

/** The address the kernel gives a loopback when it comes up (inetdev_event, NETDEV_UP). */
export const LOOPBACK_OWN_V4 = '127.0.0.1/8';
/** The IPv6 address the kernel gives a loopback when it comes up with IPv6 on (addrconf init_loopback), without a prefix route. */
export const LOOPBACK_OWN_V6 = '::1/128';
/** The loopback's own addresses, by the KIface flag that says one is missing while it is up. */
export const LOOPBACK_OWN = { lostOwn: LOOPBACK_OWN_V4, lostOwn6: LOOPBACK_OWN_V6 } as const;
export type LoopbackOwnFlag = keyof typeof LOOPBACK_OWN;
export const LOOPBACK_OWN_FLAGS = Object.keys(LOOPBACK_OWN) as LoopbackOwnFlag[];

export const ROUTE_TYPES = ['blackhole', 'unreachable', 'prohibit', 'throw'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

export interface KRoute {
  /** "default" or a canonical CIDR prefix (e.g. 10.1.0.0/24, fd00:1::/64). */
  to: string;
  family: 4 | 6;
  /** A route that drops or refuses instead of forwarding (absent: unicast). */
  type?: RouteType;
  via?: string;
  dev?: string;
  metric?: number;
  /**
   * "kernel": a route of protocol kernel that no address accounts for, made
   * by hand (`ip route add … proto kernel`); a file never has one. The
   * kernel's own routes for an interface's addresses are not read as routes.
   */
  proto?: 'kernel';
  /** Source address (`src`), written only with the route the kernel makes for an address. */
  src?: string;
  /**
   * Type of service (`tos 0x10`): a route that only packets with that TOS
   * take, made by hand; a file has none. Part of the route's identity (the
   * kernel deletes or replaces only the route of the same TOS).
   */
  tos?: string;
  /** The nexthop object it goes through (`nhid 5`), made by hand: deleted by it, not by via/dev. */
  nhid?: number;
}

export interface KBridgeAttrs {
  stp: boolean;
  vlanFiltering: boolean;
  /** Default PVID (kernel default 1). */
  defaultPvid: number;
}

export interface KPortVlans {
  pvid?: number;
  /** VLANs that egress untagged (sorted ascending). */
  untagged: number[];
  /** VLANs that egress tagged (sorted ascending). */
  tagged: number[];
}

export interface KNetem {
  delayMs?: number;
  jitterMs?: number;
  lossPercent?: number;
  rateKbit?: number;
}

/**
 * A parameter an interface is created with (`ip link add … type <kind> <key> <value>`),
 * e.g. { key: "id", value: "42" } of a vxlan. The kernel cannot change these
 * afterwards, so a live value that differs means delete and re-create.
 */
export interface KLinkParam {
  /** The iproute2 keyword. */
  key: string;
  value: string;
}

/**
 * Interfaces netplumb makes and marks (a link kind or a bridge); a new link
 * kind that makes its own kernel interface adds its name here, and the IPC
 * contract's adopt marks follow.
 */
export const MARKED_IFACE_KINDS = ['veth', 'bridge', 'vxlan', 'geneve'] as const;
/** One interface kind netplumb makes (see MARKED_IFACE_KINDS). */
export type MarkedIfaceKind = (typeof MARKED_IFACE_KINDS)[number];

export interface KIface {
  name: string;
  kind: MarkedIfaceKind | 'loopback' | 'other';
  /** The ownership mark (ifalias), e.g. "netplumb:lab1:link:l1:a"; undefined if none. */
  mark?: string;
  /** For veth: where the peer is (namespace key and name), when known; a live read may leave the name out. */
  peer?: { ns: string; name?: string };
  /** Name of the bridge this interface is a port of. */
  master?: string;
  /**
   * Not a veth: the interface of the same namespace it sits on (iproute2's
   * `link`: a macvlan's, VLAN's or tunnel's lower device), which the kernel
   * deletes it with.
   */
  lower?: string;
  /** Of kind `other`: the kernel's own name for its kind (macvlan, vlan, dummy, …), to name it in messages. */
  otherKind?: string;
  mtu?: number;
  /** Lower-case colon form, e.g. 02:00:00:00:00:01. */
  mac?: string;
  up: boolean;
  /** Canonical CIDRs (address/prefix), sorted; link-local IPv6 excluded. */
  addresses: string[];
  bridge?: KBridgeAttrs;
  /**
   * Creation parameters of an interface made on its own with
   * `ip link add name X type <kind> …` (a link kind's descriptor says which);
   * in the order they are written.
   */
  params?: KLinkParam[];
  vlans?: KPortVlans;
  netem?: KNetem;
  /**
   * The kind of a root qdisc that is neither netem nor one the kernel sets by
   * itself (tbf, htb, prio, …): someone shaped the interface by hand.
   */
  rootQdisc?: string;
  /** ARP was turned off by hand (`arp off`): a file never turns it off, the kernel leaves it on. */
  arpOff?: boolean;
  /**
   * The loopback is up without its own 127.0.0.1/8, which the kernel gives it
   * when it comes up (deleted by hand): the namespace cannot reach itself.
   */
  lostOwn?: boolean;
  /**
   * The loopback is up with IPv6 on (common.ts LOOPBACK_V6_KEY read as 0) but without
   * its own ::1/128 (deleted by hand): the namespace cannot reach itself at ::1.
   */
  lostOwn6?: boolean;
  /**
   * A bridge port's flags that differ from what the kernel gives a new port
   * (PORT_FLAG_DEFAULTS), by iproute2 keyword, e.g. { isolated: true }: a file sets none of them.
   */
  portFlags?: Record<string, boolean>;
  /**
   * A bridge port kept out of forwarding by hand (`bridge link set … state 0`): the state's name,
   * read only where the kernel would forward (STP off, bridge and port up, port with carrier).
   */
  portState?: PortState;
  /**
   * Per-interface sysctls (IFACE_SYSCTLS) that differ from the namespace's
   * `default`, by key (net.ipv4.conf.eth0.rp_filter): the value found, and
   * the namespace's default it is put back to.
   */
  sysctls?: Record<string, { have: string; want: string }>;
}

/**
 * The flags a new bridge port has (iproute2's `bridge_slave` keywords, which
 * `ip -j -d link` prints under the same names). A port whose flag differs was
 * set by hand: isolated ports do not talk to each other, a port without
 * bcast_flood hears no ARP request, a locked port drops unknown senders.
 */
export const PORT_FLAG_DEFAULTS: Readonly<Record<string, boolean>> = {
  hairpin: false,
  guard: false,
  root_block: false,
  fastleave: false,
  learning: true,
  flood: true,
  proxy_arp: false,
  proxy_arp_wifi: false,
  mcast_flood: true,
  bcast_flood: true,
  mcast_to_unicast: false,
  neigh_suppress: false,
  vlan_tunnel: false,
  isolated: false,
  locked: false,
};

/**
 * The settings an interface has that a file cannot give and the kernel does
 * not make by itself, in words ("ARP off", "isolated on", "a tbf qdisc"):
 * what an import leaves out, and what apply puts back.
 */
export function handMadeSettings(i: KIface): string[] {
  return [
    ...(i.arpOff ? ['ARP off'] : []),
    ...Object.entries(i.portFlags ?? {}).map(([k, v]) => `${k} ${v ? 'on' : 'off'}`),
    ...(i.portState ? [`port state ${i.portState}`] : []),
    ...(i.rootQdisc ? [`a ${i.rootQdisc} qdisc`] : []),
    ...Object.entries(i.sysctls ?? {}).map(([k, v]) => `${k} = ${v.have}`),
  ];
}

/** Bridge port states by the number `state` takes (include/uapi/linux/if_bridge.h BR_STATE_*). */
export const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'] as const;
export type PortState = (typeof PORT_STATES)[number];

export interface KNamespace {
  /** Namespace name ("" for the root namespace). */
  name: string;
  /** Mark on the namespace (alias of its `lo`), e.g. "netplumb:lab1:ns:ns1". */
  mark?: string;
  /** Sysctl values netplumb manages (allowlisted keys only). */
  sysctls: Record<string, string>;
  ifaces: Record<string, KIface>;
  /** Static routes (proto static/boot); kernel (connected) routes are excluded. */
  routes: KRoute[];
  /**
   * Routes the kernel makes for the IPv4 addresses of an interface that is
   * up (connectedRoutes) that are missing: deleted by hand, or replaced by
   * another route to the same prefix.
   */
  lostRoutes?: KRoute[];
  /**
   * The namespace's `all` and `default` settings of NEW_NS_CONF_KEYS that
   * differ from what a new namespace gets, by key: the value found, and the
   * one it is put back to (where the file does not set the key).
   */
  confDrift?: Record<string, { have: string; want: string }>;
  /** IPv4 policy rules other than the kernel's three (RULE_DEFAULTS): made by hand; a file has none. */
  rules?: KRule[];
  /** The kernel's own IPv4 policy rules that are missing (deleted by hand). */
  lostRules?: KRule[];
  /** Permanent (and unicast noarp) neighbour entries (`ip neigh add … nud permanent`): made by hand; a file has none. */
  neighs?: KNeigh[];
  /**
   * Routes in a table other than main, of protocol boot or static: made by
   * hand (`ip route add local 10.0.0.2 dev lo table local` answers for
   * another host; `ip route add blackhole 10.0.0.2 table local` drops it); a
   * file has none.
   */
  tableRoutes?: KTableRoute[];
  /**
   * The kernel's own route in table local for an IPv4 address of an
   * interface (localRoutes), missing: deleted by hand, so the namespace no
   * longer takes packets sent to that address.
   */
  lostLocal?: KTableRoute[];
}

/**
 * A route of a table other than main as iproute2 words: `ip route delete
 * <words>` removes exactly it, `ip route add <words> <extra>` makes it again.
 */
export interface KTableRoute {
  family: 4 | 6;
  /** Type (unless unicast), destination, table, gateway, device, metric, protocol. */
  words: string[];
  /** What `add` also needs to make the same route: scope, source address. */
  extra?: string[];
  /** Its device, when it has one (the route goes with the device). */
  dev?: string;
}

/** Two table routes are the same route. */
export const sameTableRoute = (a: KTableRoute, b: KTableRoute): boolean =>
  a.words.join(' ') === b.words.join(' ');

/** An IPv4 policy rule: its priority and the rest as iproute2 words, e.g. { pref: 100, words: ["to", "10.0.0.2", "prohibit"] }. */
export interface KRule {
  pref: number;
  words: string[];
  /** Its protocol, when it is not unspec ("kernel" for the kernel's own). */
  proto?: string;
}

/**
 * The kernel's own IPv4 rules in a new namespace (net/ipv4/fib_rules.c
 * fib_default_rules_init): table local at 0, main at 32766, default at 32767.
 */
export const RULE_DEFAULTS: readonly KRule[] = [
  { pref: 0, words: ['table', 'local'], proto: 'kernel' },
  { pref: 32766, words: ['table', 'main'], proto: 'kernel' },
  { pref: 32767, words: ['table', 'default'], proto: 'kernel' },
];

/** Two rules are the same rule (priority, selector and action, protocol). */
export const sameRule = (a: KRule, b: KRule): boolean =>
  a.pref === b.pref && a.words.join(' ') === b.words.join(' ') && (a.proto ?? '') === (b.proto ?? '');

/** A permanent neighbour entry: the address, the interface, the link-layer address it is pinned to. */
export interface KNeigh {
  addr: string;
  dev: string;
  lladdr?: string;
}

export interface KState {
  namespaces: Record<string, KNamespace>;
}

/** Builds the ownership mark string for an object of a lab. */
export function makeMark(lab: string, ...ref: string[]): string {
  return ['netplumb', lab, ...ref].join(':');
}

/** The lab a mark belongs to, or undefined if it is not a netplumb mark. */
export function markLab(mark: string | undefined): string | undefined {
  if (!mark?.startsWith('netplumb:')) return undefined;
  // mark.split(':')[1], without the array (a plan of 1000 hosts asks this ~10 000 times).
  const end = mark.indexOf(':', 9);
  return end < 0 ? mark.slice(9) : mark.slice(9, end);
}
