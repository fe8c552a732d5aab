/**
 * Activity state that is not part of the document: the mode (a student
 * solving an activity, or a teacher writing one), the starting topology the
 * locks are compared against, the teacher's answer key (hidden checks, never
 * in the student's file) and the last "Check my work" result.
 *
 * The lock guard lives here rather than in every editing action: after any
 * edit in student mode, the document is compared with the starting topology
 * (shared checkLocks); an edit that changes a locked part is taken back at
 * once and the reason is shown. Moving a locked node is allowed (the core
 * says positions are never locked).
 */
import { create } from 'zustand';
import { checkLocks, emptyKey, type LockViolation } from '../../../shared/activity';
import type { CheckRow } from '../../../shared/activity';
import type { ActivityKey, Topology } from '../../../shared/model';
import { onlyPositionsChanged, type EditorStore } from '../../store/store';

export type ActivityMode = 'off' | 'student' | 'author';

/** The last "Check my work" answer. */
export interface CheckResult {
  lab: string;
  score: number;
  max: number;
  checks: CheckRow[];
  at: string;
  /** The drawing changed since: check again before handing in. */
  stale?: boolean;
}

export interface ActivityState {
  mode: ActivityMode;
  /** The activity as opened (student mode): what the locks protect. */
  start: Topology | null;
  /** The answer key being written (author mode). */
  key: ActivityKey | null;
  result: CheckResult | null;
  checking: boolean;
  error?: string;
  /** When the student opened the activity (ISO 8601), for the report. */
  startedAt: string;
  /** The student's name for the report. */
  student: string;
  /** The Activities… dialog is open. */
  dialog: boolean;
  /** The last refused edit, in plain words (shown in the panel). */
  refused: string | null;
  set(p: Partial<ActivityState>): void;
}

/** The activity store. */
export const useActivity = create<ActivityState>()((set) => ({
  mode: 'off',
  start: null,
  key: null,
  result: null,
  checking: false,
  startedAt: new Date().toISOString(),
  student: '',
  dialog: false,
  refused: null,
  set: (p) => set(p),
}));

/** Enters student mode on `doc` (an opened activity). */
export function startStudent(doc: Topology): void {
  useActivity.getState().set({
    mode: 'student',
    start: doc,
    key: null,
    result: null,
    error: undefined,
    refused: null,
    startedAt: new Date().toISOString(),
  });
}

/** Enters author mode (the document must carry an activity block). */
export function startAuthor(doc: Topology, key?: ActivityKey | null): void {
  const cur = useActivity.getState().key;
  useActivity.getState().set({
    mode: 'author',
    start: null,
    key: key ?? (cur && cur.activity === doc.name ? cur : emptyKey(doc)),
    result: null,
    error: undefined,
    refused: null,
  });
}

/**
 * Watches the editor: opening a document with an activity block enters
 * student mode (a plain topology leaves activity mode), and in student mode
 * every edit that changes a locked part is taken back with its reason.
 * Returns the unsubscribe function.
 */
export function installActivityGuard(store: EditorStore, say: (text: string) => void): () => void {
  return store.subscribe((s, prev) => {
    if (s.loadSeq !== prev.loadSeq) {
      if (s.doc.activity) startStudent(s.doc);
      else useActivity.getState().set({ mode: 'off', start: null, key: null, result: null, refused: null });
      return;
    }
    const a = useActivity.getState();
    if (a.mode !== 'student' || !a.start?.activity || s.doc === prev.doc) return;
    const locks = a.start.activity.locked;
    if (onlyPositionsChanged(prev.doc, s.doc)) return;
    const now = checkLocks(a.start, s.doc, locks);
    const before = new Set(checkLocks(a.start, prev.doc, locks).map((v) => v.message));
    const fresh = now.filter((v) => !before.has(v.message));
    if (!fresh.length) {
      // An accepted edit: the last refusal is old news, and the last score no longer describes the drawing.
      if (a.refused || (a.result && !a.result.stale))
        a.set({ refused: null, result: a.result && { ...a.result, stale: true } });
      return;
    }
    // Take the edit back without leaving an undo step behind (Undo must not redo a refused edit).
    const t = store.temporal.getState();
    t.pause();
    store.setState({ doc: prev.doc, selection: s.selection });
    t.resume();
    const past = store.temporal.getState().pastStates;
    if (past.length && past[past.length - 1].doc === prev.doc)
      store.temporal.setState({ pastStates: past.slice(0, -1) });
    const text = `Not changed: ${refusal(fresh[0])}. The teacher locked it; build around it.`;
    useActivity.getState().set({ refused: text });
    say(text);
  });
}

/** A lock violation in the words of the editor (the core's words speak of a "submission"). */
export function refusal(v: LockViolation): string {
  const what = v.nodeId !== undefined ? `node "${v.nodeId}"` : `link "${v.linkId}"`;
  if (/removed/.test(v.message)) return `${what} is locked by the activity and cannot be deleted`;
  if (v.kind === 'field') return `${v.field} of ${what} is locked by the activity`;
  return `${what} is locked by the activity${v.field ? ` (its ${v.field.split(',').join(', ')} would change)` : ''}`;
}
