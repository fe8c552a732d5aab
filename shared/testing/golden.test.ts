import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { golden } from './golden';

describe('golden()', () => {
  let dir = '';
  const saved = process.env.UPDATE_GOLDEN;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'np-golden-'));
    delete process.env.UPDATE_GOLDEN;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.UPDATE_GOLDEN;
    else process.env.UPDATE_GOLDEN = saved;
  });

  it('fails on a missing file and does not write it', () => {
    const file = join(dir, 'missing.txt');
    expect(() => golden(file, 'x')).toThrow(/missing.*UPDATE_GOLDEN=1/);
    expect(() => readFileSync(file)).toThrow();
  });

  it('writes the file only when asked, then compares', () => {
    const file = join(dir, 'sub', 'new.txt');
    process.env.UPDATE_GOLDEN = '1';
    golden(file, 'hello\n');
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    delete process.env.UPDATE_GOLDEN;
    golden(file, 'hello\n');
    expect(() => golden(file, 'bye\n')).toThrow(/differs from golden/);
  });
});
