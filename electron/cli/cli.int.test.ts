/**
 * The `netplumb` command as a user runs it: exit codes, located errors,
 * human and --json output, on the real kernel.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useKernelLab } from '../kernel/test-support/lab-fixture';
import { classicLab } from '../kernel/test-support/labs';
import { isRoot, NOT_ROOT_REASON } from '../kernel/test-support/scratch-netns';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/netplumb.js');
const lab = useKernelLab({ beforeEach, afterEach });
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { NETPLUMB_RUN_DIR: lab.run.dir, NO_COLOR: '1' },
  });
const file = (name: string, text: string) => {
  const f = join(lab.run.dir, name);
  writeFileSync(f, text);
  return f;
};

describe('netplumb CLI (no kernel)', () => {
  it('prints help for the tool and for every command', async () => {
    const top = await cli('--help');
    expect(top.exitCode).toBe(0);
    for (const cmd of ['validate', 'plan', 'apply', 'status', 'destroy', 'list', 'serve']) {
      expect(top.stdout).toContain(cmd);
      const h = await cli(cmd, '--help');
      expect(h.exitCode, cmd).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^usage: netplumb ${cmd}`));
    }
    const bad = await cli('frobnicate');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });

  it('runs as a program through a link as npm installs it: its arguments and exit code pass, NODE_EXTRA_CA_CERTS is not read', async () => {
    const link = join(lab.run.dir, 'netplumb');
    symlinkSync(BIN, link);
    const good = file(
      'a "quoted" $name.yaml',
      readFileSync(join(ROOT, 'examples/linux-bridge.yaml'), 'utf8'),
    );
    // A file that cannot be read: node warns at start when the variable is read at all.
    const env = { NETPLUMB_RUN_DIR: lab.run.dir, NO_COLOR: '1', NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' };
    const ok = await execa(link, ['validate', good], { reject: false, env, cwd: '/' });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain(`${good} is valid`);
    expect(ok.stderr).toBe('');
    const bad = await execa(link, ['validate', join(lab.run.dir, 'no such.yaml')], { reject: false, env });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('no such.yaml');
    expect(bad.stderr).not.toContain('extra certs');
    // The control: node run on the file itself reads it (so the assertions above can fail).
    const direct = await execa(process.execPath, [BIN, '--version'], { reject: false, env });
    expect(direct.stderr).toContain('extra certs');
  });

  it('validate counts the nodes and links of a valid file in words ("1 link", not "1 links")', async () => {
    const one = file(
      'one.yaml',
      `version: 1\nname: ${lab.p}-one\nnodes:\n  - { name: ${lab.p}a, kind: namespace }\n  - { name: ${lab.p}br, kind: bridge }\nlinks:\n  - id: l1\n    a: { node: ${lab.p}a, ifname: eth0 }\n    b: { node: ${lab.p}br, ifname: ${lab.p}p1 }\n`,
    );
    const r = await cli('validate', one);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`(lab "${lab.p}-one", 2 nodes, 1 link).`);
  });

  it('validate locates problems in the file by line and column and exits 1', async () => {
    const f = file(
      'bad.yaml',
      `version: 1\nname: ${lab.p}-bad\nnodes:\n  - { name: ${lab.p}a, kind: namespace }\n  - { name: ${lab.p}br, kind: bridge }\nlinks:\n  - id: l1\n    a: { node: ${lab.p}a, ifname: this-name-is-far-too-long }\n    b: { node: ${lab.p}br, ifname: ${lab.p}p1 }\n`,
    );
    const r = await cli('validate', f);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`${f.replace(/[.]/g, '\\.')}:8:\\d+: error: .*this-name-is-far-too-long.*15`),
    );
    const broken = file('broken.yaml', 'version: 1\nname: [unclosed\n');
    const b = await cli('validate', broken);
    expect(b.exitCode).toBe(1);
    expect(b.stderr).toMatch(/broken\.yaml:\d+:\d+: error:/);
    const missing = await cli('validate', join(lab.run.dir, 'nope.yaml'));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const j = await cli('validate', f, '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({
      ok: false,
      problems: [expect.objectContaining({ line: 8 })],
    });
  });
});

describe.skipIf(!isRoot())(
  `netplumb CLI on the real kernel${isRoot() ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    it('plan (3) -> apply (0) -> status (0) -> plan in sync (0) -> destroy (0), with --json', async () => {
      const f = file('lab.json', JSON.stringify(classicLab(lab.p)));
      const plan = await cli('plan', f);
      expect(plan.exitCode).toBe(3);
      expect(plan.stdout).toContain(`ip netns add ${lab.p}a`);
      expect(plan.stdout).toMatch(/to create, \d+ to change, 0 to delete/);
      const apply = await cli('apply', f);
      expect(apply.exitCode, apply.stderr).toBe(0);
      expect(apply.stdout).toMatch(/Applied lab ".*": \d+ changes/);
      const status = await cli('status', f, '--json');
      expect(status.exitCode).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ applied: true, inSync: true, drift: [] });
      expect((await cli('plan', f)).exitCode).toBe(0);
      const list = JSON.parse((await cli('list', '--json')).stdout);
      expect(list.labs.map((l: { name: string }) => l.name)).toContain(`${lab.p}-classic`);
      // Drift made by hand: status exits 3 and names it.
      await execa('ip', ['link', 'set', 'dev', `${lab.p}p1`, 'down']);
      const drift = await cli('status', f);
      expect(drift.exitCode).toBe(3);
      expect(drift.stdout).toContain(`${lab.p}p1 in the root namespace is down, the file says up`);
      const destroy = await cli('destroy', `${lab.p}-classic`);
      expect(destroy.exitCode).toBe(0);
      expect((await cli('status', f)).stdout).toContain('is not applied');
    });

    it('refuses a name collision with exit 1, located in the file, and changes nothing', async () => {
      await execa('ip', ['link', 'add', 'name', `${lab.p}br`, 'type', 'bridge']);
      const text = JSON.stringify(classicLab(lab.p), null, 2);
      const f = file('lab.json', text);
      const r = await cli('apply', f);
      expect(r.exitCode).toBe(1);
      // The bridge node's object opens on the line before its "id" (lines count from 1).
      const brLine = text.split('\n').findIndex((l) => l.includes('"id": "br0"'));
      expect(r.stderr).toContain(
        `${f}:${brLine}:5: error: Interface "${lab.p}br" already exists in the root namespace and was not made by netplumb`,
      );
      const plan = JSON.parse((await cli('plan', f, '--json')).stdout);
      expect(plan.problems).toEqual([
        expect.objectContaining({ code: 'foreign-object', nodeId: 'br0', line: brLine, column: 5 }),
      ]);
      expect(r.stderr).toContain('nothing was changed');
      const ns = await execa('ip', ['netns', 'list']);
      expect(ns.stdout).not.toContain(`${lab.p}a`);
    });

    it('warns when another file of the same lab name replaces it, at its name line, naming what went', async () => {
      const first = classicLab(lab.p);
      const f = file('lab.json', JSON.stringify(first));
      expect((await cli('apply', f)).exitCode).toBe(0);
      const text = JSON.stringify({ ...first, nodes: [first.nodes[0]], links: [] }, null, 2);
      // A relative path: the record keeps the absolute one.
      const other = file('other.json', text);
      const r = await execa(process.execPath, [BIN, 'apply', 'other.json'], {
        reject: false,
        cwd: lab.run.dir,
        env: { NETPLUMB_RUN_DIR: lab.run.dir, NO_COLOR: '1' },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const nameLine = text.split('\n').findIndex((l) => l.includes('"name"')) + 1;
      expect(r.stderr).toContain(
        `other.json:${nameLine}:11: warning: lab "${lab.p}-classic" was running from another file, ${f} (applied`,
      );
      expect(r.stderr).toMatch(new RegExp(`removing [^.]*${lab.p}br in the root namespace`));
      expect((await execa('ip', ['netns', 'list'])).stdout).not.toContain(`${lab.p}b `);
      const list = JSON.parse((await cli('list', '--json')).stdout);
      expect(list.labs.find((l: { name: string }) => l.name === `${lab.p}-classic`)?.file).toBe(other);
      // Again: in sync, no warning.
      const again = await cli('apply', other);
      expect(again.stderr).not.toContain('another file');
      expect((await cli('destroy', `${lab.p}-classic`)).exitCode).toBe(0);
    });
  },
);
