/**
 * The runner reads nsread serve's answers (runner.ts): a head of three
 * NUL-ended numbers (exit code, stdout's and stderr's lengths in bytes),
 * then both outputs. However the pipe cuts an answer into chunks, the same
 * answer comes out, once, at its last byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerAssembler } from './runner';

const encode = (exitCode: number, stdout: string, stderr: string) => {
  const out = Buffer.from(stdout, 'utf8');
  const err = Buffer.from(stderr, 'utf8');
  return Buffer.concat([Buffer.from(`${exitCode}\0${out.length}\0${err.length}\0`, 'latin1'), out, err]);
};

/** `bytes` cut at the given positions (sorted, unique, inside). */
const cut = (bytes: Buffer, at: number[]) => {
  const points = [...new Set(at.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) parts.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  return parts;
};

const arbAnswer = fc.record({
  exitCode: fc.integer({ min: 0, max: 255 }),
  stdout: fc.string({ unit: 'grapheme', maxLength: 300 }),
  stderr: fc.string({ maxLength: 80 }),
});

describe('nsread serve answers, however they arrive', () => {
  it('come out whole, once, at their last chunk; the next answer starts afresh (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbAnswer, fc.array(fc.nat(), { maxLength: 12 })), { minLength: 1, maxLength: 4 }),
        (answers) => {
          const a = answerAssembler();
          for (const [ans, at] of answers) {
            const parts = cut(encode(ans.exitCode, ans.stdout, ans.stderr), at);
            const results = parts.map((p) => a.push(p));
            expect(results.slice(0, -1)).toEqual(results.slice(0, -1).map(() => undefined));
            expect(results.at(-1)).toEqual(ans);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a large answer in many small chunks', () => {
    const big = 'x'.repeat(3_000_000);
    const bytes = encode(0, big, 'warning');
    const a = answerAssembler();
    let r;
    for (let i = 0; i < bytes.length; i += 65536) r = a.push(bytes.subarray(i, i + 65536)) ?? r;
    expect(r).toEqual({ exitCode: 0, stdout: big, stderr: 'warning' });
  });
});
