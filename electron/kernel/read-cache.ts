/**
 * The live reader's cache (see live-reader.ts): per namespace, the output of
 * its last full `ip -j -d -batch` read and the fingerprint nsread computed
 * for the kernel state that output shows. An entry is used only when nsread
 * finds the same fingerprint again; anything missing, unreadable or of
 * another shape is a miss (a full read), never an error.
 *
 * Where: /run/netplumb/read-cache, root's only. Why: what is cached here is
 * what plan, apply and destroy believe the kernel holds; a user who could
 * write an entry could make root skip a repair or delete the wrong thing.
 * So the directory must be root's, mode 0700, not a link, inside the checked
 * run directory (run-dir.ts); otherwise there is no cache at all.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeRootFile } from './install/root-files';
import { checkRunDir, ROOT_RUN_DIR } from './run-dir';

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

/** The root-only cache directory, made when missing; undefined when it cannot be used safely. */
export function cacheDir(base = ROOT_RUN_DIR): string | undefined {
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return undefined;
  try {
    if (!checkRunDir(base, true)) return undefined;
    const dir = path.join(base, 'read-cache');
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    const st = lstatSync(dir);
    // Why: see the file comment — only a plain directory of root's that nobody else may enter.
    if (st.isSymbolicLink() || !st.isDirectory() || st.uid !== 0 || (st.mode & 0o777) !== 0o700)
      return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

const fileOf = (dir: string, ns: string) =>
  path.join(dir, createHash('sha256').update(ns).digest('hex').slice(0, 40) + '.json');

/** What this process last loaded or stored per cache file, with the file's identity then. */
const memo = new Map<string, { stamp: string; entry: CacheEntry }>();
const MEMO_MAX = 4096;
const stampOf = (file: string) => {
  const st = statSync(file, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
};
function remember(file: string, stamp: string, entry: CacheEntry) {
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(file, { stamp, entry });
}

/**
 * The entry of `ns` when it is whole and made for `key`; else undefined.
 * A file this process loaded or stored before and that has not changed
 * since (same inode, size and times) is not read and parsed again: a lab of
 * 200 namespaces has 200 files, and the GUI reads them on every refresh.
 */
export function loadEntry(dir: string, ns: string, key: string): CacheEntry | undefined {
  const file = fileOf(dir, ns);
  try {
    const stamp = stampOf(file);
    const m = memo.get(file);
    const e = m?.stamp === stamp ? m.entry : (JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheEntry>);
    if (
      e.ns === ns &&
      e.key === key &&
      typeof e.fp === 'string' &&
      /^[0-9a-f]{64}$/.test(e.fp) &&
      typeof e.stdout === 'string' &&
      (e.checked === undefined || typeof e.checked === 'string')
    ) {
      if (m?.stamp !== stamp) remember(file, stamp, e as CacheEntry);
      return e as CacheEntry;
    }
  } catch {
    // missing or corrupt: a miss
  }
  memo.delete(file);
  return undefined;
}

/** Writes an entry whole (a temporary file renamed over the old one), root's, mode 0600; failures are ignored. */
export function storeEntry(dir: string, e: CacheEntry): void {
  const file = fileOf(dir, e.ns);
  try {
    writeRootFile(file, JSON.stringify(e), 0o600, { durable: false });
    remember(file, stampOf(file), { ...e });
  } catch {
    memo.delete(file);
  }
}

/**
 * Drops the entries of namespaces that no longer exist, when there are many
 * more entries than namespaces (a destroyed lab's entries are not read
 * again, so nothing else removes them). Costs one directory listing when
 * there is nothing to do.
 */
export function pruneEntries(dir: string, existing: ReadonlySet<string>, slack = 256): number {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return 0;
  }
  if (files.length <= existing.size + slack) return 0;
  let dropped = 0;
  for (const f of files) {
    let ns: unknown;
    try {
      ns = (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { ns?: unknown }).ns;
    } catch {
      ns = undefined; // unreadable: dropped too
    }
    if (typeof ns !== 'string' || !existing.has(ns)) {
      memo.delete(path.join(dir, f));
      rmSync(path.join(dir, f), { force: true });
      dropped++;
    }
  }
  return dropped;
}

/** Forgets a namespace (it is gone). */
export function dropEntry(dir: string, ns: string): void {
  memo.delete(fileOf(dir, ns));
  rmSync(fileOf(dir, ns), { force: true });
}

/**
 * What ip's JSON output depends on besides the kernel: the batch it runs,
 * the `ip` binary and the name tables it reads (/etc/iproute2,
 * /usr/share/iproute2, /usr/lib/iproute2: table, protocol, group and scope
 * names). Any change to those makes every entry a miss.
 */
export function envKey(batch: string, ip: string | undefined): string {
  const h = createHash('sha256').update('nsread 1\0').update(batch).update('\0');
  const stamp = (p: string) => {
    try {
      const st = statSync(p);
      h.update(`${p} ${st.ino} ${st.size} ${st.mtimeMs}\n`);
    } catch {
      h.update(`${p} -\n`);
    }
  };
  if (ip) stamp(ip);
  for (const d of ['/etc/iproute2', '/usr/share/iproute2', '/usr/lib/iproute2']) {
    stamp(d);
    try {
      for (const f of readdirNames(d)) stamp(path.join(d, f));
    } catch {
      // no such directory
    }
  }
  return h.digest('hex');
}

function readdirNames(d: string): string[] {
  // Sub-directories (rt_tables.d) are stamped by their own mtime, their files one level down.
  const out: string[] = [];
  for (const e of readdirSync(d, { withFileTypes: true })) {
    out.push(e.name);
    if (e.isDirectory()) for (const f of readdirSync(path.join(d, e.name))) out.push(path.join(e.name, f));
  }
  return out.sort();
}
