/**
 * Open and Save. In the desktop app they go through the main process' native
 * dialogs (file:open / file:save); in the browser they use a file input and a
 * download, since a web page cannot write files.
 */
import { getApi } from '../api';
import { editorStore } from './editor';
import { selectDirty } from './store';
import { toast, useUi } from './ui-store';
import { untitledName } from './labs-store';

/** The desktop app (native dialogs), known from app:info, or from the preload's API before it answers. */
const isDesktop = () => {
  const info = useUi.getState().info;
  return info ? info.mode === 'electron' : typeof window !== 'undefined' && !!window.netplumb;
};

/** Runs `then` now, or after the user agrees to lose unsaved changes. */
export function confirmDiscard(then: () => void): void {
  if (!selectDirty(editorStore.getState())) return then();
  useUi.getState().set({ dialog: 'discard', onDiscard: then });
}

/** Loads file text into the editor, reporting unreadable files in plain words. */
export function openText(text: string, fileName: string | null): boolean {
  const r = editorStore.getState().loadDocument(text, fileName);
  if (!r.ok) {
    const first = r.problems[0];
    const where = first?.line ? ` (line ${first.line})` : '';
    toast(
      `Could not open ${fileName ?? 'the file'}: ${first?.message ?? 'unreadable'}${where}${r.problems.length > 1 ? ` and ${r.problems.length - 1} more problem(s)` : ''}`,
      'error',
    );
    return false;
  }
  toast(
    r.imported
      ? `Imported ${fileName ?? 'the file'} (Save writes a new netplumb file)`
      : `Opened ${fileName ?? 'the file'}`,
  );
  return true;
}

let fileInput: HTMLInputElement | null = null;

/** Registers the page's hidden file input (browser mode). */
export function registerFileInput(el: HTMLInputElement | null): void {
  fileInput = el;
}

/** Reads the file picked in the browser's file input. */
export async function onFilePicked(file: File): Promise<void> {
  if (file.size > 8 * 1024 * 1024) return toast(`${file.name} is larger than 8 MiB`, 'error');
  openText(await file.text(), file.name);
}

/** The Open button. */
export function openFile(): void {
  confirmDiscard(async () => {
    if (!isDesktop()) {
      fileInput?.click();
      return;
    }
    const r = await getApi()['file:open']({ purpose: 'open' });
    if (!r.ok) return toast(r.error, 'error');
    if (r.value.cancelled || r.value.text === undefined) return;
    openText(r.value.text, r.value.fileName ?? null);
  });
}

/** The Save button (and Save As / Export from the desktop menu). */
export async function saveFile(mode: 'save' | 'save-as' | 'export' = 'save'): Promise<void> {
  const st = editorStore.getState();
  const suggestedName = st.fileName ?? `${st.doc.name || 'lab'}.yaml`;
  const text = st.toDocument();
  const doc = st.doc;
  if (isDesktop()) {
    const r = await getApi()['file:save']({ text, suggestedName, mode });
    if (!r.ok) return toast(r.error, 'error');
    if (r.value.cancelled) return;
    // Only what was written counts as saved (edits made while the dialog was open stay unsaved).
    if (editorStore.getState().doc === doc)
      editorStore.getState().markSaved(r.value.fileName ?? suggestedName, text);
    toast(`Saved ${r.value.fileName ?? suggestedName}`);
    return;
  }
  const blob = new Blob([text], {
    type: suggestedName.endsWith('.json') ? 'application/json' : 'application/yaml',
  });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = suggestedName.split('/').pop() ?? 'lab.yaml';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  editorStore.getState().markSaved(suggestedName, text);
  toast(`Saved ${a.download} (downloaded)`);
}

/** New, empty document. */
export function newDocument(): void {
  confirmDiscard(() => editorStore.getState().newDocument(untitledName()));
}

/** Opens one of the bundled examples. */
export function openExample(id: string): void {
  confirmDiscard(async () => {
    const r = await getApi()['examples:get']({ id });
    if (!r.ok) return toast(r.error, 'error');
    openText(r.value.text, null);
  });
}
