/**
 * Route and gateway rules for namespace/router nodes: destinations are
 * canonical prefixes, next hops are on a connected subnet of the node's own
 * interfaces or inside one of its routes through an interface without a next
 * hop (as the kernel allows), `dev` names one of them, and there is one
 * default per family.
 */
import { isNetnsNode, type NetnsNode } from '../model';
import {
  cidrContains,
  formatIp,
  hasHostBits,
  isLinkLocal,
  networkOf,
  parseCidr,
  parseIp,
  type Family,
  type IpCidr,
} from '../util/ip';
import { nodeLabel, type Ctx, type L3Iface } from './context';

/** The kernel's default metric when none is given (IPv4 0, IPv6 1024). */
const DEFAULT_METRIC: Record<Family, number> = { 4: 0, 6: 1024 };

interface Local {
  ifaces: L3Iface[];
  /** Valid CIDRs per interface name. */
  subnets: { iface: L3Iface; cidr: string; c: IpCidr }[];
  /**
   * The node's routes through an interface without a next hop (`to X dev Y`),
   * valid and up: the kernel makes them with scope link, and a next hop
   * inside one is reachable (fib_check_nh_v4_gw looks the gateway up among
   * link-scope routes; IPv6 ip6_route_check_nh refuses only a gateway route).
   */
  devRoutes: { iface: L3Iface; to: string; c: IpCidr }[];
  ownIps: Set<string>;
}

function localView(ctx: Ctx, n: NetnsNode): Local {
  const ifaces = ctx.l3ByNs.get(n.id) ?? [];
  const subnets: Local['subnets'] = [];
  const ownIps = new Set<string>();
  for (const iface of ifaces) {
    for (const { cidr } of iface.addresses) {
      const c = parseCidr(cidr);
      if (!c) continue;
      subnets.push({ iface, cidr, c });
      ownIps.add(formatIp(c));
    }
  }
  // Only routes the kernel takes: valid, through an up interface, not the second to one destination.
  const devRoutes: Local['devRoutes'] = [];
  const taken = new Set<string>();
  for (const r of n.routes ?? []) {
    const c = r.to === 'default' ? undefined : parseCidr(r.to);
    if (!c || hasHostBits(r.to)) continue;
    const key = `${c.family}|${networkOf(r.to)}|${r.metric ?? DEFAULT_METRIC[c.family]}`;
    const first = !taken.has(key);
    taken.add(key);
    if (!first || r.via !== undefined || r.dev === undefined) continue;
    const iface = ifaces.find((x) => x.name === r.dev);
    if (iface && isUp(iface)) devRoutes.push({ iface, to: r.to, c });
  }
  return { ifaces, subnets, devRoutes, ownIps };
}

/** Bridges are always brought up; link ends follow their `up` field. */
const isUp = (i: L3Iface) => i.end?.end.up !== false;

/**
 * Checks one next hop. Returns a problem code and reason, or null when it is
 * reachable. `dev` (when given) restricts the check to that interface.
 */
function checkNextHop(
  local: Local,
  via: string,
  fam: Family | undefined,
  dev: string | undefined,
): { code: string; severity: 'error' | 'warning'; reason: string } | null {
  const ip = parseIp(via);
  if (!ip)
    return {
      code: 'gateway-invalid',
      severity: 'error',
      reason: `"${via}" is not an IP address (write the address without a prefix length, e.g. 10.0.0.1)`,
    };
  if (fam !== undefined && ip.family !== fam)
    return {
      code: 'gateway-family-mismatch',
      severity: 'error',
      reason: `next hop ${via} is IPv${ip.family} but the destination is IPv${fam}`,
    };
  if (local.ownIps.has(formatIp(ip)))
    return {
      code: 'gateway-is-self',
      severity: 'error',
      reason: `next hop ${via} is this node's own address`,
    };
  if (ip.family === 6 && isLinkLocal(via)) {
    if (dev === undefined)
      return {
        code: 'gateway-link-local',
        severity: 'warning',
        reason: `next hop ${via} is link-local; without an outgoing interface the kernel has to guess which link it is on`,
      };
    return null;
  }
  const candidates = local.subnets.filter((s) => dev === undefined || s.iface.name === dev);
  const hits = candidates.filter((s) => cidrContains(s.c, ip));
  if (hits.some((s) => isUp(s.iface))) return null;
  // Reached through a route of the node without a next hop (netplumb adds those before routes with one).
  if (local.devRoutes.some((r) => (dev === undefined || r.iface.name === dev) && cidrContains(r.c, ip)))
    return null;
  if (hits.length) {
    // The kernel refuses a next hop whose only connected interface is administratively down.
    return {
      code: 'gateway-interface-down',
      severity: 'error',
      reason: `next hop ${via} is only reachable through ${hits[0].iface.what}, which is set down (up: false); the kernel refuses routes through a down interface`,
    };
  }
  const have = candidates.map((s) => networkOf(s.cidr)).filter((x, i, a) => a.indexOf(x) === i);
  const on = dev === undefined ? "any of this node's interfaces" : `interface "${dev}"`;
  return {
    code: 'gateway-unreachable',
    severity: 'error',
    reason: `next hop ${via} is not in a subnet of ${on}${have.length ? ` (connected: ${have.join(', ')})` : ' (no addresses there)'}, nor in a route of the node through ${dev === undefined ? 'an interface' : `"${dev}"`} without a next hop; a gateway must be directly reachable`,
  };
}

