/**
 * What the page does once it starts: reads the labs on this host (for the
 * reattach offer and fresh names), reads what autosave left (the restore
 * offer), and names the empty drawing after no running lab.
 */
import { useEffect } from 'react';
import { selectDirty } from '../store/store';
import { startAutosave } from '../store/autosave';
import { editorStore } from '../store/editor';
import { refreshLabs, untitledName } from '../store/labs-store';

let once: Promise<void> | null = null;

/** Runs the start-up reads once per page. */
export function startUp(): Promise<void> {
  once ??= (async () => {
    await Promise.all([refreshLabs(), startAutosave()]);
    const s = editorStore.getState();
    // A page that starts empty gets a name no running lab has (never "lab" again and again).
    if (!selectDirty(s) && !s.doc.nodes.length && !s.fileName) s.newDocument(untitledName());
  })();
  return once;
}

/** Hook form, for the app shell. */
export function useStartUp(): void {
  useEffect(() => {
    void startUp();
  }, []);
}
