/**
 * What the Plan, Apply, Status and Destroy buttons (and live mode) do: send
 * the document to the kernel side through renderer/api and show the answers.
 * The page never sends a command line; the kernel side re-validates.
 */
import { getApi } from '../api';
import { hasErrors, type Problem } from '../../shared/validate/problem';
import type { Topology } from '../../shared/model';
import { editorStore, validateNow } from './editor';
import { onlyPositionsChanged } from './store';
import { toast, useUi } from './ui-store';
import type { Change } from '../../shared/plan/change';
import { refreshLabs } from './labs-store';

const ui = () => useUi.getState();

/** Reason Plan/Apply are refused right now, or null. */
export function blockedReason(what: 'plan' | 'apply' = 'apply'): string | null {
  const doc = editorStore.getState().doc;
  const own = validateNow();
  // What the kernel side refused about this very drawing stays listed (validating again drops it) and
  // holds Apply back; Plan, which changes nothing, still opens and shows the refusal.
  const kernel = doc === kernelDoc ? kernelShown : [];
  if (kernel.length) editorStore.getState().setProblems([...own, ...kernel]);
  const errors = [...own, ...(what === 'apply' ? kernel : [])].filter((p) => p.severity === 'error').length;
  if (errors) return `fix ${errors} error${errors > 1 ? 's' : ''} first (see Problems)`;
  if (!editorStore.getState().doc.nodes.length) return 'the drawing is empty';
  return null;
}

/** Opens the Plan dialog with the changes the kernel side would make. */
export async function runPlan(): Promise<void> {
  const reason = blockedReason('plan');
  if (reason) return toast(`Cannot plan: ${reason}`, 'error');
  ui().set({ dialog: 'plan', plan: { loading: true, changes: [], problems: [] } });
  const r = await getApi()['topology:plan']({ topology: editorStore.getState().doc });
  if (!r.ok) return ui().set({ plan: { loading: false, changes: [], problems: [], error: r.error } });
  ui().set({ plan: { loading: false, changes: r.value.changes, problems: r.value.problems } });
}

let unsubscribeProgress: (() => void) | null = null;

/**
 * Changes of a plan that remove or alter what a running lab has (what Apply
 * asks about first). The settings the plan gives objects it creates itself (a
 * new link's addresses, a new namespace's routes) alter nothing that runs.
 */
function destructiveChanges(changes: readonly Change[]): Change[] {
  const newNodes = new Set<string>();
  const newLinks = new Set<string>();
  for (const c of changes) {
    if (c.action !== 'create') continue;
    if (c.target.linkId) newLinks.add(c.target.linkId);
    else if (c.target.nodeId) newNodes.add(c.target.nodeId);
  }
  const onNewObject = (c: Change) =>
    c.target.linkId ? newLinks.has(c.target.linkId) : !!c.target.nodeId && newNodes.has(c.target.nodeId);
  return changes.filter((c) => c.action === 'delete' || (c.action === 'modify' && !onNewObject(c)));
}

/**
 * Applies the drawing, showing progress per step in the Apply dialog. Unless
 * `confirmed` (the user saw the plan), it plans first: when the plan would
 * delete or change objects of the running lab, the dialog lists them and asks.
 */
export async function runApply(opts: { dialog?: boolean; confirmed?: boolean } = {}): Promise<boolean> {
  const reason = blockedReason();
  if (reason) {
    toast(`Cannot apply: ${reason}`, 'error');
    return false;
  }
  const doc = editorStore.getState().doc;
  const showDialog = opts.dialog ?? true;
  if (showDialog) ui().set({ dialog: 'apply' });
  if (!opts.confirmed) {
    ui().set({ apply: { running: true, progress: null, steps: [], problems: [], checking: true } });
    const p = await getApi()['topology:plan']({ topology: doc });
    const risky = p.ok ? destructiveChanges(p.value.changes) : [];
    if (risky.length && editorStore.getState().doc === doc) {
      ui().set({
        apply: {
          running: false,
          progress: null,
          steps: [],
          problems: [],
          confirm: { lab: doc.name, changes: risky, total: p.ok ? p.value.changes.length : 0 },
        },
      });
      return false;
    }
    // A refused plan is reported by the apply itself (same validation on the kernel side).
  }
  ui().set({ apply: { running: true, progress: null, steps: [], problems: [] } });
  unsubscribeProgress?.();
  unsubscribeProgress = getApi().on('apply:progress', (p) => {
    if (p.lab !== doc.name) return;
    const cur = ui().apply;
    const text = `${p.phase === 'rollback' ? 'Undid' : 'Done'}: ${p.current ?? `step ${p.done}`}`;
    ui().set({ apply: { ...cur, progress: p, steps: [...cur.steps, { text, phase: p.phase }].slice(-500) } });
  });
  const r = await getApi()['topology:apply']({ topology: doc });
  kernelChanges++;
  unsubscribeProgress?.();
  unsubscribeProgress = null;
  const cur = ui().apply;
  if (!r.ok) {
    ui().set({ apply: { ...cur, running: false, error: r.error } });
    return false;
  }
  ui().set({ apply: { ...cur, running: false, result: r.value.result, problems: r.value.problems } });
  const ok = !!r.value.result?.ok;
  if (ok) {
    void refreshStatus(true);
    void refreshLabs();
  }
  return ok;
}

