import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { whichOnPath } from './which';

const dir = mkdtempSync(path.join(tmpdir(), 'np-which-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('whichOnPath', () => {
  it('finds the first regular file on PATH, with its stat, skipping directories and relative entries', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((d) => path.join(dir, d));
    for (const d of [a, b, c]) mkdirSync(d);
    mkdirSync(path.join(a, 'tool')); // a directory of that name is not the program
    writeFileSync(path.join(b, 'tool'), '#!/bin/sh\n');
    chmodSync(path.join(b, 'tool'), 0o755);
    writeFileSync(path.join(c, 'tool'), 'later\n');
    const w = whichOnPath('tool', ['', 'relative/dir', a, b, c].join(':'));
    expect(w?.path).toBe(path.join(b, 'tool'));
    expect(w?.stat.size).toBe(10);
    expect(whichOnPath('tool', `relative:${path.relative(process.cwd(), b)}`)).toBeUndefined();
    expect(whichOnPath('missing', [a, b, c].join(':'))).toBeUndefined();
    expect(whichOnPath('tool', '')).toBeUndefined();
    // A PATH entry that is a file (ENOTDIR, an error other than "no entry") is passed over too.
    writeFileSync(path.join(dir, 'plain'), '');
    expect(whichOnPath('tool', [path.join(dir, 'plain'), b].join(':'))?.path).toBe(path.join(b, 'tool'));
  });
});
