/**
 * The editor store's actions around the document (see store.ts): selection,
 * dragging and undo history, opening and saving, and view state. None of
 * them is an edit of its own: they fold into, replace or clear the history.
 */
import { emptyDocument } from '../../shared/edit/document';
import { renamesToCarry, reId } from '../../shared/edit/rename';
import { readDocumentText, writeDocumentText } from './document-io';
import type { EditorState } from './editor-types';
import type { StoreKit } from './store-kit';
import { validateTopology } from './validate-doc';

/** How many undo steps are kept. */
export const UNDO_LIMIT = 300;

/** Selecting on the canvas and asking the Inspector for a field. */
export function selectionActions(
  k: StoreKit,
): Pick<EditorState, 'setSelection' | 'selectAll' | 'requestFocus'> {
  return {
    setSelection(sel) {
      const cur = k.get().selection;
      k.set({ selection: { nodes: sel.nodes ?? cur.nodes, links: sel.links ?? cur.links } });
    },
    selectAll() {
      const doc = k.get().doc;
      k.set({ selection: { nodes: doc.nodes.map((n) => n.id), links: doc.links.map((l) => l.id) } });
    },
    requestFocus(field) {
      k.set({ focusRequest: { field, seq: (k.get().focusRequest?.seq ?? 0) + 1 } });
    },
  };
}

/** A drag is one undo step, recorded when it ends, not per pixel. */
export function dragActions(k: StoreKit): Pick<EditorState, 'beginDrag' | 'dragTo' | 'endDrag'> {
  return {
    beginDrag() {
      if (k.session.dragStart) return;
      k.session.dragStart = k.get().doc;
      k.session.coalesceKey = null;
      k.history().getState().pause();
    },
    dragTo(positions) {
      const doc = k.get().doc;
      k.set({
        doc: {
          ...doc,
          nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)),
        },
      });
    },
    endDrag() {
      const before = k.session.dragStart;
      k.session.dragStart = null;
      const t = k.history().getState();
      t.resume();
      if (!before || before === k.get().doc) return;
      // One undo step for the whole drag: the document as it was when the drag began.
      const past = [...t.pastStates, { doc: before }].slice(-UNDO_LIMIT);
      k.history().setState({ pastStates: past, futureStates: [] });
    },
  };
}

/** Ending a typed edit, undo and redo, and the measured node sizes that follow renames. */
export function historyActions(k: StoreKit): Pick<EditorState, 'endEdit' | 'setMeasured' | 'undo' | 'redo'> {
  return {
    endEdit() {
      k.session.coalesceKey = null;
      // A finished rename: nodes now named as the expectations say take those ids (part of the same undo step).
      const map = renamesToCarry(k.get().doc);
      if (!map.size) return;
      const t = k.history().getState();
      const to = (id: string) => map.get(id) ?? id;
      const sel = k.get().selection;
      const measured = Object.fromEntries(Object.entries(k.get().measured).map(([key, v]) => [to(key), v]));
      t.pause();
      k.set({
        doc: reId(k.get().doc, map),
        selection: { nodes: sel.nodes.map(to), links: sel.links },
        measured,
      });
      t.resume();
    },
    setMeasured(sizes) {
      k.set({ measured: { ...k.get().measured, ...sizes } });
    },
    undo() {
      k.session.coalesceKey = null;
      k.history().getState().undo();
    },
    redo() {
      k.session.coalesceKey = null;
      k.history().getState().redo();
    },
  };
}

/** Opening, creating and saving documents (each open starts a fresh history). */
export function fileActions(
  k: StoreKit,
): Pick<EditorState, 'loadDocument' | 'loadTopology' | 'newDocument' | 'toDocument' | 'markSaved'> {
  return {
    loadDocument(text, fileName = null) {
      const r = readDocumentText(text, fileName);
      if (!r.ok) return { ok: false, problems: r.problems };
      // An imported file (containerlab, Kathará...) is not overwritten by Save: it becomes a new netplumb file.
      k.get().loadTopology(r.topology, r.native ? fileName : null, r.native ? text : null);
      return { ok: true, imported: !r.native };
    },
    loadTopology(doc, fileName = null, originalText = null) {
      k.session.coalesceKey = null;
      // Problems are computed right after the first paint (validateNow), so a big file shows at once.
      k.set({
        doc,
        savedDoc: doc,
        fileName,
        originalText,
        selection: { nodes: [], links: [] },
        status: null,
        problems: [],
        measured: {},
        loadSeq: k.get().loadSeq + 1,
      });
      k.history().getState().clear();
    },
    newDocument(name) {
      k.get().loadTopology(emptyDocument(name), null);
    },
    toDocument() {
      return writeDocumentText(k.get().doc, k.get().fileName, k.get().originalText);
    },
    markSaved(fileName, text) {
      k.set({
        savedDoc: k.get().doc,
        fileName: fileName === undefined ? k.get().fileName : fileName,
        originalText: text ?? k.get().originalText,
      });
    },
  };
}

/** Problems, kernel status and view preferences: state, not history. */
export function viewActions(
  k: StoreKit,
): Pick<EditorState, 'setProblems' | 'validateNow' | 'setStatus' | 'setPrefs'> {
  return {
    setProblems(problems) {
      k.set({ problems });
    },
    validateNow() {
      k.set({ problems: validateTopology(k.get().doc) });
    },
    setStatus(status) {
      k.set({ status });
    },
    setPrefs(p) {
      k.set({ prefs: { ...k.get().prefs, ...p } });
    },
  };
}
