/**
 * Reading a file a user names (a topology, an import, a student's file):
 * only a regular file, and at most MAX_TEXT_BYTES. Why: `validate /dev/zero`
 * read forever, a named pipe blocked forever, and a 200 MB file ended in
 * Node's out-of-memory crash instead of a sentence. The largest lab netplumb
 * accepts (5000 nodes) is a few MB of YAML.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The largest file read: 8 MiB. */
export const MAX_TEXT_BYTES = 8 * 1024 * 1024;

/** What a non-regular file is, in words. */
function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'it is a directory';
  if (st.isFIFO()) return 'it is a named pipe, not a file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a file';
  if (st.isSocket()) return 'it is a socket, not a file';
  return 'it is not a regular file';
}

/** Why a read or a write failed, in words; `missing` is what ENOENT means here ("no such file"). */
export function fsReason(e: unknown, missing = 'no such file'): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return missing;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EROFS') return 'the file system is read-only';
  return (e as Error).message;
}

/** The text of `file` (UTF-8), or why it cannot be read, as `cannot read FILE: …`. */
export function readTextFile(file: string, max = MAX_TEXT_BYTES): { text: string } | { error: string } {
  let fd: number;
  try {
    // Non-blocking: opening a named pipe must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { error: `cannot read ${file}: ${fsReason(e)}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: `cannot read ${file}: ${kindOf(st)}` };
    if (st.size > max)
      return {
        error: `cannot read ${file}: it is ${(st.size / 1048576).toFixed(1)} MB; netplumb reads files of at most ${max / 1048576} MB`,
      };
    // One byte more than allowed tells a file that grew while it was read.
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0;) n += got;
    if (n > max) return { error: `cannot read ${file}: it grew past ${max / 1048576} MB while it was read` };
    return { text: buf.toString('utf8', 0, n) };
  } catch (e) {
    return { error: `cannot read ${file}: ${fsReason(e)}` };
  } finally {
    closeSync(fd);
  }
}
