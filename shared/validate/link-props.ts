/**
 * Per-interface properties: MTU agreement between the ends of a veth pair,
 * MAC address validity and uniqueness, and sane netem values.
 */
import { checkMac, parseCidr } from '../util/ip';
import { nodeLabel, type Ctx } from './context';

/** The MTU a veth end gets when none is set. */
const DEFAULT_MTU = 1500;
/** IPv6 requires links of at least 1280 bytes (RFC 8200 §5). */
const IPV6_MIN_MTU = 1280;

/** Rule: MTU mismatch between the two ends of a link; IPv6 on a too-small MTU. */
export function checkMtu(ctx: Ctx): void {
  ctx.topo.links.forEach((l, li) => {
    const a = l.a.mtu ?? DEFAULT_MTU;
    const b = l.b.mtu ?? DEFAULT_MTU;
    if (a !== b) {
      const key = l.b.mtu !== undefined ? 'b' : 'a';
      ctx.add({
        code: 'mtu-mismatch',
        severity: 'warning',
        message: `Link ${ctx.linkName(l)}: MTU is ${a} on "${l.a.ifname}" (${l.a.node}) but ${b} on "${l.b.ifname}" (${l.b.node})${l.a.mtu === undefined || l.b.mtu === undefined ? ` (${DEFAULT_MTU} is the default)` : ''}; large packets will be dropped in one direction.`,
        path: ['links', li, key, 'mtu'],
        linkId: l.id,
      });
    }
  });
  for (const iface of ctx.l3) {
    const mtu = iface.end ? iface.end.end.mtu : iface.bridge?.node.mtu;
    if (mtu === undefined || mtu >= IPV6_MIN_MTU) continue;
    const v6 = iface.addresses.find((a) => parseCidr(a.cidr)?.family === 6);
    if (!v6) continue;
    const path = iface.end
      ? ['links', iface.end.li, iface.end.key, 'mtu']
      : ['nodes', iface.bridge!.index, 'mtu'];
    ctx.add({
      code: 'mtu-too-small-ipv6',
      severity: 'error',
      message: `${iface.title}: MTU ${mtu} is below ${IPV6_MIN_MTU}, the minimum for IPv6, but it has IPv6 address ${v6.cidr}.`,
      path,
      nodeId: iface.nodeId,
      linkId: iface.linkId,
    });
  }
}

/** Rule: MAC addresses are valid unicast addresses and unique in the lab. */
export function checkMacs(ctx: Ctx): void {
  const seen = new Map<string, string>();
  const one = (
    mac: string | undefined,
    path: (string | number)[],
    what: string,
    ids: { nodeId?: string; linkId?: string },
  ) => {
    if (mac === undefined) return;
    const r = checkMac(mac);
    if (!r.ok) {
      ctx.add({ ...ids, code: 'mac-invalid', severity: 'error', message: `${what}: ${r.reason}.`, path });
      return;
    }
    const first = seen.get(r.mac);
    if (first)
      ctx.add({
        ...ids,
        code: 'mac-duplicate',
        severity: 'error',
        message: `${what}: MAC ${r.mac} is also used by ${first}; every interface needs its own.`,
        path,
      });
    else seen.set(r.mac, what);
  };
  ctx.topo.nodes.forEach((n, i) => {
    if (n.kind === 'bridge') one(n.mac, ['nodes', i, 'mac'], nodeLabel(n), { nodeId: n.id });
  });
  for (const e of ctx.ends) {
    one(
      e.end.mac,
      ['links', e.li, e.key, 'mac'],
      `Link ${ctx.linkName(e.link)}: interface "${e.end.ifname}" on ${e.end.node}`,
      { nodeId: e.node?.id, linkId: e.link.id },
    );
  }
}

/** Rule: netem settings make sense (jitter needs a delay). */
export function checkNetem(ctx: Ctx): void {
  for (const e of ctx.ends) {
    const n = e.end.netem;
    if (!n) continue;
    const base = { nodeId: e.node?.id, linkId: e.link.id };
    const where = `Link ${ctx.linkName(e.link)}: netem on "${e.end.ifname}" (${e.end.node})`;
    const jitter = n.jitterMs ?? 0;
    const delay = n.delayMs ?? 0;
    if (jitter > 0 && delay === 0) {
      ctx.add({
        ...base,
        code: 'netem-jitter-without-delay',
        severity: 'error',
        message: `${where}: jitter ${jitter} ms needs a delay; netem varies the delay by the jitter, so set delayMs too.`,
        path: ['links', e.li, e.key, 'netem', 'jitterMs'],
      });
    } else if (jitter > delay) {
      ctx.add({
        ...base,
        code: 'netem-jitter-exceeds-delay',
        severity: 'warning',
        message: `${where}: jitter ${jitter} ms is larger than the delay ${delay} ms, so packets will be reordered.`,
        path: ['links', e.li, e.key, 'netem', 'jitterMs'],
      });
    }
  }
}
