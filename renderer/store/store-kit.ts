/**
 * What the editor store's action groups share (store.ts builds one kit per
 * store): read and write the state, commit a document as an undo step, and
 * reach zundo's history. Typing in one field folds into one step
 * (`session.coalesceKey`); a drag is recorded once when it ends
 * (`session.dragStart`).
 */
import type { StoreApi } from 'zustand';
import type { TemporalState } from 'zundo';
import type { Topology } from '../../shared/model';
import type { EditorState } from './editor-types';

/** The part of the state zundo keeps as history: the document only. */
export type DocHistory = StoreApi<TemporalState<{ doc: Topology }>>;

/** Per-store editing session: what folds into the current undo step. */
export interface EditSession {
  /** The field key of the last commit; a commit with the same key folds into its step. */
  coalesceKey: string | null;
  /** The document as it was when the current drag began (null: no drag). */
  dragStart: Topology | null;
}

/** Shared by every action group of one store. */
export interface StoreKit {
  set(partial: Partial<EditorState>): void;
  get(): EditorState;
  /** zundo's history store (read lazily: it exists once the store is made). */
  history(): DocHistory;
  session: EditSession;
  /** Replaces the document: one undo step, or folded into the previous one for the same key. */
  commit(doc: Topology, key?: string): void;
}

/** Makes the kit of one store. */
export function makeKit(
  set: (partial: Partial<EditorState>) => void,
  get: () => EditorState,
  history: () => DocHistory,
): StoreKit {
  const session: EditSession = { coalesceKey: null, dragStart: null };
  return {
    set,
    get,
    history,
    session,
    commit(doc, key) {
      const t = history().getState();
      const fold = key !== undefined && key === session.coalesceKey;
      session.coalesceKey = key ?? null;
      if (fold) {
        t.pause();
        set({ doc });
        t.resume();
      } else set({ doc });
    },
  };
}
