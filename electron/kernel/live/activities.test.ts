import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listActivities, readActivity } from './activities';

const SHIPPED = join(import.meta.dirname, '../../../activities');

describe('activities:list / activities:get', () => {
  it('lists the shipped activities with their steps, checks and points, never a key or a solution', async () => {
    const list = await listActivities(SHIPPED);
    expect(list.map((a) => [a.id, a.title, a.steps, a.checks, a.points])).toEqual([
      ['1-bridge', 'The classic bridge', 4, 5, 5],
      ['2-router', 'A router between two subnets', 3, 4, 6],
      ['3-repair', 'Repair the lab', 3, 4, 5],
    ]);
    expect(list.some((a) => /key|solution/.test(a.fileName))).toBe(false);
    expect(await readActivity(SHIPPED, '2-router.key')).toBeUndefined();
    expect(await readActivity(SHIPPED, '2-router')).toEqual(
      expect.objectContaining({
        fileName: '2-router.yaml',
        text: expect.stringContaining('name: act-router'),
      }),
    );
  });

  it('a key or solution with an activity-like name is still not served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netplumb-act-'));
    try {
      writeFileSync(join(dir, '1-a.key.yaml'), 'version: 1\nactivity: a\nchecks: []\n');
      writeFileSync(join(dir, '1-a.solution.yaml'), 'version: 1\nname: a\n');
      expect(await listActivities(dir)).toEqual([]);
      expect(await readActivity(dir, '../1-a')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
