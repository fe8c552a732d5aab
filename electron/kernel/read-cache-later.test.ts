/**
 * storeEntryLater (read-cache.ts): an entry written off the main thread is
 * this process's at once, its file comes after; the last store of a
 * namespace is the one left, whatever order the writes end in; a store of
 * many at once (a pack) or a drop after it is not undone by the late write.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dropEntries, entriesWritten, loadEntries, storeEntries, storeEntryLater } from './read-cache';

const root = process.geteuid?.() === 0;
const entry = (ns: string, stdout: string) => ({ ns, key: 'k', fp: 'a'.repeat(64), stdout });
const load = (dir: string, ns: string) => loadEntries(dir, [ns], () => 'k').get(ns);
const ownFiles = (dir: string) => readdirSync(dir).filter((f) => /^[0-9a-f]{40}\.json$/.test(f));

describe.skipIf(!root)('cache entries written later (root: the cache is root-owned)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'netplumb-later-test-'));
  afterEach(async () => {
    await entriesWritten();
    for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is found at once, and its file, root-owned 0600, holds it once written', async () => {
    storeEntryLater(dir, entry('ns1', 'one'));
    expect(load(dir, 'ns1')?.stdout).toBe('one');
    await entriesWritten();
    const [file] = ownFiles(dir);
    expect(JSON.parse(readFileSync(path.join(dir, file), 'utf8')).stdout).toBe('one');
    const st = statSync(path.join(dir, file));
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([0, 0, 0o600]);
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual([file]);
    expect(load(dir, 'ns1')?.stdout).toBe('one');
  });

  it('the last of many stores of one namespace is what is found and what is left on disk', async () => {
    for (let i = 0; i < 20; i++) storeEntryLater(dir, entry('ns2', `v${i}`));
    expect(load(dir, 'ns2')?.stdout).toBe('v19');
    await entriesWritten();
    expect(ownFiles(dir)).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(dir, ownFiles(dir)[0]), 'utf8')).stdout).toBe('v19');
    expect(load(dir, 'ns2')?.stdout).toBe('v19');
  });

  it('a pack stored after it, or a drop, is not undone when the late write ends', async () => {
    storeEntryLater(dir, entry('ns3', 'late'));
    storeEntries(dir, [entry('ns3', 'packed'), entry('ns4', 'other')]);
    expect(load(dir, 'ns3')?.stdout).toBe('packed');
    await entriesWritten();
    expect(load(dir, 'ns3')?.stdout).toBe('packed');
    expect(ownFiles(dir)).toEqual([]);
    storeEntryLater(dir, entry('ns5', 'late'));
    dropEntries(dir, ['ns5']);
    expect(load(dir, 'ns5')).toBeUndefined();
    await entriesWritten();
    expect(load(dir, 'ns5')).toBeUndefined();
  });
});
