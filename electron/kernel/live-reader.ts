/**
 * The namespace reads of live-read.ts through the native reader, nsread
 * (native/nsread.c), when it is installed: one process for every namespace
 * instead of one `ip` (and one `sysctl`) each.
 *
 * nsread fingerprints each namespace's kernel state (links, bridge ports,
 * addresses, routes of every table, qdiscs; counters and timers left out)
 * and reads its sysctls itself. A namespace whose fingerprint equals the one
 * cached with its last full read (read-cache.ts) is not read again: its
 * cached `ip -j -d -batch` output is used, parsed exactly as a fresh one. Any
 * other namespace is read by `ip` as before, started by nsread inside it;
 * the result is cached only when nsread saw no change notification and the
 * same fingerprint before and after (so the output is the state the
 * fingerprint names). Every namespace is still looked at on every read:
 * nothing is assumed from an unchanged file. The root namespace goes the
 * same way (its `ip` output is the largest: every bridge port of a lab).
 *
 * Without nsread (no compiler at install time, not root, a test's runner, a
 * failure of nsread itself) the fan-out of one `ip` per namespace does it all.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALWAYS_READ_KEYS, SYSCTL_READ_KEYS } from '../../shared/model/common';
import { ROOT_NS } from '../../shared/plan/kstate';
import { arrayElements, rememberElements } from './ip-json';
import { unsafeReason } from './install/root-files';
import { listNetns } from './netns';
import {
  cacheDir,
  dropEntries,
  envKey,
  loadEntries,
  pruneEntries,
  storeEntries,
  storeEntryLater,
  type CacheEntry,
} from './read-cache';
import {
  execaRunner,
  fanOut,
  serveNsread,
  type FanJob,
  type FanOptions,
  type RunResult,
  type Runner,
} from './runner';
import { whichOnPath } from './which';

/** A read job of live-read.ts: which namespace and what it reads. */
export interface NsJob {
  ns: string;
  /** `own`: only the keys read in every lab namespace (ALWAYS_READ_KEYS), where its sysctls are not all read. */
  kind: 'batch' | 'sysctl' | 'own';
  job: FanJob;
}

/** What readJobs gives back for a job: a process's result; `checked` on a batch output the caller's check passed. */
export interface JobResult extends RunResult {
  /** The output passed the caller's `check` now or when it was cached (ReadJobsOptions.check): it need not be checked again. */
  checked?: true;
}

/** What readJobs may do besides reading. */
export interface ReadJobsOptions extends FanOptions {
  /** Only fill the cache (live-read.ts primeReads). */
  prime?: boolean;
  /** Read the root whole, not by its changed links (after a delta that did not fit: mergeRootDelta). */
  wholeRoot?: boolean;
  /**
   * The caller's check of a namespace's batch output (it throws when the
   * output is not of the expected shape), under the name `id` (the schemas'
   * version). A full read is checked before it is cached, and the entry
   * records it; a cached entry not yet checked under `id` is checked on its
   * first hit and stored again, recorded. An output found unchanged whose
   * entry records `id` is not checked again: it comes back `checked`.
   */
  check?: { id: string; run: (ns: string, stdout: string) => void };
}

/** What the last read through nsread did (tests and the bench look). */
export interface ReaderStats {
  used: boolean;
  /** Named namespaces found unchanged (the root is counted in `root`). */
  hits: number;
  reads: number;
  /** The named namespaces read in full (fingerprint changed, or nothing cached). */
  readNs: string[];
  /** The root namespace, when it was read: unchanged (from the cache), read in full, or by its changed links (mergeRootDelta). */
  root?: 'hit' | 'read' | 'delta';
  /** Of those read in full, the reads nsread found stable, now in the cache. */
  stored?: number;
  /** Why the fan-out was used instead, when it was. */
  fallback?: string;
  /** Priming only: of `stored`, the reads made right after the apply's writes (the rest by a pass after them). */
  inWrites?: number;
}
let last: ReaderStats = { used: false, hits: 0, reads: 0, readNs: [] };
let primed: ReaderStats | undefined;
/** The last read's use of nsread. */
export const lastReaderStats = (): ReaderStats => last;
/** What the last priming after an apply did (live-read.ts primeReads), if one ran. */
export const lastPrimeStats = (): ReaderStats | undefined => primed;

