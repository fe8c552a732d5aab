/**
 * Runs a shadow-utils account tool (useradd, userdel, groupadd, groupdel) for a
 * test, retrying while another process holds /etc/passwd or /etc/group: test
 * files run in parallel and several of them make throw-away users.
 */
import { spawnSync } from 'node:child_process';

/** Runs `argv` synchronously; retries for up to ~10 s on "cannot lock"; throws on any other failure. */
export function accountTool(argv: readonly string[], opts: { ignoreFailure?: boolean } = {}): void {
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    if (r.status === 0) return;
    const busy = /cannot lock|try again later/i.test(r.stderr ?? '');
    if (busy && attempt < 40) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      continue;
    }
    if (opts.ignoreFailure) return;
    throw new Error(`${argv.join(' ')} failed (exit ${r.status}): ${(r.stderr ?? '').trim()}`);
  }
}
