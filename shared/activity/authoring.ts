/**
 * Small pure steps the app's authoring and student modes need: turning a
 * drawing into a new activity and an empty answer key, adding a check to the
 * visible list or to the key, and building the hand-in report from a
 * "Check my work" result.
 */
import { ACTIVITY_VERSION, type ActivityCheck, type ActivityKey, type Topology } from '../model';
import type { CheckRow, StudentReport } from './score';

/** "New activity from this lab": the drawing with an empty activity block (and a one-step lesson when it has none). */
export function newActivityFromLab(t: Topology, title = t.description ?? t.name): Topology {
  return {
    ...t,
    lesson: t.lesson ?? {
      title,
      steps: [{ title: 'Your task', text: 'Describe what the student must build or repair.' }],
    },
    activity: t.activity ?? {
      version: ACTIVITY_VERSION,
      locked: { nodes: [], links: [], fields: [] },
      checks: [],
    },
  };
}

/** An empty answer key for an activity. */
export const emptyKey = (t: Topology): ActivityKey => ({
  version: ACTIVITY_VERSION,
  activity: t.name,
  checks: [],
});

/** Adds a check to the activity (visible) or to the key (hidden); ids stay unique across both. */
export function addCheck(
  t: Topology,
  key: ActivityKey,
  check: ActivityCheck,
  hidden: boolean,
): { topology: Topology; key: ActivityKey } {
  const taken = new Set([...(t.activity?.checks ?? []), ...key.checks].map((c) => c.id));
  if (taken.has(check.id)) throw new Error(`a check with id "${check.id}" exists already`);
  if (hidden) return { topology: t, key: { ...key, checks: [...key.checks, check] } };
  const a = newActivityFromLab(t).activity!;
  return { topology: { ...t, activity: { ...a, checks: [...a.checks, check] } }, key };
}

/** Removes a check by id from wherever it is. */
export function removeCheck(
  t: Topology,
  key: ActivityKey,
  id: string,
): { topology: Topology; key: ActivityKey } {
  return {
    topology: t.activity
      ? { ...t, activity: { ...t.activity, checks: t.activity.checks.filter((c) => c.id !== id) } }
      : t,
    key: { ...key, checks: key.checks.filter((c) => c.id !== id) },
  };
}

/** What "Hand in" writes: the report (JSON and, with reportHtml, the HTML page) from the last "Check my work". */
export function handInReport(o: {
  student: string;
  file: string;
  topology: Topology;
  lab: string;
  checks: CheckRow[];
  score: number;
  max: number;
  startedAt: string;
  now?: Date;
}): StudentReport {
  return {
    student: o.student,
    file: o.file,
    activity: o.topology.name,
    status: 'graded',
    score: o.score,
    max: o.max,
    checks: o.checks,
    lab: o.lab,
    startedAt: o.startedAt,
    finishedAt: (o.now ?? new Date()).toISOString(),
    topology: o.topology,
  };
}
