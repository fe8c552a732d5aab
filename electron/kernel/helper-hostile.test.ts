/**
 * The privileged helper under hostile input: its line reader (bytes, caps,
 * UTF-8) and a fast-check fuzz of serveHelper with the hostile messages of
 * test-support/hostile.ts, written in arbitrary chunks (split anywhere, even
 * inside a character), some slowly. The engine and runner only record, so
 * the fuzz never touches the kernel. Afterwards the helper still answers
 * `list` within a second, and no invalid line made an engine or runner call.
 * One test also feeds the spawned helper process the line that used to kill it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { helperCommand } from './helper-client';
import { LINE_NOT_UTF8, LINE_TOO_LONG, LineSplitter, MAX_LINE_BYTES } from './helper-protocol';
import { serveHelper } from './privileged-helper';
import { hostileMessage, plainRefusal, recordingEngine } from './test-support/hostile';

const root = path.resolve(import.meta.dirname, '../..');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const deepLine = `{"id":1,"op":"validate","args":{"topology":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`;

describe('LineSplitter counts bytes and checks UTF-8', () => {
  it('caps by bytes, not characters, and decodes a character split across chunks', () => {
    const lines: string[] = [];
    const refused: string[] = [];
    const s = new LineSplitter(
      (l) => lines.push(l),
      (r) => refused.push(r),
      8,
    );
    const e = Buffer.from('éé\n', 'utf8'); // 4 bytes + newline
    s.push(e.subarray(0, 1));
    s.push(e.subarray(1));
    s.push('éééé\n'); // 8 bytes: fits
    s.push('ééééé\n'); // 10 bytes, 5 characters: too long
    expect(lines).toEqual(['éé', 'éééé']);
    expect(refused).toEqual([LINE_TOO_LONG]);
  });

  it('refuses a line that is not UTF-8, then reads on', () => {
    const lines: string[] = [];
    const refused: string[] = [];
    const s = new LineSplitter(
      (l) => lines.push(l),
      (r) => refused.push(r),
    );
    s.push(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]));
    s.push(Buffer.from('{"ok":1}\n'));
    expect(refused).toEqual([LINE_NOT_UTF8]);
    expect(lines).toEqual(['{"ok":1}']);
  });
});

/** A helper served in this process on a stream, with a recording engine and runner. */
function helperOnStream() {
  const rec = recordingEngine();
  const input = new PassThrough();
  const answers: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const done = serveHelper(
    input,
    (line) => {
      answers.push(JSON.parse(line));
      for (const w of waiters.splice(0)) w();
    },
    rec.engine,
    { runner: rec.runner.run, runDir: '/nonexistent/netplumb-fuzz' },
  );
  /** Resolves once `n` answers in all have arrived (or rejects after `ms`). */
  const answered = (n: number, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`the helper gave ${answers.length} of ${n} answers within ${ms} ms`)),
        ms,
      );
      const check = () => (answers.length >= n ? (clearTimeout(t), resolve()) : waiters.push(check));
      check();
    });
  return { rec, input, answers, answered, done };
}

describe('privileged helper under hostile lines (fuzz)', () => {
  it('refuses every hostile line in plain words, however it is chunked, and still answers list within a second', async () => {
    const h = helperOnStream();
    let sent = 0;
    let probes = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileMessage('helper'), { minLength: 30, maxLength: 70 }),
        fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        fc.constantFrom<'lf' | 'crlf' | 'none'>('lf', 'lf', 'crlf', 'none'),
        async (raw, chunkSizes, slow, lastEnd) => {
          // One message is one line: a newline inside a generated string would make two.
          const msgs = raw.map((m) => m.replace(/[\r\n]/g, ' ')).filter((m) => m.trim() !== '');
          const bytes = Buffer.from(
            msgs
              .map(
                (m, i) =>
                  m + (i < msgs.length - 1 || lastEnd === 'lf' ? '\n' : lastEnd === 'crlf' ? '\r\n' : ''),
              )
              .join(''),
            'utf8',
          );
          const before = h.answers.length;
          // Chunks of any size: lines and characters are split anywhere; a slow sender pauses between them.
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const n = chunkSizes[i % chunkSizes.length];
            h.input.write(bytes.subarray(at, at + n));
            at += n;
            if (slow && i % 3 === 0) await new Promise((r) => setImmediate(r));
          }
          // A partial last line ends with the newline that precedes the probe.
          h.input.write('\n');
          await h.answered(before + msgs.length, 5000);
          for (const a of h.answers.slice(before)) {
            expect(Object.keys(a).sort()).toEqual(['error', 'id']);
            expect(plainRefusal(a.error), String(a.error)).toBe(true);
          }
          sent += msgs.length;
          const started = Date.now();
          h.input.write(`${JSON.stringify({ id: 777777, op: 'list', args: {} })}\n`);
          await h.answered(before + msgs.length + 1, 1000);
          expect(h.answers.at(-1)).toEqual({ id: 777777, result: [] });
          expect(Date.now() - started).toBeLessThan(1000);
          probes++;
          expect(h.rec.calls.filter((c) => c !== 'list')).toEqual([]);
          expect(h.rec.calls.length).toBe(probes);
          expect(h.rec.runner.calls).toEqual([]);
        },
      ),
      { numRuns: 90 },
    );
    h.input.end();
    await h.done;
    expect(sent).toBeGreaterThanOrEqual(4000);
  }, 120_000);

  it('refuses an over-long line and invalid UTF-8 by their bytes, then serves the next line', async () => {
    const h = helperOnStream();
    h.input.write(Buffer.alloc(MAX_LINE_BYTES + 1, 0x61));
    h.input.write('\n');
    h.input.write(Buffer.from([0x22, 0xc3, 0x28, 0x22, 0x0a]));
    h.input.write(`${deepLine}\n{"id":5,"op":"list","args":{}}\n`);
    await h.answered(4, 5000);
    expect(h.answers).toEqual([
      { id: null, error: LINE_TOO_LONG },
      { id: null, error: LINE_NOT_UTF8 },
      { id: null, error: expect.stringMatching(/nested more than 64 levels/) },
      { id: 5, result: [] },
    ]);
    expect(h.rec.calls).toEqual(['list']);
    h.input.end();
    await h.done;
  });
});

describe('the helper process (spawned as root)', () => {
  it.skipIf(!isRoot)(
    'survives the 20,000-deep line that used to kill it, and lists labs after it',
    async () => {
      const [cmd, ...args] = helperCommand(root, { elevate: 'none' });
      const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stdin.write(`${deepLine}\n`);
      child.stdin.write(`{"id":2,"op":"list","args":{},"__proto__":{"x":1}}\n`);
      child.stdin.write(`{"id":3,"op":"list","args":{}}\n`);
      child.stdin.end();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const answers = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: number | null; error?: string; result?: unknown });
      expect(code).toBe(0);
      expect(answers[0]).toEqual({ id: null, error: expect.stringMatching(/nested more than 64 levels/) });
      expect(answers[1]).toEqual({ id: null, error: expect.stringMatching(/__proto__/) });
      expect(answers[2].id).toBe(3);
      expect(Array.isArray(answers[2].result)).toBe(true);
    },
    60_000,
  );
});
