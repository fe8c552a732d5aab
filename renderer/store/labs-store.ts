/**
 * The labs this host runs (lab:list) as the page knows them, and unique names
 * for new drawings (`untitled-N`), so that a new drawing never plans the
 * deletion of an earlier lab that happened to have the same name.
 */
import { create } from 'zustand';
import type { LabSummary } from '../../shared/ipc/contract';
import type { z } from 'zod';
import { getApi } from '../api';
import { editorStore } from './editor';

export type LabInfo = z.infer<typeof LabSummary>;

export interface LabsState {
  /** The last answer of lab:list (null: not read yet). */
  labs: LabInfo[] | null;
  loading: boolean;
  error?: string;
  /** The "labs are running on this host" offer was answered or dismissed. */
  offerDismissed: boolean;
  set(p: Partial<LabsState>): void;
}

/** The labs store. */
export const useLabs = create<LabsState>()((set) => ({
  labs: null,
  loading: false,
  offerDismissed: false,
  set: (p) => set(p),
}));

/** Reads the labs on this host. */
export async function refreshLabs(): Promise<LabInfo[] | null> {
  useLabs.getState().set({ loading: true });
  const r = await getApi()['lab:list']({});
  if (!r.ok) {
    useLabs.getState().set({ loading: false, error: r.error });
    return null;
  }
  const labs = [...r.value.labs].sort((a, b) => a.name.localeCompare(b.name));
  useLabs.getState().set({ loading: false, error: undefined, labs });
  return labs;
}

const COUNTER_KEY = 'netplumb.untitled';

/**
 * The next `untitled-N` after `counter` that is not in `taken` (pure).
 * Names are never reused within a browser profile, and never collide with a
 * lab the host is running.
 */
export function nextUntitled(counter: number, taken: Iterable<string>): { name: string; counter: number } {
  const t = new Set(taken);
  let n = Number.isInteger(counter) && counter > 0 ? counter : 0;
  do n++;
  while (t.has(`untitled-${n}`));
  return { name: `untitled-${n}`, counter: n };
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** A fresh name for a new drawing (remembered, so the next one differs). */
export function untitledName(): string {
  const st = storage();
  const taken = [...(useLabs.getState().labs ?? []).map((l) => l.name), editorStore.getState().doc.name];
  const r = nextUntitled(Number(st?.getItem(COUNTER_KEY) ?? 0), taken);
  try {
    st?.setItem(COUNTER_KEY, String(r.counter));
  } catch {
    // A full or disabled storage only costs name memory across reloads.
  }
  return r.name;
}

/** Labs running on this host that the current drawing is not (what the reattach offer names). */
export function otherRunningLabs(labs: LabInfo[] | null, current: string): LabInfo[] {
  return (labs ?? []).filter((l) => l.name !== current && l.state !== 'unknown');
}

/** What the offer says of a lab that is not simply running (its namespaces went by hand, an apply stopped). */
const NOT_RUNNING: Partial<Record<LabInfo['state'], string>> = {
  partial: 'partly there',
  'rolling-back': 'rolling back',
};

/**
 * The reattach offer's sentence: "running" only when every lab named is
 * (a lab whose namespaces were deleted by hand is on the host, partly, not
 * running), at most four names and how many more.
 */
export function otherLabsText(others: readonly LabInfo[]): string {
  const named = others
    .slice(0, 4)
    .map((l) => (NOT_RUNNING[l.state] ? `${l.name} (${NOT_RUNNING[l.state]})` : l.name))
    .join(', ');
  const more = others.length > 4 ? ` and ${others.length - 4} more` : '';
  const running = others.every((l) => l.state === 'applied');
  const subject = others.length === 1 ? 'A lab is' : `${others.length} labs are`;
  return `${subject} ${running ? 'running on' : 'on'} this host: ${named}${more}.`;
}
