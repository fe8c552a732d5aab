/**
 * Desktop "Download" of a saved capture: a native Save as dialog, then a
 * copy of the user's own capture file (checked by captureFilePath) to where
 * they picked. The browser mode downloads it from `netplumb serve` instead.
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import { captureFilePath } from '../kernel/live/capture-files';

/** Asks where to save capture `name` and copies it there. */
export async function saveCaptureAs(
  win: BrowserWindow | null,
  name: string,
): Promise<{ cancelled: boolean; path?: string }> {
  const from = captureFilePath(name);
  const opts = {
    title: 'Save capture',
    defaultPath: path.join(app.getPath('downloads'), name),
    filters: [{ name: 'Packet capture', extensions: ['pcap'] }],
    properties: ['showOverwriteConfirmation', 'createDirectory'] as Array<
      'showOverwriteConfirmation' | 'createDirectory'
    >,
  };
  const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
  if (r.canceled || !r.filePath) return { cancelled: true };
  await copyFile(from, r.filePath);
  return { cancelled: false, path: r.filePath };
}
