/**
 * The routes the kernel makes by itself for an interface's addresses
 * (net/ipv4/fib_frontend.c fib_add_ifaddr, net/ipv6/addrconf.c
 * addrconf_prefix_route): one to each address's prefix through the
 * interface, protocol kernel; IPv4 below /32 (metric 0, only while the
 * interface is up), IPv6 below /128 (metric 256). None on the loopback,
 * whose prefixes go to table local.
 *
 * The live reader leaves these out of a namespace's routes, reads a route
 * of protocol kernel that none of them accounts for as made by hand, and
 * an IPv4 one that is missing as lost (KNamespace.lostRoutes). A file never
 * lists them: apply deletes the first and puts the second back.
 */
import { isLinkLocal, networkOf, parseCidr } from '../util/ip';
import type { KIface, KRoute, KTableRoute } from './kstate';

/** IPv6 prefix routes of addresses (IP6_RT_PRIO_ADDRCONF). */
export const V6_PREFIX_METRIC = 256;

/** The routes the kernel makes for `i`'s addresses (with `src`: the address that makes each). */
export function connectedRoutes(i: KIface): KRoute[] {
  if (i.kind === 'loopback') return [];
  const out = new Map<string, KRoute>();
  for (const a of i.addresses) {
    const c = parseCidr(a);
    if (!c || c.prefix === (c.family === 4 ? 32 : 128)) continue;
    const to = networkOf(a);
    if (!to || out.has(to)) continue;
    out.set(to, {
      to,
      family: c.family,
      dev: i.name,
      proto: 'kernel',
      src: a.split('/')[0],
      ...(c.family === 6 ? { metric: V6_PREFIX_METRIC } : {}),
    });
  }
  return [...out.values()];
}

/** The key a kernel route is matched by: its prefix and interface. */
export const connectedKey = (to: string, dev: string | undefined): string => `${to}\u0000${dev ?? ''}`;

/**
 * The route the kernel makes in table local for each address of an
 * interface: IPv4, up or down (fib_add_ifaddr: `local ADDR dev IF proto
 * kernel scope host src ADDR`); IPv6 once the address is past duplicate
 * address detection (addrconf: `local ADDR dev IF proto kernel metric 0 pref
 * medium`; the reader looks for it only then). Without it the namespace does
 * not take packets sent to that address. The loopback's are not read, nor
 * IPv6 link-local addresses (the kernel's own).
 */
export function localRoutes(i: KIface): KTableRoute[] {
  if (i.kind === 'loopback') return [];
  const out = new Map<string, KTableRoute>();
  for (const a of i.addresses) {
    const c = parseCidr(a);
    if (!c) continue;
    const addr = a.split('/')[0];
    if (c.family === 6 && isLinkLocal(a)) continue;
    out.set(addr, {
      family: c.family,
      words: ['local', addr, 'table', 'local', 'dev', i.name, 'proto', 'kernel'],
      extra: c.family === 4 ? ['scope', 'host', 'src', addr] : ['metric', '0', 'pref', 'medium'],
      dev: i.name,
    });
  }
  return [...out.values()];
}
