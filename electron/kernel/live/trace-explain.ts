/**
 * Step mode's explanations: frames captured on the lab's interfaces, in
 * timestamp order, turned into hops with plain words naming the table that
 * decided (neighbour table, FDB, routing table). Pure: it gets the captures
 * and the tables read before the ping, and derives everything else (which
 * port a frame entered a bridge on, what the bridge learned) from the
 * captures themselves.
 */
import { orderCaptures, type CapturePoint } from './trace-order';
import { BROADCAST, frameKey, isGroupMac, type Frame } from './trace-parse';

export type { CapturePoint } from './trace-order';

export type Decider = 'neighbour table' | 'FDB' | 'FDB (flood)' | 'routing table' | 'local delivery';

export interface TraceHop {
  step: number;
  t: number;
  nodeId: string;
  iface: string;
  linkId: string;
  /** out: the frame leaves the node through iface; in: it arrives on iface. */
  direction: 'in' | 'out';
  kind: Frame['kind'];
  srcMac: string;
  dstMac: string;
  /** tcpdump's own words for the frame. */
  frame: string;
  explanation: string;
  decidedBy?: Decider;
}

export interface ExplainContext {
  /** Routes as `ip route get` printed them, per node id and destination address. */
  routes: Record<string, Record<string, string>>;
  /** Neighbour entries before the ping, per node id: address -> MAC ('' when incomplete/failed). */
  neighBefore: Record<string, Record<string, string>>;
  /** Learned FDB before the ping, per bridge node id: MAC -> port. */
  fdbBefore: Record<string, Record<string, string>>;
}

function routeWords(ctx: ExplainContext, nodeId: string, dst?: string): string {
  const r = dst ? ctx.routes[nodeId]?.[dst] : undefined;
  return r ? `routing table: ${r}` : 'routing table';
}

