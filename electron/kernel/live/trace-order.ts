/**
 * Orders step mode's captures. Each tcpdump prints its frames when it reads
 * them, so lines arrive in any order across taps; what orders them is the
 * kernel's own capture timestamp (one clock, nanoseconds). Two sightings of
 * one frame can carry the same stamp (the two ends of a veth pair, the
 * ports of a bridge): then the frame's path decides — the end that sent it
 * (its MAC is the frame's source) first, then points one link or one bridge
 * further away. Pure.
 */
import { frameKey, type Frame } from './trace-parse';

/** Where a capture ran. */
export interface CapturePoint {
  nodeId: string;
  nodeName: string;
  nodeKind: 'namespace' | 'router' | 'bridge' | 'host';
  /** For bridge ports: the bridge's name. */
  bridge?: string;
  iface: string;
  linkId: string;
  end: 'a' | 'b';
  mac?: string;
  /** Addresses of the node (IP, no prefix). */
  nodeAddresses: string[];
}

export interface Capture {
  point: CapturePoint;
  frame: Frame;
}

const pointKey = (p: CapturePoint) => `${p.linkId}:${p.end}`;

/** Distance (in links and bridge crossings) from the frame's sender to each point, among the given points. */
function distances(points: CapturePoint[], sender: CapturePoint): Map<string, number> {
  const dist = new Map<string, number>([[pointKey(sender), 0]]);
  const queue = [sender];
  while (queue.length) {
    const p = queue.shift()!;
    const d = dist.get(pointKey(p))!;
    for (const q of points) {
      const near =
        (q.linkId === p.linkId && q.end !== p.end) ||
        (q.nodeKind === 'bridge' && p.nodeKind === 'bridge' && q.nodeId === p.nodeId);
      if (near && !dist.has(pointKey(q))) {
        dist.set(pointKey(q), d + 1);
        queue.push(q);
      }
    }
  }
  return dist;
}

/** Captures sorted by kernel timestamp; equal stamps of one frame in path order from its sender. */
export function orderCaptures(captures: Capture[]): Capture[] {
  const points = [...new Map(captures.map((c) => [pointKey(c.point), c.point])).values()];
  const rank = new Map<Capture, number>();
  const byKey = new Map<string, Capture[]>();
  for (const c of captures) {
    const k = `${c.frame.tn}|${frameKey(c.frame)}`;
    byKey.set(k, [...(byKey.get(k) ?? []), c]);
  }
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    const sender =
      group.find((c) => c.point.mac === c.frame.srcMac)?.point ??
      points.find((p) => p.mac === group[0].frame.srcMac);
    const dist = sender ? distances(points, sender) : new Map<string, number>();
    for (const c of group) rank.set(c, dist.get(pointKey(c.point)) ?? Number.MAX_SAFE_INTEGER);
  }
  return captures
    .map((c, i) => ({ c, i }))
    .sort((x, y) => {
      if (x.c.frame.tn !== y.c.frame.tn) return x.c.frame.tn < y.c.frame.tn ? -1 : 1;
      const r = (rank.get(x.c) ?? 0) - (rank.get(y.c) ?? 0);
      return r || x.i - y.i;
    })
    .map(({ c }) => c);
}
