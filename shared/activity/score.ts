/**
 * Scores and reports: check outcomes → points, the per-student report model
 * (the app's "Hand in" and `netplumb grade` write the same one), and hints.
 */
import type { ActivityCheck } from '../model';
import { describeCheck, type PlacedCheck } from './checks';
import type { Topology } from '../model';

/** pass/fail as the check defines it; error: could not be checked; skipped: this kernel cannot run it. */
export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** What the kernel side found for one check. */
export interface CheckOutcome {
  id: string;
  status: CheckStatus;
  /** Plain words: what was seen. */
  detail: string;
  /** When it ran (ISO 8601). */
  at: string;
}

/** One line of a report. */
export interface CheckRow {
  id: string;
  kind: ActivityCheck['kind'];
  title: string;
  points: number;
  earned: number;
  status: CheckStatus | 'not run';
  detail: string;
  hidden: boolean;
  breakIt: boolean;
  /** Counted in score/max (break-it and skipped checks are not). */
  graded: boolean;
  /** Shown when the check did not pass. */
  hint?: string;
  at?: string;
}

/** A student's report: the model behind the CSV row, the HTML page and the app's score panel. */
export interface StudentReport {
  student: string;
  file: string;
  activity: string;
  /** graded: the lab was applied and checked; refused: invalid/locked/host (never applied); error: the kernel failed. */
  status: 'graded' | 'refused' | 'error';
  reason?: string;
  score: number;
  max: number;
  checks: CheckRow[];
  /** Kernel names used (lab name and prefix), when applied. */
  lab?: string;
  prefix?: string;
  startedAt: string;
  finishedAt: string;
  /** The student's topology, for the picture (absent when it could not be read). */
  topology?: Topology;
}

/**
 * Rows and totals for the checks given their outcomes. A check without an
 * outcome is "not run" and earns nothing. Break-it checks are practice steps
 * (they pass when the thing is broken) and skipped checks are beyond this
 * kernel: neither counts toward score or max.
 */
export function scoreChecks(
  checks: readonly PlacedCheck[],
  outcomes: readonly CheckOutcome[],
  t?: Topology,
): { rows: CheckRow[]; score: number; max: number } {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  let score = 0;
  let max = 0;
  const rows = checks.map((c): CheckRow => {
    const o = byId.get(c.id);
    const status = o?.status ?? 'not run';
    const graded = !c.breakIt && status !== 'skipped';
    const earned = graded && status === 'pass' ? c.points : 0;
    if (graded) {
      max += c.points;
      score += earned;
    }
    return {
      id: c.id,
      kind: c.kind,
      title: describeCheck(c, t),
      points: c.points,
      earned,
      status,
      detail: o?.detail ?? '',
      hidden: c.hidden,
      breakIt: c.breakIt,
      graded,
      ...(status !== 'pass' ? { hint: hintFor(c, status) } : {}),
      ...(o ? { at: o.at } : {}),
    };
  });
  return { rows, score, max };
}

/** The hint shown to a student for a check that did not pass (the author's, or a generic one). */
export function hintFor(c: ActivityCheck, status: CheckStatus | 'not run'): string {
  if (c.hint) return c.hint;
  if (status === 'skipped') return 'This machine cannot run this check; it does not count.';
  if (status === 'error' || status === 'not run')
    return 'The check could not run: is the lab applied, and does every node it names exist?';
  switch (c.kind) {
    case 'reach':
    case 'path':
      return 'Follow the packet: addresses in the same subnet on both sides of each link, a gateway on each host, forwarding on routers, links up.';
    case 'no-reach':
      return 'Something connects these two that should not: look at the links, routes and VLANs between them.';
    case 'route':
      return "Look at the node's routes and gateway: the route must be there exactly as asked.";
    case 'address':
      return "Look at the addresses on the node's interfaces (address and prefix length).";
    case 'iface-state':
      return `Look at the link's "up" setting for ${c.ifname}.`;
    case 'fdb':
      return 'A bridge learns a MAC address only when a frame from it arrives: run a ping through the bridge first.';
    case 'vlan-isolation':
      return 'Look at the VLAN settings (pvid, untagged, tagged) of the bridge ports.';
    case 'rtt':
      return 'Look at the netem delay on the links along the way (each direction adds its own delay).';
  }
}

/** A report for a submission that was never applied: score 0, every check "not run", with the reason. */
export function refusedReport(
  base: Omit<StudentReport, 'status' | 'score' | 'max' | 'checks' | 'reason'>,
  checks: readonly PlacedCheck[],
  status: 'refused' | 'error',
  reason: string,
): StudentReport {
  const { rows, max } = scoreChecks(checks, [], base.topology);
  return {
    ...base,
    status,
    reason,
    score: 0,
    max,
    checks: rows.map((r) => ({ ...r, detail: 'not run: ' + reason, hint: undefined })),
  };
}
