/**
 * nsread compiled from native/ into a temporary directory for a test file,
 * so tests run the sources of this checkout (not an installed copy). `skip`
 * says why the tests cannot run (not root, no C compiler), else ''.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildNsread } from '../../../scripts/build.mjs';
import { isRoot, NOT_ROOT_REASON } from './scratch-netns';

/** Builds nsread; `remove` deletes it with its directory. `needsRoot` false: tests that only run it on data (no namespaces). */
export function buildTestNsread({ needsRoot = true } = {}): {
  bin: string;
  skip: string;
  remove: () => void;
} {
  const out = mkdtempSync(path.join(tmpdir(), 'netplumb-nsread-'));
  const bin = path.join(out, 'nsread');
  // The build's own compile (same flags as dist/nsread, -pthread included).
  const built = buildNsread(undefined, out);
  const skip = needsRoot && !isRoot() ? NOT_ROOT_REASON : built === 'built nsread' ? '' : built;
  return { bin, skip, remove: () => rmSync(out, { recursive: true, force: true }) };
}
