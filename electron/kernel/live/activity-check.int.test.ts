/**
 * "Check my work" on the real kernel (root): the visible checks of a
 * student's applied activity are run and scored; nothing is applied by the
 * check itself, and a lab that is not applied is refused in plain words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { prefixTopology, parseTopology } from '../../../shared/model';
import { applyDocument, destroyLab } from '../engine';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../test-support/scratch-netns';
import { checkActivityDocument } from './activity-check';

const ROOT = join(import.meta.dirname, '../../..');
const root = isRoot();
const tag = uniquePrefix();
const run = tempRunDir();
const prefix = `${tag}-`;

describe.skipIf(!root)(`activity:check${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  afterAll(async () => {
    try {
      await destroyLab(`${prefix}act-router`, { runDir: run.dir });
    } finally {
      await cleanupPrefix(tag);
      run.remove();
    }
  }, 120_000);

  it("scores the visible checks of the running lab, 6/6 for the solution, with the user's prefix", async () => {
    const activity = parse(readFileSync(join(ROOT, 'activities/2-router.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const solution = parse(readFileSync(join(ROOT, 'activities/2-router.solution.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const studentDoc = { ...solution, activity: activity.activity };
    await expect(checkActivityDocument(studentDoc, prefix, { runDir: run.dir })).rejects.toThrow(
      `lab "${prefix}act-router" is not applied on this host`,
    );
    const parsed = parseTopology(studentDoc);
    if (!parsed.ok) throw new Error('fixture');
    const px = prefixTopology(parsed.topology, prefix);
    if (!px.ok) throw new Error(px.problems[0].message);
    const applied = await applyDocument(px.topology, { runDir: run.dir });
    expect(applied.result?.ok).toBe(true);
    const r = await checkActivityDocument(studentDoc, prefix, { runDir: run.dir });
    expect([r.lab, r.score, r.max]).toEqual([`${prefix}act-router`, 6, 6]);
    expect(r.checks.map((c) => [c.id, c.status, c.hidden])).toEqual([
      ['reach-h1-h2', 'pass', false],
      ['reach-h2-h1', 'pass', false],
      ['gw-h1', 'pass', false],
      ['path-h1-h2', 'pass', false],
    ]);
    await expect(checkActivityDocument(solution, prefix, { runDir: run.dir })).rejects.toThrow(
      /not an activity/,
    );
    await expect(checkActivityDocument(studentDoc, 'Bad Prefix', { runDir: run.dir })).rejects.toThrow(
      /lower-case/,
    );
  }, 120_000);
});
