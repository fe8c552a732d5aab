/**
 * Pure normalisation of iproute2 JSON (already checked by ip-json.ts) into
 * KState pieces. No I/O: the live reader feeds these, and tests feed them
 * recorded samples.
 *
 * Normalisation rules (the planner's desired state must follow the same):
 * - addresses: canonical CIDR with host bits kept, sorted with the default
 *   string sort; IPv6 link-local (fe80::/10), kernel-made IPv6 addresses
 *   (SLAAC/privacy, `dynamic`) and the loopback's own 127.0.0.1/8 and ::1/128
 *   are left out;
 * - routes: table main, type unicast, protocol boot or static only; link-local
 *   and multicast destinations left out; `to` is "default" or a canonical
 *   prefix (host routes get /32 or /128); the family's default metric (IPv4 0,
 *   IPv6 1024) is left out; sorted by family, to, via, dev, metric;
 * - VLAN lists sorted ascending; netem times in ms, loss in percent, rate in kbit/s.
 */
import { linkKernelKinds, readKernelParams } from '../../shared/kinds';
import { canonicalIp, formatCidr, isLinkLocal, parseAddressOrCidr, parseCidr } from '../../shared/util/ip';
import type {
  KBridgeAttrs,
  KIface,
  KNeigh,
  KNetem,
  KPortVlans,
  KRoute,
  KRule,
  KTableRoute,
  PortState,
} from '../../shared/plan/kstate';
import {
  LOOPBACK_OWN,
  PORT_FLAG_DEFAULTS,
  PORT_STATES,
  ROUTE_TYPES,
  RULE_DEFAULTS,
  sameRule,
} from '../../shared/plan/kstate';
import type { BridgeVlanPort, IpLink, IpNeigh, IpRoute, IpRule, NetemOptions, TcQdisc } from './ip-json';
import { NetemOptions as NetemOptionsSchema, checkIpJson } from './ip-json';
import { connectedKey, connectedRoutes, localRoutes } from '../../shared/plan/connected';

/** The interface kind KState distinguishes. */
export function ifaceKind(link: IpLink): KIface['kind'] {
  const kind = link.linkinfo?.info_kind;
  // Bridges, and the interface kinds the link kinds make (shared/kinds: veth, …).
  if (kind === 'bridge' || (kind !== undefined && linkKernelKinds.has(kind))) return kind as KIface['kind'];
  if (link.link_type === 'loopback' || (link.flags ?? []).includes('LOOPBACK')) return 'loopback';
  return 'other';
}

const LOOPBACK_OWN_CIDRS: ReadonlySet<string> = new Set(Object.values(LOOPBACK_OWN));
/** An IPv6 address in fe80::/10 as text: a first group of four digits, fe80 to febf. */
const V6_LINK_LOCAL_TEXT = /^fe[89ab][0-9a-f]:/i;

/**
 * The last answer per parsed link: live-read.ts reuses the parsed links of an
 * unchanged namespace, and parsing every address again cost ~10 ms per read
 * of a 200-host lab. Parsed links are never changed; callers get a copy.
 */
const addressesOf = new WeakMap<IpLink, readonly string[]>();

/** True when the link has `cidr` (a loopback's own address: LOOPBACK_OWN), as the kernel gives it. */
export function hasLoopbackOwn(link: IpLink, cidr: string): boolean {
  const [local, len] = cidr.split('/');
  return (link.addr_info ?? []).some(
    (a) =>
      a.family === (local.includes(':') ? 'inet6' : 'inet') &&
      a.local === local &&
      a.prefixlen === Number(len),
  );
}

/** The addresses netplumb manages on a link, canonical and sorted (see the module rules). */
export function ifaceAddresses(link: IpLink): string[] {
  let known = addressesOf.get(link);
  if (!known) addressesOf.set(link, (known = computeAddresses(link)));
  return [...known];
}

function computeAddresses(link: IpLink): string[] {
  const loopback = ifaceKind(link) === 'loopback';
  const out: string[] = [];
  for (const a of link.addr_info ?? []) {
    if ((a.family !== 'inet' && a.family !== 'inet6') || a.local === undefined || a.prefixlen === undefined)
      continue;
    // Every interface has an IPv6 link-local address (the root of a 200-host lab 400 of them), all
    // left out below: told by their first group (fe80-febf, four digits: "fe8::" is not one) before
    // the costlier parse. Same result.
    if (a.family === 'inet6' && (V6_LINK_LOCAL_TEXT.test(a.local) || (a.dynamic && a.local.includes(':'))))
      continue;
    const c = parseCidr(`${a.local}/${a.prefixlen}`);
    if (!c) continue;
    const cidr = formatCidr(c);
    if (c.family === 6 && (isLinkLocal(cidr) || a.dynamic)) continue;
    if (loopback && LOOPBACK_OWN_CIDRS.has(cidr)) continue;
    out.push(cidr);
  }
  return [...new Set(out)].sort();
}

