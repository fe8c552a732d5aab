import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseRecords, readerFor, safeForRoot, useNsread } from './live-reader';
import { dropEntry, envKey, loadEntry, pruneEntries, storeEntry } from './read-cache';
import { recordingRunner } from './runner';

const rec = (...f: string[]) => f.map((x) => x + '\0').join('');

describe('nsread output', () => {
  it('splits 8 NUL-ended fields per namespace, keeping newlines inside fields', () => {
    const out =
      rec('a', 'hit', 'f'.repeat(64), '1', '0', 'net.ipv4.ip_forward = 1\n', '', '') +
      rec('b', 'read', 'e'.repeat(64), '0', '0', '', '[]\n[]\n', '') +
      rec('c', 'gone', '', '0', '1', '', '', '');
    const m = parseRecords(out)!;
    expect([...m.keys()]).toEqual(['a', 'b', 'c']);
    expect(m.get('a')).toMatchObject({ status: 'hit', stable: true, sysctls: 'net.ipv4.ip_forward = 1\n' });
    expect(m.get('b')).toMatchObject({ status: 'read', stable: false, exit: 0, stdout: '[]\n[]\n' });
  });

  it('refuses a cut or unknown output (the caller falls back to the fan-out)', () => {
    expect(parseRecords('garbage\n')).toBeUndefined();
    expect(parseRecords(rec('a', 'hit', 'x', '1', '0', '', '', '').slice(0, -1))).toBeUndefined();
    expect(parseRecords(rec('a', 'maybe', 'x', '1', '0', '', '', ''))).toBeUndefined();
    expect(parseRecords(rec('a', 'hit', 'x', '1', 'zero', '', '', ''))).toBeUndefined();
  });
});

describe('the read cache', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'netplumb-cache-test-'));
  afterEach(() => {
    for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fp = 'a'.repeat(64);

  it('gives back what was stored, for the same namespace and key only; files are 0600', () => {
    storeEntry(dir, { ns: 'x1', key: 'k', fp, stdout: '[]\n[]\n' });
    expect(loadEntry(dir, 'x1', 'k')).toEqual({ ns: 'x1', key: 'k', fp, stdout: '[]\n[]\n' });
    expect(loadEntry(dir, 'x1', 'other key')).toBeUndefined();
    expect(loadEntry(dir, 'x2', 'k')).toBeUndefined();
    const [file] = readdirSync(dir);
    expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    dropEntry(dir, 'x1');
    expect(loadEntry(dir, 'x1', 'k')).toBeUndefined();
  });

  it('a corrupt or foreign entry is a miss, never an error', () => {
    storeEntry(dir, { ns: 'x1', key: 'k', fp, stdout: '' });
    const [file] = readdirSync(dir);
    for (const bad of [
      '{"ns": "x1"',
      '{"ns":"x1","key":"k","fp":"zz","stdout":""}',
      '{"ns":"x9","key":"k","fp":"' + fp + '","stdout":""}',
    ]) {
      writeFileSync(path.join(dir, file), bad);
      expect(loadEntry(dir, 'x1', 'k')).toBeUndefined();
    }
  });

  it('an entry kept in memory is used only while its file is unchanged', () => {
    storeEntry(dir, { ns: 'x1', key: 'k', fp, stdout: 'first' });
    expect(loadEntry(dir, 'x1', 'k')?.stdout).toBe('first');
    const [file] = readdirSync(dir);
    // Another process's entry, written in place: read again.
    writeFileSync(path.join(dir, file), JSON.stringify({ ns: 'x1', key: 'k', fp, stdout: 'another' }));
    expect(loadEntry(dir, 'x1', 'k')?.stdout).toBe('another');
    expect(loadEntry(dir, 'x1', 'k')?.stdout).toBe('another');
    rmSync(path.join(dir, file));
    expect(loadEntry(dir, 'x1', 'k')).toBeUndefined();
    storeEntry(dir, { ns: 'x1', key: 'k', fp, stdout: 'third' });
    dropEntry(dir, 'x1');
    expect(loadEntry(dir, 'x1', 'k')).toBeUndefined();
  });

  it('prunes the entries of namespaces that are gone, only when they outnumber the namespaces', () => {
    for (let i = 0; i < 6; i++) storeEntry(dir, { ns: `n${i}`, key: 'k', fp, stdout: '' });
    expect(pruneEntries(dir, new Set(['n0', 'n1']), 10)).toBe(0);
    expect(readdirSync(dir)).toHaveLength(6);
    expect(pruneEntries(dir, new Set(['n0', 'n1']), 2)).toBe(4);
    expect(loadEntry(dir, 'n0', 'k')?.ns).toBe('n0');
    expect(loadEntry(dir, 'n1', 'k')?.ns).toBe('n1');
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('the key moves with the batch', () => {
    expect(envKey('address show\n', undefined)).not.toBe(envKey('link show\n', undefined));
    expect(envKey('address show\n', undefined)).toBe(envKey('address show\n', undefined));
  });
});

describe('which runner uses nsread', () => {
  afterEach(() => useNsread(undefined));
  it('never a test recorder or fault injector (they must see every ip), and never when turned off', () => {
    expect(readerFor(recordingRunner().run)).toBeUndefined();
    useNsread(false);
    expect(readerFor(recordingRunner().run)).toBeUndefined();
  });
});

describe('which nsread root may run', () => {
  it('only one that root owns all the way up, that nobody else can change', () => {
    expect(safeForRoot('/usr/bin/env')).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'netplumb-nsread-safe-'));
    try {
      const f = path.join(dir, 'nsread');
      writeFileSync(f, '#!/bin/sh\n', { mode: 0o755 });
      // Under /tmp (anyone may write there): never, whoever owns the file.
      expect(safeForRoot(f)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
