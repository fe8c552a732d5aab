/**
 * Bulk grading (`netplumb grade`): each submission is prepared purely
 * (shared/activity/submission.ts: validation, host, locks, prefix), applied
 * as its own prefixed lab, checked with every check of the activity and its
 * key, and destroyed — always, in a finally. At most `jobs` labs exist at once.
 *
 * Prefixes: a readable one (`<run>-<student>-`) when every name of the
 * submission still fits under the kernel's limits with it, else a short one
 * (`<run><n>-`); both are unique within the run and reported per student.
 */
import {
  allChecks,
  prepareSubmission,
  refusedReport,
  scoreChecks,
  type PlacedCheck,
  type StudentReport,
} from '../../../shared/activity';
import type { ActivityKey, Topology } from '../../../shared/model';
import { parseTopology } from '../../../shared/model';
import { mapLimit } from '../../../shared/util/map-limit';
import type { Engine } from '../engine-types';
import { localEngine } from '../engine';
import { LabStore } from '../lab-store';
import { runActivityChecks, type ActivityCheckOptions } from './activity-checks';
import type { LiveOptions } from './owned';

/** One student's file, already read (and parsed when it could be). */
export interface Submission {
  student: string;
  file: string;
  /** The parsed document (undefined when the file could not be parsed). */
  doc?: unknown;
  /** Why the file could not be read or parsed. */
  readError?: string;
}

/** Progress of a grading run. */
export interface GradeProgress {
  done: number;
  total: number;
  student: string;
  phase: 'applying' | 'checking' | 'destroying' | 'done';
}

export interface GradeOptions extends LiveOptions {
  /** At most this many labs at once (default 2). */
  jobs?: number;
  /** Start of every prefix of this run (default: "g" and two random characters). */
  runTag?: string;
  engine?: Engine;
  capabilities?: ActivityCheckOptions['capabilities'];
  onProgress?: (p: GradeProgress) => void;
}

/** Which prefix and lab each student got. */
export interface PrefixAssignment {
  student: string;
  prefix: string;
  lab: string;
  /** The readable prefix did not fit (names would pass the kernel's limits). */
  short: boolean;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 8);

/** A random run tag: "g" and two base-36 characters. */
export function randomRunTag(): string {
  return (
    'g' +
    Math.floor(Math.random() * 36 * 36)
      .toString(36)
      .padStart(2, '0')
  );
}

/**
 * Picks a unique prefix per submission: readable when it fits the names of
 * that submission (or the submission is refused for another reason anyway),
 * short otherwise.
 */
export function assignPrefixes(
  subs: readonly Submission[],
  start: Topology,
  runTag: string,
): PrefixAssignment[] {
  const used = new Set<string>();
  return subs.map((s, i) => {
    const readable = `${runTag}-${slug(s.student) || 's'}-`;
    const fits =
      readable.length <= 12 &&
      !used.has(readable) &&
      (() => {
        const p = prepareSubmission(s.doc, start, readable);
        return p.ok || p.refusal.kind !== 'prefix';
      })();
    let prefix = fits ? readable : `${runTag}${i.toString(36)}-`;
    for (let n = 0; used.has(prefix); n++) prefix = `${runTag}${i.toString(36)}${n}-`;
    used.add(prefix);
    return { student: s.student, prefix, lab: prefix + start.name, short: !fits };
  });
}

async function gradeOne(
  sub: Submission,
  a: PrefixAssignment,
  start: Topology,
  checks: PlacedCheck[],
  o: GradeOptions,
  tick: (phase: GradeProgress['phase']) => void,
): Promise<StudentReport> {
  const startedAt = new Date().toISOString();
  const parsed = sub.doc !== undefined ? parseTopology(sub.doc) : undefined;
  const base = {
    student: sub.student,
    file: sub.file,
    activity: start.name,
    startedAt,
    finishedAt: startedAt,
    ...(parsed?.ok ? { topology: parsed.topology } : {}),
  };
  const done = (r: StudentReport) => (tick('done'), { ...r, finishedAt: new Date().toISOString() });
  if (sub.readError) return done(refusedReport(base, checks, 'refused', sub.readError));
  const prep = prepareSubmission(sub.doc, start, a.prefix);
  if (!prep.ok) return done(refusedReport(base, checks, 'refused', prep.refusal.reason));
  // Why: a lab of that name that exists already belongs to someone (another run, a person); grading must not take it over.
  if (new LabStore(o.runDir).readRecord(a.lab))
    return done(
      refusedReport(
        base,
        checks,
        'error',
        `lab "${a.lab}" already exists on this host (another grading run?): not touched`,
      ),
    );
  const engine = o.engine ?? localEngine;
  const eo = {
    ...(o.runner ? { runner: o.runner } : {}),
    ...(o.runDir ? { runDir: o.runDir } : {}),
    file: sub.file,
  };
  let applied = false;
  try {
    tick('applying');
    const r = await engine.applyDocument(prep.topology, eo);
    applied = !!r.result;
    if (!r.result) {
      const e = r.problems.find((p) => p.severity === 'error');
      const host = e?.code.startsWith('host-');
      return done(
        refusedReport(
          base,
          checks,
          host ? 'refused' : 'error',
          host
            ? `touches the host: ${e!.message}`
            : `could not be applied on this machine: ${e?.message ?? 'refused'}`,
        ),
      );
    }
    if (!r.result.ok)
      return done(
        refusedReport(
          base,
          checks,
          'error',
          `applying failed and was rolled back: ${r.result.error ?? 'kernel error'}`,
        ),
      );
    tick('checking');
    const outcomes = await runActivityChecks(a.lab, checks, { ...o, prefix: a.prefix });
    const { rows, score, max } = scoreChecks(checks, outcomes, base.topology);
    return done({ ...base, status: 'graded', score, max, checks: rows, lab: a.lab, prefix: a.prefix });
  } finally {
    if (applied || new LabStore(o.runDir).readRecord(a.lab)) {
      tick('destroying');
      await engine.destroyLab(a.lab, eo);
    }
  }
}

/**
 * Grades every submission of an activity (`start`: the activity file's
 * topology, with its `activity:` block) and its key. Never throws for a bad
 * submission; an unexpected kernel error (e.g. a failing destroy, which may
 * leave something in the kernel) makes that student's row an "error" and is
 * listed in `failures` so the caller can exit non-zero.
 */
export async function gradeSubmissions(
  start: Topology,
  key: ActivityKey | undefined,
  subs: readonly Submission[],
  o: GradeOptions = {},
): Promise<{
  reports: StudentReport[];
  assignments: PrefixAssignment[];
  checks: PlacedCheck[];
  failures: string[];
}> {
  const checks = allChecks(start, key);
  const assignments = assignPrefixes(subs, start, o.runTag ?? randomRunTag());
  let done = 0;
  const failures: string[] = [];
  const reports = await mapLimit(subs, o.jobs ?? 2, async (s, i) => {
    const tick = (phase: GradeProgress['phase']) => {
      if (phase === 'done') done++;
      o.onProgress?.({ done, total: subs.length, student: s.student, phase });
    };
    try {
      return await gradeOne(s, assignments[i], start, checks, o, tick);
    } catch (e) {
      failures.push(`${s.student}: ${(e as Error).message}`);
      const at = new Date().toISOString();
      return refusedReport(
        { student: s.student, file: s.file, activity: start.name, startedAt: at, finishedAt: at },
        checks,
        'error',
        `kernel error: ${(e as Error).message}`,
      );
    }
  });
  return { reports, assignments, checks, failures };
}
