/**
 * Address rules: each address is a valid interface CIDR, bridge ports carry
 * none, no address is used twice in a namespace or on one L2 segment, and the
 * subnets of one namespace's interfaces do not overlap.
 */
import {
  cidrContains,
  FAMILY_BITS,
  formatCidr,
  formatIp,
  isBroadcast,
  isLinkLocal,
  isNetworkAddress,
  networkOf,
  networkValue,
  parseCidr,
  parseIp,
  type IpCidr,
} from '../util/ip';
import { nextFreeAddress } from '../util/ip-alloc';
import { ROOT, type Ctx, type L3Iface } from './context';
import { computeSegments } from './segments';

/** Ranges that are never a usable interface address in a lab. */
const SPECIAL: { prefix: string; why: string }[] = [
  { prefix: '0.0.0.0/8', why: 'is in 0.0.0.0/8 ("this network")' },
  { prefix: '127.0.0.0/8', why: 'is a loopback address (it belongs on lo)' },
  { prefix: '224.0.0.0/4', why: 'is a multicast address' },
  { prefix: '240.0.0.0/4', why: 'is in the reserved range 240.0.0.0/4' },
  { prefix: '::/128', why: 'is the unspecified address' },
  { prefix: '::1/128', why: 'is the loopback address (it belongs on lo)' },
  { prefix: 'ff00::/8', why: 'is a multicast address' },
  {
    prefix: '::ffff:0:0/96',
    why: 'is an IPv4-mapped IPv6 address; give the interface the IPv4 address instead',
  },
];

const SPECIAL_PARSED = SPECIAL.map((s) => ({ ...s, p: parseCidr(s.prefix)! }));

interface Addr {
  iface: L3Iface;
  /** Canonical CIDR. */
  cidr: string;
  c: IpCidr;
  path: (string | number)[];
  /** Canonical address without the prefix. */
  ip: string;
  /** Position in document order, to report on the later of two conflicting addresses. */
  order: number;
}

/** Rule: the format and kind of every address; addresses on bridge ports. */
function checkEach(ctx: Ctx): Addr[] {
  const valid: Addr[] = [];
  for (const e of ctx.ends) {
    if (!e.isPort || !e.node) continue;
    (e.end.addresses ?? []).forEach((a, j) => {
      ctx.add({
        code: 'address-on-bridge-port',
        severity: 'error',
        message: `Link ${ctx.linkName(e.link)}: interface "${e.end.ifname}" is a port of bridge ${e.node!.id}, so it cannot have address ${a}; put the address on the bridge itself.`,
        path: ['links', e.li, e.key, 'addresses', j],
        linkId: e.link.id,
        nodeId: e.node!.id,
      });
    });
  }
  for (const iface of ctx.l3) {
    for (const { cidr, path } of iface.addresses) {
      const base = { path, nodeId: iface.nodeId, linkId: iface.linkId };
      const c = parseCidr(cidr);
      if (!c) {
        const bare = typeof cidr === 'string' && parseIp(cidr);
        const hint = bare
          ? ` it needs a prefix length, e.g. ${cidr}/${bare.family === 4 ? 24 : 64}`
          : ' expected an address with a prefix length such as 10.0.0.1/24 or fd00::1/64';
        ctx.add({
          ...base,
          code: 'address-invalid',
          severity: 'error',
          message: `${iface.title}: "${cidr}" is not a valid address;${hint}.`,
        });
        continue;
      }
      const special = SPECIAL_PARSED.find((s) => cidrContains(s.p, c));
      if (special) {
        ctx.add({
          ...base,
          code: 'address-special',
          severity: 'error',
          message: `${iface.title}: ${cidr} ${special.why}; use a unicast address.`,
        });
        continue;
      }
      if (isNetworkAddress(cidr)) {
        ctx.add({
          ...base,
          code: 'address-network-address',
          severity: 'error',
          message: `${iface.title}: ${cidr} is the network address of ${networkOf(cidr)}; pick a host address such as ${nextFreeAddress(cidr, [])}.`,
        });
        continue;
      }
      if (isBroadcast(cidr)) {
        ctx.add({
          ...base,
          code: 'address-broadcast',
          severity: 'error',
          message: `${iface.title}: ${cidr} is the broadcast address of ${networkOf(cidr)}; pick a host address.`,
        });
        continue;
      }
      if (c.family === 6 && isLinkLocal(cidr)) {
        // Why an error: netplumb reads IPv6 link-local addresses as the kernel's own, so one in the
        // file would never be set (nor seen); saying so beats an apply that quietly leaves it out.
        ctx.add({
          ...base,
          code: 'address-link-local',
          severity: 'error',
          message: `${iface.title}: ${cidr} is an IPv6 link-local address; netplumb does not set those: the kernel gives every interface its own (fe80:: followed by a form of its MAC address). Use that one (a fixed "mac" makes it known in advance), or a global or fd00::/8 address.`,
        });
        continue;
      }
      if (iface.ns === ROOT) {
        // Why: an address in the root namespace adds a connected route to the machine's own routing table.
        ctx.add({
          ...base,
          code: 'root-namespace-address',
          severity: 'warning',
          message: `${iface.title}: ${cidr} is added in the host's root namespace, so ${networkOf(cidr)} becomes a route of this machine; make sure it does not overlap a network the machine uses.`,
        });
      }
      valid.push({ iface, cidr: formatCidr(c), c, path, ip: formatIp(c), order: valid.length });
    }
  }
  return valid;
}

