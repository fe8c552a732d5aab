import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execaRunner, fanOut, recordingRunner } from './runner';

describe('fanOut through one bash', () => {
  it('keeps each job apart: its argv verbatim, its own stdin, stdout, stderr and exit code, in order', async () => {
    const evil = '$(touch /tmp/netplumb-fan-pwned); `id`; "\'\\ *';
    const r = await fanOut(execaRunner, [
      { argv: ['printf', '%s|', evil, 'a b'] },
      { argv: ['cat'], input: 'first input\n' },
      { argv: ['sh', '-c', 'echo out; echo err >&2; exit 7'] },
      { argv: ['cat'], input: 'second input\n' },
      { argv: ['netplumb-no-such-command'] },
      { argv: ['cat'] },
    ]);
    expect(r[0]).toEqual({ exitCode: 0, stdout: `${evil}|a b|`, stderr: '' });
    expect(r[1]).toEqual({ exitCode: 0, stdout: 'first input\n', stderr: '' });
    expect(r[2]).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    expect(r[3].stdout).toBe('second input\n');
    expect(r[4].exitCode).toBe(127);
    expect(r[4].stderr).toMatch(/netplumb-no-such-command: command not found/);
    // No input: stdin is empty, not the fan-out's own.
    expect(r[5]).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('runs at most `concurrency` jobs at once, and every job of a long list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netplumb-fan-test-'));
    try {
      // Each job counts the jobs running beside it through marker files.
      const job = (i: number) => ({
        argv: [
          'sh',
          '-c',
          'touch "$1/$2"; sleep 0.05; n=$(ls "$1" | wc -l); rm "$1/$2"; echo "$n"',
          'job',
          dir,
          `j${i}`,
        ],
      });
      const r = await fanOut(
        execaRunner,
        Array.from({ length: 24 }, (_, i) => job(i)),
        { concurrency: 3 },
      );
      expect(r).toHaveLength(24);
      expect(r.every((x) => x.exitCode === 0)).toBe(true);
      const most = Math.max(...r.map((x) => Number(x.stdout)));
      expect(most).toBeLessThanOrEqual(3);
      expect(most).toBeGreaterThan(1);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a NUL byte in an argument (it would split the job list)', async () => {
    await expect(fanOut(execaRunner, [{ argv: ['echo', 'a\0b'] }, { argv: ['true'] }])).rejects.toThrow(
      /NUL/,
    );
  });

  it('falls back to one runner call per job for runners without a fan-out, so recorders see every argv', async () => {
    const { run, calls } = recordingRunner((argv) => ({
      exitCode: argv[0] === 'bad' ? 2 : 0,
      stdout: argv.join(' '),
      stderr: '',
    }));
    const r = await fanOut(run, [{ argv: ['ok', '1'], input: 'x' }, { argv: ['bad'] }]);
    expect(r.map((x) => x.exitCode)).toEqual([0, 2]);
    expect(calls).toEqual([
      { argv: ['ok', '1'], input: 'x' },
      { argv: ['bad'], input: undefined },
    ]);
    expect(await fanOut(run, [])).toEqual([]);
  });
});
