/**
 * Shared building blocks of the topology model: names, addresses, positions.
 * Pure zod; no Node, no DOM.
 */
import * as z from 'zod';

/** Kernel interface names: 1–15 bytes, no '/', ':', whitespace; not '.' or '..'. */
export const IFNAME_MAX_BYTES = 15;

/** A node or link identifier used inside the document (not a kernel name). */
export const Id = z
  .string()
  .min(1, 'an id cannot be empty')
  .max(64, 'an id is at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'an id may use letters, digits, "_", "." and "-" only');
export type Id = z.infer<typeof Id>;

/**
 * Characters of interface, bridge and namespace names (see NAME_CHARS in
 * validate/names.ts for why): letters, digits, "-", "_" and ".".
 */
export const NAME_PATTERN = '^[A-Za-z0-9_.-]+$';

/**
 * Interface names are checked for kernel rules in validate/ (with plain-words
 * messages and a location); the zod schema only requires a string so that a
 * bad name is reported by the validator, not as a parse failure. The JSON
 * Schema carries the character rule as a `pattern` so editors flag it too.
 */
export const IfName = z.string().meta({ pattern: NAME_PATTERN });

/** A namespace or bridge name (a kernel name); checked in validate/ like {@link IfName}. */
export const KernelName = z
  .string()
  .meta({ pattern: NAME_PATTERN })
  .describe(
    'kernel name: the namespace name or the bridge interface name; letters, digits, "-", "_" and "." only',
  );

/** An address in CIDR form, e.g. 10.0.0.1/24 or fd00::1/64 (checked in validate/). */
export const Cidr = z.string();

/** A bare IP address, e.g. 10.0.0.254 (checked in validate/). */
export const IpAddress = z.string();

export const Position = z.object({ x: z.number(), y: z.number() }).strict();
export type Position = z.infer<typeof Position>;

/** A static route. `to` is a CIDR prefix or "default"; `via` a next-hop address. */
export const Route = z
  .object({
    to: z.string().describe('destination prefix (CIDR) or "default"'),
    via: IpAddress.optional().describe('next-hop address'),
    dev: IfName.optional().describe("outgoing interface (one of this node's interfaces)"),
    metric: z.number().int().min(0).max(4294967295).optional(),
  })
  .strict();
export type Route = z.infer<typeof Route>;

/** Default gateways, one per address family. */
export const Gateway = z
  .object({
    ipv4: IpAddress.optional(),
    ipv6: IpAddress.optional(),
  })
  .strict();
export type Gateway = z.infer<typeof Gateway>;

/**
 * Sysctls netplumb may set inside a lab namespace. An allowlist: anything else
 * could change the host or be used to escape the lab.
 */
export const SYSCTL_ALLOWLIST = [
  'net.ipv4.ip_forward',
  'net.ipv6.conf.all.forwarding',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.conf.default.rp_filter',
  'net.ipv4.conf.all.arp_ignore',
  'net.ipv4.conf.all.arp_announce',
  'net.ipv4.conf.all.arp_filter',
  'net.ipv4.conf.all.proxy_arp',
  'net.ipv4.conf.all.accept_redirects',
  'net.ipv4.conf.all.send_redirects',
  'net.ipv4.icmp_echo_ignore_all',
  'net.ipv4.icmp_echo_ignore_broadcasts',
  'net.ipv6.icmp.echo_ignore_all',
  'net.ipv4.ip_default_ttl',
  'net.ipv6.conf.all.disable_ipv6',
  'net.ipv6.conf.all.accept_dad',
  'net.ipv6.conf.default.accept_dad',
  'net.ipv6.conf.all.accept_ra',
  'net.ipv6.conf.all.proxy_ndp',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.bridge.bridge-nf-call-arptables',
] as const;
export type SysctlKey = (typeof SYSCTL_ALLOWLIST)[number];

/**
 * Namespace settings that a new namespace gets from the kernel itself, not
 * from the host (the kernel sets them when it makes the namespace:
 * icmp_sk_init, inet_init_net, the IPv6 ICMP defaults; the `conf.*` ones are
 * copied from the host instead, net.core.devconf_inherit_init_net). A lab
 * namespace whose file does not set one keeps this value, so another value
 * was set by hand: `sysctl -w net.ipv4.icmp_echo_ignore_all=1` leaves every
 * ping to the namespace unanswered while the links are as the file says.
 * The live reader reads these in every lab namespace; the plan writes the
 * kernel's value back (plan-sysctls.ts). Only the two that silence a ping
 * outright: each key costs a /proc/sys read per namespace at every plan and
 * status (about 25 µs; 2 keys add 5 ms to a 200-namespace read). Others of
 * the kind (icmp_echo_ignore_broadcasts 1, ip_default_ttl 64) are not read
 * where the file sets no sysctl.
 */
export const NS_OWN_SYSCTLS = {
  'net.ipv4.icmp_echo_ignore_all': '0',
  'net.ipv6.icmp.echo_ignore_all': '0',
} as const satisfies Partial<Record<SysctlKey, string>>;
export const NS_OWN_SYSCTL_KEYS = Object.keys(NS_OWN_SYSCTLS) as (keyof typeof NS_OWN_SYSCTLS)[];

/**
 * Per-interface settings read on a lab's interfaces, which a file never sets
 * one by one: forwarding, and IPv6 on or off. Writing `all.forwarding` (or
 * ip_forward) or `all.disable_ipv6` sets every interface and the default, so
 * an interface whose value differs from its namespace's `all` was set by hand
 * (`sysctl -w net.ipv4.conf.eth1.forwarding=0` on a router). Settings that
 * `all` does not set (rp_filter, arp_ignore) have no value to judge them by:
 * a namespace's `default` can be changed by hand as well.
 */
export const IFACE_SYSCTLS = {
  ipv4: ['forwarding'],
  ipv6: ['forwarding', 'disable_ipv6'],
} as const;
export type IfaceSysctlFamily = keyof typeof IFACE_SYSCTLS;

/** The sysctl key of setting `leaf` of interface `ifname` ("all", "default" too), a dot in the name written "/" as sysctl(8) does. */
export const ifaceSysctlKey = (family: IfaceSysctlFamily, ifname: string, leaf: string): string =>
  `net.${family}.conf.${ifname.replaceAll('.', '/')}.${leaf}`;

/** What the live reader asks for: the allowlist, and each per-interface setting of every interface ("*": with `all`, without the loopback and `default`). */
export const IFACE_SYSCTL_PATTERNS: readonly string[] = Object.entries(IFACE_SYSCTLS).flatMap(
  ([fam, leaves]) => leaves.map((leaf) => ifaceSysctlKey(fam as IfaceSysctlFamily, '*', leaf)),
);

/**
 * Per-interface IPv4 settings that `all` does not set, read on every lab
 * interface: one interface set by hand silences it (`sysctl -w
 * net.ipv4.conf.eth0.arp_ignore=8`: no ARP reply, so no ping) while its links
 * and addresses are as the file says. A new interface takes its namespace's
 * `default`, and writing a namespace's IPv4 `default` also writes every
 * interface not set one by one (devinet_copy_dflt_conf): so an interface is
 * judged against the `default` a new namespace gets (NEW_NS_CONF_KEYS), not
 * its namespace's own, which may have been set by hand too. Cost: nsread
 * opens each /proc/sys directory once per namespace, so a key more costs
 * about 0.03 ms per namespace at 1000 namespaces (it was 0.13 ms with a
 * lookup from /proc/sys per key).
 */
export const IFACE_DEFAULT_SYSCTLS = ['arp_ignore', 'rp_filter'] as const;
/** The keys read for IFACE_DEFAULT_SYSCTLS: each interface's and `all` (a pattern), and the namespace's `default`. */
export const IFACE_DEFAULT_KEYS: readonly string[] = IFACE_DEFAULT_SYSCTLS.flatMap((leaf) => [
  ifaceSysctlKey('ipv4', '*', leaf),
  ifaceSysctlKey('ipv4', 'default', leaf),
]);
/**
 * A namespace's `all` and `default` settings that a file never sets one by
 * one and that silence a host when set by hand: arp_ignore and rp_filter
 * (IFACE_DEFAULT_SYSCTLS; `all.arp_ignore=8` answers no ARP on any
 * interface), and IPv6 off (`all.disable_ipv6=1`: the file's IPv6 addresses
 * cannot be added). Where the file does not set one, it is judged against
 * what a new namespace gets (live-read.ts newNamespaceConf), and each
 * interface's arp_ignore and rp_filter against the `default` a new namespace gets.
 */
export const NEW_NS_CONF_KEYS: readonly string[] = [
  ...IFACE_DEFAULT_SYSCTLS.flatMap((leaf) => [
    ifaceSysctlKey('ipv4', 'all', leaf),
    ifaceSysctlKey('ipv4', 'default', leaf),
  ]),
  ifaceSysctlKey('ipv6', 'all', 'disable_ipv6'),
  ifaceSysctlKey('ipv6', 'default', 'disable_ipv6'),
];
/** Whether a namespace's loopback has IPv6, so should have ::1 (kstate.ts lostOwn6). */
export const LOOPBACK_V6_KEY = 'net.ipv6.conf.lo.disable_ipv6';
/**
 * What the reader reads in every lab namespace (nsread's `--always=N`, the
 * first N keys of SYSCTL_READ_KEYS): the namespace's own settings, the
 * per-interface ones judged by `default`, and whether the loopback has IPv6.
 */
export const ALWAYS_READ_KEYS: readonly string[] = [
  ...NS_OWN_SYSCTL_KEYS,
  ...IFACE_DEFAULT_KEYS,
  ifaceSysctlKey('ipv6', '*', 'disable_ipv6'),
  ...NEW_NS_CONF_KEYS.filter((k) => k.startsWith('net.ipv6.') && !k.includes('.all.')),
  LOOPBACK_V6_KEY,
];
/**
 * Every key the live reader asks for, ALWAYS_READ_KEYS first: the native
 * reader reads those first keys in every lab namespace (its `--always=N`),
 * and all of them where the file sets sysctls.
 */
export const SYSCTL_READ_KEYS: readonly string[] = [
  ...ALWAYS_READ_KEYS,
  ...SYSCTL_ALLOWLIST.filter((k) => !(k in NS_OWN_SYSCTLS) && !ALWAYS_READ_KEYS.includes(k)),
  ...IFACE_SYSCTL_PATTERNS,
];
export const SysctlKeySchema = z.enum(SYSCTL_ALLOWLIST);
/** Sysctl values are small integers in the allowlist. */
export const Sysctls = z.partialRecord(
  SysctlKeySchema,
  z.union([z.number().int(), z.string().regex(/^-?\d+$/)]),
);
export type Sysctls = z.infer<typeof Sysctls>;
