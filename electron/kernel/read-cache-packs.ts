/**
 * Packs of the read cache (read-cache.ts): many namespaces' entries in one
 * file. An apply fills the cache with a read of every namespace it wrote;
 * one file per namespace cost one inode each, and on a disk-backed /run
 * (ext4) 200 of them took 100–300 ms, a pack of the same 200 entries ~3 ms.
 *
 * A pack is written once (a temporary file renamed into place, root's, 0600,
 * in the checked cache directory) and never changed in place. A namespace's
 * own file is always newer than the packs holding it (storing a pack
 * removes the own files of its namespaces), so it wins; else the newest
 * pack holding it does (by the time it was written, kept when a pack is
 * rewritten or merged). Which one wins only decides hit or miss: an entry is
 * used only when nsread finds its fingerprint again. A pack that is torn, corrupt, not
 * a plain file, or not root's is skipped whole (its namespaces are misses).
 *
 * Format (version 2): one line of JSON, `{"v":2,"at":…,"entries":[{"ns",
 * "key","fp","checked"?,"bytes"}…]}`, then each entry's `ip` output (UTF-8,
 * `bytes` long) back to back, to the end of the file. Why not one JSON
 * document: ip's JSON inside JSON strings is all escaped quotes, and a
 * command loading the packs of a 200-host lab (stale copies of the root's
 * 400 KB read among them) spent ~45 ms in JSON.parse and its garbage. Now
 * loading reads the file and parses the small first line; an output is
 * decoded only when its entry is used.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeRootFile } from './install/root-files';

/** One cached read. */
export interface CacheEntry {
  /** The namespace's name (the file name is a hash of it). */
  ns: string;
  /** What else the output depends on: the batch, ip's binary and its name tables (see envKey). */
  key: string;
  fp: string;
  stdout: string;
  /**
   * Set when `stdout` passed the reader's shape check (the schemas named by
   * ip-json.ts BATCH_SCHEMA_ID, which it holds), so that a hit need not be
   * checked again while the schemas are the same.
   */
  checked?: string;
}

/** True when `e` has an entry's shape (a whole fingerprint included). */
export function isEntry(e: unknown): e is CacheEntry {
  return hasEntryFields(e) && typeof (e as Partial<CacheEntry>).stdout === 'string';
}

/** An entry's fields but its output: ns, key, a whole fingerprint, and `checked` when set. */
function hasEntryFields(e: unknown): boolean {
  const x = e as Partial<CacheEntry> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.ns === 'string' &&
    typeof x.key === 'string' &&
    typeof x.fp === 'string' &&
    /^[0-9a-f]{64}$/.test(x.fp) &&
    (x.checked === undefined || typeof x.checked === 'string')
  );
}

const PACK = /^pack-[0-9a-f]{24}\.json$/;
const VERSION = 2;
/** More packs than this are merged into one when the next pack is stored. */
export const PACKS_MAX = 8;

/** A pack as loaded: its file, identity, mtime and entries by namespace. */
export interface Pack {
  file: string;
  stamp: string;
  /** When its entries were read (µs, wall clock): the newest pack holding a namespace wins. */
  at: number;
  entries: Map<string, CacheEntry>;
}

const memo = new Map<string, Pack>();

