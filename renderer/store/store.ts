/**
 * The editor store (zustand + zundo). It owns the topology document; React
 * Flow's nodes and edges are derived from it (derive.ts). Every document edit
 * is one undo step: typing in one field is coalesced into one step, and a drag
 * is recorded once when it ends, not per pixel. The actions are grouped by
 * what they do: document edits in store-edits.ts, selection, history and
 * files in store-session.ts; store-kit.ts is what they share.
 */
import { create } from 'zustand';
import { temporal } from 'zundo';
import type { Topology } from '../../shared/model';
import { emptyDocument } from '../../shared/edit/document';
import type { EditorState } from './editor-types';
import { fieldEdits, fragmentEdits, linkEdits } from './store-edits';
import { makeKit } from './store-kit';
import {
  dragActions,
  fileActions,
  historyActions,
  selectionActions,
  UNDO_LIMIT,
  viewActions,
} from './store-session';

export type { EditorState } from './editor-types';
export { emptyDocument, onlyPositionsChanged, sameButPosition } from '../../shared/edit/document';
export { UNDO_LIMIT } from './store-session';

/** The state of a fresh store: the document as opened, nothing selected, default view. */
function initialState(initial: Topology): Omit<EditorState, keyof EditorActions> {
  return {
    doc: initial,
    savedDoc: initial,
    fileName: null,
    originalText: null,
    selection: { nodes: [], links: [] },
    problems: [],
    status: null,
    prefs: { snapToGrid: true, minimap: true, theme: 'system' },
    clipboard: null,
    focusRequest: null,
    measured: {},
    loadSeq: 0,
  };
}

/** The methods of the store. */
type EditorActions = {
  [K in keyof EditorState as EditorState[K] extends (...a: never[]) => unknown ? K : never]: EditorState[K];
};

/** Creates an editor store (the app uses one; tests make their own). */
export function createEditorStore(initial: Topology = emptyDocument()) {
  const store = create<EditorState>()(
    temporal(
      (set, get) => {
        const kit = makeKit(set, get, () => store.temporal);
        return {
          ...initialState(initial),
          ...fieldEdits(kit),
          ...linkEdits(kit),
          ...fragmentEdits(kit),
          ...selectionActions(kit),
          ...dragActions(kit),
          ...historyActions(kit),
          ...fileActions(kit),
          ...viewActions(kit),
        };
      },
      {
        // Only the document is history; selection, problems and prefs are not undone.
        partialize: (s) => ({ doc: s.doc }),
        equality: (a, b) => a.doc === b.doc,
        limit: UNDO_LIMIT,
      },
    ),
  );
  return store;
}

/** The store type. */
export type EditorStore = ReturnType<typeof createEditorStore>;

/** True when the document differs from the last opened/saved one. */
export const selectDirty = (s: EditorState) => s.doc !== s.savedDoc;
