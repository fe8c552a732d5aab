/**
 * State of the live lab panels (not part of the document, never undone):
 * open terminals, the bottom panel's tab, check results, link rates for the
 * animation, the step-mode trace and its current hop.
 */
import { create } from 'zustand';
import type { Response } from '../../../shared/ipc/contract';
import { editorStore, useEditor } from '../../store/editor';

export type CheckResults = Response<'lab:check'>;
export type LiveSample = Response<'lab:live'>;
export type TraceResult = Response<'lab:trace'>;

/** One terminal tab. */
export interface TermTab {
  id: string;
  nodeId: string;
  title: string;
  /** Set once the shell ended (the tab stays so its output can be read). */
  exited?: string;
  /** Why this terminal has no real pty (node-pty missing), shown above it. */
  notice?: string;
}

/** A link's traffic as the canvas animates it. */
export interface EdgeTraffic {
  /** 'ab' when more goes from end a to end b, else 'ba'. */
  dir: 'ab' | 'ba';
  /** 1 (a trickle) .. 4 (busy): thickness and animation speed. */
  level: 1 | 2 | 3 | 4;
  bytesPerSec: number;
}

export type BottomTab = 'terminals' | 'tables' | 'checks' | 'tools' | 'trace';

export interface LiveState {
  bottomOpen: boolean;
  tab: BottomTab;
  terms: TermTab[];
  activeTerm: string | null;
  checks: CheckResults | null;
  checksRunning: boolean;
  checksError?: string;
  traffic: Record<string, EdgeTraffic>;
  trace: TraceResult | null;
  traceStep: number;
  /** Node/link of the current step-mode hop (highlighted on the canvas). */
  highlight: { nodeId?: string; linkId?: string } | null;
  /** Lesson step shown in the side panel (-1: panel closed). */
  lessonStep: number;
  /** The Lessons… (New from lesson) dialog is open. */
  lessonsDialog: boolean;
  /** Source and target chosen for ping/traceroute/step mode. */
  pickFrom: string;
  pickTo: string;
  set(p: Partial<LiveState>): void;
}

/** The live panels' store. */
export const useLive = create<LiveState>()((set) => ({
  bottomOpen: false,
  tab: 'tables',
  terms: [],
  activeTerm: null,
  checks: null,
  checksRunning: false,
  traffic: {},
  trace: null,
  traceStep: 0,
  highlight: null,
  lessonStep: -1,
  lessonsDialog: false,
  pickFrom: '',
  pickTo: '',
  set: (p) => set(p),
}));

/** The lab name when the kernel side said the document is applied, else null. */
export function appliedLab(): string | null {
  const st = editorStore.getState();
  return st.status?.applied && st.status.doc.name === st.doc.name ? st.doc.name : null;
}

/** React hook form of appliedLab(). */
export function useAppliedLab(): string | null {
  const applied = useEditor((s) => !!s.status?.applied && s.status.doc.name === s.doc.name);
  const name = useEditor((s) => s.doc.name);
  return applied ? name : null;
}

/** Opens the bottom panel on a tab. */
export function showTab(tab: BottomTab): void {
  useLive.getState().set({ bottomOpen: true, tab });
}