/** A pack's identity, or undefined when it is not a plain file of root's (then it is not believed). */
function statPack(file: string): string | undefined {
  const st = lstatSync(file, { bigint: true });
  // Why: only root can create files in the 0700 cache directory; a link or
  // another owner's file there means something is wrong, and is not read.
  if (!st.isFile() || st.uid !== 0n) return undefined;
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** An entry of a pack's first line: all but the output, and the output's length in bytes. */
interface PackedMeta {
  ns: string;
  key: string;
  fp: string;
  checked?: string;
  bytes: number;
}

function isMeta(m: unknown): m is PackedMeta {
  const bytes = (m as Partial<PackedMeta> | null)?.bytes;
  return hasEntryFields(m) && Number.isSafeInteger(bytes) && (bytes as number) >= 0;
}

/** An entry whose output is decoded from `buf` when it is first asked for (an own, enumerable property: spreads copy it). */
function lazyEntry(m: PackedMeta, buf: Buffer, start: number): CacheEntry {
  const e = { ns: m.ns, key: m.key, fp: m.fp, ...(m.checked !== undefined ? { checked: m.checked } : {}) };
  let text: string | undefined;
  Object.defineProperty(e, 'stdout', {
    enumerable: true,
    configurable: true,
    get: () => (text ??= buf.toString('utf8', start, start + m.bytes)),
  });
  return e as CacheEntry;
}

/** A pack file's `at` and entries, or undefined when it is not a whole pack of this version. */
function parsePack(buf: Buffer): { at: number; entries: CacheEntry[] } | undefined {
  const nl = buf.indexOf(10);
  if (nl < 0) return undefined;
  const doc = JSON.parse(buf.toString('utf8', 0, nl)) as { v?: unknown; at?: unknown; entries?: unknown };
  if (
    doc?.v !== VERSION ||
    typeof doc.at !== 'number' ||
    !Array.isArray(doc.entries) ||
    !doc.entries.every(isMeta)
  )
    return undefined;
  let off = nl + 1;
  const entries: CacheEntry[] = [];
  for (const m of doc.entries as PackedMeta[]) {
    entries.push(lazyEntry(m, buf, off));
    off += m.bytes;
  }
  // Torn or grown: every byte after the first line belongs to exactly one entry.
  return off === buf.length ? { at: doc.at, entries } : undefined;
}

/**
 * The whole, well-formed packs in `dir`, newest first. `names`: the
 * directory's listing, when already read. `onBad`: told of each root-owned
 * plain pack file that is not a whole pack of this version (a corrupt one,
 * or one of another netplumb's format), which is skipped.
 */
export function loadPacks(dir: string, names?: readonly string[], onBad?: (file: string) => void): Pack[] {
  let list: string[];
  try {
    list = (names ?? readdirSync(dir)).filter((f) => PACK.test(f));
  } catch {
    return [];
  }
  const out: Pack[] = [];
  for (const f of list) {
    const file = path.join(dir, f);
    try {
      const stamp = statPack(file);
      if (!stamp) continue;
      let p = memo.get(file);
      if (p?.stamp !== stamp) {
        let doc: ReturnType<typeof parsePack>;
        try {
          doc = parsePack(readFileSync(file));
        } catch {
          doc = undefined; // not JSON where the first line should be
        }
        if (!doc) {
          memo.delete(file);
          onBad?.(file);
          continue;
        }
        p = { file, stamp, at: doc.at, entries: new Map(doc.entries.map((e) => [e.ns, e])) };
        if (memo.size > 256) memo.clear();
        memo.set(file, p);
      }
      out.push(p);
    } catch {
      memo.delete(file); // gone meanwhile: skipped
    }
  }
  return out.sort((a, b) => b.at - a.at);
}

let lastAt = 0;
/**
 * Writes `entries` as one new pack (root's, 0600, renamed into place whole)
 * and returns its file. `at`: when its entries were read (a rewrite keeps
 * the old pack's); now by default.
 */
export function writePack(dir: string, entries: readonly CacheEntry[], at?: number): string {
  const file = path.join(dir, `pack-${randomBytes(12).toString('hex')}.json`);
  if (at === undefined)
    at = lastAt = Math.max(Math.round((performance.timeOrigin + performance.now()) * 1000), lastAt + 1);
  const bodies = entries.map((e) => Buffer.from(e.stdout, 'utf8'));
  const metas = entries.map((e, i) => ({
    ns: e.ns,
    key: e.key,
    fp: e.fp,
    ...(e.checked !== undefined ? { checked: e.checked } : {}),
    bytes: bodies[i].length,
  }));
  // JSON never holds a raw newline: the first line ends where the outputs begin.
  const head = Buffer.from(JSON.stringify({ v: VERSION, at, entries: metas }) + '\n', 'utf8');
  writeRootFile(file, Buffer.concat([head, ...bodies]), 0o600, { durable: false });
  // Kept in memory as written: loading it again (tidyPacks, the next read) need not parse it.
  const stamp = statPack(file);
  if (stamp) memo.set(file, { file, stamp, at, entries: new Map(entries.map((e) => [e.ns, { ...e }])) });
  return file;
}

/** Removes a pack (it is superseded or empty). */
export function removePack(file: string): void {
  memo.delete(file);
  rmSync(file, { force: true });
}

/**
 * Keeps the packs few after `fresh` was written: drops older packs whose
 * every namespace `fresh` holds, and when more than PACKS_MAX remain, merges
 * all into one (per namespace, the newest entry; none for a namespace
 * `ownFile` says has its own file, which is newer). `names`: the
 * directory's listing from before `fresh` was written, when already read.
 */
export function tidyPacks(
  dir: string,
  fresh: string,
  ownFile: (ns: string) => boolean,
  names?: readonly string[],
): void {
  const packs = loadPacks(dir, names && [...names, path.basename(fresh)]);
  const mine = packs.find((p) => p.file === fresh);
  if (!mine) return;
  const left = packs.filter((p) => {
    if (p === mine || packs.indexOf(p) < packs.indexOf(mine)) return true;
    if ([...p.entries.keys()].every((ns) => mine.entries.has(ns))) {
      removePack(p.file);
      return false;
    }
    return true;
  });
  if (left.length <= PACKS_MAX) return;
  const merged = new Map<string, CacheEntry>();
  for (const p of left)
    for (const [ns, e] of p.entries) if (!merged.has(ns) && !ownFile(ns)) merged.set(ns, e);
  if (merged.size) writePack(dir, [...merged.values()], left[0].at);
  for (const p of left) removePack(p.file);
}

/**
 * Rewrites the packs holding any of `gone` without them (a pack left empty
 * is removed). Returns how many entries were dropped.
 */
export function dropFromPacks(dir: string, gone: (ns: string) => boolean, names?: readonly string[]): number {
  let dropped = 0;
  for (const p of loadPacks(dir, names)) {
    const keep = [...p.entries.values()].filter((e) => !gone(e.ns));
    if (keep.length === p.entries.size) continue;
    dropped += p.entries.size - keep.length;
    if (keep.length) writePack(dir, keep, p.at);
    removePack(p.file);
  }
  return dropped;
}
