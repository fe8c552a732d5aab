/**
 * The app's editor store instance, its derived-canvas selectors, and the
 * validation scheduler (problems are recomputed shortly after each edit, with
 * the shared validator, so typing stays smooth on big documents).
 */
import { useStore } from 'zustand';
import { createEditorStore } from '../store/store';
import { createFlowSelectors } from '../store/derive';
import { validateTopology } from '../store/validate-doc';
import type { EditorState } from '../store/editor-types';

/** The one editor store of this page. */
export const editorStore = createEditorStore();

/** Subscribes a component to part of the editor state. */
export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(editorStore, selector);
}

/** True while there is something to undo / redo. */
export function useCanUndo(): { undo: boolean; redo: boolean } {
  const undo = useStore(editorStore.temporal, (t) => t.pastStates.length > 0);
  const redo = useStore(editorStore.temporal, (t) => t.futureStates.length > 0);
  return { undo, redo };
}

/** Memoised React Flow nodes/edges for the canvas. */
export const flowSelectors = createFlowSelectors();

let timer: ReturnType<typeof setTimeout> | null = null;

/** Validates now (e.g. right before Plan/Apply) and returns the problems. */
export function validateNow() {
  if (timer) clearTimeout(timer);
  timer = null;
  editorStore.getState().validateNow();
  return editorStore.getState().problems;
}

editorStore.subscribe((s, prev) => {
  if (s.doc === prev.doc || s.problems !== prev.problems) return;
  if (timer) clearTimeout(timer);
  // Small documents validate almost at once (inline problems "as you type"); big ones wait for a pause.
  const delay = s.doc.nodes.length + s.doc.links.length > 400 ? 250 : 60;
  timer = setTimeout(() => {
    timer = null;
    const doc = editorStore.getState().doc;
    editorStore.getState().setProblems(validateTopology(doc));
  }, delay);
});