/** Bridge attributes from `linkinfo.info_data` (kernel defaults when a field is absent). */
export function bridgeAttrs(link: IpLink): KBridgeAttrs {
  const d = link.linkinfo?.info_data ?? {};
  return {
    stp: (d.stp_state ?? 0) !== 0,
    vlanFiltering: (d.vlan_filtering ?? 0) !== 0,
    // Kernels without CONFIG_BRIDGE_VLAN_FILTERING omit the field; the kernel default is 1.
    defaultPvid: d.vlan_default_pvid ?? 1,
  };
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** One link as a KIface, without peer, VLANs and netem (those need other dumps). */
export function linkToIface(link: IpLink): KIface {
  const kind = ifaceKind(link);
  const iface: KIface = {
    name: link.ifname,
    kind,
    up: (link.flags ?? []).includes('UP'),
    addresses: ifaceAddresses(link),
  };
  if (link.ifalias !== undefined && link.ifalias !== '') iface.mark = link.ifalias;
  if (link.master !== undefined) iface.master = link.master;
  // A veth's `link` is its peer (live-peers.ts); another kind's, in the same namespace, its lower device.
  if (kind !== 'veth' && typeof link.link === 'string' && link.link_netnsid === undefined)
    iface.lower = link.link;
  if (kind === 'other' && link.linkinfo?.info_kind) iface.otherKind = link.linkinfo.info_kind;
  if (link.mtu !== undefined) iface.mtu = link.mtu;
  const mac = link.address?.toLowerCase();
  if (kind !== 'loopback' && mac !== undefined && MAC.test(mac)) iface.mac = mac;
  if (kind === 'bridge') iface.bridge = bridgeAttrs(link);
  // Creation parameters of a link kind's own interfaces (vxlan id, local, remote, port).
  const params = readKernelParams(kind, link.linkinfo?.info_data);
  if (params) iface.params = params;
  const flags = link.flags ?? [];
  if (flags.includes('NOARP') && kind !== 'loopback') iface.arpOff = true;
  if (kind === 'loopback' && iface.up && !hasLoopbackOwn(link, LOOPBACK_OWN.lostOwn)) iface.lostOwn = true;
  if (link.linkinfo?.info_slave_kind === 'bridge')
    readPort(iface, flags, link.operstate, link.linkinfo.info_slave_data ?? {});
  return iface;
}

/**
 * A bridge port's hand-made settings: flags that differ from a new port's,
 * and a state other than forwarding while the port is up and running
 * (operstate UP: the bridge enables a port when it hears of that), which
 * holdsPorts keeps only on a bridge that is up without STP. The native
 * reader's fingerprint hashes the flags, and the state exactly while the port
 * runs (nsread-fp.c): a state that only follows carrier is left out.
 */
function readPort(
  iface: KIface,
  flags: readonly string[],
  operstate: string | undefined,
  data: Record<string, unknown>,
): void {
  const changed: Record<string, boolean> = {};
  for (const [key, dflt] of Object.entries(PORT_FLAG_DEFAULTS)) {
    const v = data[key];
    if (typeof v === 'boolean' && v !== dflt) changed[key] = v;
  }
  if (Object.keys(changed).length) iface.portFlags = changed;
  const state = PORT_STATES.find((s) => s === data.state);
  if (state && state !== 'forwarding' && flags.includes('UP') && operstate === 'UP')
    iface.portState = state satisfies PortState;
}

/**
 * Keeps a port's state only where it was set by hand: on a bridge that is up
 * without STP, a running port forwards (with STP, the state is STP's; on a
 * bridge that is down, every port is disabled).
 */
export function holdsPorts(ifaces: Record<string, KIface>): void {
  for (const i of Object.values(ifaces)) {
    if (i.portState === undefined) continue;
    const br = i.master !== undefined ? ifaces[i.master] : undefined;
    if (!br?.up || !br.bridge || br.bridge.stp) delete i.portState;
  }
}

const V4_MULTICAST = parseCidr('224.0.0.0/4')!;
const V6_MULTICAST = parseCidr('ff00::/8')!;

function isMulticast(to: string): boolean {
  const a = parseAddressOrCidr(to);
  if (!a) return false;
  const m = a.family === 4 ? V4_MULTICAST : V6_MULTICAST;
  const shift = BigInt((a.family === 4 ? 32 : 128) - m.prefix);
  return a.value >> shift === m.value >> shift;
}

/**
 * The family of a route. `dst` tells when it is a prefix; for "default" the
 * gateway does, and otherwise the `pref` field, which the kernel sends for
 * every IPv6 route and never for IPv4 (net/ipv6/route.c rt6_fill_node).
 */
export function routeFamily(r: IpRoute): 4 | 6 {
  if (r.dst !== 'default') return r.dst.includes(':') ? 6 : 4;
  if (r.gateway !== undefined && r.via === undefined) return r.gateway.includes(':') ? 6 : 4;
  return 'pref' in r ? 6 : 4;
}

const STATIC_PROTOCOLS = new Set(['boot', 'static']);
const DEFAULT_METRIC: Record<4 | 6, number> = { 4: 0, 6: 1024 };

/** A route's type of service (`tos 0x10`), when it has one. */
function routeTos(r: IpRoute): string | undefined {
  const { tos } = r as { tos?: unknown };
  return typeof tos === 'string' && tos !== '0x00' && tos !== 'default' ? tos : undefined;
}

/**
 * Static routes of table main as KRoutes, sorted (see the module rules).
 * Given the namespace's interfaces, a route of protocol kernel that none of
 * their addresses accounts for (shared/plan/connected.ts) is kept too, as
 * made by hand (proto "kernel").
 */
export function staticRoutes(
  routes: readonly IpRoute[],
  ifaces?: Readonly<Record<string, KIface>>,
): KRoute[] {
  const made = ifaces && kernelMade(ifaces);
  const out: KRoute[] = [];
  for (const r of routes) {
    if (r.table !== undefined && r.table !== 'main') continue;
    // Blackhole, unreachable, prohibit and throw routes are kept: a file has none, so they are drift.
    const type = ROUTE_TYPES.find((t) => t === r.type);
    if (r.type !== undefined && r.type !== 'unicast' && type === undefined) continue;
    // Without -d iproute2 omits protocol "boot"; with -d it is always printed.
    const kernel = r.protocol === 'kernel';
    if (!STATIC_PROTOCOLS.has(r.protocol ?? 'boot') && !(kernel && made)) continue;
    const family = routeFamily(r);
    let to = 'default';
    if (r.dst !== 'default') {
      const c = parseAddressOrCidr(r.dst);
      if (!c) continue;
      to = formatCidr(c);
      if (isLinkLocal(to) || isMulticast(to)) continue;
    }
    // One for a single type of service is not the kernel's (it makes them for every TOS).
    if (kernel && routeTos(r) === undefined && made?.has(connectedKey(to, r.dev))) continue;
    const route: KRoute = {
      to,
      family,
      ...(type ? { type } : {}),
      ...(kernel ? { proto: 'kernel' as const } : {}),
    };
    // A multipath route has no single next hop; it is kept (so it is not hidden) without via/dev.
    const via = r.via?.host ?? r.gateway;
    if (via !== undefined && !r.nexthops) route.via = canonicalIp(via) ?? via;
    if (r.dev !== undefined && !r.nexthops) route.dev = r.dev;
    if (r.metric !== undefined && r.metric !== DEFAULT_METRIC[family]) route.metric = r.metric;
    const tos = routeTos(r);
    if (tos !== undefined) route.tos = tos;
    const { nhid } = r as { nhid?: unknown };
    if (typeof nhid === 'number') route.nhid = nhid;
    out.push(route);
  }
  return out.sort(compareRoutes);
}

/** Prefix and interface of every route the interfaces' addresses make. */
function kernelMade(ifaces: Readonly<Record<string, KIface>>): Set<string> {
  const out = new Set<string>();
  for (const i of Object.values(ifaces))
    for (const r of connectedRoutes(i)) out.add(connectedKey(r.to, r.dev));
  return out;
}

/**
 * The routes the kernel makes for the addresses of an interface that is up
 * which are not there (a route of protocol kernel to the prefix, through the
 * interface): deleted by hand, or replaced by another. IPv6 prefix routes
 * too: the kernel makes one when the address is added, tentative or not,
 * with or without carrier (then flagged linkdown); an interface set down
 * loses its IPv6 addresses with them (keep_addr_on_down 0), and is not up.
 */
export function lostRoutes(routes: readonly IpRoute[], ifaces: Readonly<Record<string, KIface>>): KRoute[] {
  const have = new Set<string>();
  for (const r of routes)
    if ((r.table === undefined || r.table === 'main') && r.protocol === 'kernel') {
      const c = parseAddressOrCidr(r.dst);
      if (!c || routeTos(r) !== undefined) continue;
      // Replaced by one with another source address (`src 127.0.0.1`: replies leave from it): not the kernel's.
      const { prefsrc } = r as { prefsrc?: unknown };
      const i = r.dev !== undefined ? ifaces[r.dev] : undefined;
      if (
        typeof prefsrc === 'string' &&
        i &&
        !i.addresses.some((a) => a.split('/')[0] === (canonicalIp(prefsrc) ?? prefsrc))
      )
        continue;
      have.add(connectedKey(formatCidr(c), r.dev));
    }
  return Object.values(ifaces)
    .filter((i) => i.up)
    .flatMap(connectedRoutes)
    .filter((r) => !have.has(connectedKey(r.to, r.dev)));
}

/** A word the plan can write back unchanged (as op.ts RuleWord). */
const PLAIN_WORD = /^[A-Za-z0-9_.:/[\]-]{1,64}$/;

/**
 * A route of another table than main as the words `ip route delete` takes
 * (KTableRoute), with what `add` needs besides; undefined when a word could
 * not be written back exactly.
 */
function tableRouteOf(r: IpRoute): KTableRoute | undefined {
  const family = routeFamily(r);
  const dst = r.dst === 'default' && family === 6 ? '::/0' : r.dst;
  const gw = r.gateway ?? r.via?.host;
  const { tos, nhid, prefsrc } = r as { tos?: unknown; nhid?: unknown; prefsrc?: unknown };
  const words = [
    ...(r.type && r.type !== 'unicast' ? [r.type] : []),
    dst,
    ...(r.table !== undefined ? ['table', r.table] : []),
    ...(typeof tos === 'string' ? ['tos', tos] : []),
    // Through a nexthop object: named by it (its via and dev are the object's, and do not delete it).
    ...(typeof nhid === 'number' ? ['nhid', String(nhid)] : []),
    ...(gw !== undefined && !r.nexthops && nhid === undefined ? ['via', gw] : []),
    ...(r.dev !== undefined && !r.nexthops && nhid === undefined ? ['dev', r.dev] : []),
    ...(r.metric !== undefined ? ['metric', String(r.metric)] : []),
    'proto',
    r.protocol ?? 'boot',
  ];
  const extra = [
    ...(family === 4 && r.scope !== undefined ? ['scope', r.scope] : []),
    ...(typeof prefsrc === 'string' ? ['src', prefsrc] : []),
  ];
  if (![...words, ...extra].every((w) => PLAIN_WORD.test(w))) return undefined;
  return {
    family,
    words,
    ...(extra.length ? { extra } : {}),
    ...(r.dev !== undefined && !r.nexthops ? { dev: r.dev } : {}),
  };
}

/**
 * Routes of tables other than main in a lab namespace: those of protocol boot
 * or static were made by hand (`ip route add local 10.0.0.2 dev lo table
 * local`; a file has routes of table main only); and the kernel's own local
 * route of each IPv4 address of an interface (localRoutes) that is missing.
 * Routes that daemons make (protocol zebra, bgp, ra, …) are left to them, as
 * in table main.
 */
export function tableRoutes(
  routes: readonly IpRoute[],
  ifaces: Readonly<Record<string, KIface>>,
  settled: ReadonlySet<string> = new Set(),
): { hand: KTableRoute[]; lost: KTableRoute[] } {
  const hand: KTableRoute[] = [];
  const have = new Set<string>();
  for (const r of routes) {
    if (r.table === undefined || r.table === 'main') continue;
    if (r.table === 'local' && r.type === 'local' && r.protocol === 'kernel' && r.dev !== undefined)
      have.add(`${r.dst}\u0000${r.dev}`);
    if (!STATIC_PROTOCOLS.has(r.protocol ?? 'boot')) continue;
    const t = tableRouteOf(r);
    if (t) hand.push(t);
  }
  const lost = Object.values(ifaces)
    .flatMap(localRoutes)
    // IPv6: only for an address past DAD (the kernel adds the route when DAD ends).
    .filter((t) => t.family === 4 || settled.has(`${t.words[1]}\u0000${t.dev}`))
    .filter((t) => !have.has(`${t.words[1]}\u0000${t.dev}`));
  return { hand, lost };
}

/**
 * The IPv6 addresses past duplicate address detection (neither tentative,
 * optimistic nor failed), as `ADDR\0DEV`: those whose local route the kernel
 * has added (tableRoutes).
 */
export function settledV6(links: readonly IpLink[]): Set<string> {
  const out = new Set<string>();
  for (const l of links)
    for (const a of l.addr_info ?? []) {
      const f = a as Record<string, unknown>;
      if (a.family !== 'inet6' || a.local === undefined) continue;
      if (f.tentative === true || f.optimistic === true || f.dadfailed === true) continue;
      out.add(`${a.local}\u0000${l.ifname}`);
    }
  return out;
}

function compareRoutes(a: KRoute, b: KRoute): number {
  return (
    a.family - b.family ||
    cmp(a.to, b.to) ||
    cmp(a.via ?? '', b.via ?? '') ||
    cmp(a.dev ?? '', b.dev ?? '') ||
    (a.metric ?? -1) - (b.metric ?? -1)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A range `a-b` of a rule (one number when both ends are the same). */
const range = (a: unknown, b: unknown): string =>
  b === undefined || b === a ? String(a) : `${String(a)}-${String(b)}`;

/**
 * One IPv4 rule as KRule: its selector and action as the words `ip rule`
 * takes, in iproute2's order (ip/iprule.c print_rule), so that `ip rule
 * delete pref N <words>` matches exactly that rule and `add` makes it again.
 */
export function ruleOf(r: IpRule): KRule {
  const f = r as Record<string, unknown>;
  const w: string[] = [];
  const prefix = (addr: unknown, len: unknown) =>
    len === undefined ? String(addr) : `${String(addr)}/${String(len)}`;
  if ('not' in f) w.push('not');
  if (f.src !== undefined && f.src !== 'all') w.push('from', prefix(f.src, f.srclen));
  if (f.dst !== undefined) w.push('to', prefix(f.dst, f.dstlen));
  if (f.tos !== undefined) w.push('tos', String(f.tos));
  if (f.fwmark !== undefined)
    w.push('fwmark', f.fwmask !== undefined ? `${String(f.fwmark)}/${String(f.fwmask)}` : String(f.fwmark));
  if (f.iif !== undefined) w.push('iif', String(f.iif));
  if (f.oif !== undefined) w.push('oif', String(f.oif));
  if ('l3mdev' in f) w.push('l3mdev');
  if (f.uid_start !== undefined) w.push('uidrange', `${String(f.uid_start)}-${String(f.uid_end)}`);
  if (f.ipproto !== undefined) w.push('ipproto', String(f.ipproto));
  if (f.sport_start !== undefined) w.push('sport', range(f.sport_start, f.sport_end));
  if (f.dport_start !== undefined) w.push('dport', range(f.dport_start, f.dport_end));
  if (f.table !== undefined) w.push('table', String(f.table));
  if (f.suppress_prefixlen !== undefined) w.push('suppress_prefixlength', String(f.suppress_prefixlen));
  if (f.suppress_ifgroup !== undefined) w.push('suppress_ifgroup', String(f.suppress_ifgroup));
  if (f.realms !== undefined) w.push('realms', String(f.realms));
  if (f.goto !== undefined) w.push('goto', String(f.goto));
  if (typeof f.action === 'string' && f.action !== 'unicast') w.push(f.action);
  const proto = r.protocol !== undefined && r.protocol !== 'unspec' ? { proto: r.protocol } : {};
  return { pref: r.priority, words: w, ...proto };
}

/** IPv4 rules other than the kernel's own, and the kernel's own that are missing. */
export function policyRules(list: readonly IpRule[]): { rules: KRule[]; lost: KRule[] } {
  const all = list.map(ruleOf);
  return {
    rules: all.filter((r) => !RULE_DEFAULTS.some((d) => sameRule(d, r))),
    lost: RULE_DEFAULTS.filter((d) => !all.some((r) => sameRule(d, r))),
  };
}

/** Permanent neighbour entries (entries the kernel makes itself, noarp and the like, are left out). */
export function permanentNeighs(list: readonly IpNeigh[]): KNeigh[] {
  // Noarp entries to a unicast link-layer address too: they never expire either, and the
  // kernel's own noarp entries are for multicast and broadcast (first octet odd) and on the
  // loopback (address all zeros).
  const unicast = (mac: string) => (parseInt(mac.slice(0, 2), 16) & 1) === 0 && /[1-9a-f]/i.test(mac);
  const pinned = (n: IpNeigh) =>
    (n.state ?? []).includes('PERMANENT') ||
    ((n.state ?? []).includes('NOARP') && n.lladdr !== undefined && unicast(n.lladdr));
  return list
    .filter((n) => n.dev !== undefined && pinned(n))
    .map((n) => ({
      addr: canonicalIp(n.dst) ?? n.dst,
      dev: n.dev!,
      ...(n.lladdr ? { lladdr: n.lladdr.toLowerCase() } : {}),
    }))
    .sort((a, b) => cmp(a.dev, b.dev) || cmp(a.addr, b.addr));
}

/**
 * Per-port VLANs from `bridge -j vlan show`: PVID flag → pvid, "Egress
 * Untagged" → untagged, the rest → tagged. Ranges (vlan..vlanEnd) are expanded.
 */
export function portVlans(ports: readonly BridgeVlanPort[]): Map<string, KPortVlans> {
  const out = new Map<string, KPortVlans>();
  for (const p of ports) {
    const v: KPortVlans = { untagged: [], tagged: [] };
    for (const e of p.vlans) {
      const flags = e.flags ?? [];
      for (let vid = e.vlan; vid <= (e.vlanEnd ?? e.vlan); vid++) {
        if (flags.includes('PVID')) v.pvid = vid;
        (flags.includes('Egress Untagged') ? v.untagged : v.tagged).push(vid);
      }
    }
    v.untagged.sort((a, b) => a - b);
    v.tagged.sort((a, b) => a - b);
    out.set(p.ifname, v);
  }
  return out;
}

/** Rounds to a fixed number of decimals (tc stores ticks and 32-bit fractions). */
function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/** KNetem from the options of a netem qdisc (`tc -j`: seconds, fractions, bytes/s). */
export function netemFromOptions(o: NetemOptions): KNetem {
  const n: KNetem = {};
  if (o.delay) {
    n.delayMs = round(o.delay.delay * 1000, 3);
    if (o.delay.jitter) n.jitterMs = round(o.delay.jitter * 1000, 3);
  }
  if (o['loss-random'] && o['loss-random'].loss > 0) n.lossPercent = round(o['loss-random'].loss * 100, 4);
  if (o.rate && o.rate.rate > 0) n.rateKbit = round((o.rate.rate * 8) / 1000, 3);
  return n;
}

/** Root netem qdiscs by device (other qdiscs and non-root netem are not netplumb's). */
export function netemByDev(qdiscs: readonly TcQdisc[], what: string): Map<string, KNetem> {
  const out = new Map<string, KNetem>();
  for (const q of qdiscs) {
    if (q.kind !== 'netem' || q.root !== true) continue;
    const opts = checkIpJson(NetemOptionsSchema, q.options ?? {}, `${what} (netem on ${q.dev})`);
    out.set(q.dev, netemFromOptions(opts));
  }
  return out;
}

/** Root qdiscs the kernel gives an interface by itself (net.core.default_qdisc and the per-device defaults). */
const KERNEL_QDISCS = new Set([
  'noop',
  'noqueue',
  'pfifo_fast',
  'mq',
  'fq_codel',
  'fq',
  'pfifo',
  'sfq',
  'cake',
]);

/**
 * Devices the kernel gives no queue (IFF_NO_QUEUE): their root qdisc is
 * `noqueue`, or `noop` while down, whatever net.core.default_qdisc says.
 */
const NO_QUEUE_KINDS = new Set(['veth', 'bridge', 'vxlan', 'geneve', 'macvlan']);

/**
 * A link's root qdisc kind (`ip link` prints it) when it is neither netem
 * nor what the kernel gives such a device: a tbf or htb added by hand, or on
 * a device of NO_QUEUE_KINDS (`devKind`, its linkinfo kind) any queue at all
 * (`tc qdisc add dev eth0 root pfifo limit 0` drops every packet).
 */
export function handMadeQdisc(kind: string | undefined, devKind?: string): string | undefined {
  if (kind === undefined || kind === 'netem') return undefined;
  const kernels = devKind !== undefined && NO_QUEUE_KINDS.has(devKind) ? ['noqueue', 'noop'] : KERNEL_QDISCS;
  return [...kernels].includes(kind) ? undefined : kind;
}

/** Parses `sysctl -e KEY...` output ("key = value" lines) into a record. */
export function parseSysctlOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    // Keys of interfaces whose name has a dot carry a "/" (sysctl(8) writes them so).
    const m = /^(\S+) = (.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}
