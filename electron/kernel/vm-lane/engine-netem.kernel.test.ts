/**
 * netem on a link through the engine (applyDocument), as the product offers it:
 * a two-namespace lab whose link end gets a delay, then a larger delay, then total
 * loss, then none, each by applying the edited document. The kernel must show the
 * qdisc the file asks for, ping must feel it (tolerance as in netem.kernel.test.ts),
 * and each edit must change the qdisc in place (the link is never recreated).
 * Skipped with the reason on kernels without netem.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Netem } from '../../../shared/model';
import { applyDocument, destroyLab } from '../engine';
import { execaRunner } from '../runner';
import { isRoot, Lab, median, uniqueName, noPingReason } from './lab';
import { laneFeatures, missingReason } from './probe';

const features = await laneFeatures();
const noPing = await noPingReason();

function lab(name: string, left: string, right: string, netem?: Netem) {
  return {
    version: 1,
    name,
    nodes: [
      { name: left, kind: 'namespace' },
      { name: right, kind: 'namespace' },
    ],
    links: [
      {
        id: 'cable',
        a: { node: left, ifname: 'eth0', addresses: ['10.88.0.1/24'], ...(netem ? { netem } : {}) },
        b: { node: right, ifname: 'eth0', addresses: ['10.88.0.2/24'] },
      },
    ],
  };
}

describe('netem through the engine (real kernel)', () => {
  it('applies a delay, changes it live to more delay and to total loss, and removes it', async (ctx) => {
    ctx.skip(!isRoot, 'needs root to create network namespaces');
    ctx.skip(!!noPing, noPing);
    const why = missingReason(features, 'netem');
    ctx.skip(!!why, why);
    const name = `netem-${randomBytes(3).toString('hex')}`;
    const [left, right] = [uniqueName(), uniqueName()];
    const runDir = mkdtempSync(join(tmpdir(), 'np-engine-'));
    const probe = new Lab();
    const apply = async (netem?: Netem) => {
      const r = await applyDocument(lab(name, left, right, netem), { runDir });
      expect(
        r.problems.filter((p) => p.severity === 'error'),
        JSON.stringify(r.problems),
      ).toEqual([]);
      expect(r.result?.ok, r.result?.ok === false ? r.result.error : 'applied').toBe(true);
      return r.result!;
    };
    const ifindex = async () =>
      (
        JSON.parse((await probe.ip(left, '-j', 'link', 'show', 'dev', 'eth0')).stdout) as {
          ifindex: number;
        }[]
      )[0].ifindex;
    const netemOn = async () => (await probe.qdiscs(left, 'eth0')).filter((q) => q.kind === 'netem');
    const rtts = async (count = 5) => {
      const p = await probe.ping(left, '10.88.0.2', { count });
      expect(p.received, p.output).toBe(count);
      return p.rttMs;
    };
    try {
      await apply();
      const baseline = median(await rtts());
      const index = await ifindex();

      const added = await apply({ delayMs: 100 });
      expect(added.changes.map((c) => c.target.kind)).toContain('netem');
      expect(await netemOn()).toMatchObject([{ options: { delay: { delay: 0.1 } } }]);
      const slow = await rtts();
      for (const t of slow) expect(t).toBeGreaterThanOrEqual(99);
      expect(median(slow) - baseline).toBeGreaterThanOrEqual(90);
      expect(median(slow) - baseline).toBeLessThanOrEqual(160);

      const changed = await apply({ delayMs: 250 });
      expect(
        changed.changes.every((c) => c.target.kind === 'netem'),
        JSON.stringify(changed.changes.map((c) => c.target)),
      ).toBe(true);
      expect(await netemOn()).toMatchObject([{ options: { delay: { delay: 0.25 } } }]);
      const slower = await rtts();
      expect(median(slower) - baseline).toBeGreaterThanOrEqual(240);
      expect(median(slower) - baseline).toBeLessThanOrEqual(310);

      await apply({ lossPercent: 100 });
      const lost = await probe.ping(left, '10.88.0.2', { count: 3, waitS: 1 });
      expect(lost.received, lost.output).toBe(0);

      const removed = await apply();
      expect(removed.changes.map((c) => c.target.kind)).toEqual(['netem']);
      expect(await netemOn()).toEqual([]);
      expect(median(await rtts()) - baseline).toBeLessThan(90);
      expect(await ifindex(), 'the link was changed in place, never recreated').toBe(index);
      await ctx.annotate(
        `median RTT ms: baseline ${baseline.toFixed(2)}, 100ms ${median(slow).toFixed(2)}, 250ms ${median(slower).toFixed(2)}`,
      );

      await destroyLab(name, { runDir });
      const remaining = (await execaRunner(['ip', 'netns', 'list'])).stdout;
      for (const ns of [left, right]) expect(remaining).not.toMatch(new RegExp(`^${ns}( |$)`, 'm'));
    } finally {
      await destroyLab(name, { runDir }).catch(() => undefined);
      // Whatever destroy could not remove: only this test's uniquely named namespaces.
      probe.namespaces.push(left, right);
      await probe.cleanup();
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
