/**
 * The toolbar: file, edit, layout and lab actions. Plan and Apply are
 * disabled while the drawing has errors, and say why (title and visible text).
 */
import { useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { getApi } from '../api';
import { editorStore, useCanUndo, useEditor, validateNow } from '../store/editor';
import { openFile, saveFile, newDocument } from '../store/file-actions';
import {
  isKernelProblem,
  refreshStatus,
  runApply,
  runPlan,
  setLiveMode,
  showKernelProblems,
} from '../store/lab-actions';
import { toast, useUi } from '../store/ui-store';
import { layoutPositions } from '../canvas/auto-layout';
import type { FlowEdge, FlowNode } from '../store/derive';
import { selectDirty } from '../store/store';
import { ActivityButtons } from './activity/ActivityPanel';

/** Runs the elk layout and applies it as one undoable move. */
export async function autoLayout(flow: ReturnType<typeof useReactFlow<FlowNode, FlowEdge>>) {
  const st = editorStore.getState();
  if (!st.doc.nodes.length) return;
  try {
    const pos = await layoutPositions(st.doc, st.measured);
    editorStore.getState().moveNodes(pos);
    setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1.2, duration: 200 }), 30);
  } catch (e) {
    toast(`Auto layout failed: ${String(e)}`, 'error');
  }
}

/** Validates here and on the kernel side, and says what was found. */
export async function runValidate() {
  validateNow();
  const r = await getApi()['topology:validate']({ topology: editorStore.getState().doc });
  if (!r.ok) return toast(`Could not validate on the kernel side: ${r.error}`, 'error');
  const doc = editorStore.getState().doc;
  showKernelProblems(doc, r.value.problems);
  const n = editorStore.getState().problems.length;
  toast(n ? `${n} problem${n === 1 ? '' : 's'} found (see Problems)` : 'No problems found');
}

/** The toolbar. */
export function Toolbar() {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const can = useCanUndo();
  const errors = useEditor(
    (s) => s.problems.filter((p) => p.severity === 'error' && !isKernelProblem(p)).length,
  );
  // Refused by the kernel side (a name the host or another lab uses): Apply waits, Plan shows why.
  const refused = useEditor(
    (s) => s.problems.filter((p) => p.severity === 'error' && isKernelProblem(p)).length,
  );
  const empty = useEditor((s) => s.doc.nodes.length === 0);
  const dirty = useEditor(selectDirty);
  const fileName = useEditor((s) => s.fileName);
  const liveMode = useUi((s) => s.liveMode);
  const applying = useUi((s) => s.apply.running);
  const statusBusy = useUi((s) => s.statusBusy);
  const [layingOut, setLayingOut] = useState(false);
  const blocked = errors
    ? `Fix ${errors} error${errors === 1 ? '' : 's'} first (see Problems)`
    : empty
      ? 'The drawing is empty'
      : null;
  const applyBlocked =
    blocked ??
    (refused
      ? `The kernel side refuses ${refused} name${refused === 1 ? '' : 's'} of the drawing (see Problems)`
      : null);
  const blockedText = blocked
    ? `Plan and Apply are disabled: ${blocked.charAt(0).toLowerCase()}${blocked.slice(1)}`
    : applyBlocked
      ? `Apply is disabled: ${applyBlocked.charAt(0).toLowerCase()}${applyBlocked.slice(1)}`
      : undefined;
  return (
    <header className="np-toolbar" role="toolbar" aria-label="Toolbar">
      <div className="np-toolbar__group">
        <span className="np-brand">netplumb</span>
        <span className="np-file" title={fileName ?? 'not saved yet'}>
          {fileName ?? 'untitled'}
          {dirty ? ' •' : ''}
        </span>
      </div>
      <div className="np-toolbar__group" role="group" aria-label="File">
        <button type="button" className="np-btn" onClick={newDocument} title="New drawing">
          New
        </button>
        <button
          type="button"
          className="np-btn"
          onClick={() => useUi.getState().set({ dialog: 'examples' })}
          title="Start from one of the example labs"
        >
          Examples
        </button>
        <button type="button" className="np-btn" onClick={openFile} title="Open a topology file (Ctrl+O)">
          Open
        </button>
        <button
          type="button"
          className="np-btn"
          onClick={() => useUi.getState().set({ dialog: 'labs' })}
          title="Labs running on this host: open one as a drawing, or destroy it"
        >
          Labs…
        </button>
        <button
          type="button"
          className="np-btn"
          onClick={() => void saveFile()}
          title="Save the topology (Ctrl+S)"
        >
          Save
        </button>
        <button
          type="button"
          className="np-btn"
          onClick={() => useUi.getState().set({ dialog: 'export' })}
          title="Download as a shell script, containerlab, Mermaid, SVG or PNG"
        >
          Export
        </button>
      </div>
      <ActivityButtons />
      <div className="np-toolbar__group" role="group" aria-label="Edit">
        <button
          type="button"
          className="np-btn"
          disabled={!can.undo}
          onClick={() => editorStore.getState().undo()}
          title="Undo (Ctrl+Z)"
        >
          Undo
        </button>
        <button
          type="button"
          className="np-btn"
          disabled={!can.redo}
          onClick={() => editorStore.getState().redo()}
          title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
        >
          Redo
        </button>
        <button
          type="button"
          className="np-btn"
          disabled={layingOut || empty}
          onClick={async () => {
            setLayingOut(true);
            await autoLayout(flow);
            setLayingOut(false);
          }}
          title="Arrange the drawing automatically (undoable)"
        >
          Auto layout
        </button>
      </div>
      <div className="np-toolbar__group" role="group" aria-label="Lab">
        <button
          type="button"
          className="np-btn"
          onClick={() => void runValidate()}
          title="Check the drawing here and on the kernel side"
        >
          Validate
        </button>
        <button
          type="button"
          className="np-btn"
          disabled={!!blocked}
          onClick={() => void runPlan()}
          title={blocked ?? 'Show the exact changes Apply would make'}
          aria-describedby={blocked ? 'np-blocked' : undefined}
        >
          Plan
        </button>
        <button
          type="button"
          className="np-btn np-btn--primary"
          disabled={!!applyBlocked || applying}
          onClick={() => void runApply()}
          title={applyBlocked ?? 'Make the kernel match the drawing'}
          aria-describedby={applyBlocked ? 'np-blocked' : undefined}
        >
          Apply
        </button>
        <button
          type="button"
          className="np-btn"
          disabled={statusBusy}
          onClick={() => void refreshStatus(true)}
          title="Compare the drawing with the kernel"
        >
          Status
        </button>
        <button
          type="button"
          className="np-btn np-btn--danger"
          onClick={() => useUi.getState().set({ dialog: 'destroy', destroy: { running: false } })}
          title="Remove everything this lab created"
        >
          Destroy
        </button>
        <button
          type="button"
          className={`np-btn np-toggle${liveMode ? ' is-on' : ''}`}
          aria-pressed={liveMode}
          onClick={() => setLiveMode(!liveMode)}
          title="Apply each edit as it is made (and Undo/Redo too)"
        >
          Live mode
        </button>
      </div>
      {blockedText && (
        <div id="np-blocked" className="np-blocked" role="note">
          {blockedText}
        </div>
      )}
    </header>
  );
}