/** Which drawing a status answer belongs to: the opened document (loadSeq) and the lab it names. */
const statusKey = () => {
  const s = editorStore.getState();
  return `${s.loadSeq}|${s.doc.name}`;
};
let statusRun: { key: string; changes: number; done: Promise<void> } | null = null;
/** Counts the Applies and Destroys this page ran: a status read begun before one of them describes the kernel before it. */
let kernelChanges = 0;

/**
 * Reads the live state of the lab the drawing names and turns the status
 * overlay on. A call while a read for the same drawing runs waits for it,
 * unless the page applied or destroyed since that read began (then it reads
 * again, and the older answer is dropped); an answer that arrives after the
 * drawing was switched or its lab renamed is dropped (it describes another
 * lab), and the new drawing is read instead.
 */
/** True for a problem the kernel side found (listed with the drawing's own; it blocks Apply, not Plan). */
export const isKernelProblem = (p: Problem): boolean => kernelShown.includes(p);

/** The kernel side's problems last added to the drawing's own (they are replaced, not piled up). */
let kernelShown: readonly Problem[] = [];
/** The drawing they are about (an edit makes a new one). */
let kernelDoc: Topology | null = null;
const problemKey = (p: Problem) => `${p.code}|${p.message}|${p.path.join('.')}`;

/**
 * Adds what the kernel side found about `doc` (a name another lab or the
 * host already uses) to the drawing's problems, while `doc` is still the
 * drawing: the Problems panel lists it, the canvas marks the node or link,
 * and Plan and Apply wait, as for the drawing's own errors. The next read
 * replaces them; an edit drops them until the kernel side is asked again.
 */
export function showKernelProblems(doc: Topology, kernel: readonly Problem[]): void {
  const st = editorStore.getState();
  if (st.doc !== doc) return;
  const own = st.problems.filter((p) => !kernelShown.includes(p));
  const seen = new Set(own.map(problemKey));
  const extra = kernel.filter((p) => !seen.has(problemKey(p)));
  kernelDoc = doc;
  kernelShown = extra;
  if (extra.length || own.length !== st.problems.length) st.setProblems([...own, ...extra]);
}

export function refreshStatus(turnOn = false): Promise<void> {
  if (turnOn) ui().set({ statusOn: true });
  const key = statusKey();
  if (statusRun?.key === key && statusRun.changes === kernelChanges) return statusRun.done;
  const run = { key, changes: kernelChanges, done: Promise.resolve() };
  run.done = (async () => {
    ui().set({ statusBusy: true });
    try {
      const doc = editorStore.getState().doc;
      const r = await getApi()['topology:status']({ topology: doc });
      // Another drawing, or a newer read (begun after an Apply or Destroy) is on its way: this answer is stale.
      if (statusKey() !== key || statusRun !== run) return;
      if (!r.ok) {
        ui().set({ statusError: r.error });
        return;
      }
      // Named in Problems and on the canvas too, and they block Apply as the drawing's own errors do.
      showKernelProblems(doc, r.value.problems);
      const conflicts = r.value.problems
        .filter((p) => p.severity === 'error')
        .map((p) => ({
          message: p.message,
          ...(p.nodeId ? { nodeId: p.nodeId } : {}),
          ...(p.linkId ? { linkId: p.linkId } : {}),
        }));
      const attached =
        r.value.applied && !conflicts.length
          ? doc.name
          : ui().attachedLab === doc.name
            ? undefined
            : ui().attachedLab;
      ui().set({ statusError: undefined, attachedLab: attached });
      editorStore.getState().setStatus({
        doc,
        applied: r.value.applied,
        inSync: r.value.inSync && !conflicts.length,
        drift: r.value.drift,
        at: Date.now(),
        ...(conflicts.length ? { conflicts } : {}),
      });
    } finally {
      if (statusRun === run) {
        statusRun = null;
        ui().set({ statusBusy: false });
      }
    }
  })();
  statusRun = run;
  return run.done;
}

