/**
 * The saved captures, as the app shows them: a list per lab (and link) with
 * sizes, the first packets of one file as table rows, and the checked path
 * of one file for a download. Runs in the app or server process (the user),
 * never in the privileged helper: the files are the user's own (the helper
 * streams capture bytes back and this side writes them, helper-backend.ts).
 */
import { lstatSync, openSync, readdirSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { readPcap, type PacketRow } from '../../../shared/formats/pcap';
import { PlainError } from '../plain-error';
import type { Runner } from '../runner';
import { defaultCaptureDir } from './capture';

export interface CaptureFile {
  /** File name inside the capture directory. */
  name: string;
  linkId?: string;
  end?: 'a' | 'b';
  bytes: number;
  /** Last written, ISO time. */
  at: string;
}

/** At most this much of a file is read for the packet table. */
const TABLE_READ_BYTES = 4 * 1024 * 1024;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}\.pcap$/;
const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
const myUid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/**
 * The checked path of capture `name`. Why every check: the name comes from
 * the page (or a browser request); it must stay one plain file name inside
 * the capture directory, name a regular file (not a link planted there) and
 * a file of the user running this process, so nothing else can be read.
 */
export function captureFilePath(name: string, dir = defaultCaptureDir()): string {
  if (!NAME.test(name))
    throw new PlainError(
      `"${name}" is not the name of a capture file (letters, digits, . _ - ending in .pcap)`,
    );
  const path = join(dir, name);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    throw new PlainError(`there is no capture "${name}" in ${dir}`);
  }
  if (!st.isFile()) throw new PlainError(`capture "${name}" is not a plain file: refused`);
  const uid = myUid();
  if (uid !== undefined && st.uid !== uid)
    throw new PlainError(`capture "${name}" belongs to another user: refused`);
  return path;
}

/** The saved captures of `lab` (of one link when `linkId` is given), newest first. */
export function listCaptures(lab: string, linkId?: string, dir = defaultCaptureDir()): CaptureFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = `${safe(lab)}-${linkId ? `${safe(linkId)}-` : ''}`;
  const out: CaptureFile[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !NAME.test(name)) continue;
    let path: string;
    try {
      path = captureFilePath(name, dir);
    } catch {
      continue;
    }
    const st = lstatSync(path);
    const m = linkId ? /^(a|b)-/.exec(name.slice(prefix.length)) : null;
    out.push({
      name,
      ...(linkId && m ? { linkId, end: m[1] as 'a' | 'b' } : {}),
      bytes: st.size,
      at: st.mtime.toISOString(),
    });
  }
  return out.sort((x, y) => y.at.localeCompare(x.at) || y.name.localeCompare(x.name));
}

export interface CapturePackets {
  name: string;
  bytes: number;
  packets: PacketRow[];
  more: boolean;
  note?: string;
}

/**
 * The first `max` packets of capture `name` as table rows (shared/formats/pcap.ts).
 * A file the reader cannot decode (not Ethernet) is shown through `tcpdump -r` text.
 */
export async function capturePackets(
  name: string,
  max = 200,
  o: { dir?: string; runner?: Runner } = {},
): Promise<CapturePackets> {
  const path = captureFilePath(name, o.dir);
  const size = lstatSync(path).size;
  const buf = Buffer.alloc(Math.min(size, TABLE_READ_BYTES));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  const r = readPcap(buf, max);
  const note = r.note && size > buf.length && /cut off/.test(r.note) ? undefined : r.note;
  if (r.linkType !== 1 && r.linkType !== 0 && o.runner) {
    // Fallback: tcpdump's own words, read as this user (the file is theirs).
    const t = await o.runner(['tcpdump', '-r', path, '-n', '-tt', '-c', String(max)], { timeoutMs: 10_000 });
    const lines = t.stdout.split('\n').filter(Boolean);
    if (t.exitCode === 0 && lines.length) {
      return {
        name,
        bytes: size,
        more: r.more,
        packets: lines.map((l, i) => ({
          n: i + 1,
          t: r.packets[i]?.t ?? 0,
          src: '',
          dst: '',
          protocol: 'tcpdump',
          length: r.packets[i]?.length ?? 0,
          summary: l,
        })),
      };
    }
  }
  return {
    name,
    bytes: size,
    packets: r.packets,
    more: r.more || size > buf.length,
    ...(note ? { note } : {}),
  };
}
