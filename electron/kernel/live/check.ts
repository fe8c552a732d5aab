/**
 * `netplumb check` and `lab:check`: runs a topology's expectations against
 * the applied lab. Each line is one bounded ping (`-c 2 -W 1`) from a
 * namespace the lab owns to an address of the lab.
 *
 * A target outside the lab's subnets (e.g. `to: 10.0.9.9, reach: false`) is
 * never pinged: `ip route get` inside the source namespace decides it. When
 * the namespace has no route there, nothing could be sent and the line is
 * decided as "not reached"; when it has one, the line is refused (the
 * packet could leave the lab).
 */
import { hasErrors, validateDocument } from '../../../shared/validate';
import { resolveExpectations, type ResolvedExpectation } from '../../../shared/plan';
import { PlainError } from '../plain-error';
import { isLabAddress } from './lab-addresses';
import { labRecord, ownedNode, runnerOf, type LiveOptions } from './owned';
import { pingFromNamespace } from './ping';

/** One expectation's outcome. */
export interface CheckResult {
  index: number;
  from: string;
  to: string;
  reach: boolean;
  /** Plain words, e.g. "ns1 reaches ns2 (10.0.0.2)". */
  label: string;
  /** pass: as expected; fail: the opposite happened; error: could not be checked. */
  status: 'pass' | 'fail' | 'error';
  /** Whether the target answered (absent on error). */
  reached?: boolean;
  /** Plain words: what happened. */
  detail: string;
}

export interface CheckReport {
  lab: string;
  results: CheckResult[];
  passed: number;
  failed: number;
  errors: number;
  /** Every line passed (and there was at least one). */
  ok: boolean;
}

async function checkOne(lab: string, e: ResolvedExpectation, o: LiveOptions): Promise<CheckResult> {
  const base = { index: e.index, from: e.fromNodeId, to: e.to, reach: e.reach, label: e.label };
  if (e.error) return { ...base, status: 'error', detail: e.error };
  let src;
  try {
    src = await ownedNode(lab, e.fromNodeId, o);
  } catch (err) {
    return { ...base, status: 'error', detail: (err as Error).message };
  }
  const runner = runnerOf(o);
  if (!isLabAddress(src.topology, e.to)) {
    // Why: see the file comment; an address outside the lab is decided without sending a packet.
    const r = await runner(['ip', '-n', src.ns, 'route', 'get', e.to]);
    if (r.exitCode === 0) {
      return {
        ...base,
        status: 'error',
        detail: `${e.to} is outside the lab's subnets and ${src.ns} has a route to it (${r.stdout.trim().split('\n')[0]}): not pinged, traffic must stay inside the lab`,
      };
    }
    const reached = false;
    return {
      ...base,
      status: reached === e.reach ? 'pass' : 'fail',
      reached,
      detail: `${src.ns} has no route to ${e.to} (${r.stderr.replace(/^RTNETLINK answers: /, '').trim() || 'unreachable'}): nothing can be sent`,
    };
  }
  const s = await pingFromNamespace(runner, src.ns, e.to, 2);
  // Neither pass nor fail: nothing was sent (see pingFailure).
  if (s.failure) return { ...base, status: 'error', detail: s.failure };
  const reached = s.received > 0;
  const detail = reached
    ? `${s.received}/${s.sent} replies${s.rtt ? ` (avg ${s.rtt.avg} ms)` : ''}`
    : s.sent
      ? `no reply to ${s.sent} pings`
      : `ping could not send: ${s.output.split('\n').pop() || 'unknown error'}`;
  return { ...base, status: reached === e.reach ? 'pass' : 'fail', reached, detail };
}

/** Runs every expectation of `doc` (an untrusted document) against its applied lab. */
export async function checkDocument(doc: unknown, o: LiveOptions = {}): Promise<CheckReport> {
  const v = validateDocument(doc);
  if (!v.topology || hasErrors(v.problems)) {
    const first = v.problems.find((p) => p.severity === 'error');
    throw new PlainError(`the topology is not valid${first ? `: ${first.message}` : ''}`);
  }
  const t = v.topology;
  labRecord(t.name, o); // refuses early, in plain words, when the lab is not applied
  const expectations = resolveExpectations(t);
  const results: CheckResult[] = [];
  // Two at a time: each line takes about a second when it fails.
  for (let i = 0; i < expectations.length; i += 2) {
    results.push(...(await Promise.all(expectations.slice(i, i + 2).map((e) => checkOne(t.name, e, o)))));
  }
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  return {
    lab: t.name,
    results,
    passed: count('pass'),
    failed: count('fail'),
    errors: count('error'),
    ok: results.length > 0 && count('pass') === results.length,
  };
}

/** One line of plain words for a result, e.g. "PASS  ns1 reaches ns2 (10.0.0.2): 2/2 replies". */
export function describeResult(r: CheckResult): string {
  const tag = r.status === 'pass' ? 'PASS ' : r.status === 'fail' ? 'FAIL ' : 'ERROR';
  const why =
    r.status === 'fail'
      ? r.reach
        ? ' — expected a reply, got none'
        : ' — expected no reply, but it answered'
      : '';
  return `${tag} ${r.label}: ${r.detail}${why}`;
}
