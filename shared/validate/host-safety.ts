/**
 * The host stays the user's: what a lab may put in the host's root namespace.
 *
 * Pure decision logic. Given the host's facts (its own addresses, routes and
 * default gateways, without what this lab made) and the machine's policy, it
 * refuses every root-namespace address (or route) of a document that:
 * - contains the host's default gateway (a /32 of the gateway, or any subnet
 *   around it, cuts the host off its network);
 * - contains an address the host already has;
 * - overlaps the destination of a route the lab does not own (the longer
 *   prefix wins, so the lab would take that traffic);
 * - is shorter than /8 (IPv4) or /32 (IPv6): `1.0.0.1/1` plus `128.0.0.1/1`
 *   beat the default route and pull all of the host's traffic into the lab.
 *
 * Only the machine's policy (a root-owned file, read in electron/kernel) may
 * relax the prefix rule or exempt listed prefixes from the prefix and route
 * rules; nothing in a document can. The gateway and existing-address rules
 * never relax.
 */
import type { Topology } from '../model';
import {
  cidrContains,
  formatCidr,
  networkValue,
  parseAddressOrCidr,
  parseCidr,
  parseIp,
  prefixMask,
  type IpCidr,
} from '../util/ip';
import { buildContext, ROOT } from './context';
import type { Problem } from './problem';

/** One address the host has (not made by this lab). */
export interface HostAddress {
  cidr: string;
  dev: string;
}
/** One route the host has (not through an interface of this lab). */
export interface HostRoute {
  /** Destination prefix; "default" routes are listed under gateways instead. */
  dst: string;
  dev?: string;
  table?: string;
}
/** A default gateway of the host. */
export interface HostGateway {
  ip: string;
  dev?: string;
}
/** What the host has in its root namespace, minus the objects of the lab being checked. */
export interface HostFacts {
  addresses: HostAddress[];
  routes: HostRoute[];
  gateways: HostGateway[];
}

/** The machine's policy (root-owned file); never taken from a document. */
export interface HostPolicy {
  /** Shortest IPv4 prefix allowed in the root namespace (default 8). */
  minPrefixV4: number;
  /** Shortest IPv6 prefix allowed in the root namespace (default 32). */
  minPrefixV6: number;
  /** Prefixes inside which root-namespace addresses skip the prefix-length and route rules. */
  allow: string[];
}

export const DEFAULT_HOST_POLICY: HostPolicy = { minPrefixV4: 8, minPrefixV6: 32, allow: [] };

/** Something a document puts in the root namespace. */
export interface RootClaim {
  cidr: string;
  /** At the start of a message, e.g. `Link "l1": interface "veth-ns1" on host`. */
  title: string;
  path: (string | number)[];
  nodeId?: string;
  linkId?: string;
}

/** Every address the document puts in the host's root namespace (host link ends, root bridges). */
export function rootClaims(topo: Topology): RootClaim[] {
  const ctx = buildContext(topo);
  return (ctx.l3ByNs.get(ROOT) ?? []).flatMap((i) =>
    i.addresses.map((a) => ({
      cidr: a.cidr,
      title: i.title,
      path: a.path,
      nodeId: i.nodeId,
      linkId: i.linkId,
    })),
  );
}

const network = (c: IpCidr): IpCidr => ({ ...c, value: networkValue(c) });
/** True when two prefixes share any address. */
function overlap(a: IpCidr, b: IpCidr): boolean {
  if (a.family !== b.family) return false;
  const p = Math.min(a.prefix, b.prefix);
  const m = prefixMask(a.family, p);
  return (a.value & m) === (b.value & m);
}
const onDev = (dev?: string) => (dev ? ` on ${dev}` : '');
const FAMILY_ALL: Record<4 | 6, string> = { 4: 'IPv4', 6: 'IPv6' };

/**
 * Checks the document's root-namespace addresses against the host's facts
 * and the machine's policy; returns one error per refused address.
 */
export function checkHostSafety(
  topo: Topology,
  facts: HostFacts,
  policy: HostPolicy = DEFAULT_HOST_POLICY,
): Problem[] {
  const problems: Problem[] = [];
  const allow = policy.allow.map(parseCidr).filter((c): c is IpCidr => c !== null);
  const hostAddrs = facts.addresses.map((a) => ({ a, ip: parseAddressOrCidr(a.cidr) })).filter((x) => x.ip);
  const routes = facts.routes.map((r) => ({ r, c: parseAddressOrCidr(r.dst) })).filter((x) => x.c);
  for (const claim of rootClaims(topo)) {
    const c = parseCidr(claim.cidr);
    if (!c) continue; // malformed addresses are the address rule's to report
    const net = network(c);
    const where = { path: claim.path, nodeId: claim.nodeId, linkId: claim.linkId };
    const say = (p: Pick<Problem, 'code' | 'severity'>, why: string) =>
      problems.push({
        ...p,
        message: `${claim.title}: ${claim.cidr} would be added in the host's root namespace, ${why}`,
        ...where,
      });
    const netText = formatCidr(net);
    // Why: a route to (or an address next to) the gateway makes the host send
    // its default traffic into the lab: the host loses its network.
    const gw = facts.gateways.find((g) => {
      const ip = parseIp(g.ip);
      return ip !== null && cidrContains(net, ip);
    });
    if (gw) {
      say(
        { code: 'host-gateway-taken', severity: 'error' },
        `and ${netText} contains ${gw.ip}, this machine's default gateway${onDev(gw.dev)}; the machine would lose its network. Use addresses the machine does not use.`,
      );
      continue;
    }
    // Only the machine's policy (never the document) lists prefixes that skip the prefix and route rules.
    const allowed = allow.some((p) => p.family === c.family && p.prefix <= c.prefix && cidrContains(p, net));
    // Why: a short prefix in the root namespace beats the host's specific routes
    // for a large part of the address space (two /1s beat the default route).
    const min = c.family === 4 ? policy.minPrefixV4 : policy.minPrefixV6;
    if (!allowed && c.prefix < min) {
      say(
        { code: 'host-prefix-too-broad', severity: 'error' },
        `and a /${c.prefix} covers ${c.prefix <= 1 ? 'half or more' : 'a large part'} of all ${FAMILY_ALL[c.family]} addresses, so the machine's own traffic would go into the lab. In the root namespace prefixes must be /${min} or longer.`,
      );
      continue;
    }
    // Why: an address the host already has would be answered by the lab (or clash with the host's).
    const taken = hostAddrs.find((x) => cidrContains(net, x.ip!));
    if (taken) {
      say(
        { code: 'host-address-taken', severity: 'error' },
        `and ${netText} contains ${taken.a.cidr.split('/')[0]}, an address this machine already has${onDev(taken.a.dev)}. Use a network the machine does not use.`,
      );
      continue;
    }
    // Why: the longer prefix wins, so the lab would take traffic the host routes elsewhere.
    const route = allowed ? undefined : routes.find((x) => overlap(net, x.c!));
    if (route) {
      const table = route.r.table && route.r.table !== 'main' ? ` (table ${route.r.table})` : '';
      say(
        { code: 'host-route-taken', severity: 'error' },
        `and ${netText} overlaps ${route.r.dst}, a route this machine already has${onDev(route.r.dev)}${table}; the lab would take that traffic. Use a network the machine does not route.`,
      );
    }
  }
  return problems;
}
