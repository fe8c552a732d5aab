/**
 * The capability check's result kept between commands (issue 13: the check
 * creates a scratch namespace and tries about fifteen devices and qdiscs,
 * ~150 ms, on every command that applies). It is still a run-time
 * detection: the entry is used only while its key proves the answer cannot
 * have changed — the same boot (boot_id), the same loaded kernel modules
 * (/proc/modules: loading or removing one changes it), the same tool
 * binaries on PATH (path, size, mtime, inode) and the same probes
 * (FEATURE_INFO). Anything else is a miss, and the check runs again.
 *
 * Where: /run/netplumb/capabilities.json, root's only (the checked run
 * directory, run-dir.ts), mode 0600, written whole. Why root only: the result
 * decides what apply refuses; a user who could write it could only make
 * apply try what the kernel refuses (rolled back) or refuse what it could
 * do, but the file sits with the other root state and nobody else's.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { FEATURE_INFO } from '../../shared/kinds/features';
import { writeRootFile } from './install/root-files';
import { checkRunDir, ROOT_RUN_DIR } from './run-dir';
import { whichOnPath } from './which';

const TOOLS = ['ip', 'bridge', 'tc', 'nft', 'tcpdump', 'ping', 'sysctl'];

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Where a tool would be found on PATH, with what identifies the binary (or "absent"). */
function toolStamp(tool: string): string {
  const w = whichOnPath(tool);
  return w ? `${tool}=${w.path}:${w.stat.size}:${w.stat.mtimeMs}:${w.stat.ino}` : `${tool}=absent`;
}

/** The key an entry must carry to be used; undefined when this machine gives no boot id. */
export function capabilitiesKey(): string | undefined {
  const boot = readOr('/proc/sys/kernel/random/boot_id').trim();
  if (!boot) return undefined;
  // /proc/modules lists each module's use count too; only names and states matter.
  const modules = readOr('/proc/modules')
    .split('\n')
    .map((l) =>
      l
        .split(' ')
        .filter((_, i) => i === 0 || i === 4)
        .join(' '),
    )
    .sort()
    .join('\n');
  return createHash('sha256')
    .update('capabilities 1\0')
    .update(boot)
    .update('\0')
    .update(modules)
    .update('\0')
    .update(TOOLS.map(toolStamp).join('\n'))
    .update('\0')
    .update(JSON.stringify(FEATURE_INFO))
    .digest('hex');
}

/** The file, when the run directory is root's and safe; undefined otherwise (no caching). */
export function capabilitiesFile(base = ROOT_RUN_DIR): string | undefined {
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return undefined;
  try {
    return checkRunDir(base, true) ? path.join(base, 'capabilities.json') : undefined;
  } catch {
    return undefined;
  }
}

/** The stored value for `key`, or undefined (missing, corrupt, another key). */
export function loadCapabilities<T>(file: string, key: string): T | undefined {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; value?: unknown };
    if (e.key === key && e.value && typeof e.value === 'object') return e.value as T;
  } catch {
    // missing or corrupt: a miss
  }
  return undefined;
}

/** Stores the value whole (writeRootFile: a temporary file renamed over the old one), mode 0600; failures are ignored. */
export function storeCapabilities(file: string, key: string, value: unknown): void {
  try {
    writeRootFile(file, JSON.stringify({ key, value }), 0o600);
  } catch {
    // not kept: the next command detects again
  }
}

/** Forgets the stored value (after `modprobe`, or when asked). */
export function forgetCapabilities(file = capabilitiesFile()): void {
  if (file) rmSync(file, { force: true });
}
