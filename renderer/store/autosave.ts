/**
 * Autosave and restore. While a drawing has unsaved changes its text is kept
 * (browser mode: the browser's localStorage; desktop: the recovery file via
 * recovery:load/save), a second after each edit and when the page goes away.
 * On the next start the newest drawing left by an earlier page is offered
 * back. Each page keeps its own entry, so two tabs never overwrite each other.
 */
import { create } from 'zustand';
import * as z from 'zod';
import { getApi } from '../api';
import { selectDirty } from './store';
import { editorStore } from './editor';
import { toast, useUi } from './ui-store';
import { documentTextOffThread } from './serialize-off-thread';

/** One autosaved drawing. */
export const RecoveryEntry = z.object({
  session: z.string().max(64),
  text: z.string(),
  fileName: z.string().max(4096).nullable(),
  lab: z.string().max(256),
  nodes: z.number().int().min(0),
  savedAt: z.number(),
});
export type RecoveryEntry = z.infer<typeof RecoveryEntry>;
const RecoveryList = z.array(RecoveryEntry).max(50);

/** Entries older than this are forgotten. */
const MAX_AGE_MS = 14 * 24 * 3600_000;
const MAX_ENTRIES = 8;
const STORAGE_KEY = 'netplumb.recovery';

/** Reads a stored list; anything unreadable counts as empty (pure). */
export function parseRecovery(text: string | null, now: number): RecoveryEntry[] {
  if (!text) return [];
  try {
    const r = RecoveryList.safeParse(JSON.parse(text));
    return r.success ? r.data.filter((e) => now - e.savedAt < MAX_AGE_MS) : [];
  } catch {
    return [];
  }
}

/** The list with `entry` put in for its session (or the session's entry removed when `entry` is null), newest first (pure). */
export function upsertRecovery(
  list: RecoveryEntry[],
  session: string,
  entry: RecoveryEntry | null,
): RecoveryEntry[] {
  const rest = list.filter((e) => e.session !== session);
  return (entry ? [entry, ...rest] : rest).sort((a, b) => b.savedAt - a.savedAt).slice(0, MAX_ENTRIES);
}

/** Where recovery text lives. */
interface Backend {
  load(): Promise<string | null>;
  save(text: string): Promise<void>;
  /** Saves now, without waiting (the page is going away); false when it cannot. */
  saveNow(text: string): boolean;
}

const isDesktop = () =>
  useUi.getState().info?.mode === 'electron' || (typeof window !== 'undefined' && !!window.netplumb);

function backend(): Backend {
  if (isDesktop()) {
    return {
      load: async () => {
        const r = await getApi()['recovery:load']({});
        return r.ok ? r.value.text : null;
      },
      save: async (text) => {
        const r = await getApi()['recovery:save']({ text });
        if (!r.ok) throw new Error(r.error);
      },
      saveNow: (text) => (void getApi()['recovery:save']({ text }), true),
    };
  }
  const put = (text: string) => {
    if (text === '[]') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, text);
  };
  return {
    load: async () => localStorage.getItem(STORAGE_KEY),
    save: async (text) => put(text),
    saveNow: (text) => {
      try {
        put(text);
        return true;
      } catch {
        return false;
      }
    },
  };
}

export interface RecoveryState {
  /** A drawing an earlier page left unsaved, offered back (null: none, or answered). */
  offer: RecoveryEntry | null;
  /** The last autosave failed (the page then asks before closing). */
  failed: boolean;
  set(p: Partial<RecoveryState>): void;
}

/** The autosave store. */
export const useRecovery = create<RecoveryState>()((set) => ({
  offer: null,
  failed: false,
  set: (p) => set(p),
}));

const session = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
let list: RecoveryEntry[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;
let started = false;

/** The entry of the drawing in state `s`, with its file text. */
function entryOf(s: ReturnType<typeof editorStore.getState>, text: string): RecoveryEntry {
  return {
    session,
    text,
    fileName: s.fileName,
    lab: s.doc.name,
    nodes: s.doc.nodes.length,
    savedAt: Date.now(),
  };
}

/**
 * The entry now (null when nothing is unsaved), its text written off the
 * main thread (serialize-off-thread.ts): a big drawing's autosave never
 * freezes the page. A later edit is kept by the autosave it starts.
 */
async function currentEntry(): Promise<RecoveryEntry | null> {
  const s = editorStore.getState();
  if (!selectDirty(s)) return null;
  const text = await documentTextOffThread(s.doc, s.fileName, s.originalText);
  // Saved meanwhile: nothing left to keep.
  return selectDirty(editorStore.getState()) ? entryOf(s, text) : null;
}

async function saveSoon(): Promise<void> {
  timer = null;
  try {
    const entry = await currentEntry();
    // Re-read first: another tab (or window) may have written its own entry since.
    list = upsertRecovery(parseRecovery(await backend().load(), Date.now()), session, entry);
    await backend().save(JSON.stringify(list));
    useRecovery.getState().set({ failed: false });
  } catch (e) {
    if (!useRecovery.getState().failed)
      toast(
        `Autosave failed: ${e instanceof Error ? e.message : String(e)}. Save the drawing to keep it.`,
        'error',
      );
    useRecovery.getState().set({ failed: true });
  }
}

/** Saves the current drawing at once (the page is being closed); true when it is safely kept. */
export function flushAutosave(): boolean {
  if (!started) return false;
  if (timer) clearTimeout(timer);
  timer = null;
  // The page is going away: written now, on this thread.
  const s = editorStore.getState();
  list = upsertRecovery(list, session, selectDirty(s) ? entryOf(s, s.toDocument()) : null);
  return backend().saveNow(JSON.stringify(list));
}

/**
 * Reads what earlier pages left, offers the newest, and starts autosaving.
 * Returns the offer (if any).
 */
export async function startAutosave(): Promise<RecoveryEntry | null> {
  if (started) return useRecovery.getState().offer;
  let text: string | null = null;
  try {
    text = await backend().load();
  } catch {
    text = null;
  }
  list = parseRecovery(text, Date.now());
  const offer = list.find((e) => e.session !== session) ?? null;
  useRecovery.getState().set({ offer });
  started = true;
  editorStore.subscribe((s, prev) => {
    if (s.doc === prev.doc && s.savedDoc === prev.savedDoc) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void saveSoon(), 1000);
  });
  return offer;
}

/** Restores the offered drawing (as unsaved work) and forgets the entry. */
export function restoreOffered(): RecoveryEntry | null {
  const offer = useRecovery.getState().offer;
  if (!offer) return null;
  const st = editorStore.getState();
  const r = st.loadDocument(offer.text, offer.fileName);
  if (!r.ok) {
    toast(`Could not restore the drawing: ${r.problems[0]?.message ?? 'unreadable'}`, 'error');
    return null;
  }
  // Still unsaved: the restored drawing differs from any file until it is saved.
  editorStore.setState({ savedDoc: { ...editorStore.getState().doc } });
  dismissOffered();
  toast(`Restored ${offer.fileName ?? `the unsaved drawing of lab ${offer.lab}`}`);
  return offer;
}

/** Forgets the offered drawing. */
export function dismissOffered(): void {
  const offer = useRecovery.getState().offer;
  useRecovery.getState().set({ offer: null });
  if (!offer) return;
  list = list.filter((e) => e.session !== offer.session);
  void backend()
    .save(JSON.stringify(list))
    .catch(() => undefined);
}
