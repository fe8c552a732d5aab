/**
 * nsread's SHA-256 (native/sha256.c), which names every cached read: both
 * block functions — the portable one and, on x86-64 CPUs that have them, the
 * SHA extensions — against Node's crypto, over random inputs fed in random
 * pieces. A wrong fingerprint would make two different states look alike
 * (a stale read served) or never match (no cache at all).
 * Needs a C compiler only (no root): skipped, with the reason, without one.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestNsread } from './test-support/nsread-bin';

const { bin, skip, remove } = buildTestNsread({ needsRoot: false });
afterAll(remove);

/** nsread's digest of `data` fed in pieces chosen by `seed`, and the block function it says it used. */
function nsreadSha(mode: 'portable' | 'auto', data: Uint8Array, seed: number) {
  const r = spawnSync(bin, ['sha256', mode, String(seed)], { input: data, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const [impl, digest] = r.stdout.trim().split('\n');
  return { impl, digest };
}

describe.skipIf(!!skip)(`nsread's SHA-256${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('the portable block function is what "portable" asks for', () => {
    expect(nsreadSha('portable', new Uint8Array(), 1).impl).toBe('portable');
  });

  it('both block functions equal Node crypto over any bytes in any pieces (property)', () => {
    fc.assert(
      fc.property(
        // Lengths around the block and padding edges (55, 56, 63, 64, 119, 120...) and well past them.
        fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 1000, maxLength: 5000 })),
        fc.nat(),
        (data, seed) => {
          const want = createHash('sha256').update(data).digest('hex');
          expect(nsreadSha('portable', data, seed).digest).toBe(want);
          expect(nsreadSha('auto', data, seed).digest).toBe(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('agrees at every length from 0 to 260 bytes (each padding case and block edge)', () => {
    const all = Uint8Array.from({ length: 260 }, (_, i) => (i * 131 + 7) & 255);
    for (let n = 0; n <= 260; n++) {
      const data = all.subarray(0, n);
      const want = createHash('sha256').update(data).digest('hex');
      expect(nsreadSha('auto', data, n).digest, `${n} bytes`).toBe(want);
    }
  });
});
