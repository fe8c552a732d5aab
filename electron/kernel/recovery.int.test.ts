/**
 * An apply killed mid-way (SIGKILL) leaves a journal; the next command on the
 * lab finds it, undoes what ran and leaves the host as it was.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, planDocument, statusDocument } from './engine';
import { hostSnapshot, useKernelLab } from './test-support/lab-fixture';
import { richLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const lab = useKernelLab({ beforeEach, afterEach });

async function killedApply(doc: object, k: number) {
  const file = join(lab.run.dir, 'doc.json');
  writeFileSync(file, JSON.stringify(doc));
  const child = await execa(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'test-support/kill-apply.ts'), file, lab.run.dir, String(k)], { reject: false });
  return child;
}

describe.skipIf(!root)(`recovery after a killed apply${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  it('the next command finishes the rollback, for a kill early, in the middle and late', async () => {
    const doc = richLab(lab.p);
    const before = await hostSnapshot(lab.p);
    const plan = await planDocument(doc, { runDir: lab.run.dir });
    const n = plan.changes.length;
    const sysctl = plan.changes.findIndex((c) => !c.batch);
    for (const k of [0, 3, sysctl, Math.floor(n * 0.7), n - 1]) {
      const child = await killedApply(doc, k);
      expect(child.signal, `kill at step ${k}: ${child.stderr}`).toBe('SIGKILL');
      expect(existsSync(join(lab.run.dir, 'labs', doc.name, 'journal.jsonl'))).toBe(true);
      const notices: string[] = [];
      const s = await statusDocument(doc, { runDir: lab.run.dir, onNotice: (m) => notices.push(m) });
      expect(notices.join(' ')).toMatch(new RegExp(`An apply of lab "${doc.name}" .* was interrupted after \\d+ of ${n} steps`));
      expect(s.applied).toBe(false);
      expect(existsSync(join(lab.run.dir, 'labs', doc.name, 'journal.jsonl'))).toBe(false);
      expect(await hostSnapshot(lab.p), `host after kill at step ${k}: ${plan.changes[k].argv.join(' ')}`).toEqual(before);
    }
  }, 300_000);

  it('destroy always works on a half-applied lab', async () => {
    const doc = richLab(lab.p);
    const plan = await planDocument(doc, { runDir: lab.run.dir });
    await killedApply(doc, Math.floor(plan.changes.length / 2));
    await destroyLab(doc.name, { runDir: lab.run.dir });
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
    // And a lab applied over a crashed one comes up whole.
    await killedApply(doc, 5);
    const a = await applyDocument(doc, { runDir: lab.run.dir });
    expect(a.result?.ok).toBe(true);
    expect((await statusDocument(doc, { runDir: lab.run.dir })).inSync).toBe(true);
  }, 120_000);
});
