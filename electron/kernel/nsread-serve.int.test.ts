/**
 * `nsread serve` through the real runner (runner.ts serveNsread): a call
 * answered by the kept-running nsread gives what a start of its own gives
 * (exit code, stdout, stderr, big inputs and outputs), calls made while it
 * is busy still run, a call killed at its deadline takes its tools with it,
 * and a binary that cannot serve is started per call as before.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execaRunner, serveNsread } from './runner';
import { cleanupPrefix, uniquePrefix } from './test-support/lab-fixture';
import { buildTestNsread } from './test-support/nsread-bin';

const nsread = buildTestNsread();
afterAll(() => nsread.remove());

/** What a start of its own gives for the same call. */
const alone = (args: string[], input = '') => {
  const r = spawnSync(nsread.bin, args, { input, encoding: 'utf8', env: { LC_ALL: 'C' } });
  return { exitCode: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** The ids of this process's children that run `comm`. */
const children = (comm: string) =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === comm;
      } catch {
        return false;
      }
    });

describe.skipIf(!!nsread.skip)(`nsread serve${nsread.skip ? ` (skipped: ${nsread.skip})` : ''}`, () => {
  let p = '';
  beforeAll(async () => {
    p = uniquePrefix();
    serveNsread(nsread.bin);
    await execaRunner(['ip', 'netns', 'add', `${p}a`]);
  });
  afterAll(() => cleanupPrefix(p));

  it('answers as a start of its own would: exit codes, words, inputs and outputs of any size', async () => {
    const big = 'x'.repeat(300_000) + 'é\n';
    const calls: [string[], string][] = [
      [['--version'], ''],
      [['sha256', 'auto', '7'], big],
      [['sha256', 'portable', '1'], ''],
      [['read', 'nope'], ''],
      [['read', '2', 'address show\n'], `${p}a\t-\t0\n${p}gone\t-\t0\n`],
      [['run', '1'], `${p}a\0ip\0\0link set dev lo up\nlink set dev nope up\n\0`],
    ];
    for (const [args, input] of calls) {
      const served = await execaRunner([nsread.bin, ...args], { input });
      const own = alone(args, input);
      // The read's fingerprints hold no time: a second read of the same namespace prints the same.
      expect(served, args.join(' ')).toEqual(own);
    }
    // A server is running, and it is the only nsread left between calls.
    expect(children('nsread').length).toBeGreaterThan(0);
  });

  it('calls made at once all run (a busy server leaves the others to starts of their own)', async () => {
    const seeds = Array.from({ length: 6 }, (_, i) => String(i));
    const served = await Promise.all(
      seeds.map((s) => execaRunner([nsread.bin, 'sha256', 'auto', s], { input: `text ${s}` })),
    );
    served.forEach((r, i) => expect(r).toEqual(alone(['sha256', 'auto', seeds[i]], `text ${seeds[i]}`)));
  });

  it('a call killed at its deadline takes its tools with it; the next call gets a new server', async () => {
    const before = new Set(children('ip'));
    const r = await execaRunner([nsread.bin, 'run', '1'], {
      input: `${p}a\0ip\0\0monitor link\n\0`,
      timeoutMs: 500,
    });
    expect(r.exitCode).toBe(137);
    expect(r.stderr).toMatch(/timed out/);
    let left: string[] = [];
    for (let i = 0; i < 100; i++) {
      left = children('ip').filter((pid) => !before.has(pid));
      if (!left.length) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(left).toEqual([]);
    expect(await execaRunner([nsread.bin, '--version'])).toEqual(alone(['--version']));
  });

  it('a binary that cannot serve (an older build, or not nsread) is started per call, as before', async () => {
    const dir = path.dirname(nsread.bin);
    const junk = path.join(dir, 'junk');
    writeFileSync(junk, '#!/bin/sh\necho "garbage $*"\n');
    chmodSync(junk, 0o755);
    serveNsread(junk);
    for (let i = 0; i < 2; i++)
      expect(await execaRunner([junk, 'read', '1', 'x'])).toEqual({
        exitCode: 0,
        stdout: 'garbage read 1 x\n',
        stderr: '',
      });
    expect(existsSync(junk)).toBe(true);
  });
});
