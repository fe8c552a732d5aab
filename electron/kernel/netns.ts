/**
 * Named network namespaces as iproute2 keeps them: bind mounts of nsfs files
 * under /run/netns (what `ip netns add` creates and `ip netns list` shows).
 * These helpers read the directory and inodes directly: no process.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Where iproute2 keeps named namespaces. */
export const NETNS_DIR = '/run/netns';

/**
 * Rejects names that are not plain file names in /run/netns.
 * Why: names reach `ip -n NAME` and path joins; "../x" or "a/b" would point
 * outside /run/netns, and a leading "-" could be read as an option.
 */
export function isValidNetnsName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    Buffer.byteLength(name) <= 255 &&
    name !== '.' &&
    name !== '..' &&
    !name.startsWith('-') &&
    !/[/\0\s]/.test(name)
  );
}

/** Names of the named namespaces (as `ip netns list`, sorted); [] when /run/netns does not exist. */
export async function listNetns(dir: string = NETNS_DIR): Promise<string[]> {
  try {
    return netnsNames(await readdir(dir, { withFileTypes: true }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
/** listNetns, at once (lab-scope.ts readRecorded: nothing awaited before its read is sent). */
export function listNetnsSync(dir: string = NETNS_DIR): string[] {
  try {
    return netnsNames(readdirSync(dir, { withFileTypes: true }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
// `ip netns add` creates regular (empty) files that it bind-mounts the namespace on.
const netnsNames = (entries: Dirent[]) =>
  entries
    .filter((e) => e.isFile() && isValidNetnsName(e.name))
    .map((e) => e.name)
    .sort();

/**
 * True when /run/netns is a mount point already: iproute2's first `netns
 * add` makes it one (a shared bind mount of itself), and two first ones at
 * once could each make it; after that, namespaces may be added by several
 * processes at once (executor-wave.ts groupPlan).
 */
export function netnsDirMounted(mountinfo = '/proc/self/mountinfo'): boolean {
  try {
    // Field 5 of each line is the mount point (octal escapes for spaces; /run/netns has none).
    return readFileSync(mountinfo, 'utf8')
      .split('\n')
      .some((l) => l.split(' ')[4] === NETNS_DIR);
  } catch {
    return false;
  }
}

let nsfsDev: Promise<number | undefined> | undefined;
/** The device number of nsfs (the filesystem of namespace files), if /proc is there. */
function nsfsDevice(): Promise<number | undefined> {
  nsfsDev ??= stat('/proc/self/ns/net').then(
    (s) => s.dev,
    () => undefined,
  );
  return nsfsDev;
}

/**
 * The inode of the namespace mounted at /run/netns/NAME (the same number as
 * /proc/PID/ns/net of a process inside it). It identifies one namespace among
 * those that exist at the same time; the kernel reuses the number once a
 * namespace is freed (measured: delete + re-create usually gets the same
 * inode), so pair it with the namespace's mark to recognise an instance over
 * time. Undefined when the name does not exist or the file is a stale
 * placeholder with no namespace mounted on it.
 */
export async function netnsInode(name: string, dir: string = NETNS_DIR): Promise<number | undefined> {
  return (await netnsInodes([name], dir))[0];
}

/**
 * netnsInode of many names at once (a lab's record: every namespace of the
 * lab): one stat system call each on /run/netns, made in turn rather than
 * one promise each (200 namespaces: well under a millisecond, against ~6 ms
 * as promises), in the order of `names`.
 */
export async function netnsInodes(
  names: readonly string[],
  dir: string = NETNS_DIR,
): Promise<(number | undefined)[]> {
  const dev = await nsfsDevice();
  return names.map((name) => {
    if (!isValidNetnsName(name)) return undefined;
    let s;
    try {
      s = statSync(join(dir, name));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw e;
    }
    // A file left behind without its bind mount lives on tmpfs, not nsfs: no namespace.
    return dev !== undefined && s.dev !== dev ? undefined : s.ino;
  });
}
