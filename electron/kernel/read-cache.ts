/**
 * The live reader's cache (see live-reader.ts): per namespace, the output of
 * its last full `ip -j -d -batch` read and the fingerprint nsread computed
 * for the kernel state that output shows. An entry is used only when nsread
 * finds the same fingerprint again; anything missing, unreadable or of
 * another shape is a miss (a full read), never an error. One namespace's
 * entry is a file named by a hash of its name; many stored at once (an
 * apply's reads) share one pack file (read-cache-packs.ts), the newest of
 * the two being used.
 *
 * Where: /run/netplumb/read-cache, root's only. Why: what is cached here is
 * what plan, apply and destroy believe the kernel holds; a user who could
 * write an entry could make root skip a repair or delete the wrong thing.
 * So the directory must be root's, mode 0700, not a link, inside the checked
 * run directory (run-dir.ts); otherwise there is no cache at all.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeRootFile, writeRootFileLater } from './install/root-files';
import {
  dropFromPacks,
  isEntry,
  loadPacks,
  removePack,
  tidyPacks,
  writePack,
  type CacheEntry,
} from './read-cache-packs';
import { checkRunDir, ROOT_RUN_DIR } from './run-dir';

export type { CacheEntry } from './read-cache-packs';

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

const SINGLE = /^[0-9a-f]{40}\.json$/;
/** Each name's file name, made once (a hash per name per read was ~8 ms at 1000 namespaces). */
const fileNames = new Map<string, string>();
const fileNameOf = (ns: string) => {
  let f = fileNames.get(ns);
  if (f === undefined) {
    f = createHash('sha256').update(ns).digest('hex').slice(0, 40) + '.json';
    if (fileNames.size >= 8192) fileNames.clear();
    fileNames.set(ns, f);
  }
  return f;
};
const fileOf = (dir: string, ns: string) => path.join(dir, fileNameOf(ns));

