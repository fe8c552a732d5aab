/**
 * `activity:check` ("Check my work" in student mode): runs the visible
 * checks of a document's activity against its applied lab and scores them.
 * Applies nothing: the lab is whatever is running now. Hidden checks are in
 * the answer key, which the app never has.
 */
import { allChecks, scoreChecks, type CheckRow } from '../../../shared/activity';
import { checkPrefix } from '../../../shared/model';
import { hasErrors, validateDocument } from '../../../shared/validate';
import { PlainError } from '../plain-error';
import { runActivityChecks } from './activity-checks';
import { labRecord, type LiveOptions } from './owned';

/** Score of the visible checks on the running lab. */
export interface ActivityCheckReport {
  lab: string;
  score: number;
  max: number;
  checks: CheckRow[];
}

/** Runs the visible checks of `doc` (untrusted) on its applied lab; `prefix`: the user's name prefix, if any. */
export async function checkActivityDocument(
  doc: unknown,
  prefix: string | undefined,
  o: LiveOptions = {},
): Promise<ActivityCheckReport> {
  const v = validateDocument(doc);
  if (!v.topology || hasErrors(v.problems))
    throw new PlainError(`the topology is not valid${v.problems[0] ? `: ${v.problems[0].message}` : ''}`);
  if (!v.topology.activity) throw new PlainError('this document is not an activity: it has no checks to run');
  // Why: the prefix becomes part of the lab name read from /run; the same rule as everywhere else keeps it a plain name.
  const bad = prefix ? checkPrefix(prefix) : null;
  if (bad) throw new PlainError(bad);
  const lab = (prefix ?? '') + v.topology.name;
  labRecord(lab, o); // refuses early, in plain words, when the lab is not applied
  const checks = allChecks(v.topology);
  const outcomes = await runActivityChecks(lab, checks, { ...o, ...(prefix ? { prefix } : {}) });
  const { rows, score, max } = scoreChecks(checks, outcomes, v.topology);
  return { lab, score, max, checks: rows };
}
