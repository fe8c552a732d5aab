/**
 * Starting the real privileged helper in tests, the way sudo or pkexec would:
 * as root, with a clean environment (sudo's env_reset, pkexec's clearing)
 * and only the caller variables the elevation tool sets. One place, so a
 * change of how the helper is launched (e.g. the bundled JS build) is made
 * once for every test.
 */
import { accountTool } from './accounts';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { helperCommand } from '../helper-client';

/** The checkout's root (package.json, electron/, node_modules/). */
export const APP_ROOT = path.resolve(import.meta.dirname, '../../..');

/** What the elevation tool tells the helper about its caller. */
export type TestCaller =
  { sudo: { uid: number; gid: number } } | { pkexec: { uid: number } } | { env: Record<string, string> };

/** The argv that starts the helper as root for `caller` (through `env -i`, like sudo's env_reset). */
export function helperArgvFor(caller: TestCaller): string[] {
  const vars =
    'sudo' in caller
      ? [`SUDO_UID=${caller.sudo.uid}`, `SUDO_GID=${caller.sudo.gid}`]
      : 'pkexec' in caller
        ? [`PKEXEC_UID=${caller.pkexec.uid}`]
        : Object.entries(caller.env).map(([k, v]) => `${k}=${v}`);
  return [
    'env',
    '-i',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'LC_ALL=C',
    ...vars,
    ...helperCommand(APP_ROOT, { elevate: 'none' }),
  ];
}

/** A throw-away local user (with a supplementary group), for "runs as the caller" checks. */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  /** Its supplementary group's gid ("users"). */
  extraGid: number;
  remove(): void;
}

/** Creates a user with useradd (no home directory, bash, also in group "users"); remove() deletes it. */
export function createTestUser(prefix = 'nph'): TestUser {
  const name = `${prefix}${randomBytes(3).toString('hex')}`;
  accountTool(['useradd', '-M', '-U', '-d', '/nonexistent', '-s', '/bin/bash', '-G', 'users', name]);
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  const extraGid = Number(execFileSync('getent', ['group', 'users'], { encoding: 'utf8' }).split(':')[2]);
  return {
    name,
    uid: id('-u'),
    gid: id('-g'),
    extraGid,
    remove: () => {
      // -f: a shell of the user that is still closing must not keep the account alive.
      accountTool(['userdel', '-f', name], { ignoreFailure: true });
      // Usually userdel removed the user's own group already.
      accountTool(['groupdel', name], { ignoreFailure: true });
    },
  };
}
