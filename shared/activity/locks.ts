/**
 * Locked parts of an activity: does a submission change a locked node, link
 * or field — and which one, in plain words. Also the question the editor asks
 * before a change ("is this locked, and why?").
 *
 * Both documents are compared after parsing (defaults filled in), so writing
 * a default out or leaving it implicit is not a change. A node's canvas
 * `position` is never part of a lock: moving a box changes no network.
 */
import type { Link, Locks, Topology } from '../model';

/** One change to a locked part. */
export interface LockViolation {
  kind: 'node' | 'link' | 'field';
  nodeId?: string;
  linkId?: string;
  /** The dotted field path, for field locks and for what changed inside a locked node/link. */
  field?: string;
  /** Plain words, e.g. `node "r1" is locked: its gateway changed`. */
  message: string;
}

const CANVAS_ONLY = new Set(['position']);

/** Deep equality of plain JSON data (key order does not matter; undefined equals missing). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    return [...keys].every((k) => sameValue(ra[k], rb[k]));
  }
  return false;
}

/** The top-level fields that differ between two objects (canvas-only fields left out), sorted. */
export function changedFields(a: object, b: object, ignore: ReadonlySet<string> = CANVAS_ONLY): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  return [...keys].filter((k) => !ignore.has(k) && !sameValue(ra[k], rb[k])).sort();
}

/** The value at a dotted path ("a.addresses") inside an object. */
function valueAt(obj: unknown, field: string): unknown {
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const list = (fields: string[]) =>
  fields.length === 1
    ? `its ${fields[0]} changed`
    : `its ${fields.slice(0, -1).join(', ')} and ${fields[fields.length - 1]} changed`;

/** The changes to whole locked nodes or links: gone from the submission, or some fields changed. */
function wholeLocks<T>(
  kind: 'node' | 'link',
  ids: readonly string[],
  start: ReadonlyMap<string, T>,
  now: ReadonlyMap<string, T>,
  changes: (was: T, now: T) => string[],
): LockViolation[] {
  const out: LockViolation[] = [];
  for (const id of ids) {
    const was = start.get(id);
    if (!was) continue; // a lock on nothing is an authoring problem (validateActivity), not the student's
    const where = kind === 'node' ? { nodeId: id } : { linkId: id };
    const is = now.get(id);
    if (!is) {
      out.push({ kind, ...where, message: `${kind} "${id}" is locked but the submission removed it` });
      continue;
    }
    const fields = changes(was, is);
    if (fields.length)
      out.push({
        kind,
        ...where,
        field: fields.join(','),
        message: `${kind} "${id}" is locked: ${list(fields)}`,
      });
  }
  return out;
}

/**
 * Every change `submission` makes to what `locks` protects in `start` (the
 * activity's starting topology). Empty when the submission respects the locks.
 * A locked node or link that is gone, or whose id now names something else,
 * is a change too.
 */
export function checkLocks(start: Topology, submission: Topology, locks: Locks): LockViolation[] {
  const out: LockViolation[] = [];
  const nodes = new Map(submission.nodes.map((n) => [n.id, n]));
  const links = new Map(submission.links.map((l) => [l.id, l]));
  const startNodes = new Map(start.nodes.map((n) => [n.id, n]));
  const startLinks = new Map(start.links.map((l) => [l.id, l]));

  out.push(...wholeLocks('node', locks.nodes, startNodes, nodes, (a, b) => changedFields(a, b)));
  out.push(...wholeLocks('link', locks.links, startLinks, links, linkChanges));
  for (const f of locks.fields) {
    const was: unknown =
      f.node !== undefined
        ? startNodes.get(f.node)
        : f.link !== undefined
          ? startLinks.get(f.link)
          : undefined;
    if (!was) continue;
    const now: unknown = f.node !== undefined ? nodes.get(f.node) : links.get(f.link!);
    const what = f.node !== undefined ? `node "${f.node}"` : `link "${f.link}"`;
    const where = f.node !== undefined ? { nodeId: f.node } : { linkId: f.link };
    if (!now)
      out.push({
        kind: 'field',
        ...where,
        field: f.field,
        message: `${f.field} of ${what} is locked but the submission removed ${what}`,
      });
    else if (!sameValue(valueAt(was, f.field), valueAt(now, f.field)))
      out.push({
        kind: 'field',
        ...where,
        field: f.field,
        message: `${f.field} of ${what} is locked and was changed`,
      });
  }
  return out;
}

/** Changed fields of a link, with end fields named as `a.addresses`. */
function linkChanges(was: Link, now: Link): string[] {
  const top = changedFields(was, now).filter((k) => k !== 'a' && k !== 'b');
  const ends = (['a', 'b'] as const).flatMap((e) => changedFields(was[e], now[e]).map((k) => `${e}.${k}`));
  return [...top, ...ends].sort();
}

/** What the editor is about to change. */
export type LockTarget = { nodeId: string; field?: string } | { linkId: string; field?: string };

/**
 * Why a change is refused in student mode, or null when it is allowed.
 * Moving a node (`position`) is always allowed. A link end's node being
 * locked does not lock the link: students connect to locked routers.
 */
export function lockReason(locks: Locks, target: LockTarget): string | null {
  if (target.field && CANVAS_ONLY.has(target.field)) return null;
  if ('nodeId' in target) {
    if (locks.nodes.includes(target.nodeId))
      return `node "${target.nodeId}" is locked by the activity: it must stay as given`;
    const f = locks.fields.find(
      (l) => l.node === target.nodeId && (target.field === undefined || covers(l.field, target.field)),
    );
    return f ? `${f.field} of node "${target.nodeId}" is locked by the activity` : null;
  }
  if (locks.links.includes(target.linkId))
    return `link "${target.linkId}" is locked by the activity: it must stay as given`;
  const f = locks.fields.find(
    (l) => l.link === target.linkId && (target.field === undefined || covers(l.field, target.field)),
  );
  return f ? `${f.field} of link "${target.linkId}" is locked by the activity` : null;
}

/** A lock on `locked` covers an edit of `field` when one path contains the other. */
function covers(locked: string, field: string): boolean {
  return locked === field || field.startsWith(locked + '.') || locked.startsWith(field + '.');
}

/** Adds or removes whole-object locks for a selection (the authoring "Lock" button). */
export function toggleLocks(
  locks: Locks,
  sel: { nodes?: readonly string[]; links?: readonly string[] },
  lock: boolean,
): Locks {
  const upd = (cur: string[], ids: readonly string[] = []) =>
    lock ? [...new Set([...cur, ...ids])] : cur.filter((x) => !ids.includes(x));
  return { ...locks, nodes: upd(locks.nodes, sel.nodes), links: upd(locks.links, sel.links) };
}