/** All addresses of one subnet (same family, network and prefix length). */
interface Group {
  net: bigint;
  end: bigint;
  family: 4 | 6;
  prefix: number;
  members: Addr[];
}

/** Groups addresses by subnet, sorted so that a containing subnet comes before the subnets it contains. */
function groupSubnets(list: Addr[]): Group[] {
  const map = new Map<string, Group>();
  for (const a of list) {
    const c = a.c;
    const net = networkValue(c);
    const key = `${c.family}|${net}|${c.prefix}`;
    let g = map.get(key);
    if (!g) {
      g = {
        net,
        end: net + (1n << BigInt(FAMILY_BITS[c.family] - c.prefix)),
        family: c.family,
        prefix: c.prefix,
        members: [],
      };
      map.set(key, g);
    }
    g.members.push(a);
  }
  return [...map.values()].sort(
    (x, y) => x.family - y.family || (x.net < y.net ? -1 : x.net > y.net ? 1 : x.prefix - y.prefix),
  );
}

/**
 * Calls `visit(outer, inner)` for subnets nested inside others (aligned
 * prefixes are either nested or disjoint), innermost container first, until
 * it returns true. A sweep with a stack: O(n log n) instead of all pairs.
 */
function forNested(groups: Group[], visit: (outer: Group, inner: Group) => boolean): void {
  const stack: Group[] = [];
  for (const g of groups) {
    while (
      stack.length &&
      (stack[stack.length - 1].family !== g.family || stack[stack.length - 1].end <= g.net)
    )
      stack.pop();
    for (let k = stack.length - 1; k >= 0; k--) if (visit(stack[k], g)) break;
    stack.push(g);
  }
}

/** A pair (x in outer, y in inner) whose `key` differs, if there is one. */
function differingPair<K>(outer: Addr[], inner: Addr[], key: (a: Addr) => K): [Addr, Addr] | undefined {
  const x0 = outer[0];
  const y = inner.find((m) => key(m) !== key(x0));
  if (y) return [x0, y];
  const x = outer.find((m) => key(m) !== key(inner[0]));
  return x ? [x, inner[0]] : undefined;
}

