/** Reading /etc/group (under a prefix for tests) and changing it with shadow-utils. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Runner } from '../runner';
import { PlainError } from '../plain-error';

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** The group `name` from `${prefix}/etc/group`, or undefined. */
export function readGroup(name: string, prefix = '/'): GroupEntry | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(prefix, 'etc/group'), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [n, , gid, members] = line.split(':');
    if (n === name && gid !== undefined)
      return { name: n, gid: Number(gid), members: (members ?? '').split(',').filter(Boolean) };
  }
  return undefined;
}

/** The `--prefix` arguments for shadow-utils when not working on the real root. */
const prefixArgs = (prefix: string) => (path.resolve(prefix) === '/' ? [] : ['--prefix', prefix]);

/** shadow-utils' answer when another tool holds /etc/passwd or /etc/group for a moment. */
const ACCOUNT_FILES_BUSY = /cannot lock|try again later/i;

async function run(runner: Runner, argv: string[], what: string): Promise<void> {
  let r = await runner(argv, { timeoutMs: 30_000 });
  // Another useradd/usermod (a package install, a second admin) holds the account
  // files for a moment: wait and try again rather than fail the install half way.
  for (let i = 0; i < 20 && r.exitCode !== 0 && ACCOUNT_FILES_BUSY.test(r.stderr); i++) {
    await new Promise((res) => setTimeout(res, 250));
    r = await runner(argv, { timeoutMs: 30_000 });
  }
  if (r.exitCode !== 0)
    throw new PlainError(
      `could not ${what}: ${argv[0]} said: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.exitCode}`}`,
    );
}

/** Creates a system group. */
export function createGroup(runner: Runner, name: string, prefix = '/'): Promise<void> {
  return run(runner, ['groupadd', '--system', ...prefixArgs(prefix), name], `create the group "${name}"`);
}

/** Deletes a group. */
export function deleteGroup(runner: Runner, name: string, prefix = '/'): Promise<void> {
  return run(runner, ['groupdel', ...prefixArgs(prefix), name], `remove the group "${name}"`);
}

/** Adds `user` to the supplementary group. */
export function addToGroup(runner: Runner, user: string, name: string, prefix = '/'): Promise<void> {
  return run(
    runner,
    ['usermod', '--append', '--groups', name, ...prefixArgs(prefix), user],
    `add ${user} to the group "${name}"`,
  );
}

/** Removes `user` from the supplementary group. */
export function removeFromGroup(runner: Runner, user: string, name: string, prefix = '/'): Promise<void> {
  return run(
    runner,
    ['usermod', '--remove', '--groups', name, ...prefixArgs(prefix), user],
    `remove ${user} from the group "${name}"`,
  );
}
