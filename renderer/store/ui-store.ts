/**
 * UI state that is not part of the document: app info, open dialog, plan and
 * apply results, live mode, status polling, toasts.
 */
import { create } from 'zustand';
import type { ApplyResult, EventPayload, Response } from '../../shared/ipc/contract';
import type { Change } from '../../shared/plan/change';
import type { Problem } from '../../shared/validate/problem';
import type { z } from 'zod';

export type AppInfo = Response<'app:info'>;
export type DialogName =
  'plan' | 'apply' | 'destroy' | 'help' | 'generate' | 'discard' | 'examples' | 'export' | 'labs' | null;

export interface PlanState {
  loading: boolean;
  changes: Change[];
  problems: Problem[];
  error?: string;
}

export interface ApplyState {
  running: boolean;
  progress: EventPayload<'apply:progress'> | null;
  /** Finished steps, newest last (from progress events). */
  steps: { text: string; phase: 'apply' | 'rollback' }[];
  result?: z.infer<typeof ApplyResult>;
  problems: Problem[];
  error?: string;
  /** Planning first, to see whether Apply would delete or change a running lab's objects. */
  checking?: boolean;
  /** Apply is waiting for the user: these changes delete or alter objects of the running lab. */
  confirm?: { lab: string; changes: Change[]; total: number };
}

export interface UiState {
  info: AppInfo | null;
  infoError?: string;
  dialog: DialogName;
  plan: PlanState;
  apply: ApplyState;
  destroy: { running: boolean; removed?: string[]; error?: string };
  statusOn: boolean;
  statusBusy: boolean;
  statusError?: string;
  /** The running lab this drawing was last seen applied as (kept across a rename, cleared when another document opens). */
  attachedLab?: string;
  liveMode: boolean;
  live: { state: 'idle' | 'applying' | 'ok' | 'error'; text: string };
  toast: { text: string; kind: 'info' | 'error' } | null;
  /** What to do when the user agrees to discard unsaved changes. */
  onDiscard: (() => void) | null;
  set(p: Partial<UiState>): void;
}

/** The UI store. */
export const useUi = create<UiState>()((set) => ({
  info: null,
  dialog: null,
  plan: { loading: false, changes: [], problems: [] },
  apply: { running: false, progress: null, steps: [], problems: [] },
  destroy: { running: false },
  statusOn: false,
  statusBusy: false,
  liveMode: false,
  live: { state: 'idle', text: '' },
  toast: null,
  onDiscard: null,
  set: (p) => set(p),
}));

/** Shows a short message at the bottom of the window. */
export function toast(text: string, kind: 'info' | 'error' = 'info') {
  useUi.getState().set({ toast: { text, kind } });
}
