/**
 * Drift for `status`: what differs between the file and the kernel, per
 * object, derived from the plan that would repair it (one source of truth).
 */
import type { Change, DriftItem } from './change';

const STATE = { create: 'missing', delete: 'extra', modify: 'changed' } as const;

/**
 * A route replaced by itself: the undo puts back the live route, which is the
 * file's (the kernel names the device the file may leave out).
 */
function setAgain(c: Change): boolean {
  if (c.op.op !== 'route-replace' || c.undoOp?.op !== 'route-replace') return false;
  const want: Record<string, unknown> = { ...c.op.route };
  const had: Record<string, unknown> = { ...c.undoOp.route };
  if (want.dev === undefined) delete had.dev;
  const keys = new Set([...Object.keys(want), ...Object.keys(had)]);
  return [...keys].every((k) => want[k] === had[k]);
}

/** Turns repair changes into drift items (settings of a missing object are folded into it). */
export function driftFromChanges(changes: readonly Change[]): DriftItem[] {
  const out: DriftItem[] = [];
  const missing = new Set<string>();
  for (const c of changes) {
    if (c.action === 'create') {
      missing.add(c.target.name);
      // Only a link created as a whole (its veth pair) makes its ends' settings redundant;
      // an address added back on an existing end does not (found by the drift property test).
      if (c.target.linkId && c.target.kind === 'link') missing.add(`link:${c.target.linkId}`);
    }
  }
  for (const c of changes) {
    // A setting on an object that is missing as a whole adds nothing to "missing".
    if (
      c.action === 'modify' &&
      c.target.kind === 'interface' &&
      c.target.linkId &&
      missing.has(`link:${c.target.linkId}`)
    )
      continue;
    // A modify without an undo is a re-run of what is in place (a route replaced after an address
    // change); sysctls, a hand-made qdisc or neighbour entry removed (nothing to put back from the
    // file) are drift.
    if (c.action === 'modify' && !c.undo && !['sysctl', 'netem', 'neighbour'].includes(c.target.kind))
      continue;
    // So is a route set again, as it is, because an address or
    // link of its namespace changes (the kernel may drop routes then).
    if (c.action === 'modify' && setAgain(c)) continue;
    out.push({
      state: STATE[c.action],
      kind: c.target.kind,
      name: c.target.name,
      ...(c.target.nodeId ? { nodeId: c.target.nodeId } : {}),
      ...(c.target.linkId ? { linkId: c.target.linkId } : {}),
      detail: c.reason,
    });
  }
  return out;
}