/** Orders a pair so that the address later in the document comes second (it is the one reported). */
const later = ([a, b]: [Addr, Addr]): [Addr, Addr] => (a.order < b.order ? [a, b] : [b, a]);

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Rule: duplicate addresses (per namespace and per L2 segment) and overlapping subnets in a namespace or segment. */
export function checkAddresses(ctx: Ctx): void {
  const addrs = checkEach(ctx);
  const seg = computeSegments(ctx);
  const reported = new Set<Addr>();
  const dup = (a: Addr, first: Addr, where: string) => {
    if (reported.has(a)) return;
    reported.add(a);
    // Twice on one interface: the kernel refuses the second "ip address add" (an error).
    if (first.iface === a.iface) {
      ctx.add({
        code: 'address-duplicate',
        severity: 'error',
        message: `${a.iface.title}: address ${a.ip} is listed twice on this interface (${where}).`,
        path: a.path,
        nodeId: a.iface.nodeId,
        linkId: a.iface.linkId,
      });
      return;
    }
    // On two interfaces the kernel accepts it (an address conflict is worth demonstrating): a warning, on both ends.
    const conflict = (x: Addr, other: Addr) =>
      ctx.add({
        code: 'address-conflict',
        severity: 'warning',
        message: `${x.iface.title}: address ${x.ip} is also on ${other.iface.what} (${where}); replies may go to either.`,
        path: x.path,
        nodeId: x.iface.nodeId,
        linkId: x.iface.linkId,
      });
    conflict(a, first);
    if (!reported.has(first)) {
      reported.add(first);
      conflict(first, a);
    }
  };
  const at = (a: Addr) => ({ path: a.path, nodeId: a.iface.nodeId, linkId: a.iface.linkId });

  const byNs = new Map<string, Addr[]>();
  const bySeg = new Map<string, Addr[]>();
  for (const a of addrs) {
    pushTo(byNs, a.iface.ns, a);
    pushTo(bySeg, seg.of(a.iface), a);
  }

  for (const [ns, list] of byNs) {
    const firstByIp = new Map<string, Addr>();
    for (const a of list) {
      const f = firstByIp.get(a.ip);
      if (f) dup(a, f, `both in ${ctx.nsLabel(ns)}`);
      else firstByIp.set(a.ip, a);
    }
    const groups = groupSubnets(list);
    for (const g of groups) {
      // The same subnet on two interfaces: the kernel uses only one of the two connected routes.
      const firstOn = new Map<L3Iface, Addr>();
      for (const a of g.members) if (!firstOn.has(a.iface)) firstOn.set(a.iface, a);
      const [first, ...others] = [...firstOn.values()];
      for (const y of others) {
        ctx.add({
          ...at(y),
          code: 'subnet-on-two-interfaces',
          severity: 'warning',
          message: `${y.iface.title}: subnet ${networkOf(y.cidr)} is also on ${first.iface.what} in ${ctx.nsLabel(ns)}; the kernel will send that subnet's traffic out of only one of them.`,
        });
      }
    }
    // Different subnets that overlap on two interfaces make the kernel's route choice surprising.
    forNested(groups, (outer, inner) => {
      const pair = differingPair(outer.members, inner.members, (a) => a.iface);
      if (!pair || pair[0].ip === pair[1].ip) return false;
      const [x, y] = later(pair);
      ctx.add({
        ...at(y),
        code: 'address-overlap',
        severity: 'error',
        message: `${y.iface.title}: ${y.cidr} overlaps ${x.cidr} on ${x.iface.what} in ${ctx.nsLabel(ns)}; interfaces of one namespace need separate subnets.`,
      });
      return true;
    });
  }

  for (const [, list] of bySeg) {
    const firstByIp = new Map<string, Addr>();
    for (const a of list) {
      const f = firstByIp.get(a.ip);
      if (f) dup(a, f, 'they share one layer-2 segment');
      else firstByIp.set(a.ip, a);
    }
    forNested(groupSubnets(list), (outer, inner) => {
      const pair = differingPair(outer.members, inner.members, (a) => a.iface.ns);
      if (!pair) return false;
      const [x, y] = later(pair);
      ctx.add({
        ...at(y),
        code: 'prefix-length-mismatch',
        severity: 'warning',
        message: `${y.iface.title}: ${y.cidr} and ${x.cidr} on ${x.iface.what} are on the same segment with different prefix lengths; the hosts will disagree about what is local.`,
      });
      return true;
    });
  }
}
