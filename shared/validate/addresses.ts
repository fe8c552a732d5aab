/**
 * Address rules: each address is a valid interface CIDR, bridge ports carry
 * none, no address is used twice in a namespace or on one L2 segment, and the
 * subnets of one namespace's interfaces do not overlap.
 */
import { addressOf, canonicalCidr, contains, isBroadcast, isLinkLocal, isNetworkAddress, networkOf, nextFreeAddress, parseCidr, parseIp, prefixesOverlap, sameSubnet } from '../util/ip';
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
  { prefix: '::ffff:0:0/96', why: 'is an IPv4-mapped IPv6 address; give the interface the IPv4 address instead' },
];

interface Addr {
  iface: L3Iface;
  cidr: string;
  path: (string | number)[];
  ip: string;
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
        message: `Link "${e.link.id}": interface "${e.end.ifname}" is a port of bridge ${e.node!.id}, so it cannot have address ${a}; put the address on the bridge itself.`,
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
        const hint = bare ? ` it needs a prefix length, e.g. ${cidr}/${bare.family === 4 ? 24 : 64}` : ' expected an address with a prefix length such as 10.0.0.1/24 or fd00::1/64';
        ctx.add({ ...base, code: 'address-invalid', severity: 'error', message: `${iface.title}: "${cidr}" is not a valid address;${hint}.` });
        continue;
      }
      const special = SPECIAL.find((s) => contains(s.prefix, cidr));
      if (special) {
        ctx.add({ ...base, code: 'address-special', severity: 'error', message: `${iface.title}: ${cidr} ${special.why}; use a unicast address.` });
        continue;
      }
      if (isNetworkAddress(cidr)) {
        ctx.add({ ...base, code: 'address-network-address', severity: 'error', message: `${iface.title}: ${cidr} is the network address of ${networkOf(cidr)}; pick a host address such as ${nextFreeAddress(cidr, [])}.` });
        continue;
      }
      if (isBroadcast(cidr)) {
        ctx.add({ ...base, code: 'address-broadcast', severity: 'error', message: `${iface.title}: ${cidr} is the broadcast address of ${networkOf(cidr)}; pick a host address.` });
        continue;
      }
      if (c.family === 6 && isLinkLocal(cidr)) {
        ctx.add({ ...base, code: 'address-link-local', severity: 'warning', message: `${iface.title}: ${cidr} is link-local; the kernel already gives every IPv6 interface one, so this adds a second.` });
      }
      if (iface.ns === ROOT) {
        // Why: an address in the root namespace adds a connected route to the machine's own routing table.
        ctx.add({ ...base, code: 'root-namespace-address', severity: 'warning', message: `${iface.title}: ${cidr} is added in the host's root namespace, so ${networkOf(cidr)} becomes a route of this machine; make sure it does not overlap a network the machine uses.` });
      }
      valid.push({ iface, cidr: canonicalCidr(cidr)!, path, ip: addressOf(cidr)! });
    }
  }
  return valid;
}

/** Rule: duplicate addresses (per namespace and per L2 segment) and overlapping subnets in a namespace. */
export function checkAddresses(ctx: Ctx): void {
  const addrs = checkEach(ctx);
  const seg = computeSegments(ctx);
  const reported = new Set<Addr>();
  const dup = (a: Addr, first: Addr, where: string) => {
    if (reported.has(a)) return;
    reported.add(a);
    const same = first.iface === a.iface ? 'is listed twice on this interface' : `is also on ${first.iface.what}`;
    ctx.add({ code: 'address-duplicate', severity: 'error', message: `${a.iface.title}: address ${a.ip} ${same} (${where}).`, path: a.path, nodeId: a.iface.nodeId, linkId: a.iface.linkId });
  };

  const byNs = new Map<string, Addr[]>();
  const bySeg = new Map<string, Addr[]>();
  for (const a of addrs) {
    byNs.set(a.iface.ns, [...(byNs.get(a.iface.ns) ?? []), a]);
    const s = seg.of(a.iface);
    bySeg.set(s, [...(bySeg.get(s) ?? []), a]);
  }

  for (const [ns, list] of byNs) {
    const firstByIp = new Map<string, Addr>();
    for (const a of list) {
      const f = firstByIp.get(a.ip);
      if (f) dup(a, f, `both in ${ctx.nsLabel(ns)}`);
      else firstByIp.set(a.ip, a);
    }
    // Different subnets that overlap on two interfaces make the kernel's route choice surprising.
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const x = list[i];
        const y = list[j];
        if (x.iface === y.iface || x.ip === y.ip || !prefixesOverlap(x.cidr, y.cidr)) continue;
        if (sameSubnet(x.cidr, y.cidr)) {
          ctx.add({ code: 'subnet-on-two-interfaces', severity: 'warning', message: `${y.iface.title}: subnet ${networkOf(y.cidr)} is also on ${x.iface.what} in ${ctx.nsLabel(ns)}; the kernel will send that subnet's traffic out of only one of them.`, path: y.path, nodeId: y.iface.nodeId, linkId: y.iface.linkId });
        } else {
          ctx.add({ code: 'address-overlap', severity: 'error', message: `${y.iface.title}: ${y.cidr} overlaps ${x.cidr} on ${x.iface.what} in ${ctx.nsLabel(ns)}; interfaces of one namespace need separate subnets.`, path: y.path, nodeId: y.iface.nodeId, linkId: y.iface.linkId });
        }
      }
    }
  }

  for (const [, list] of bySeg) {
    const firstByIp = new Map<string, Addr>();
    for (const a of list) {
      const f = firstByIp.get(a.ip);
      if (f) dup(a, f, 'they share one layer-2 segment');
      else firstByIp.set(a.ip, a);
    }
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const x = list[i];
        const y = list[j];
        if (x.iface.ns === y.iface.ns || !prefixesOverlap(x.cidr, y.cidr) || sameSubnet(x.cidr, y.cidr)) continue;
        ctx.add({ code: 'prefix-length-mismatch', severity: 'warning', message: `${y.iface.title}: ${y.cidr} and ${x.cidr} on ${x.iface.what} are on the same segment with different prefix lengths; the hosts will disagree about what is local.`, path: y.path, nodeId: y.iface.nodeId, linkId: y.iface.linkId });
      }
    }
  }
}
