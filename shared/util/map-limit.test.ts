import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapLimit } from './map-limit';

describe('mapLimit', () => {
  it('property: never more than `limit` at once, results in input order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(5), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        async (delays, limit) => {
          let running = 0;
          let peak = 0;
          const out = await mapLimit(delays, limit, async (d, i) => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, d));
            running--;
            return i;
          });
          expect(out).toEqual(delays.map((_, i) => i));
          expect(peak).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('runs one at a time when the limit is 0 or less, and handles an empty list', async () => {
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
    expect(await mapLimit([1, 2], 0, async (x) => x * 2)).toEqual([2, 4]);
  });

  it('rejects when a call rejects', async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (x) => {
        if (x === 2) throw new Error('two');
        return x;
      }),
    ).rejects.toThrow('two');
  });
});
