/**
 * readTextFile: a regular file is read whole; anything else (a directory, a
 * named pipe, a device, a missing file, a file over the limit) is refused at
 * once with a sentence, never read forever or blocked on.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_BYTES, readTextFile } from './read-text';

const dir = mkdtempSync(join(tmpdir(), 'np-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readTextFile', () => {
  it('reads a regular file whole, whatever its UTF-8 text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), (text) => {
        const f = join(dir, 'f.yaml');
        writeFileSync(f, text);
        expect(readTextFile(f)).toEqual({ text });
      }),
      { numRuns: 50 },
    );
  });

  it('refuses at once what is not a regular file, or is missing, in words', () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const link = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', link);
    expect(readTextFile(fifo)).toEqual({ error: `cannot read ${fifo}: it is a named pipe, not a file` });
    expect(readTextFile('/dev/zero')).toEqual({ error: 'cannot read /dev/zero: it is a device, not a file' });
    expect(readTextFile(link)).toEqual({ error: `cannot read ${link}: it is a device, not a file` });
    expect(readTextFile(dir)).toEqual({ error: `cannot read ${dir}: it is a directory` });
    expect(readTextFile(join(dir, 'nope.yaml'))).toEqual({
      error: `cannot read ${join(dir, 'nope.yaml')}: no such file`,
    });
  });

  it('refuses a file over the limit before reading it, and reads one at the limit', () => {
    const f = join(dir, 'big.yaml');
    writeFileSync(f, 'x'.repeat(1025));
    expect(readTextFile(f, 1024)).toEqual({
      error: `cannot read ${f}: it is 0.0 MB; netplumb reads files of at most ${1024 / 1048576} MB`,
    });
    expect(readTextFile(f, 1025)).toEqual({ text: 'x'.repeat(1025) });
    expect(MAX_TEXT_BYTES).toBe(8 * 1024 * 1024);
  });
});
