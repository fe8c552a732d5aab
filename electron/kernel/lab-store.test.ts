import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabBusyError, LabStore } from './lab-store';
import { Topology } from '../../shared/model';

const dirs: string[] = [];
const store = () => {
  const d = mkdtempSync(join(tmpdir(), 'np-store-'));
  dirs.push(d);
  return new LabStore(d);
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('LabStore', () => {
  it('one lock per lab: a second holder is refused with the holder named; other labs are free', () => {
    const s = store();
    const release = s.lock('a');
    expect(() => s.lock('a')).toThrow(LabBusyError);
    expect(() => s.lock('a')).toThrow(
      new RegExp(`Lab "a" is being changed by another request in this process \\(.*pid ${process.pid}`),
    );
    const other = s.lock('b');
    other();
    release();
    s.lock('a')();
  });

  it('a record read again is the same frozen object while its file is unchanged; a file changed by another writer is read anew', () => {
    const s = store();
    const rec = (appliedAt: string) => ({
      lab: 'memo',
      topology: Topology.parse({ version: 1, name: 'memo' }),
      appliedAt,
      namespaces: { memo1: 7 },
    });
    s.writeRecord(rec('first'));
    const a = s.readRecord('memo');
    expect(a?.appliedAt).toBe('first');
    expect(s.readRecord('memo')).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a?.namespaces)).toBe(true);
    // Another store of the same directory (another process's) finds the same content.
    expect(new LabStore(s.runDir).readRecord('memo')).toEqual(a);
    // Written in place by another writer (its size differs; netplumb itself always renames: a new inode).
    const file = join(s.dir('memo'), 'record.json');
    writeFileSync(file, JSON.stringify(rec('another')) + '\n');
    expect(s.readRecord('memo')?.appliedAt).toBe('another');
    s.writeRecord(rec('third'));
    expect(s.readRecord('memo')?.appliedAt).toBe('third');
    rmSync(file);
    expect(s.readRecord('memo')).toBeNull();
  });

  it('lists only labs with a record or a journal, and leaves no directory for a lab with nothing', () => {
    const s = store();
    s.lock('ghost')();
    expect(existsSync(s.dir('ghost'))).toBe(false);
    s.writeRecord({
      lab: 'real',
      topology: Topology.parse({ version: 1, name: 'real' }),
      appliedAt: 'now',
      namespaces: {},
    });
    const j = s.openJournal('busy');
    j.write({ t: 'start', steps: [0] });
    expect(s.labs().sort()).toEqual(['busy', 'real']);
    j.close(true);
    s.lock('busy')();
    expect(s.labs()).toEqual(['real']);
    expect(s.readRecord('real')?.lab).toBe('real');
  });

  it('names another live process holding the lock (reads refuse then), never this one or a dead one', async () => {
    const s = store();
    expect(s.otherHolder('a')).toBeUndefined();
    const release = s.lock('a');
    expect(s.otherHolder('a')).toBeUndefined();
    release();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      mkdirSync(s.dir('a', true), { recursive: true });
      writeFileSync(
        join(s.dir('a'), 'lock'),
        JSON.stringify({ pid: other.pid, what: 'a test apply', since: 'now' }),
      );
      expect(s.otherHolder('a')).toMatch(new RegExp(`^a test apply \\(pid ${other.pid}, since now\\)$`));
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    expect(s.otherHolder('a')).toBeUndefined();
  });

  it('refuses lab names that could leave the labs directory', () => {
    const s = store();
    expect(() => s.dir('../etc')).toThrow(/not a valid lab name/);
    expect(() => s.dir('a/b')).toThrow(/not a valid lab name/);
  });
});
