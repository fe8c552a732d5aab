/**
 * Writing root's files safely: every directory on the way must be root's and
 * writable by root only, and every file is written beside its target, owned
 * by root with its final mode, then renamed into place (never half-written,
 * never through a link another user planted).
 */
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { PlainError } from '../plain-error';

/** Why a path is unsafe for root to run or read code from, or undefined when it is safe. */
export function unsafeReason(p: string): string | undefined {
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return `${p} does not exist`;
  }
  if (st.isSymbolicLink()) return `${p} is a symbolic link`;
  if (st.uid !== 0) return `${p} belongs to uid ${st.uid}, not root`;
  // Why: a file or directory that group or others may write can be changed
  // (or, for a directory, have its entries swapped) by someone who is not root.
  if (st.mode & 0o022)
    return `${p} can be changed by users other than root (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`;
  return undefined;
}

/** Checks `p` and every directory above it (up to `/`); throws in plain words when one is unsafe. */
export function assertRootChain(p: string, what: string): void {
  for (let cur = p; ; cur = path.dirname(cur)) {
    const why = unsafeReason(cur);
    // Why the whole chain: write access to any parent lets a user rename the
    // directory away and put their own in its place.
    if (why) throw new PlainError(`${what} is not safe to run as root: ${why}`);
    if (path.dirname(cur) === cur) return;
  }
}

/**
 * Makes `dir` and missing parents (root-owned, 0755) below `base`, which must
 * exist. Existing directories below `base` must already be safe. Returns the
 * directories it created, top first.
 */
export function ensureRootDir(base: string, dir: string): string[] {
  const rel = path.relative(base, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${dir} is not under ${base}`);
  const made: string[] = [];
  let cur = base;
  for (const part of rel.split(path.sep).filter(Boolean)) {
    cur = path.join(cur, part);
    let exists = true;
    try {
      lstatSync(cur);
    } catch {
      exists = false;
    }
    if (!exists) {
      mkdirSync(cur, { mode: 0o755 });
      chownSync(cur, 0, 0);
      made.push(cur);
    } else {
      const why = unsafeReason(cur);
      if (why) throw new PlainError(`cannot install into ${cur}: ${why}`);
      if (!lstatSync(cur).isDirectory())
        throw new PlainError(`cannot install into ${cur}: it is not a directory`);
    }
  }
  return made;
}

/** How a root file is written. */
export interface RootFileOptions {
  /**
   * fsync before the rename (default true). False for caches, whose loss in
   * a crash is only a miss: on a disk-backed /run an fsync per entry cost
   * more than the read it saves.
   */
  durable?: boolean;
}

/**
 * Writes all of `data` at fd's position; a short write (a full disk) throws
 * rather than leave a cut file. A string is written as it is: for a 700 kB
 * cache entry, Buffer.from alone took 2.5 ms, the write of the string 0.5 ms.
 */
export function writeWhole(fd: number, data: string | Uint8Array, what: string): void {
  const [want, wrote] =
    typeof data === 'string'
      ? [Buffer.byteLength(data), writeSync(fd, data)]
      : [data.byteLength, writeSync(fd, data)];
  if (wrote !== want) throw new Error(`wrote ${wrote} of ${want} bytes to ${what}`);
}

/** Writes `data` to a temporary name beside `file` (root:root, `mode`) and returns that name. */
export function stageRootFile(
  file: string,
  data: string | Uint8Array,
  mode: number,
  { durable = true }: RootFileOptions = {},
): string {
  // The dot and the "~" make sudo's includedir ignore the temporary file.
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}~`);
  // Why 'wx': never follow or reuse a file someone else created at that name.
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeWhole(fd, data, tmp);
    if (durable) fsyncSync(fd);
    chownSync(tmp, 0, 0);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return tmp;
}

/** Writes `data` to `file` as root:root with `mode`, atomically (temporary file + rename). */
export function writeRootFile(
  file: string,
  data: string | Uint8Array,
  mode: number,
  opts: RootFileOptions = {},
): void {
  const tmp = stageRootFile(file, data, mode, opts);
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * writeRootFile without fsync, done off the main thread (Node's thread
 * pool): the same temporary name ('wx': never another's file), owner and
 * mode, then the rename, unless `wanted` says no by then. For files a
 * reader may find missing or older (a cache): the caller goes on while it
 * is written.
 */
export async function writeRootFileLater(
  file: string,
  data: string,
  mode: number,
  wanted: () => boolean = () => true,
): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}~`);
  const fd = await open(tmp, 'wx', mode);
  try {
    await fd.writeFile(data);
    await fd.chown(0, 0);
    await fd.close();
    // Not when a newer write of the file came meanwhile (the caller's say).
    if (wanted()) await rename(tmp, file);
    else await rm(tmp, { force: true });
  } catch (e) {
    await fd.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Node's real path (links resolved), for the launcher to run. */
export function realNode(p: string): string {
  return realpathSync(p);
}