/** What this process last loaded or stored per cache file, with the file's identity then. */
const memo = new Map<string, { stamp: string; entry: CacheEntry }>();
const MEMO_MAX = 4096;
/** A file's identity: device, inode, size and times (a new file renamed in, or one written again, has another). */
export const fileIdentity = (file: string) => {
  const st = statSync(file, { bigint: true, throwIfNoEntry: false });
  return st && `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
};
function remember(file: string, stamp: string, entry: CacheEntry) {
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(file, { stamp, entry });
}

/**
 * Entries stored by storeEntryLater whose files are not yet in place, by
 * file, each with its number; and each file's writes, one after another.
 */
const pending = new Map<string, { entry: CacheEntry; seq: number }>();
const writing = new Map<string, Promise<void>>();
let seqs = 0;

/** The one-namespace file of `ns` when it is whole and made for `key`, with its mtime. */
function loadSingle(dir: string, ns: string, key: string): CacheEntry | undefined {
  const file = fileOf(dir, ns);
  const later = pending.get(file)?.entry;
  if (later) return later.ns === ns && later.key === key ? later : undefined;
  try {
    const id = fileIdentity(file);
    if (id) {
      const m = memo.get(file);
      const e: unknown = m?.stamp === id ? m.entry : JSON.parse(readFileSync(file, 'utf8'));
      if (isEntry(e) && e.ns === ns && e.key === key) {
        if (m?.stamp !== id) remember(file, id, e);
        return e;
      }
    }
  } catch {
    // missing or corrupt: a miss
  }
  memo.delete(file);
  return undefined;
}

/**
 * The entries of `names` that are whole and made for `keyOf(ns)`, from
 * their own files or else the newest pack holding them (read-cache-packs.ts).
 * A file this process loaded or stored before and that has not changed
 * since (same inode, size and times) is not read and parsed again: a lab of
 * 200 namespaces has 200 entries, and the GUI reads them on every refresh.
 */
export function loadEntries(
  dir: string,
  names: readonly string[],
  keyOf: (ns: string) => string,
): Map<string, CacheEntry> {
  // One listing: a namespace without a file of its own (most: an apply's reads share a pack) is not looked up by name.
  let listed: Set<string> | undefined;
  try {
    listed = new Set(readdirSync(dir));
  } catch {
    listed = undefined;
  }
  const packs = loadPacks(dir, listed ? [...listed] : undefined);
  const out = new Map<string, CacheEntry>();
  for (const ns of names) {
    const key = keyOf(ns);
    // Its own file is newer than any pack holding it (storeEntries removes it).
    const own =
      !listed || listed.has(fileNameOf(ns)) || pending.has(fileOf(dir, ns))
        ? loadSingle(dir, ns, key)
        : undefined;
    if (!own) memo.delete(fileOf(dir, ns));
    const best = own ?? packs.find((p) => p.entries.get(ns)?.key === key)?.entries.get(ns);
    if (best) out.set(ns, best);
  }
  return out;
}

/** The entry of `ns` when it is whole and made for `key`; else undefined. */
export const loadEntry = (dir: string, ns: string, key: string): CacheEntry | undefined =>
  loadEntries(dir, [ns], () => key).get(ns);

/** Writes an entry whole (a temporary file renamed over the old one), root's, mode 0600; failures are ignored. */
export function storeEntry(dir: string, e: CacheEntry): void {
  const file = fileOf(dir, e.ns);
  pending.delete(file);
  try {
    writeRootFile(file, JSON.stringify(e), 0o600, { durable: false });
    const id = fileIdentity(file);
    if (id) remember(file, id, { ...e });
  } catch {
    memo.delete(file);
  }
}

/**
 * storeEntry, written off the main thread (writeRootFileLater): this
 * process finds the entry at once (loadEntries), others once its file is in
 * place. Why: the root's entry is the largest (a bridge port per host,
 * ~300 kB at 200 hosts) and is stored after every apply that changed the
 * root; its write and rename were ~2 ms of each add of a host on ext4. A
 * later store of the same namespace (this one or storeEntries, dropEntries)
 * makes this one's write skip its rename; failures are ignored (a miss).
 */
export function storeEntryLater(dir: string, e: CacheEntry): void {
  const file = fileOf(dir, e.ns);
  const seq = ++seqs;
  memo.delete(file);
  pending.set(file, { entry: e, seq });
  const current = () => pending.get(file)?.seq === seq;
  const write = (writing.get(file) ?? Promise.resolve())
    .then(() => (current() ? writeRootFileLater(file, JSON.stringify(e), 0o600, current) : undefined))
    .then(
      () => {
        if (!current()) return;
        pending.delete(file);
        const id = fileIdentity(file);
        if (id) remember(file, id, { ...e });
      },
      () => {
        if (current()) pending.delete(file);
      },
    )
    .finally(() => {
      if (writing.get(file) === write) writing.delete(file);
    });
  writing.set(file, write);
}

/** Once every storeEntryLater so far has its file in place (or failed). */
export async function entriesWritten(): Promise<void> {
  while (writing.size) await Promise.all([...writing.values()]);
}

/**
 * Stores many entries at once: two or more go to one pack (one file, see
 * read-cache-packs.ts) instead of a file each; the namespaces' own files,
 * now older, are removed. Failures are ignored (a missing entry is a miss).
 */
export function storeEntries(dir: string, entries: readonly CacheEntry[]): void {
  if (entries.length < 2) {
    for (const e of entries) storeEntry(dir, e);
    return;
  }
  try {
    // One listing serves all: which own files to remove, which packs to tidy.
    const names = readdirSync(dir);
    const present = new Set(names);
    const fresh = writePack(dir, entries);
    const own = (ns: string) => path.basename(fileOf(dir, ns));
    for (const e of entries) {
      const file = fileOf(dir, e.ns);
      memo.delete(file);
      pending.delete(file);
      if (present.has(own(e.ns))) rmSync(file, { force: true });
    }
    tidyPacks(dir, fresh, (ns) => existsSync(fileOf(dir, ns)), names);
  } catch {
    // a miss later
  }
}

/**
 * Drops the entries of namespaces that no longer exist, when there are many
 * more entries than namespaces (a destroyed lab's entries are not read
 * again, so nothing else removes them), and removes packs that are not
 * whole. Costs one directory listing (and a look at the packs' first lines,
 * kept in memory) when there is nothing to do.
 */
export function pruneEntries(dir: string, existing: ReadonlySet<string>, slack = 256): number {
  let all: string[];
  try {
    all = readdirSync(dir);
  } catch {
    return 0;
  }
  const files = all.filter((f) => SINGLE.test(f));
  // A pack that is not whole (corrupt, or another version's) is read by nothing: removed here.
  const packed = loadPacks(dir, all, removePack).reduce((n, p) => n + p.entries.size, 0);
  if (files.length + packed <= existing.size + slack) return 0;
  let dropped = dropFromPacks(dir, (ns) => !existing.has(ns), all);
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

/** Forgets namespaces (they are gone): their own files, and their entries in packs. */
export function dropEntries(dir: string, names: Iterable<string>): void {
  const gone = new Set(names);
  if (!gone.size) return;
  for (const ns of gone) {
    memo.delete(fileOf(dir, ns));
    pending.delete(fileOf(dir, ns));
    rmSync(fileOf(dir, ns), { force: true });
  }
  try {
    dropFromPacks(dir, (ns) => gone.has(ns));
  } catch {
    // a pack left behind holds entries nothing reads (the namespace is gone); prune takes it
  }
}

/** Forgets a namespace (it is gone). */
export const dropEntry = (dir: string, ns: string): void => dropEntries(dir, [ns]);

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