/** Rule: routes and gateways of every namespace/router node. */
export function checkRoutes(ctx: Ctx): void {
  ctx.topo.nodes.forEach((n, i) => {
    if (!isNetnsNode(n) || ctx.nodes.get(n.id)?.index !== i) return;
    const local = localView(ctx, n);
    const who = nodeLabel(n);
    const seen = new Map<string, number>();
    const defaults = new Map<Family, (string | number)[]>();

    (n.routes ?? []).forEach((r, j) => {
      const at = (field?: string): (string | number)[] =>
        field ? ['nodes', i, 'routes', j, field] : ['nodes', i, 'routes', j];
      const rname = `route ${j + 1} (to ${r.to})`;
      let fam: Family | undefined;
      let key: string | undefined;
      if (r.to === 'default') {
        fam = r.via !== undefined ? (parseIp(r.via)?.family ?? undefined) : 4;
        if (fam !== undefined) key = `${fam}|default`;
      } else {
        const c = parseCidr(r.to);
        if (!c) {
          const bare = parseIp(r.to);
          const hint = bare
            ? `; for a single host write ${r.to}/${bare.family === 4 ? 32 : 128}`
            : '; write "default" or a prefix such as 10.2.0.0/24';
          ctx.add({
            code: 'route-invalid-prefix',
            severity: 'error',
            message: `${who}: ${rname}: "${r.to}" is not a destination prefix${hint}.`,
            path: at('to'),
            nodeId: n.id,
          });
        } else {
          fam = c.family;
          if (hasHostBits(r.to)) {
            ctx.add({
              code: 'route-prefix-host-bits',
              severity: 'error',
              message: `${who}: ${rname}: "${r.to}" has host bits set; the prefix is ${networkOf(r.to)}.`,
              path: at('to'),
              nodeId: n.id,
            });
          }
          key = c.prefix === 0 ? `${fam}|default` : `${fam}|${networkOf(r.to)}`;
        }
      }
      if (key) {
        const metric = r.metric ?? DEFAULT_METRIC[fam!];
        const k = `${key}|${metric}`;
        const first = seen.get(k);
        if (first !== undefined) {
          ctx.add({
            code: 'duplicate-route',
            severity: 'error',
            message: `${who}: ${rname} duplicates route ${first + 1} (same destination and metric ${metric}); the kernel would refuse the second.`,
            path: at('to'),
            nodeId: n.id,
          });
        } else seen.set(k, j);
        if (key.endsWith('|default') && !defaults.has(fam!)) defaults.set(fam!, at('to'));
      }
      if (r.via === undefined && r.dev === undefined) {
        ctx.add({
          code: 'route-needs-via-or-dev',
          severity: 'error',
          message: `${who}: ${rname} needs a next hop ("via") or an outgoing interface ("dev").`,
          path: at(),
          nodeId: n.id,
        });
      }
      if (r.dev !== undefined && !local.ifaces.some((x) => x.name === r.dev)) {
        const port = ctx.ends.find((e) => e.isPort && e.ns === n.id && e.end.ifname === r.dev);
        const why = port
          ? `; it is a port of bridge ${port.node!.id}, use the bridge "${(port.node as { name: string }).name}" instead`
          : `; its interfaces are ${local.ifaces.map((x) => `"${x.name}"`).join(', ') || 'none'}`;
        ctx.add({
          code: 'route-unknown-dev',
          severity: 'error',
          message: `${who}: ${rname}: interface "${r.dev}" is not one of this node's interfaces${why}.`,
          path: at('dev'),
          nodeId: n.id,
        });
      }
      const devIface = r.dev === undefined ? undefined : local.ifaces.find((x) => x.name === r.dev);
      if (devIface && !isUp(devIface)) {
        ctx.add({
          code: 'route-interface-down',
          severity: 'error',
          message: `${who}: ${rname}: interface "${r.dev}" is set down (up: false); the kernel refuses routes through a down interface.`,
          path: at('dev'),
          nodeId: n.id,
        });
      }
      if (r.via !== undefined) {
        const devOk = r.dev === undefined || local.ifaces.some((x) => x.name === r.dev);
        const bad = checkNextHop(local, r.via, fam, devOk ? r.dev : undefined);
        if (bad)
          ctx.add({
            code: bad.code,
            severity: bad.severity,
            message: `${who}: ${rname}: ${bad.reason}.`,
            path: at('via'),
            nodeId: n.id,
          });
      }
    });

    for (const famKey of ['ipv4', 'ipv6'] as const) {
      const gw = n.gateway?.[famKey];
      if (gw === undefined) continue;
      const fam: Family = famKey === 'ipv4' ? 4 : 6;
      const path = ['nodes', i, 'gateway', famKey];
      const ip = parseIp(gw);
      if (ip && ip.family !== fam) {
        ctx.add({
          code: 'gateway-family-mismatch',
          severity: 'error',
          message: `${who}: gateway.${famKey} is ${gw}, an IPv${ip.family} address.`,
          path,
          nodeId: n.id,
        });
        continue;
      }
      const bad = checkNextHop(local, gw, fam, undefined);
      if (bad)
        ctx.add({
          code: bad.code,
          severity: bad.severity,
          message: `${who}: gateway.${famKey}: ${bad.reason}.`,
          path,
          nodeId: n.id,
        });
      if (defaults.has(fam)) {
        ctx.add({
          code: 'duplicate-default-route',
          severity: 'error',
          message: `${who}: gateway.${famKey} and a "default" IPv${fam} route are both set; keep one of them.`,
          path,
          nodeId: n.id,
        });
      }
    }
  });
}
