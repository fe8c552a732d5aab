/**
 * The run directory holds what root acts on (journals, locks): as root it is
 * fixed, root-owned and 0700, and no environment variable moves it.
 */
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabStore } from './lab-store';
import { checkRunDir, defaultRunDir, ROOT_RUN_DIR, RunDirError } from './run-dir';
import { describeHolder, roleFromArgv } from './lock-holder';

const root = process.geteuid?.() === 0;
const made: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'np-rundir-'));
  made.push(d);
  return d;
};
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!root)('run directory as root', () => {
  it('is /run/netplumb whatever NETPLUMB_RUN_DIR says', () => {
    const was = process.env.NETPLUMB_RUN_DIR;
    process.env.NETPLUMB_RUN_DIR = '/tmp/somewhere-a-user-chose';
    try {
      expect(defaultRunDir()).toBe(ROOT_RUN_DIR);
      expect(new LabStore().runDir).toBe(ROOT_RUN_DIR);
    } finally {
      if (was === undefined) delete process.env.NETPLUMB_RUN_DIR;
      else process.env.NETPLUMB_RUN_DIR = was;
    }
  });

  it('is created 0700 and accepted when root owns it with mode 0700', () => {
    const d = join(temp(), 'run');
    expect(checkRunDir(d, false)).toBe(false);
    expect(checkRunDir(d, true)).toBe(true);
    expect(checkRunDir(d, false)).toBe(true);
  });

  it('is refused, in plain words and before any use, when open to others, owned by a user, a symlink or a file', () => {
    const open = temp();
    chmodSync(open, 0o755);
    expect(() => checkRunDir(open, true)).toThrow(RunDirError);
    expect(() => checkRunDir(open, true)).toThrow(/has mode 0755; it must be 0700 .*chmod 700/);
    const user = temp();
    chownSync(user, 1000, 1000);
    expect(() => checkRunDir(user, true)).toThrow(/is owned by uid 1000, not root/);
    const target = temp();
    const link = join(temp(), 'link');
    symlinkSync(target, link);
    expect(() => checkRunDir(link, true)).toThrow(/is not a plain directory \(it is a symbolic link\)/);
    const file = join(temp(), 'file');
    writeFileSync(file, '');
    expect(() => checkRunDir(file, true)).toThrow(/not a plain directory/);
    // The store refuses to take a lock there: nothing is written.
    const store = new LabStore(open);
    expect(() => store.lock('lab')).toThrow(/has mode 0755/);
    expect(() => store.labs()).toThrow(RunDirError);
    expect(store.readRecord('lab')).toBeNull();
    expect(readdirSync(open)).toEqual([]);
  });
});

describe('lock holder in words', () => {
  it('names the command line, serve, the helper and the app', () => {
    expect(
      roleFromArgv(['node', '/usr/lib/node_modules/netplumb/bin/netplumb.js', 'apply', 'lab.yaml']),
    ).toBe('the netplumb command line ("netplumb apply")');
    expect(roleFromArgv(['node', '/x/bin/netplumb.js', '--quiet', 'serve'])).toBe(
      'netplumb serve (browser mode)',
    );
    expect(roleFromArgv(['node', '/usr/lib/netplumb/helper/privileged-helper.js'])).toBe(
      "netplumb's privileged helper",
    );
    expect(roleFromArgv(['/opt/netplumb/netplumb', '.'], true)).toBe('the netplumb desktop app');
    expect(
      describeHolder({ pid: 42, what: 'netplumb serve (browser mode)', since: '2026-01-01T00:00:00Z' }),
    ).toBe('netplumb serve (browser mode) (pid 42, since 2026-01-01T00:00:00Z)');
    // An old lock file without "what": the holder's command line is read from /proc.
    expect(describeHolder({ pid: process.pid })).toMatch(new RegExp(`\\(pid ${process.pid}\\)$`));
  });
});
