/**
 * A minimal writer for the `newc` cpio format the kernel unpacks as an initramfs.
 * Writing it here (instead of `find | cpio`) lets the archive hold /dev/console
 * without mknod on the host and makes it byte-for-byte reproducible (fixed mtime,
 * inode numbers by position), so the cache key is the only thing that matters.
 */

/** One archive member. Directories and device nodes have no data; a symlink's data is its target. */
export type CpioEntry =
  | { kind: 'dir'; name: string; mode?: number }
  | { kind: 'file'; name: string; data: Uint8Array; mode?: number }
  | { kind: 'symlink'; name: string; target: string }
  | { kind: 'chardev'; name: string; major: number; minor: number; mode?: number };

const TYPE = { dir: 0o040000, file: 0o100000, symlink: 0o120000, chardev: 0o020000 } as const;

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => (4 - (n % 4)) % 4;

function member(ino: number, name: string, mode: number, data: Uint8Array, rdev: [number, number] = [0, 0]): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  const header =
    '070701' +
    [ino, mode, 0, 0, mode & TYPE.dir ? 2 : 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0].map(hex8).join('');
  return Buffer.concat([
    Buffer.from(header, 'ascii'),
    nameBytes,
    Buffer.alloc(pad4(header.length + nameBytes.length)),
    Buffer.from(data),
    Buffer.alloc(pad4(data.length)),
  ]);
}

/** Serialises entries (names relative, no leading slash) into one uncompressed newc archive. */
export function writeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => {
    const name = e.name.replace(/^\/+/, '');
    if (!name) throw new Error('cpio entry without a name');
    const ino = i + 1;
    switch (e.kind) {
      case 'dir':
        parts.push(member(ino, name, TYPE.dir | (e.mode ?? 0o755), new Uint8Array()));
        break;
      case 'file':
        parts.push(member(ino, name, TYPE.file | (e.mode ?? 0o644), e.data));
        break;
      case 'symlink':
        parts.push(member(ino, name, TYPE.symlink | 0o777, Buffer.from(e.target, 'utf8')));
        break;
      case 'chardev':
        parts.push(member(ino, name, TYPE.chardev | (e.mode ?? 0o600), new Uint8Array(), [e.major, e.minor]));
        break;
    }
  });
  parts.push(member(0, 'TRAILER!!!', 0, new Uint8Array()));
  return Buffer.concat(parts);
}
