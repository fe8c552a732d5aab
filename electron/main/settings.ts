/**
 * What the app remembers between runs (window size, recent files, theme):
 * JSON in app.getPath('userData')/settings.json, written atomically.
 * Read with a schema: a damaged file falls back to defaults, never crashes.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';

export const MAX_RECENT = 10;

const Bounds = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
});

export const Settings = z.object({
  window: Bounds.extend({ maximized: z.boolean().default(false) }).default({
    width: 1280,
    height: 800,
    maximized: false,
  }),
  recent: z.array(z.string().max(4096)).max(MAX_RECENT).default([]),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
});
export type Settings = z.infer<typeof Settings>;

/** Loads and saves the settings file in `dir`. */
export class SettingsStore {
  readonly file: string;
  private data: Settings;

  constructor(dir: string) {
    this.file = path.join(dir, 'settings.json');
    this.data = SettingsStore.read(this.file);
  }

  private static read(file: string): Settings {
    try {
      const r = Settings.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (r.success) return r.data;
    } catch {
      // missing or unreadable: defaults
    }
    return Settings.parse({});
  }

  get(): Settings {
    return this.data;
  }

  update(change: (s: Settings) => Settings): void {
    const next = Settings.safeParse(change(structuredClone(this.data)));
    if (!next.success) return;
    this.data = next.data;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (e) {
      console.error('netplumb: could not save settings', e);
    }
  }

  /** Puts `file` first in the recent list (unique, at most MAX_RECENT). */
  addRecent(file: string): void {
    this.update((s) => ({
      ...s,
      recent: [file, ...s.recent.filter((f) => f !== file)].slice(0, MAX_RECENT),
    }));
  }

  removeRecent(file: string): void {
    this.update((s) => ({ ...s, recent: s.recent.filter((f) => f !== file) }));
  }
}
