import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecoveryFile } from './recovery';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the recovery file', () => {
  it('keeps the text for the next start, readable by this user only, and is removed when nothing is left', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'np-recovery-'));
    dirs.push(dir);
    const f = new RecoveryFile(path.join(dir, 'sub'));
    expect(f.load()).toBeNull();
    f.save('[{"x":1}]');
    expect(new RecoveryFile(path.join(dir, 'sub')).load()).toBe('[{"x":1}]');
    expect(statSync(f.file).mode & 0o777).toBe(0o600);
    f.save('');
    expect(f.load()).toBeNull();
  });
});