let override: string | false | undefined;
/** Code only (tests, bench): use this nsread, or none (false); undefined: find the installed one. */
export function useNsread(p: string | false | undefined): void {
  override = p;
}

/** Where nsread may be, next to this code: the helper's directory, dist/ of a bundle or a checkout. */
function candidates(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out = [path.join(here, 'nsread')];
  if (path.basename(here) === 'chunks') out.push(path.join(here, '..', 'nsread'));
  out.push(path.join(here, '..', '..', 'dist', 'nsread'));
  return out;
}

/** True when root may run `p`: it and every directory above it are root's and nobody else's to change. */
export function safeForRoot(p: string): boolean {
  // Why: nsread runs as root on every read; a binary (or a directory above
  // it) another user can replace would run that user's code as root.
  for (let cur = p; ; cur = path.dirname(cur)) {
    if (unsafeReason(cur)) return false;
    if (path.dirname(cur) === cur) break;
  }
  const st = statSync(p);
  return st.isFile() && (st.mode & 0o100) !== 0;
}

let found: string | null | undefined;
let pruned = false;
/** The real runner may keep this nsread running between calls (runner.ts serveNsread): found safe, or chosen by a test. */
const served = (p: string): string => (serveNsread(p), p);
/** The nsread this process may use with `runner`, or undefined. */
export function readerFor(runner: Runner): string | undefined {
  if (override === false) return undefined;
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return undefined;
  if (override) return served(override);
  // Only with the real runner: a test's recorder or fault injector must see every `ip`.
  if (runner !== execaRunner || process.env.NETPLUMB_NO_NSREAD === '1') return undefined;
  if (found === undefined) {
    const p = candidates().find((c) => existsSync(c));
    found = p && safeForRoot(p) ? p : null;
  }
  return found ? served(found) : undefined;
}

const gone = (ns: string): RunResult => ({
  exitCode: 1,
  stdout: '',
  stderr: `Cannot open network namespace "${ns}": No such file or directory`,
});

interface Rec {
  status: string;
  fp: string;
  stable: boolean;
  exit: number;
  sysctls: string;
  stdout: string;
  stderr: string;
}

/** nsread's output: 8 NUL-ended fields per namespace. */
export function parseRecords(out: string): Map<string, Rec> | undefined {
  const f = out.split('\0');
  if (f.pop() !== '' || f.length % 8 !== 0) return undefined;
  const m = new Map<string, Rec>();
  for (let i = 0; i < f.length; i += 8) {
    const [name, status, fp, stable, exit, sysctls, stdout, stderr] = f.slice(i, i + 8);
    if (!['hit', 'read', 'delta', 'gone', 'error'].includes(status) || !/^-?\d+$/.test(exit))
      return undefined;
    m.set(name, { status, fp, stable: stable === '1', exit: Number(exit), sysctls, stdout, stderr });
  }
  return m;
}

