import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCpio, writeCpio, type CpioEntry } from './cpio';

const entries: CpioEntry[] = [
  { kind: 'dir', name: 'bin' },
  { kind: 'file', name: '/bin/hello', data: Buffer.from('hi!\n'), mode: 0o755 },
  { kind: 'symlink', name: 'bin/sh', target: 'hello' },
  { kind: 'chardev', name: 'console', major: 5, minor: 1 },
  { kind: 'file', name: 'odd-name-len', data: Buffer.from('12345') },
];

describe('newc cpio writer', () => {
  it('writes what it was given, aligned, with a trailer', () => {
    const back = readCpio(writeCpio(entries));
    expect(back.map((e) => e.name)).toEqual(['bin', 'bin/hello', 'bin/sh', 'console', 'odd-name-len']);
    expect(back[0].mode).toBe(0o040755);
    expect(back[1].mode).toBe(0o100755);
    expect(back[1].data.toString()).toBe('hi!\n');
    expect(back[2].mode & 0o170000).toBe(0o120000);
    expect(back[2].data.toString()).toBe('hello');
    expect(back[3].mode).toBe(0o020600);
    expect(back[3].rdev).toEqual([5, 1]);
    expect(back[4].data.toString()).toBe('12345');
  });

  it('keeps every member 4-byte aligned (odd name and data lengths)', () => {
    const buf = writeCpio([
      { kind: 'file', name: 'a', data: Buffer.from('x') },
      { kind: 'file', name: 'abcde', data: Buffer.from('xyz12') },
    ]);
    expect(buf.length % 4).toBe(0);
    expect(readCpio(buf).map((m) => m.data.toString())).toEqual(['x', 'xyz12']);
  });

  it('is reproducible byte for byte', () => {
    expect(writeCpio(entries).equals(writeCpio(entries))).toBe(true);
  });

  // Cross-check with an independent reader when one is installed.
  const cpio = spawnSync('cpio', ['--version']).status === 0;
  it.skipIf(!cpio)('unpacks with GNU cpio (skipped when cpio is not installed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'np-cpio-'));
    try {
      const files = entries.filter((e) => e.kind !== 'chardev');
      writeFileSync(join(dir, 'a.cpio'), writeCpio(files));
      const r = spawnSync('cpio', ['-i', '-d', '--quiet', '-F', join(dir, 'a.cpio')], { cwd: dir });
      expect(r.status, String(r.stderr)).toBe(0);
      expect(readFileSync(join(dir, 'bin/hello'), 'utf8')).toBe('hi!\n');
      expect(statSync(join(dir, 'bin/hello')).mode & 0o777).toBe(0o755);
      expect(readlinkSync(join(dir, 'bin/sh'))).toBe('hello');
      expect(readFileSync(join(dir, 'odd-name-len'), 'utf8')).toBe('12345');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
