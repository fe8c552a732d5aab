import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECENT, SettingsStore } from './settings';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'np-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SettingsStore', () => {
  it('starts from defaults, remembers window size and recent files across instances', async () => {
    const s = new SettingsStore(dir);
    expect(s.get()).toEqual({
      window: { width: 1280, height: 800, maximized: false },
      recent: [],
      theme: 'system',
    });
    s.update((x) => ({ ...x, window: { width: 900, height: 700, x: 10, y: 20, maximized: true } }));
    s.addRecent('/a.yaml');
    s.addRecent('/b.yaml');
    s.addRecent('/a.yaml');
    const again = new SettingsStore(dir);
    expect(again.get().window).toEqual({ width: 900, height: 700, x: 10, y: 20, maximized: true });
    expect(again.get().recent).toEqual(['/a.yaml', '/b.yaml']);
  });

  it('keeps at most MAX_RECENT recent files', () => {
    const s = new SettingsStore(dir);
    for (let i = 0; i < MAX_RECENT + 5; i++) s.addRecent(`/f${i}.yaml`);
    expect(s.get().recent.length).toBe(MAX_RECENT);
    expect(s.get().recent[0]).toBe(`/f${MAX_RECENT + 4}.yaml`);
  });

  it('falls back to defaults on a damaged file and ignores invalid updates', async () => {
    await writeFile(path.join(dir, 'settings.json'), '{"window": {"width": "huge"}');
    const s = new SettingsStore(dir);
    expect(s.get().window.width).toBe(1280);
    s.update((x) => ({ ...x, theme: 'neon' as never }));
    expect(s.get().theme).toBe('system');
    s.update((x) => ({ ...x, theme: 'dark' }));
    expect(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')).theme).toBe('dark');
  });
});
