/**
 * Shared machines (real kernel, root): two users apply the same file at the
 * same time with their own name prefixes; both labs work side by side, and
 * status, ping, check and destroy find each user's own lab by the prefix.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../kernel/test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../kernel/test-support/scratch-netns';
import { listNetns } from '../kernel/netns';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const root = isRoot();
const tag = uniquePrefix();
const run = tempRunDir();
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { NETPLUMB_RUN_DIR: run.dir, NO_COLOR: '1' },
  });

describe.skipIf(!root)(`--prefix on a shared machine${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  afterAll(async () => {
    try {
      await cleanupPrefix(tag);
    } finally {
      run.remove();
    }
  }, 120_000);

  it('two prefixes, one file: two labs that never collide, each found again by its prefix', async () => {
    const file = join(run.dir, 'shared.yaml');
    writeFileSync(
      file,
      stringify({
        version: 1,
        name: 'shared',
        nodes: [
          { name: 'ns1', kind: 'namespace' },
          { name: 'ns2', kind: 'namespace' },
          { name: 'br0', kind: 'bridge' },
        ],
        links: [
          {
            id: 'l1',
            a: { node: 'ns1', ifname: 'eth0', addresses: ['10.0.0.1/24'] },
            b: { node: 'br0', ifname: 'p1' },
          },
          {
            id: 'l2',
            a: { node: 'ns2', ifname: 'eth0', addresses: ['10.0.0.2/24'] },
            b: { node: 'br0', ifname: 'p2' },
          },
        ],
        expect: [{ from: 'ns1', to: 'ns2' }],
      }),
    );
    const [a, b] = [`${tag}a-`, `${tag}b-`];
    const applied = await Promise.all([
      cli('apply', file, '--prefix', a, '--quiet'),
      cli('apply', file, '--prefix', b, '--quiet'),
    ]);
    for (const r of applied) expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect((await listNetns()).filter((n) => n.startsWith(tag)).sort()).toEqual([
      `${a}ns1`,
      `${a}ns2`,
      `${b}ns1`,
      `${b}ns2`,
    ]);
    for (const p of [a, b]) {
      const status = await cli('status', file, '--prefix', p);
      expect(status.exitCode, status.stderr + status.stdout).toBe(0);
      const check = await cli('check', file, '--prefix', p);
      expect(check.exitCode, check.stderr + check.stdout).toBe(0);
      const ping = await cli('ping', 'shared', 'ns1', 'ns2', '--prefix', p, '--json');
      expect(JSON.parse(ping.stdout)).toEqual(expect.objectContaining({ reached: true }));
    }
    const tooLong = await cli('apply', file, '--prefix', 'abcdefghijkl');
    expect(tooLong.exitCode).toBe(1);
    expect(tooLong.stderr).toMatch(
      /shared\.yaml:\d+:\d+: error: interface name "eth0" becomes "abcdefghijkleth0" with the prefix "abcdefghijkl": 16 bytes, at most 15 allowed/,
    );
    expect((await cli('destroy', file, '--prefix', a)).exitCode).toBe(0);
    expect((await listNetns()).filter((n) => n.startsWith(tag)).sort()).toEqual([`${b}ns1`, `${b}ns2`]);
    expect((await cli('destroy', 'shared', '--prefix', b)).exitCode).toBe(0);
    expect((await listNetns()).filter((n) => n.startsWith(tag))).toEqual([]);
  }, 120_000);
});
