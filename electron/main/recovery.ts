/**
 * The recovery file: what the page autosaves while a drawing is unsaved
 * (userData/recovery.json, written atomically, readable by this user only),
 * offered again on the next start. The page owns its format; this module
 * only stores the text.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Reads and writes one recovery file in `dir`. */
export class RecoveryFile {
  readonly file: string;
  constructor(dir: string) {
    this.file = path.join(dir, 'recovery.json');
  }

  load(): string | null {
    try {
      return readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
  }

  /** Writes `text` (an empty text removes the file: nothing left to recover). */
  save(text: string): void {
    if (!text) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Why 0600 and a rename: drawings may name hosts and addresses; a crash mid-write must not leave half a file.
    writeFileSync(this.file + '.tmp', text, { mode: 0o600 });
    renameSync(this.file + '.tmp', this.file);
  }
}
