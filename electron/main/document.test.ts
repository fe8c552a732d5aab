/**
 * The open document in main: title, native Open/Save (dialogs replaced by
 * answers), recent files, and the close prompt waiting for the page's save.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const answers = { save: '' as string | undefined, open: [] as string[], box: 0 };
vi.mock('electron', () => ({
  app: { getPath: () => tmpdir(), addRecentDocument: () => undefined },
  dialog: {
    showSaveDialog: async () => ({ canceled: answers.save === undefined, filePath: answers.save }),
    showOpenDialog: async () => ({ canceled: answers.open.length === 0, filePaths: answers.open }),
    showMessageBox: async () => ({ response: answers.box }),
  },
}));
const { DocumentSession } = await import('./document');
const { SettingsStore } = await import('./settings');

let dir: string;
let titles: string[];
let sent: [string, unknown][];
let doc: InstanceType<typeof DocumentSession>;
let settings: InstanceType<typeof SettingsStore>;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'np-doc-'));
  titles = [];
  sent = [];
  const win = {
    isDestroyed: () => false,
    setTitle: (t: string) => titles.push(t),
    setDocumentEdited: () => undefined,
    setRepresentedFilename: () => undefined,
  };
  settings = new SettingsStore(dir);
  doc = new DocumentSession(
    win as never,
    settings,
    ((e: string, p: unknown) => sent.push([e, p])) as never,
    () => undefined,
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('DocumentSession', () => {
  it('titles the window with the file name and the unsaved marker', () => {
    doc.setState('lab.yaml', true);
    expect(titles.at(-1)).toBe('● lab.yaml (unsaved) — netplumb');
    doc.setState('lab.yaml', false);
    expect(titles.at(-1)).toBe('lab.yaml — netplumb');
  });

  it('Save asks where for a new file, then saves there without asking; both go to recent files', async () => {
    const target = path.join(dir, 'lab.yaml');
    answers.save = target;
    expect(await doc.save({ text: 'name: a\n', suggestedName: 'lab.yaml', mode: 'save' })).toEqual({
      cancelled: false,
      fileName: 'lab.yaml',
    });
    answers.save = undefined; // a second dialog would cancel
    expect(await doc.save({ text: 'name: b\n', suggestedName: 'lab.yaml', mode: 'save' })).toEqual({
      cancelled: false,
      fileName: 'lab.yaml',
    });
    expect(await readFile(target, 'utf8')).toBe('name: b\n');
    expect(settings.get().recent).toEqual([target]);
    expect(await doc.save({ text: 'x', suggestedName: 'other.yaml', mode: 'save-as' })).toEqual({
      cancelled: true,
    });
  });

  it('Export does not change the current file', async () => {
    answers.save = path.join(dir, 'lab.yaml');
    await doc.save({ text: 'a', suggestedName: 'lab.yaml', mode: 'save' });
    answers.save = path.join(dir, 'lab.sh');
    await doc.save({ text: '#!/bin/sh', suggestedName: 'lab.sh', mode: 'export' });
    expect(doc.filePath).toBe(path.join(dir, 'lab.yaml'));
    expect(settings.get().recent).toEqual([path.join(dir, 'lab.yaml')]);
  });

  it('Open reads the chosen file; Open Recent pushes it to the page; a vanished recent file is dropped', async () => {
    const f = path.join(dir, 'open.yaml');
    await writeFile(f, 'name: open\n');
    answers.open = [f];
    expect(await doc.open('open')).toEqual({ cancelled: false, text: 'name: open\n', fileName: 'open.yaml' });
    await doc.openPath(f);
    expect(sent).toEqual([['file:opened', { text: 'name: open\n', fileName: 'open.yaml', purpose: 'open' }]]);
    await rm(f);
    answers.box = 0;
    await doc.openPath(f);
    expect(settings.get().recent).toEqual([]);
  });

  it("closing with unsaved work: Cancel keeps it, Don't save discards, Save waits for the page to report it saved", async () => {
    doc.setState('lab.yaml', true);
    answers.box = 2;
    expect(await doc.confirmDiscard('closing')).toBe(false);
    answers.box = 1;
    expect(await doc.confirmDiscard('closing')).toBe(true);
    answers.box = 0;
    const result = doc.confirmDiscard('closing');
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([['menu:command', { command: 'save' }]]);
    doc.setState('lab.yaml', false);
    expect(await result).toBe(true);
  });
});
