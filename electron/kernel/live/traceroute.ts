/**
 * Traceroute between lab nodes without the `traceroute` tool (not installed
 * on most lab hosts): a bounded TTL walk, one `ping -c 1 -W 1 -t TTL` per
 * hop from the source namespace, reading who answered "Time to live
 * exceeded" (a router on the way) or the echo reply (the target).
 */
import type { Topology } from '../../../shared/model';
import { nodeAddresses } from '../../../shared/plan';
import { addressOf, canonicalIp } from '../../../shared/util/ip';
import { labTarget } from './lab-addresses';
import { ownedNode, runnerOf, type LiveOptions } from './owned';
import { pingFailure } from './ping';
import { PlainError } from '../plain-error';

export interface TraceHop {
  ttl: number;
  /** Who answered, when someone did. */
  address?: string;
  /** The lab node that owns that address. */
  nodeId?: string;
  rttMs?: number;
  /** time-exceeded: a router on the way; reply: the target; none: no answer within 1 s; unreachable: an ICMP error. */
  kind: 'time-exceeded' | 'reply' | 'none' | 'unreachable';
}

export interface TracerouteResult {
  from: string;
  to: string;
  hops: TraceHop[];
  reached: boolean;
  /** How the walk was done (shown to the user). */
  method: string;
}

/** The most hops walked (lab paths are short; this bounds the work). */
export const MAX_HOPS = 8;

/** Parses one `ping -c1 -t TTL` output into a hop. */
export function parseHop(ttl: number, text: string): TraceHop {
  const exceeded = /From ([0-9a-fA-F.:]+)(?: \([^)]*\))?:? icmp_seq=\d+ Time to live exceeded/.exec(text);
  if (exceeded) return { ttl, address: exceeded[1], kind: 'time-exceeded' };
  const reply = /bytes from ([0-9a-fA-F.:]+)(?: \([^)]*\))?: icmp_seq=\d+ ttl=\d+ time=([\d.]+)/.exec(text);
  if (reply) return { ttl, address: reply[1], rttMs: Number(reply[2]), kind: 'reply' };
  const unreach = /From ([0-9a-fA-F.:]+)(?: \([^)]*\))?:? icmp_seq=\d+ .*[Uu]nreachable/.exec(text);
  if (unreach) return { ttl, address: unreach[1], kind: 'unreachable' };
  return { ttl, kind: 'none' };
}

function nodeOfAddress(t: Topology, address: string): string | undefined {
  const ip = canonicalIp(address);
  return t.nodes.find((n) => nodeAddresses(t, n.id).some((a) => canonicalIp(addressOf(a) ?? a) === ip))?.id;
}

/** Walks TTL 1..MAX_HOPS from node `from` to a lab node or lab address `to`. */
export async function tracerouteInLab(
  lab: string,
  from: string,
  to: string,
  o: LiveOptions = {},
): Promise<TracerouteResult> {
  const src = await ownedNode(lab, from, o);
  const target = labTarget(src.topology, to);
  const runner = runnerOf(o);
  const hops: TraceHop[] = [];
  let reached = false;
  for (let ttl = 1; ttl <= MAX_HOPS; ttl++) {
    const r = await runner(
      ['ip', 'netns', 'exec', src.ns, 'ping', '-n', '-c', '1', '-W', '1', '-t', String(ttl), target.address],
      { timeoutMs: 4000 },
    );
    const failure = pingFailure(src.ns, r);
    if (failure) throw new PlainError(failure);
    const hop = parseHop(ttl, r.stdout + r.stderr);
    if (hop.address) {
      const id = nodeOfAddress(src.topology, hop.address);
      if (id) hop.nodeId = id;
    }
    hops.push(hop);
    if (hop.kind === 'reply') {
      reached = true;
      break;
    }
    if (hop.kind === 'unreachable') break;
  }
  return {
    from,
    to: target.address,
    hops,
    reached,
    method: `TTL walk with ping -c 1 -W 1 -t TTL (at most ${MAX_HOPS} hops; the traceroute tool is not used)`,
  };
}
