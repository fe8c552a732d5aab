/**
 * `sudo npx netplumb helper install`, for real on this machine, then a normal
 * user (made for the test, in the netplumb group) uses the CLI through the
 * installed helper, and `helper uninstall` puts the machine back as it was.
 *
 * Runs only as root and only when nothing of a previous install is present
 * (it must not take over or remove someone else's setup); otherwise it says why
 * it skipped. Everything it makes (user, group, files) is removed in finally.
 */
import { accountTool } from '../kernel/test-support/accounts';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readGroup } from '../kernel/install/groups';
import { installPaths, LAUNCHER } from '../kernel/install/paths';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const p = installPaths('/');
const has = (tool: string) =>
  ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, tool)));
const why =
  process.getuid?.() !== 0
    ? 'needs root'
    : !has('sudo') || !has('visudo')
      ? 'needs sudo (apt install sudo)'
      : !has('useradd')
        ? 'needs useradd'
        : existsSync(p.dir) || existsSync(p.sudoers) || readGroup('netplumb')
          ? 'a netplumb helper, group or sudo rule is already on this machine; the test will not touch it'
          : undefined;

const root = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1' } });

describe.skipIf(!!why)(`helper install on this machine${why ? ` (skipped: ${why})` : ''}`, () => {
  it('installs, lets a group member use the CLI with no root, refuses what it must, and uninstalls to the state before', async () => {
    const user = `npb${randomBytes(3).toString('hex')}`;
    const as = (...args: string[]) =>
      execa('runuser', ['-u', user, '--', process.execPath, BIN, ...args], {
        reject: false,
        env: { NO_COLOR: '1' },
      });
    const work = mkdtempSync(join(tmpdir(), 'np-build-cli-'));
    chmodSync(work, 0o755);
    accountTool(['useradd', '--no-create-home', '--shell', '/bin/sh', user]);
    try {
      const before = await as('list');
      expect(before.exitCode).toBe(1);
      expect(before.stderr).toContain(
        'the privileged helper is not installed: run `sudo npx netplumb helper install`',
      );

      const inst = await root('helper', 'install', '--user', user);
      expect(inst.stderr).toBe('');
      expect(inst.exitCode).toBe(0);
      expect(inst.stdout).toMatch(/installed in \/usr\/lib\/netplumb/);
      expect(readGroup('netplumb')?.members).toEqual([user]);

      // The member: doctor is happy about the helper, the group and sudo, and the CLI reaches the kernel.
      const doc = await as('doctor', '--json');
      const checks = JSON.parse(doc.stdout).checks as {
        title: string;
        ok: boolean | string;
        detail: string;
      }[];
      for (const t of ['privileged helper', 'netplumb group', 'sudo rule', 'kernel access'])
        expect(checks.find((c) => c.title === t)?.ok, t).toBe(true);
      expect(checks.find((c) => c.title === 'kernel features')?.ok).toBe(true);
      const list = await as('list', '--json');
      expect(list.exitCode, list.stderr).toBe(0);
      expect(Array.isArray(JSON.parse(list.stdout).labs)).toBe(true);

      // A lab of the user's own, through the helper: a command in it runs as the user, not as root.
      const hex = randomBytes(2).toString('hex');
      const lab = `npbl${hex}`;
      const labFile = join(work, 'lab.yaml');
      writeFileSync(
        labFile,
        `version: 1\nname: ${lab}\nnodes:\n  - { name: npbx${hex}, kind: namespace }\n  - { name: npby${hex}, kind: namespace }\nlinks:\n  - id: l1\n    a: { node: npbx${hex}, ifname: eth0, addresses: [10.218.0.1/24] }\n    b: { node: npby${hex}, ifname: eth0, addresses: [10.218.0.2/24] }\n`,
      );
      chmodSync(labFile, 0o644);
      try {
        const applied = await as('apply', labFile);
        expect(applied.exitCode, applied.stderr).toBe(0);
        const uid = execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim();
        const ran = await as('exec', lab, `npbx${hex}`, '--', 'id', '-u');
        expect(ran.exitCode, ran.stderr).toBe(0);
        expect(ran.stdout.trim()).toBe(uid);
      } finally {
        await root('destroy', lab);
      }

      // The rule allows the launcher with no arguments only.
      const withArg = await execa('runuser', ['-u', user, '--', 'sudo', '-n', LAUNCHER, '--inspect'], {
        reject: false,
      });
      expect(withArg.exitCode).not.toBe(0);
      // The launcher rebuilds the environment: NODE_OPTIONS cannot inject code into the root helper.
      const marker = join(work, 'injected');
      const evil = join(work, 'evil.cjs');
      writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`);
      const r = await execa(LAUNCHER, [], {
        input: '{"id":1,"op":"list","args":{}}\n',
        reject: false,
        env: { NODE_OPTIONS: `--require ${evil}` },
      });
      expect(r.stdout).toContain('"id":1');
      expect(existsSync(marker)).toBe(false);

      // Installing again is harmless.
      expect((await root('helper', 'install', '--user', user)).exitCode).toBe(0);

      const un = await root('helper', 'uninstall');
      expect(un.exitCode).toBe(0);
      expect(existsSync(p.dir)).toBe(false);
      expect(existsSync(p.sudoers)).toBe(false);
      expect(existsSync(p.policy)).toBe(false);
      expect(readGroup('netplumb')).toBeUndefined();
      const after = await as('list');
      expect(after.stderr).toContain('the privileged helper is not installed');
    } finally {
      if (existsSync(p.manifest)) await root('helper', 'uninstall');
      accountTool(['userdel', user]);
      rmSync(work, { recursive: true, force: true });
    }
  });
});
