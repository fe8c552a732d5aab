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

function member(
  ino: number,
  name: string,
  mode: number,
  data: Uint8Array,
  rdev: [number, number] = [0, 0],
): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  const header =
    '070701' +
    [ino, mode, 0, 0, mode & TYPE.dir ? 2 : 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0]
      .map(hex8)
      .join('');
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

/** One member read back by readCpio. */
export interface CpioMember {
  name: string;
  mode: number;
  data: Buffer;
  rdev: [number, number];
}

/** Reads a newc archive (as written above) back into members; for tests and inspection. */
export function readCpio(buf: Buffer): CpioMember[] {
  const out: CpioMember[] = [];
  let off = 0;
  for (;;) {
    if (buf.toString('ascii', off, off + 6) !== '070701') throw new Error(`no newc header at offset ${off}`);
    const field = (i: number) => parseInt(buf.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
    const [mode, size, rmaj, rmin, namesize] = [field(1), field(6), field(9), field(10), field(11)];
    const name = buf.toString('utf8', off + 110, off + 110 + namesize - 1);
    off += 110 + namesize;
    off += pad4(off);
    const data = buf.subarray(off, off + size);
    off += size + pad4(size);
    if (name === 'TRAILER!!!') break;
    out.push({ name, mode, data, rdev: [rmaj, rmin] });
  }
  if (off !== buf.length) throw new Error(`${buf.length - off} bytes after the trailer`);
  return out;
}
