/**
 * Story: an ordinary user in the netplumb group (after `sudo npx netplumb
 * helper install` and a new login) applies the classic bridge lab from the
 * command line, runs its checks, sees it in sync, pings across it, runs a
 * command in it — as themself, not root — and destroys it. Every kernel step
 * goes through the installed helper.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { classicLab, MY_UID, netnsNames, netplumb, NOT_ROOT_REASON } from './lane';

test.skip(!!NOT_ROOT_REASON, NOT_ROOT_REASON);

test('the CLI applies, checks, reports in sync, pings and destroys the classic lab as this user', async () => {
  const { file, lab, ns1, ns2, br } = classicLab('cli', ['a', 'b', 'c']);
  try {
    await test.step('apply', async () => {
      const r = await netplumb('apply', file);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(await netnsNames()).toEqual(expect.arrayContaining([ns1, ns2]));
    });
    await test.step('check: every expect: line passes', async () => {
      const r = await netplumb('check', file);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout.match(/PASS/g)?.length).toBe(2);
      expect(r.stdout).not.toMatch(/FAIL/);
    });
    await test.step('status: in sync', async () => {
      const r = await netplumb('status', file, '--json');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ inSync: true });
    });
    await test.step('list shows the lab', async () => {
      const r = await netplumb('list', '--json');
      expect(r.exitCode, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout).labs as { name: string }[]).map((l) => l.name)).toContain(lab);
    });
    await test.step('ping from ns1 to ns2 across the bridge', async () => {
      const r = await netplumb('ping', lab, 'ns1', 'ns2', '--count', '2');
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('2/2 replies');
    });
    await test.step('tables of the bridge name its ports', async () => {
      const r = await netplumb('tables', lab, 'br0');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`${br}a`);
    });
    await test.step('exec runs as this user, in the namespace', async () => {
      const r = await netplumb(
        'exec',
        lab,
        'ns1',
        '--',
        'sh',
        '-c',
        'echo uid=$(id -u) gid=$(id -g); ip -br addr show dev veth-ns1',
      );
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`uid=${MY_UID} gid=${process.getgid!()}`);
      expect(r.stdout).toContain('10.0.0.1/24');
    });
    await test.step('destroy removes it all', async () => {
      const r = await netplumb('destroy', lab);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      const left = await netnsNames();
      expect(left).not.toContain(ns1);
      expect(left).not.toContain(ns2);
      const again = await netplumb('status', file, '--json');
      expect(again.exitCode).toBe(3); // drift: nothing of it is there any more
    });
  } finally {
    await netplumb('destroy', lab);
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
