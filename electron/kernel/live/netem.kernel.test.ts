/**
 * lab:netem on the real kernel: the delay set on one end of a link (kept in
 * the document, applied as a difference by the engine) shows up in ping.
 * Needs sch_netem: skipped with the reason where the kernel lacks it (this
 * file name puts it in the VM lane, scripts/kernel-vm/, which has netem).
 *
 * Tolerance: netem never delivers early, so every reply takes at least the
 * delay minus 1 ms; the average grows by the delay with -10 ms / +60 ms of
 * slack for scheduling noise (the upper bound still catches a delay applied
 * in both directions, which would add twice as much).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectCapabilities } from '../capabilities';
import { applyDocument, destroyLab } from '../engine';
import { localEngine } from '../engine';
import { execaRunner } from '../runner';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../test-support/lab-fixture';
import { classicLab } from '../test-support/labs';
import { isRoot, NOT_ROOT_REASON } from '../test-support/scratch-netns';
import { setNetem } from './link-edit';
import { pingInLab } from './ping';

const DELAY = 100;
let p = '';
let run: ReturnType<typeof tempRunDir>;

beforeEach(() => {
  p = uniquePrefix();
  run = tempRunDir();
});
afterEach(async () => {
  try {
    await destroyLab(`${p}-classic`, { runDir: run.dir });
  } finally {
    await cleanupPrefix(p);
    run.remove();
  }
}, 180_000);

describe('lab:netem on the real kernel', () => {
  it(`adds ${DELAY} ms on one end, measured by ping, and removes it again`, async (ctx) => {
    if (!isRoot()) ctx.skip(NOT_ROOT_REASON);
    const caps = await detectCapabilities(execaRunner);
    if (!caps.features.netem) ctx.skip(`this kernel lacks netem: ${caps.details.netem}`);
    const o = { runDir: run.dir };
    const lab = `${p}-classic`;
    const doc = classicLab(p);
    expect((await applyDocument(doc, o)).result?.ok).toBe(true);
    const base = await pingInLab(lab, 'ns1', 'ns2', { ...o, count: 5 });
    expect(base.received, base.output).toBe(5);

    const slow = await setNetem(localEngine, doc, 'l1', 'a', { delayMs: DELAY }, o);
    expect(slow.result?.ok, slow.result?.error).toBe(true);
    expect(slow.topology.links[0].a.netem).toEqual({ delayMs: DELAY });
    // Only the netem line ran.
    expect(slow.result!.changes.map((c) => c.argv[0])).toEqual(['tc']);
    const delayed = await pingInLab(lab, 'ns1', 'ns2', { ...o, count: 5 });
    expect(delayed.received, delayed.output).toBe(5);
    expect(delayed.rtt!.min).toBeGreaterThanOrEqual(DELAY - 1);
    const added = delayed.rtt!.avg - base.rtt!.avg;
    expect(added).toBeGreaterThanOrEqual(DELAY - 10);
    expect(added).toBeLessThanOrEqual(DELAY + 60);

    const cleared = await setNetem(localEngine, slow.topology, 'l1', 'a', null, o);
    expect(cleared.result?.ok, cleared.result?.error).toBe(true);
    expect(cleared.topology.links[0].a.netem).toBeUndefined();
    const fast = await pingInLab(lab, 'ns1', 'ns2', { ...o, count: 5 });
    expect(fast.rtt!.max).toBeLessThan(DELAY - 1);
  });
});
