/**
 * `helper install` into a temporary root (prefix): every file is root's with
 * the right mode and content, the group and sudo rule exist, installing again
 * changes nothing, and uninstall puts the tree back exactly as it was.
 * Needs root (files are chowned to root) and shadow-utils (groupadd --prefix).
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execaRunner } from '../runner';
import { installSources } from '../../cli/helper-commands';
import { readGroup } from './groups';
import { installHelper, launcherText, readManifest, uninstallHelper } from './helper-install';
import { installPaths, sudoersRule } from './paths';

const isRoot = process.getuid?.() === 0;
const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
};
const canRun = isRoot && has('groupadd') && has('usermod');
const root = path.resolve(import.meta.dirname, '../../..');
const sources = installSources(root);
const node = '/usr/bin/node';

/** Every path under dir with its mode, owner and (for files) content hash, ignoring shadow-utils backups (group-, gshadow-). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.name.endsWith('-')) continue;
      const st = lstatSync(p);
      out[path.relative(dir, p)] =
        `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}${e.isFile() ? ' ' + readFileSync(p, 'utf8').length : ''}`;
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

let prefix: string;
beforeEach(() => {
  prefix = mkdtempSync(path.join(tmpdir(), 'np-build-install-'));
  chmodSync(prefix, 0o755);
  mkdirSync(path.join(prefix, 'etc'));
  writeFileSync(
    path.join(prefix, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n',
  );
  writeFileSync(path.join(prefix, 'etc/shadow'), 'root:*:1::::::\nalice:!:1::::::\n', { mode: 0o640 });
  writeFileSync(path.join(prefix, 'etc/group'), 'root:x:0:\nalice:x:1000:\n');
  writeFileSync(path.join(prefix, 'etc/gshadow'), 'root:*::\nalice:!::\n', { mode: 0o640 });
});
afterEach(() => rmSync(prefix, { recursive: true, force: true }));

describe.skipIf(!canRun)('helper install into a temporary root', () => {
  it('installs root-owned files, the group with the sudo user, a valid sudo rule; again is a no-op; uninstall restores the tree', async () => {
    expect(existsSync(sources.helper)).toBe(true); // built by vitest's globalSetup
    const before = snapshot(prefix);
    const m = await installHelper({
      runner: execaRunner,
      sources,
      node,
      version: '9.9.9',
      user: 'alice',
      prefix,
    });
    const p = installPaths(prefix);

    // Contents: the bundle byte for byte, the launcher with node's path, the policy, the rule.
    expect(readFileSync(p.helper)).toEqual(readFileSync(sources.helper));
    const launcher = readFileSync(p.launcher, 'utf8');
    expect(launcher).toMatch(/^NODE=\/usr\/bin\/node$/m);
    expect(launcher).not.toMatch(/tsx/);
    execFileSync('sh', ['-n', p.launcher]);
    expect(readFileSync(p.policy, 'utf8')).toContain('/usr/lib/netplumb/netplumb-helper');
    expect(readFileSync(p.sudoers, 'utf8')).toBe(sudoersRule());
    if (has('visudo')) execFileSync('visudo', ['-cf', p.sudoers]);

    // Owners and modes: everything root's, nothing group- or world-writable.
    const mode = (f: string) => lstatSync(f).mode & 0o7777;
    expect(mode(p.dir)).toBe(0o755);
    expect(mode(p.launcher)).toBe(0o755);
    expect(mode(p.helper)).toBe(0o644);
    expect(mode(p.policy)).toBe(0o644);
    if (m.sudoers) expect(mode(p.sudoers)).toBe(0o440);
    // The native reader, when built, is a root-owned copy next to the helper (where the helper looks).
    if (sources.reader) {
      expect(readFileSync(p.reader)).toEqual(readFileSync(sources.reader));
      expect(mode(p.reader)).toBe(0o755);
      expect(p.reader).toBe(path.join(p.dir, 'nsread'));
    } else expect(existsSync(p.reader)).toBe(false);
    for (const [rel, desc] of Object.entries(snapshot(p.dir))) {
      const [perm, owner] = desc.split(' ');
      expect(owner, rel).toBe('0:0');
      expect(parseInt(perm, 8) & 0o022, rel).toBe(0);
    }
    if (sources.nodePty) {
      // The copy is enough on its own: node-pty loads from the helper's directory and spawns a pty.
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const p = await import('node-pty'); const t = p.spawn('/bin/echo', ['pty-ok'], {}); t.onData((d) => process.stdout.write(d));",
        ],
        { cwd: p.dir, encoding: 'utf8' },
      );
      expect(out).toContain('pty-ok');
    }

    // The group, with the user who ran sudo; the manifest says what was made.
    expect(readGroup('netplumb', prefix)?.members).toEqual(['alice']);
    expect(m).toMatchObject({ version: '9.9.9', node, createdGroup: true, addedUsers: ['alice'] });
    expect(readManifest(prefix)).toEqual(m);

    // Idempotent: a second install leaves the same tree and manifest.
    const once = snapshot(prefix);
    const m2 = await installHelper({
      runner: execaRunner,
      sources,
      node,
      version: '9.9.9',
      user: 'alice',
      prefix,
    });
    expect(m2).toEqual(m);
    expect(snapshot(prefix)).toEqual(once);

    // Uninstall removes exactly that: the tree and /etc/group are as before.
    await uninstallHelper({ runner: execaRunner, prefix });
    expect(snapshot(prefix)).toEqual(before);
    expect(readGroup('netplumb', prefix)).toBeUndefined();
  });

  it('leaves a group that existed before, removing only the member it added', async () => {
    execFileSync('groupadd', ['--prefix', prefix, 'netplumb']);
    const m = await installHelper({
      runner: execaRunner,
      sources,
      node,
      version: '1.0.0',
      user: 'alice',
      prefix,
    });
    expect(m.createdGroup).toBe(false);
    expect(readGroup('netplumb', prefix)?.members).toEqual(['alice']);
    await uninstallHelper({ runner: execaRunner, prefix });
    expect(readGroup('netplumb', prefix)?.members).toEqual([]);
  });

  it('refuses a node that another user could replace, and changes nothing', async () => {
    const dir = mkdtempSync(path.join(prefix, 'node-'));
    chmodSync(dir, 0o777);
    copyFileSync(process.execPath, path.join(dir, 'node'));
    const before = snapshot(prefix);
    await expect(
      installHelper({ runner: execaRunner, sources, node: path.join(dir, 'node'), version: '1', prefix }),
    ).rejects.toThrow(`not safe to run as root: ${dir} can be changed by users other than root (mode 0777)`);
    expect(snapshot(prefix)).toEqual(before);
  });

  it('refuses a user name that usermod would read as an option, before changing anything', async () => {
    const before = snapshot(prefix);
    await expect(
      installHelper({ runner: execaRunner, sources, node, version: '1', user: '-Groot', prefix }),
    ).rejects.toThrow('"-Groot" is not a user name');
    expect(snapshot(prefix)).toEqual(before);
  });

  it('refuses to overwrite a launcher it did not install (the package one)', async () => {
    const p = installPaths(prefix);
    mkdirSync(p.dir, { recursive: true });
    writeFileSync(p.launcher, '#!/bin/sh\n', { mode: 0o755 });
    await expect(installHelper({ runner: execaRunner, sources, node, version: '1', prefix })).rejects.toThrow(
      /was not installed by "netplumb helper install"/,
    );
    expect(readFileSync(p.launcher, 'utf8')).toBe('#!/bin/sh\n');
  });
});

describe('launcherText', () => {
  const template = readFileSync(path.join(root, 'packaging/netplumb-helper'), 'utf8');
  it("writes node's path into the NODE= line only", () => {
    const t = launcherText(template, '/opt/node-20/bin/node');
    expect(t.match(/^NODE=.*$/gm)).toEqual(['NODE=/opt/node-20/bin/node']);
    expect(t.replace(/^NODE=.*$/m, '')).toBe(template.replace(/^NODE=.*$/m, ''));
  });
  it.each(['relative/node', '/usr/bin/node; id', '/usr/bin/$(id)', '/usr/bin/no de', '/usr/bin/node\nid'])(
    'refuses %j',
    (bad) => {
      expect(() => launcherText(template, bad)).toThrow(/cannot hold safely/);
    },
  );
});