/** Turns captured (point, frame) pairs into ordered, explained hops. */
export function explainTrace(
  captures: { point: CapturePoint; frame: Frame }[],
  ctx: ExplainContext,
): TraceHop[] {
  const sorted = orderCaptures(captures);
  const seenOnBridge = new Map<string, Set<string>>();
  const fdb = new Map<string, Map<string, string>>(
    Object.entries(ctx.fdbBefore).map(([b, m]) => [b, new Map(Object.entries(m))]),
  );
  const hops: TraceHop[] = [];
  for (const { point: p, frame: f } of sorted) {
    let direction: 'in' | 'out';
    let explanation: string;
    let decidedBy: Decider | undefined;
    const what = describeFrame(f);
    if (p.nodeKind === 'bridge') {
      const seen = seenOnBridge.get(p.nodeId) ?? new Set<string>();
      seenOnBridge.set(p.nodeId, seen);
      const table = fdb.get(p.nodeId) ?? new Map<string, string>();
      fdb.set(p.nodeId, table);
      const key = frameKey(f);
      if (!seen.has(key)) {
        seen.add(key);
        direction = 'in';
        const known = table.get(f.srcMac);
        table.set(f.srcMac, p.iface);
        decidedBy = 'FDB';
        explanation =
          known === p.iface
            ? `${p.nodeName} receives the ${what} on port ${p.iface}; it already knew ${f.srcMac} on this port (FDB entry refreshed)`
            : `${p.nodeName} receives the ${what} on port ${p.iface} and learns ${f.srcMac} on port ${p.iface} (FDB)`;
      } else {
        direction = 'out';
        const port = table.get(f.dstMac);
        if (f.dstMac === BROADCAST) {
          decidedBy = 'FDB (flood)';
          explanation = `${p.nodeName} floods the ${what} out of port ${p.iface}: a broadcast (ff:ff:ff:ff:ff:ff) is never in the FDB, so it goes to every port except the one it came in on`;
        } else if (isGroupMac(f.dstMac)) {
          decidedBy = 'FDB (flood)';
          explanation = `${p.nodeName} floods the ${what} out of port ${p.iface}: ${f.dstMac} is a multicast address`;
        } else if (port === p.iface) {
          decidedBy = 'FDB';
          explanation = `${p.nodeName} forwards the ${what} out of port ${p.iface} only: its FDB has ${f.dstMac} on port ${p.iface}`;
        } else {
          decidedBy = 'FDB (flood)';
          explanation = `${p.nodeName} has no FDB entry for ${f.dstMac} (unknown unicast): it floods the ${what} out of port ${p.iface}`;
        }
      }
    } else {
      const mine = !!p.mac && f.srcMac === p.mac;
      direction = mine ? 'out' : 'in';
      const n = p.nodeName;
      const own = (a?: string) => !!a && p.nodeAddresses.includes(a);
      switch (f.kind) {
        case 'arp-request':
          if (mine) {
            decidedBy = 'neighbour table';
            const had = ctx.neighBefore[p.nodeId]?.[f.dst ?? ''];
            explanation = `${n} has no ${had === '' ? 'usable ' : ''}ARP entry for ${f.dst}: it broadcasts an ARP request ("who has ${f.dst}? tell ${f.src}") out of ${p.iface} (neighbour table miss)`;
          } else if (own(f.dst)) {
            explanation = `${n} receives the ARP request on ${p.iface}: ${f.dst} is its own address, so it answers (and notes ${f.src} is at ${f.srcMac})`;
          } else
            explanation = `${n} receives the ARP request on ${p.iface} and ignores it: ${f.dst} is not its address`;
          break;
        case 'arp-reply':
          if (mine)
            explanation = `${n} answers with an ARP reply out of ${p.iface}: ${f.src} is at ${f.isAt}`;
          else {
            decidedBy = 'neighbour table';
            explanation = `${n} receives the ARP reply on ${p.iface} and stores ${f.src} -> ${f.isAt} in its neighbour table`;
          }
          break;
        case 'echo-request':
        case 'echo-reply': {
          const label = f.kind === 'echo-request' ? 'ICMP echo request' : 'ICMP echo reply';
          if (mine) {
            decidedBy = 'routing table';
            const forwarding = !own(f.src);
            explanation = `${label} ${f.src} -> ${f.dst} ${forwarding ? `is forwarded by ${n}` : `leaves ${n}`} via ${p.iface} (${routeWords(ctx, p.nodeId, f.dst)}), to MAC ${f.dstMac} (neighbour table)`;
          } else if (own(f.dst)) {
            decidedBy = 'local delivery';
            explanation =
              f.kind === 'echo-request'
                ? `${n} receives the ${label} on ${p.iface}: ${f.dst} is its own address (local delivery), so it will answer`
                : `${n} receives the ${label} from ${f.src} on ${p.iface}: the ping succeeded`;
          } else {
            decidedBy = 'routing table';
            explanation = `${n} receives the ${label} for ${f.dst} on ${p.iface}; it is not its own address, so ${p.nodeKind === 'router' ? 'it forwards it (IP forwarding is on)' : 'it drops it (a namespace does not forward)'}`;
          }
          break;
        }
        default:
          explanation = `${mine ? `${n} sends` : `${n} receives`} ${what} ${mine ? 'out of' : 'on'} ${p.iface}`;
      }
    }
    hops.push({
      step: hops.length + 1,
      t: f.t,
      nodeId: p.nodeId,
      iface: p.iface,
      linkId: p.linkId,
      direction,
      kind: f.kind,
      srcMac: f.srcMac,
      dstMac: f.dstMac,
      frame: f.text,
      explanation,
      ...(decidedBy ? { decidedBy } : {}),
    });
  }
  return hops;
}

function describeFrame(f: Frame): string {
  switch (f.kind) {
    case 'arp-request':
      return `ARP request (who has ${f.dst}?)`;
    case 'arp-reply':
      return `ARP reply (${f.src} is at ${f.isAt})`;
    case 'echo-request':
      return `ICMP echo request ${f.src} -> ${f.dst}`;
    case 'echo-reply':
      return `ICMP echo reply ${f.src} -> ${f.dst}`;
    case 'neighbour-solicitation':
      return `IPv6 neighbour solicitation for ${f.dst}`;
    case 'neighbour-advertisement':
      return `IPv6 neighbour advertisement for ${f.dst}`;
    default:
      return `frame (${f.text.slice(0, 80)})`;
  }
}
