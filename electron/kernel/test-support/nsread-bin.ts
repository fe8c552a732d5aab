/**
 * nsread compiled from native/ into a temporary directory for a test file,
 * so tests run the sources of this checkout (not an installed copy). `skip`
 * says why the tests cannot run (not root, no C compiler), else ''.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRoot, NOT_ROOT_REASON } from './scratch-netns';

/** Builds nsread; `remove` deletes it with its directory. */
export function buildTestNsread(): { bin: string; skip: string; remove: () => void } {
  const src = path.join(import.meta.dirname, '..', '..', '..', 'native');
  const out = mkdtempSync(path.join(tmpdir(), 'netplumb-nsread-'));
  const bin = path.join(out, 'nsread');
  const files = readdirSync(src)
    .filter((f) => f.endsWith('.c'))
    .map((f) => path.join(src, f));
  const cc = spawnSync('cc', ['-O2', '-Wall', '-o', bin, ...files], { encoding: 'utf8' });
  const built = !cc.error && cc.status === 0;
  const skip = !isRoot()
    ? NOT_ROOT_REASON
    : built
      ? ''
      : `no C compiler to build nsread (${cc.error?.message ?? cc.stderr})`;
  return { bin, skip, remove: () => rmSync(out, { recursive: true, force: true }) };
}
