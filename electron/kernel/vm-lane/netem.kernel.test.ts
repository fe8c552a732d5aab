/**
 * netem on a veth between two namespaces of the test's own, measured with ping.
 * Needs a kernel with sch_netem: skipped with the reason elsewhere; runs in the VM lane.
 *
 * Tolerance: netem never delivers early, so every reply under an added delay D takes
 * at least D - 1 ms; the median round trip grows by D with -10 ms / +60 ms of slack
 * for scheduling noise under emulation (the upper bound still catches a delay
 * applied in both directions, which would add 2 x D).
 */
import { describe, expect, it } from 'vitest';
import { isRoot, Lab, median, noPingReason } from './lab';
import { laneFeatures, missingReason } from './probe';

const features = await laneFeatures();
const noPing = await noPingReason();
const BELOW = 10;
const ABOVE = 60;

async function pair(lab: Lab) {
  const [a, b] = await lab.netns(2);
  await lab.veth(a, 'a0', b, 'b0', {
    a: ['addr add 10.77.0.1/24 dev a0'],
    b: ['addr add 10.77.0.2/24 dev b0'],
  });
  return { a, b };
}

function expectAddedDelay(rtts: number[], baselineMs: number, delayMs: number) {
  expect(rtts.length, 'replies received').toBeGreaterThanOrEqual(4);
  for (const t of rtts)
    expect(t, `every reply takes at least ${delayMs - 1} ms`).toBeGreaterThanOrEqual(delayMs - 1);
  const added = median(rtts) - baselineMs;
  expect(added, `median RTT grew by ${added.toFixed(1)} ms`).toBeGreaterThanOrEqual(delayMs - BELOW);
  expect(added, `median RTT grew by ${added.toFixed(1)} ms`).toBeLessThanOrEqual(delayMs + ABOVE);
}

describe('netem on a veth link (real kernel)', () => {
  it('adds delay, changes live to more delay and to total loss, and is removed cleanly', async (ctx) => {
    ctx.skip(!isRoot, 'needs root to create network namespaces');
    ctx.skip(!!noPing, noPing);
    const why = missingReason(features, 'netem');
    ctx.skip(!!why, why);
    const lab = new Lab();
    try {
      const { a } = await pair(lab);
      const base = await lab.ping(a, '10.77.0.2', { count: 5 });
      expect(base.received, base.output).toBe(5);
      const baseline = median(base.rttMs);

      await lab.exec(a, 'tc', 'qdisc', 'add', 'dev', 'a0', 'root', 'handle', '1:', 'netem', 'delay', '100ms');
      const [q] = (await lab.qdiscs(a, 'a0')).filter((x) => x.kind === 'netem');
      expect(q?.options).toMatchObject({ delay: { delay: 0.1 } });
      const slow = await lab.ping(a, '10.77.0.2', { count: 5 });
      expect(slow.received, slow.output).toBe(5);
      expectAddedDelay(slow.rttMs, baseline, 100);

      // Changed in place: the same qdisc (handle 1:) now delays by 250 ms.
      await lab.exec(
        a,
        'tc',
        'qdisc',
        'change',
        'dev',
        'a0',
        'root',
        'handle',
        '1:',
        'netem',
        'delay',
        '250ms',
      );
      const changed = (await lab.qdiscs(a, 'a0')).filter((x) => x.kind === 'netem');
      expect(changed).toHaveLength(1);
      expect(changed[0]).toMatchObject({ handle: '1:', options: { delay: { delay: 0.25 } } });
      const slower = await lab.ping(a, '10.77.0.2', { count: 5 });
      expect(slower.received, slower.output).toBe(5);
      expectAddedDelay(slower.rttMs, baseline, 250);

      await lab.exec(
        a,
        'tc',
        'qdisc',
        'change',
        'dev',
        'a0',
        'root',
        'handle',
        '1:',
        'netem',
        'loss',
        '100%',
      );
      const lost = await lab.ping(a, '10.77.0.2', { count: 3, waitS: 1 });
      expect(lost.sent, lost.output).toBe(3);
      expect(lost.received, lost.output).toBe(0);
      expect(lost.exitCode).not.toBe(0);

      await lab.exec(a, 'tc', 'qdisc', 'del', 'dev', 'a0', 'root');
      expect((await lab.qdiscs(a, 'a0')).map((x) => x.kind)).not.toContain('netem');
      await ctx.annotate(
        `median RTT ms: baseline ${baseline.toFixed(2)}, +100ms netem ${median(slow.rttMs).toFixed(2)}, +250ms netem ${median(slower.rttMs).toFixed(2)}`,
      );
      const back = await lab.ping(a, '10.77.0.2', { count: 5 });
      expect(back.received, back.output).toBe(5);
      // Without netem the round trip is back near the baseline, far below the 100 ms delay.
      expect(median(back.rttMs) - baseline).toBeLessThan(100 - BELOW);
    } finally {
      await lab.cleanup();
    }
  });
});
