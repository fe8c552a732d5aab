/**
 * Bounded pings from a lab namespace: `ip netns exec NS ping -n -c N -W 1`,
 * parsed into sent/received/loss/rtt. Callers have already checked that the
 * namespace belongs to the lab (owned.ts) and the target is a lab address
 * (lab-addresses.ts).
 */
import { labTarget } from './lab-addresses';
import { notInstalled } from '../missing-tool';
import { ownedNode, runnerOf, type LiveOptions } from './owned';
import { PlainError } from '../plain-error';
import type { Runner, RunResult } from '../runner';

/** Parsed ping statistics. */
export interface PingStats {
  sent: number;
  received: number;
  lossPercent: number;
  /** Round-trip times in milliseconds, when at least one reply came back. */
  rtt?: { min: number; avg: number; max: number };
}

export interface PingResult extends PingStats {
  from: string;
  to: string;
  /** At least one reply. */
  reached: boolean;
  /** Plain words, e.g. "ns1 reached 10.0.0.2: 3/3 replies, avg 0.05 ms". */
  summary: string;
  /** ping's own output (stdout then stderr), for display. */
  output: string;
}

/** The most packets one call may send (bounded so a request cannot flood a lab). */
export const MAX_PING_COUNT = 20;

/** Parses iputils ping's summary lines. */
export function parsePing(text: string): PingStats {
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  const sent = m ? Number(m[1]) : 0;
  const received = m ? Number(m[2]) : 0;
  const loss = /([\d.]+)% packet loss/.exec(text);
  const rtt = /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(text);
  return {
    sent,
    received,
    lossPercent: loss ? Number(loss[1]) : sent ? Math.round(((sent - received) / sent) * 100) : 100,
    ...(rtt ? { rtt: { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) } } : {}),
  };
}

/**
 * Plain words when `ping` itself could not run in namespace `ns` (not
 * installed, not permitted, the namespace gone), judged from its result;
 * undefined when it ran, whether or not a reply came. It ran when it printed
 * its summary ("N packets transmitted") or said the network is
 * unreachable (no route: `ping: connect: Network is unreachable`, exit 2,
 * no summary), which is an answer about the lab.
 *
 * Why: a ping that never ran sends nothing and receives nothing, and read
 * as "no reply" it would call a working lab broken, and pass every check
 * that a node must NOT reach another (isolation) without sending a packet.
 */
export function pingFailure(ns: string, r: RunResult): string | undefined {
  const text = `${r.stdout}\n${r.stderr}`;
  // ping's own words only: a namespace's name or the runner's message (with the command line) may say "unreachable" too.
  if (/\d+ packets transmitted/.test(text) || /connect: Network is unreachable/.test(text)) return undefined;
  if (r.exitCode === 0) return undefined;
  const missing = notInstalled('ping', text);
  if (missing) return missing;
  const last = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  return `ping could not run in ${ns}: ${last ?? `exit code ${r.exitCode}`}`;
}

/** argv for a bounded ping from namespace `ns` (interval 0.2 s: root may go below 1 s). */
export function pingArgv(ns: string, address: string, count: number, waitS = 1): string[] {
  return [
    'ip',
    'netns',
    'exec',
    ns,
    'ping',
    '-n',
    '-q',
    '-c',
    String(count),
    '-i',
    '0.2',
    '-W',
    String(waitS),
    address,
  ];
}

/** Pings `address` from namespace `ns` (already checked by the caller). */
export async function pingFromNamespace(
  runner: Runner,
  ns: string,
  address: string,
  count: number,
): Promise<PingStats & { output: string; exitCode: number; failure?: string }> {
  const n = Math.max(1, Math.min(MAX_PING_COUNT, Math.floor(count)));
  const r = await runner(pingArgv(ns, address, n), { timeoutMs: (n * 0.2 + 3) * 1000 });
  const failure = pingFailure(ns, r);
  return {
    ...parsePing(r.stdout),
    output: (r.stdout + r.stderr).trim(),
    exitCode: r.exitCode,
    ...(failure ? { failure } : {}),
  };
}

/**
 * `ping LAB FROM TO`: FROM is a namespace/router node the lab owns; TO a node
 * id or an address inside the lab's subnets.
 */
export async function pingInLab(
  lab: string,
  from: string,
  to: string,
  opts: LiveOptions & { count?: number } = {},
): Promise<PingResult> {
  const src = await ownedNode(lab, from, opts);
  const target = labTarget(src.topology, to);
  const s = await pingFromNamespace(runnerOf(opts), src.ns, target.address, opts.count ?? 3);
  if (s.failure) throw new PlainError(s.failure);
  const reached = s.received > 0;
  const what = target.nodeId ? `${target.name} (${target.address})` : target.address;
  const summary = reached
    ? `${src.ns} reached ${what}: ${s.received}/${s.sent} replies${s.rtt ? `, avg ${s.rtt.avg} ms` : ''}`
    : `${src.ns} did not reach ${what}: 0/${s.sent || opts.count || 3} replies${/unreachable/i.test(s.output) ? ' (network unreachable: no route)' : ''}`;
  return {
    from,
    to: target.address,
    sent: s.sent,
    received: s.received,
    lossPercent: s.lossPercent,
    ...(s.rtt ? { rtt: s.rtt } : {}),
    reached,
    summary,
    output: s.output,
  };
}