/** which(1) for `ip`, for the cache key. */
function ipPath(): string | undefined {
  return whichOnPath('ip', process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')?.path;
}

/**
 * Forgets the cached reads of namespaces that were deleted (apply, destroy):
 * nothing reads them again, so they would otherwise wait for the next prune.
 */
export function forgetNamespaces(names: Iterable<string>): void {
  const dir = cacheDir();
  if (!dir) return;
  dropEntries(dir, names);
}

/**
 * A read proven stable (nsread's fingerprint and what ip printed for it), as an apply's writes are
 * followed by; with what the namespace's --always sysctls held right after, when nsread read them.
 */
export type StableRead = { fp: string; stdout: string; sysctls?: string };

/**
 * Stores the reads an apply's writes were followed by (nsread run's primed
 * jobs, executor.ts): each is an nsread read like any other — made by a
 * fresh `ip -j -d -batch -` of `batch`, proven stable as any read is —
 * so it is cached as `readJobs` caches a stable read of its own, and a later
 * read still proves it by the namespace's fingerprint. Starts the account
 * of this apply's priming (lastPrimeStats), which the pass for the
 * namespaces left out (primeReads) adds to; without a cache nothing is
 * stored. With `check`, an output that passes it is stored as checked (see
 * ReadJobsOptions.check); one that does not is stored unchecked, and the
 * read that finds it reports it.
 */
export function storePrimed(
  batch: string,
  reads: ReadonlyMap<string, StableRead>,
  check?: ReadJobsOptions['check'],
): void {
  const dir = cacheDir();
  let stored = 0;
  if (dir && reads.size) {
    const key = envKey(batch, ipPath());
    const entries: CacheEntry[] = [];
    for (const [ns, r] of reads) {
      // Why: the entry is believed by every later read; only a plain name and a whole fingerprint are kept.
      if (ns === ROOT_NS || !/^[0-9a-f]{64}$/.test(r.fp)) continue;
      entries.push({ ns, key, fp: r.fp, stdout: r.stdout, ...checkedBy(check, ns, r.stdout) });
    }
    // One pack for all of them (read-cache-packs.ts): a file each cost 100-300 ms for 200 on ext4.
    storeEntries(dir, entries);
    stored = entries.length;
  }
  primed = { used: true, hits: 0, reads: reads.size, readNs: [...reads.keys()], stored, inWrites: stored };
}

/** `{ checked: id }` when `stdout` passes `check`; else nothing (not recorded: the caller's own parse reports it). */
function checkedBy(check: ReadJobsOptions['check'], ns: string, stdout: string): { checked?: string } {
  if (!check) return {};
  try {
    check.run(ns, stdout);
    return { checked: check.id };
  } catch {
    return {};
  }
}

/** True when there is a read cache for an apply to fill (nsread usable with `runner`, and root's cache directory). */
export const cacheToFill = (runner: Runner): boolean =>
  readerFor(runner) !== undefined && cacheDir() !== undefined;

/** The interface index an element of ip's compact link table starts with (`{"ifindex":N,`), or undefined. */
const elementIndex = (element: string): number | undefined => {
  const m = /^\{"ifindex":(\d+),/.exec(element);
  return m ? Number(m[1]) : undefined;
};

/**
 * The root's whole read, made of the read the cache holds (`cached`, a
 * whole read's output) and nsread's read of the root's changed links only
 * (`delta`, status "delta": plan_delta in native/nsread.c). The delta's
 * first line, `changed I...`, names the interfaces whose link or address
 * messages differ from the cached read's; then come ip's table of each of
 * those that still exists (one line each, in that order), then the root
 * batch's other documents, as a whole read prints them. The cached table's
 * element of each named interface is replaced by its new one where it
 * stood, the other elements are kept as they are, a new interface's comes
 * last; the other documents are the delta's. nsread reads the root whole
 * when an interface was removed or renamed, and so does the caller when the
 * two do not fit together so (undefined: an interface named without its
 * element or the other way round, a name that differs).
 */
export function mergeRootDelta(cached: string, delta: string): string | undefined {
  const head = delta.indexOf('\n');
  const cut = cached.indexOf('\n');
  if (head < 0 || cut < 0 || !/^changed(?: \d+)*$/.test(delta.slice(0, head))) return undefined;
  const changed = new Set(delta.slice(0, head).split(' ').slice(1).map(Number));
  const table = arrayElements(cached.slice(0, cut));
  if (!table) return undefined;
  const fresh = new Map<number, string>();
  let at = head + 1;
  while (at < delta.length && delta.startsWith('[{"ifindex":', at)) {
    const end = delta.indexOf('\n', at);
    const one = end < 0 ? undefined : arrayElements(delta.slice(at, end));
    const index = one?.length === 1 ? elementIndex(one[0]) : undefined;
    if (index === undefined || !changed.has(index) || fresh.has(index)) return undefined;
    fresh.set(index, one![0]);
    at = end + 1;
  }
  if (fresh.size !== changed.size) return undefined;
  const nameOf = (element: string) => (JSON.parse(element) as { ifname?: unknown }).ifname;
  const out: string[] = [];
  for (const element of table) {
    const index = elementIndex(element);
    if (index === undefined) return undefined;
    if (!changed.has(index)) out.push(element);
    else {
      const now = fresh.get(index)!;
      // A rename is read whole (nsread does not send one): another link's element may name it.
      if (nameOf(now) !== nameOf(element)) return undefined;
      out.push(now);
      fresh.delete(index);
    }
  }
  out.push(...fresh.values());
  const table2 = `[${out.join(',')}]`;
  // The parse of the merge splits this line again: it is these elements.
  rememberElements(table2, out);
  return `${table2}\n${delta.slice(at)}`;
}

/**
 * Runs live-read.ts's jobs through nsread when it can be used: the named
 * namespaces' and the root's alike (the root, nsread's own namespace, is
 * fingerprinted with its nsid table and the /run/netns names, which its
 * `netns list` prints). Results in the order of `jobs`, shaped as the
 * fan-out's.
 */
export async function readJobs(
  runner: Runner,
  jobs: readonly NsJob[],
  opts: ReadJobsOptions,
): Promise<JobResult[]> {
  const reader = readerFor(runner);
  // Priming (see primeReads) only fills the cache: without nsread there is none to fill.
  if (opts.prime && !reader) return [];
  const batches = jobs.filter((j) => j.kind === 'batch');
  const batch = batches.find((j) => j.ns !== ROOT_NS)?.job.input;
  const rootBatch = batches.find((j) => j.ns === ROOT_NS)?.job.input;
  const plain = () =>
    fanOut(
      runner,
      jobs.map((j) => j.job),
      opts,
    );
  const oneBatch = batches.every((j) => j.ns === ROOT_NS || j.job.input === batch);
  // Every namespace read needs its batch (sysctls alone go through the fan-out).
  const batched = new Set(batches.map((b) => b.ns));
  const complete = jobs.every((j) => batched.has(j.ns));
  if (!reader || (batch ?? rootBatch) === undefined || !oneBatch || !complete) {
    last = {
      used: false,
      hits: 0,
      reads: 0,
      readNs: [],
      fallback: reader ? 'nothing to read' : 'nsread not available',
    };
    return plain();
  }
  const dir = cacheDir();
  if (dir && !pruned) {
    pruned = true;
    pruneEntries(dir, new Set([...(await listNetns()), ROOT_NS]));
  }
  const ip = ipPath();
  const keyOf = new Map<string | undefined, string>();
  const key = (ns: string) => {
    const b = ns === ROOT_NS ? rootBatch : batch;
    let k = keyOf.get(b);
    if (k === undefined) keyOf.set(b, (k = envKey(b ?? '', ip)));
    return k;
  };
  const names = [...new Set(jobs.map((j) => j.ns))];
  const cached = dir ? loadEntries(dir, names, key) : new Map<string, CacheEntry>();
  const wantsSysctls = new Set(jobs.filter((j) => j.kind === 'sysctl').map((j) => j.ns));
  const wantsOwn = jobs.some((j) => j.kind === 'own');
  // Priming follows the apply's writes to these namespaces: none can be a hit ("-": nsread does not
  // look for one). Not the root's: with its cached read named, nsread reads only the links that
  // changed since (a delta, mergeRootDelta).
  const sent = (ns: string) =>
    (opts.prime && ns !== ROOT_NS) || opts.wholeRoot ? '-' : (cached.get(ns)?.fp ?? '-');
  const input = names.map((ns) => `${ns}\t${sent(ns)}\t${wantsSysctls.has(ns) ? 1 : 0}\n`).join('');
  const r = await runner(
    [
      reader,
      'read',
      String(opts.concurrency ?? 4),
      batch ?? rootBatch!,
      ...(rootBatch !== undefined ? [`--root=${rootBatch}`] : []),
      // The first keys (ALWAYS_READ_KEYS) where asked for alone; all of them where asked.
      ...(wantsOwn ? [`--always=${ALWAYS_READ_KEYS.length}`] : []),
      ...(wantsSysctls.size || wantsOwn ? SYSCTL_READ_KEYS : []),
    ],
    { input, timeoutMs: opts.timeoutMs ?? 120_000 },
  );
  const recs = r.exitCode === 0 ? parseRecords(r.stdout) : undefined;
  if (!recs || names.some((ns) => !recs.has(ns))) {
    if (opts.prime) return [];
    // nsread failed as a whole: the fan-out reads everything instead.
    last = {
      used: false,
      hits: 0,
      reads: 0,
      readNs: [],
      fallback: `nsread failed (exit ${r.exitCode}): ${r.stderr.trim()}`,
    };
    return plain();
  }
  let hits = 0;
  let root: ReaderStats['root'];
  let stored = 0;
  const readNs: string[] = [];
  const passes = (ns: string, stdout: string): boolean =>
    checkedBy(opts.check, ns, stdout).checked !== undefined;
  const byNs = new Map<string, { batch: JobResult; sysctl: RunResult; own: RunResult }>();
  const toStore: CacheEntry[] = [];
  const goneNs: string[] = [];
  let retryRoot = false;
  let merged = false;
  for (const ns of names) {
    const rec = recs.get(ns)!;
    if (rec.status === 'delta' && ns !== ROOT_NS) {
      // Only the root is read so (plan_delta): anything else is nsread's mistake.
      rec.status = 'error';
      rec.stderr = 'nsread read only some links of a namespace that is not the root';
    } else if (rec.status === 'delta') {
      // Only the root's changed links were read: with the cached read they are the whole read.
      const e = cached.get(ns);
      const whole =
        e && e.fp === sent(ns) && rec.stable && rec.exit === 0
          ? mergeRootDelta(e.stdout, rec.stdout)
          : undefined;
      if (whole === undefined) {
        retryRoot = true;
        continue;
      }
      rec.status = 'read';
      rec.stdout = whole;
      merged = true;
    }
    let b: JobResult;
    if (rec.status === 'gone' && ns !== ROOT_NS) {
      goneNs.push(ns);
      byNs.set(ns, { batch: gone(ns), sysctl: gone(ns), own: gone(ns) });
      continue;
    }
    if (rec.status === 'error' || rec.status === 'gone')
      b = { exitCode: rec.exit || 1, stdout: '', stderr: rec.stderr || 'nsread could not read it' };
    else if (rec.status === 'hit') {
      const e = cached.get(ns);
      if (ns === ROOT_NS) root = 'hit';
      else hits++;
      b =
        e?.fp === rec.fp
          ? { exitCode: 0, stdout: e.stdout, stderr: '' }
          : {
              exitCode: 1,
              stdout: '',
              stderr: 'nsread called a namespace unchanged that has no cached read',
            };
      if (e && b.exitCode === 0 && opts.check) {
        if (e.checked === opts.check.id) b.checked = true;
        else if (passes(ns, e.stdout)) {
          // Checked once (an entry primed after an apply, or made by an older netplumb): recorded.
          b.checked = true;
          toStore.push({ ...e, checked: opts.check.id });
        }
      }
    } else {
      if (ns === ROOT_NS) root = merged ? 'delta' : 'read';
      else readNs.push(ns);
      b = { exitCode: rec.exit, stdout: rec.stdout, stderr: rec.stderr };
      if (dir && rec.stable && rec.exit === 0 && /^[0-9a-f]{64}$/.test(rec.fp)) {
        if (opts.check && passes(ns, rec.stdout)) b.checked = true;
        const checked = b.checked ? { checked: opts.check!.id } : {};
        toStore.push({ ns, key: key(ns), fp: rec.fp, stdout: rec.stdout, ...checked });
        stored++;
      }
    }
    const sysctls = b.exitCode === 0 ? { exitCode: 0, stdout: rec.sysctls, stderr: '' } : b;
    byNs.set(ns, { batch: b, sysctl: sysctls, own: sysctls });
  }
  if (dir) {
    dropEntries(dir, goneNs);
    // One entry (the root's after an apply, the largest): written while the caller goes on.
    if (toStore.length === 1) storeEntryLater(dir, toStore[0]);
    else storeEntries(dir, toStore);
  }
  if (retryRoot) {
    // A delta that does not fit the cached read (never expected): the root is read whole.
    const rootJobs = jobs.filter((j) => j.ns === ROOT_NS);
    const again = await readJobs(runner, rootJobs, { ...opts, wholeRoot: true });
    const failed: RunResult = { exitCode: 1, stdout: '', stderr: 'nsread could not read the root namespace' };
    const got = { batch: failed as JobResult, sysctl: failed, own: failed };
    rootJobs.forEach((j, i) => (got[j.kind] = again[i] ?? failed));
    byNs.set(ROOT_NS, got);
    root = 'read';
  }
  const stats = { used: true, hits, reads: readNs.length, readNs, stored, ...(root ? { root } : {}) };
  if (opts.prime)
    // After the reads primed in the writes (storePrimed), when there were some: one account of both.
    primed = {
      ...stats,
      reads: (primed?.reads ?? 0) + stats.reads,
      readNs: [...(primed?.readNs ?? []), ...readNs],
      stored: (primed?.stored ?? 0) + stored,
      inWrites: primed?.inWrites ?? 0,
    };
  else last = stats;
  return jobs.map((j) => byNs.get(j.ns)![j.kind]);
}
