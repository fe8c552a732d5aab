/**
 * The open document as the main process sees it: its file, whether it has
 * unsaved changes (reported by the page through document:state), the prompt
 * before losing them, and the native Open/Save dialogs.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import type { EventName, EventPayload, Response } from '../../shared/ipc/contract';
import { PlainError } from '../kernel/plain-error';
import { windowTitle } from './policy';
import type { SettingsStore } from './settings';

const MAX_FILE_BYTES = 8 * 1024 * 1024;
const TOPOLOGY_FILTERS = [
  { name: 'netplumb topology', extensions: ['yaml', 'yml', 'json'] },
  { name: 'All files', extensions: ['*'] },
];
const IMPORT_FILTERS = [
  { name: 'containerlab topology', extensions: ['yml', 'yaml'] },
  { name: 'All files', extensions: ['*'] },
];

type Send = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class DocumentSession {
  filePath: string | null = null;
  fileName: string | null = null;
  dirty = false;
  private cleanWaiters: (() => void)[] = [];

  constructor(
    private readonly win: BrowserWindow,
    private readonly settings: SettingsStore,
    private readonly send: Send,
    private readonly onRecentChanged: () => void,
  ) {
    this.updateTitle();
  }

  /** document:state from the page. */
  setState(fileName: string | null, dirty: boolean): void {
    if (fileName === null || (this.filePath && path.basename(this.filePath) !== fileName))
      this.filePath = null;
    this.fileName = fileName;
    this.dirty = dirty;
    this.updateTitle();
    if (!dirty) for (const w of this.cleanWaiters.splice(0)) w();
  }

  private updateTitle(): void {
    if (this.win.isDestroyed()) return;
    this.win.setTitle(windowTitle(this.fileName, this.dirty));
    this.win.setDocumentEdited(this.dirty);
    if (this.filePath) this.win.setRepresentedFilename(this.filePath);
  }

  /**
   * Asks before unsaved work is lost when the window closes (the page asks
   * for everything it starts itself). Save asks the page to save and waits
   * until it reports the document clean (or the user gives up).
   */
  async confirmDiscard(action: string): Promise<boolean> {
    if (!this.dirty || this.win.isDestroyed()) return true;
    const { response } = await dialog.showMessageBox(this.win, {
      type: 'warning',
      buttons: ['Save', "Don't save", 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
      message: `Save the changes to ${this.fileName ?? 'Untitled'} before ${action}?`,
      detail: 'Your changes will be lost if you do not save them.',
    });
    if (response === 2) return false;
    if (response === 1) return true;
    const saved = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5 * 60_000);
      this.cleanWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    this.send('menu:command', { command: 'save' });
    return saved;
  }

  /** Reads a file for the page (size-capped). */
  async readForPage(file: string): Promise<{ text: string; fileName: string }> {
    const st = await stat(file);
    if (!st.isFile()) throw new PlainError(`${file} is not a file`);
    if (st.size > MAX_FILE_BYTES) throw new PlainError(`${path.basename(file)} is larger than 8 MiB`);
    return { text: await readFile(file, 'utf8'), fileName: path.basename(file) };
  }

  /** file:open: native dialog, read (the page has asked about unsaved work). */
  async open(purpose: 'open' | 'import'): Promise<Response<'file:open'>> {
    const r = await dialog.showOpenDialog(this.win, {
      title: purpose === 'open' ? 'Open topology' : 'Import topology',
      properties: ['openFile'],
      filters: purpose === 'open' ? TOPOLOGY_FILTERS : IMPORT_FILTERS,
      defaultPath: this.filePath ? path.dirname(this.filePath) : app.getPath('documents'),
    });
    if (r.canceled || r.filePaths.length === 0) return { cancelled: true };
    const file = r.filePaths[0];
    const got = await this.readForPage(file);
    if (purpose === 'open') this.remember(file);
    return { cancelled: false, ...got };
  }

  /**
   * Open Recent / a file given on the command line: read it and push it to
   * the page, which asks about unsaved work before loading it (file:opened).
   */
  async openPath(file: string): Promise<void> {
    try {
      const got = await this.readForPage(file);
      this.remember(file);
      this.send('file:opened', { ...got, purpose: 'open' });
    } catch (e) {
      this.settings.removeRecent(file);
      this.onRecentChanged();
      await dialog.showMessageBox(this.win, {
        type: 'error',
        message: `Could not open ${path.basename(file)}`,
        detail: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** file:save: to the current file, or ask where (new file, Save As, Export). */
  async save(req: {
    text: string;
    suggestedName: string;
    mode: 'save' | 'save-as' | 'export';
  }): Promise<Response<'file:save'>> {
    let target = req.mode === 'save' ? this.filePath : null;
    if (!target) {
      const base = this.filePath ? path.dirname(this.filePath) : app.getPath('documents');
      const r = await dialog.showSaveDialog(this.win, {
        title: req.mode === 'export' ? 'Export' : 'Save topology',
        defaultPath: path.join(base, path.basename(req.suggestedName || 'lab.yaml')),
        filters: req.mode === 'export' ? [{ name: 'All files', extensions: ['*'] }] : TOPOLOGY_FILTERS,
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      });
      if (r.canceled || !r.filePath) return { cancelled: true };
      target = r.filePath;
    }
    // Written next to the target then renamed, so a crash never leaves half a file.
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
    await writeFile(tmp, req.text, 'utf8');
    await rename(tmp, target);
    if (req.mode !== 'export') this.remember(target);
    return { cancelled: false, fileName: path.basename(target) };
  }

  private remember(file: string): void {
    this.filePath = file;
    this.settings.addRecent(file);
    app.addRecentDocument(file);
    this.onRecentChanged();
  }
}
