/**
 * The app's editor store instance, its derived-canvas selectors, and the
 * validation scheduler (problems are recomputed shortly after each edit, with
 * the shared validator, so typing stays smooth on big documents).
 */
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { createEditorStore, onlyPositionsChanged } from './store';
import { createFlowSelectors } from './derive';
import { validateTopology } from './validate-doc';
import type { EditorState } from './editor-types';

/** The one editor store of this page. */
export const editorStore = createEditorStore();

/** Subscribes a component to part of the editor state. */
export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(editorStore, selector);
}

/**
 * Like useEditor, but keeps the previous value while `equal` says nothing
 * relevant changed (e.g. a node whose position alone changed during a drag).
 */
export function useEditorWith<T>(selector: (s: EditorState) => T, equal: (a: T, b: T) => boolean): T {
  const last = useRef<{ value: T } | null>(null);
  const get = useCallback(() => {
    const value = selector(editorStore.getState());
    if (last.current && equal(last.current.value, value)) return last.current.value;
    last.current = { value };
    return value;
  }, [selector, equal]);
  return useSyncExternalStore(editorStore.subscribe, get, get);
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
  // Moving nodes changes nothing the validator looks at (and a drag must stay smooth).
  if (s.loadSeq === prev.loadSeq && onlyPositionsChanged(prev.doc, s.doc)) return;
  if (timer) clearTimeout(timer);
  // Small documents validate almost at once (inline problems "as you type"); big ones wait for a pause.
  const delay = s.loadSeq !== prev.loadSeq ? 100 : s.doc.nodes.length + s.doc.links.length > 400 ? 250 : 60;
  timer = setTimeout(() => {
    timer = null;
    const doc = editorStore.getState().doc;
    editorStore.getState().setProblems(validateTopology(doc));
  }, delay);
});