/** Hides the status overlay. */
export function hideStatus(): void {
  ui().set({ statusOn: false });
  editorStore.getState().setStatus(null);
}

/** Destroys the lab named in the document (after the dialog's confirmation). */
export async function runDestroy(): Promise<void> {
  const lab = editorStore.getState().doc.name;
  ui().set({ destroy: { running: true } });
  const r = await getApi()['lab:destroy']({ lab });
  kernelChanges++;
  if (!r.ok) return ui().set({ destroy: { running: false, error: r.error } });
  ui().set({ destroy: { running: false, removed: r.value.removed } });
  // Read back what the kernel now says (the live-lab bar and badges follow it, overlay on or not).
  void refreshStatus();
  void refreshLabs();
}

let liveTimer: ReturnType<typeof setTimeout> | null = null;
let liveBusy = false;
let livePending = false;

/** Live mode: each edit is applied shortly after it is made (the kernel side plans only the difference). */
export function setLiveMode(on: boolean): void {
  if (on) {
    const reason = blockedReason();
    if (reason) {
      toast(`Cannot start live mode: ${reason}`, 'error');
      return;
    }
  }
  ui().set({ liveMode: on, live: { state: 'idle', text: on ? 'Live: every edit is applied' : '' } });
  if (on) scheduleLiveApply(0);
}

function scheduleLiveApply(delay = 500) {
  if (liveTimer) clearTimeout(liveTimer);
  liveTimer = setTimeout(() => void liveApply(), delay);
}

async function liveApply() {
  if (!ui().liveMode) return;
  if (liveBusy) {
    livePending = true;
    return;
  }
  const problems = validateNow();
  if (hasErrors(problems)) {
    ui().set({ live: { state: 'error', text: 'Live: waiting, the drawing has errors' } });
    return;
  }
  liveBusy = true;
  ui().set({ live: { state: 'applying', text: 'Live: applying…' } });
  const r = await getApi()['topology:apply']({ topology: editorStore.getState().doc });
  kernelChanges++;
  liveBusy = false;
  if (!r.ok) ui().set({ live: { state: 'error', text: `Live: ${r.error}` } });
  else if (r.value.result && !r.value.result.ok)
    ui().set({
      live: {
        state: 'error',
        text: `Live: ${r.value.result.error ?? 'apply failed'}${r.value.result.rolledBack ? ' (rolled back)' : ''}`,
      },
    });
  else if (r.value.result) {
    ui().set({
      live: {
        state: 'ok',
        text: `Live: applied ${r.value.result.steps} change${r.value.result.steps === 1 ? '' : 's'}`,
      },
    });
    void refreshStatus(true);
  } else ui().set({ live: { state: 'error', text: 'Live: the kernel side found problems' } });
  if (livePending) {
    livePending = false;
    scheduleLiveApply(0);
  }
}

// Every document change (including Undo/Redo) is applied in live mode; moving nodes changes nothing in the kernel.
editorStore.subscribe((s, prev) => {
  if (!ui().liveMode || s.doc === prev.doc) return;
  if (onlyPositionsChanged(prev.doc, s.doc)) return;
  scheduleLiveApply();
});

// Another drawing, or the lab renamed: the overlay of the previous lab goes at once, and is read again for this one.
let renameTimer: ReturnType<typeof setTimeout> | null = null;
editorStore.subscribe((s, prev) => {
  if (s.loadSeq === prev.loadSeq && s.doc.name === prev.doc.name) {
    // An edit the kernel could see: read again soon, rather than show the last answer until the next poll.
    if (ui().statusOn && s.doc !== prev.doc && !onlyPositionsChanged(prev.doc, s.doc)) {
      if (renameTimer) clearTimeout(renameTimer);
      renameTimer = setTimeout(() => void refreshStatus(), 700);
    }
    return;
  }
  if (s.status && s.status.doc.name !== s.doc.name) s.setStatus(null);
  ui().set({ statusError: undefined, ...(s.loadSeq !== prev.loadSeq ? { attachedLab: undefined } : {}) });
  if (renameTimer) clearTimeout(renameTimer);
  if (ui().statusOn)
    renameTimer = setTimeout(() => void refreshStatus(), s.loadSeq !== prev.loadSeq ? 0 : 600);
});

let pollTimer: ReturnType<typeof setInterval> | null = null;
// While the status overlay is on, the lab's state is refreshed every few seconds.
useUi.subscribe((s, prev) => {
  if (s.statusOn === prev.statusOn) return;
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = s.statusOn ? setInterval(() => void refreshStatus(), 4000) : null;
});
