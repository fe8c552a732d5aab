/**
 * Preparing a student's submission for grading, purely: validate it, refuse
 * what touches the host or changes locked parts, give it the activity's lab
 * name and a per-submission prefix. A refused submission scores 0 with the
 * reason and is never applied.
 */
import { prefixTopology, type NameMapping, type Topology } from '../model';
import { hasErrors, validateDocument, type Problem } from '../validate';
import { checkLocks, type LockViolation } from './locks';

/** Why a submission was not applied. */
export type Refusal =
  | { kind: 'invalid'; reason: string; problems: Problem[] }
  | { kind: 'locked'; reason: string; violations: LockViolation[] }
  | { kind: 'host'; reason: string; problems: Problem[] }
  | { kind: 'prefix'; reason: string; problems: Problem[] };

export type Prepared =
  | { ok: true; topology: Topology; mapping: NameMapping[]; warnings: Problem[] }
  | { ok: false; refusal: Refusal };

/**
 * What in a submission would put something into the host's root namespace
 * beyond plain layer-2 bridges: host nodes (an interface in the root
 * namespace) and addresses on root-namespace bridges.
 *
 * Why: graded labs run side by side on the teacher's machine. An address in
 * the root namespace is an address of the teacher's host (thirty copies of
 * the same subnet would fight over its routing table), and a host end is an
 * interface there. Students' labs live entirely inside their own namespaces;
 * a root bridge without addresses only switches frames between them.
 */
export function hostTouches(t: Topology): Problem[] {
  const out: Problem[] = [];
  t.nodes.forEach((n, i) => {
    if (n.kind === 'host')
      out.push({
        code: 'grade-host-node',
        severity: 'error',
        message: `node "${n.id}" is the host (root namespace): graded labs may not put interfaces on the host`,
        path: ['nodes', i],
        nodeId: n.id,
      });
    if (n.kind === 'bridge' && !n.namespace && n.addresses.length)
      out.push({
        code: 'grade-host-address',
        severity: 'error',
        message: `bridge "${n.id}" lives in the host's root namespace and has addresses (${n.addresses.join(', ')}): graded labs may not put addresses on the host`,
        path: ['nodes', i, 'addresses'],
        nodeId: n.id,
      });
  });
  return out;
}

const firstError = (ps: readonly Problem[]) => ps.find((p) => p.severity === 'error');

/**
 * The most nodes and links a graded submission may have: 50/100, or four
 * times the activity's starting topology when that is larger.
 *
 * Why: a grading run builds thirty labs on one machine as root; a file with
 * ten thousand namespaces would take the teacher's machine for itself.
 */
function sizeLimit(start: Topology): { nodes: number; links: number } {
  return { nodes: Math.max(50, 4 * start.nodes.length), links: Math.max(100, 4 * start.links.length) };
}

/**
 * Prepares `doc` (an untrusted parsed submission) against the activity's
 * starting topology `start`: validation, host safety, locks (in that order;
 * the first failing stage is the reason), then the activity's lab name with
 * `prefix` in front of every kernel name.
 */
export function prepareSubmission(doc: unknown, start: Topology, prefix: string): Prepared {
  const v = validateDocument(doc);
  const err = firstError(v.problems);
  if (!v.topology || err) {
    return {
      ok: false,
      refusal: {
        kind: 'invalid',
        reason: `not a valid topology: ${err?.message ?? 'unreadable'}`,
        problems: v.problems.filter((p) => p.severity === 'error'),
      },
    };
  }
  const max = sizeLimit(start);
  if (v.topology.nodes.length > max.nodes || v.topology.links.length > max.links) {
    const reason = `too large to grade: ${v.topology.nodes.length} nodes and ${v.topology.links.length} links (at most ${max.nodes} and ${max.links} for this activity)`;
    return {
      ok: false,
      refusal: {
        kind: 'invalid',
        reason,
        problems: [{ code: 'grade-too-large', severity: 'error', message: reason, path: [] }],
      },
    };
  }
  const host = hostTouches(v.topology);
  if (host.length)
    return {
      ok: false,
      refusal: { kind: 'host', reason: `touches the host: ${host[0].message}`, problems: host },
    };
  const locks = start.activity?.locked;
  const violations = locks ? checkLocks(start, v.topology, locks) : [];
  if (violations.length)
    return {
      ok: false,
      refusal: {
        kind: 'locked',
        reason: `changes locked parts: ${violations.map((x) => x.message).join('; ')}`,
        violations,
      },
    };
  // The lab name is the activity's, never the student's: a student cannot pick a name that collides with another lab.
  const named: Topology = { ...v.topology, name: start.name, activity: undefined };
  const p = prefixTopology(named, prefix);
  if (!p.ok)
    return {
      ok: false,
      refusal: {
        kind: 'prefix',
        reason: `cannot be prefixed: ${p.problems[0].message}`,
        problems: p.problems,
      },
    };
  const after = validateDocument(p.topology);
  if (hasErrors(after.problems)) {
    const e = firstError(after.problems)!;
    return {
      ok: false,
      refusal: {
        kind: 'prefix',
        reason: `not valid once prefixed: ${e.message}`,
        problems: after.problems.filter((x) => x.severity === 'error'),
      },
    };
  }
  return {
    ok: true,
    topology: p.topology,
    mapping: p.mapping,
    warnings: v.problems.filter((x) => x.severity === 'warning'),
  };
}
