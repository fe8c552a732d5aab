/**
 * Per-lab state on the host, under the run directory (/run/netplumb, a tmpfs:
 * it goes away at reboot, like the namespaces themselves). As root the run
 * directory is fixed, must be owned by root with mode 0700, and no
 * environment variable moves it (see runDirFor):
 *
 *   labs/<lab>/record.json   what was applied last (topology + namespace inodes)
 *   labs/<lab>/journal.jsonl the apply in progress (steps started and done)
 *   labs/<lab>/lock          the pid of the process changing the lab
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { CreatedObject, type Change } from '../../shared/plan/change';
import type { Topology } from '../../shared/model';
import { labNameProblem } from '../../shared/model/lab-name';
import { describeHolder, lockHolderRole } from './lock-holder';
import { writeWhole } from './install/root-files';
import { fileIdentity } from './read-cache';
import { checkRunDir, defaultRunDir, RunDirError } from './run-dir';

export { ROOT_RUN_DIR, defaultRunDir, RunDirError } from './run-dir';

/** What was applied last. */
export interface LabRecord {
  lab: string;
  topology: Topology;
  appliedAt: string;
  file?: string;
  /** Namespace name -> inode of /run/netns/<name> when netplumb created it. */
  namespaces: Record<string, number>;
  /** The uid of the user who first applied the lab (lab-owner.ts); absent in records written before owners were kept. */
  owner?: number;
}

const Steps = z.array(z.number().int().min(0).max(1_000_000)).max(1_000_000);

/**
 * One line of a journal. The journal records facts (how many steps, which
 * objects each create step makes, which steps started), never command lines:
 * recovery decides what to run from these facts and the kernel's state.
 */
export const JournalEntry = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('begin'),
    at: z.string().max(64),
    pid: z.number().int(),
    /** Number of steps in the plan. */
    steps: z.number().int().min(0),
    /** What each create step makes (see CreatedObject). */
    created: z.array(CreatedObject.extend({ step: z.number().int().min(0) })).max(1_000_000),
  }),
  z.object({ t: z.literal('start'), steps: Steps }),
  z.object({ t: z.literal('done'), steps: Steps }),
  z.object({ t: z.literal('failed'), step: z.number().int(), error: z.string().max(10_000) }),
  z.object({ t: z.literal('rollback'), at: z.string().max(64) }),
]);
export type JournalEntry = z.infer<typeof JournalEntry>;

/** Raised when another process holds the lab's lock. */
export class LabBusyError extends Error {}

/** What a lab's lock file records about its holder. */
interface LockHolder {
  pid?: number;
  what?: string;
  since?: string;
}

/** Lab names are validated before they reach here; this guards the file system anyway. */
function safeLab(lab: string): string {
  // Why: the lab name becomes a directory name; refuse anything that could escape labs/.
  const problem = labNameProblem(lab);
  if (problem) throw new Error(`not a valid lab name: ${problem}`);
  return lab;
}

/** The records this process last read or wrote, by file, with the file's identity then (LabStore.readRecord). */
const records = new Map<string, { id: string; record: LabRecord }>();
function rememberRecord(path: string, id: string, record: LabRecord) {
  if (records.size >= 64) records.clear();
  records.set(path, { id, record });
}
/** A record handed out, and kept, frozen (itself and its namespace table): nobody changes one in place. */
function sealRecord(r: LabRecord): LabRecord {
  if (r && typeof r === 'object') {
    if (r.namespaces && typeof r.namespaces === 'object') Object.freeze(r.namespaces);
    Object.freeze(r);
  }
  return r;
}

export class LabStore {
  readonly runDir: string;
  private checked = false;

  /** `runDir`: only from code (tests); as root the default is fixed (see run-dir.ts). */
  constructor(runDir?: string) {
    this.runDir = runDir ?? defaultRunDir();
  }

  /**
   * The lab's directory, after checking the run directory is safe to use
   * (created 0700 when `create` and missing). Throws RunDirError otherwise.
   */
  dir(lab: string, create = false): string {
    if (!this.checked) this.checked = checkRunDir(this.runDir, create);
    return join(this.runDir, 'labs', safeLab(lab));
  }

  /** Why the run directory cannot be written (e.g. "EROFS: read-only file system"), or undefined. */
  writeProblem(): string | undefined {
    try {
      accessSync(this.runDir, constants.W_OK);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  /** Labs this host has: those with a record or an unfinished journal (a bare lock directory is not a lab). */
  labs(): string[] {
    if (!checkRunDir(this.runDir, false)) return [];
    try {
      return readdirSync(join(this.runDir, 'labs')).filter(
        (n) =>
          /^[a-z0-9][a-z0-9_.-]*$/.test(n) &&
          (existsSync(join(this.runDir, 'labs', n, 'record.json')) ||
            existsSync(join(this.runDir, 'labs', n, 'journal.jsonl'))),
      );
    } catch {
      return [];
    }
  }

  /**
   * The lab's record, or null. The same object while its file is the one
   * this process last read or wrote (same inode, size and times; every
   * writer of records, netplumb's, renames a new file into place): an apply
   * reads it twice and each add of a host once more, and its topology (the
   * last applied, frozen by validation when this process wrote it) is then
   * the one already resolved (lab-scope.ts resolveSealed). Shallowly frozen:
   * a record is never changed in place.
   */
  readRecord(lab: string): LabRecord | null {
    let path: string | undefined;
    try {
      path = join(this.dir(lab), 'record.json');
      const id = fileIdentity(path);
      const known = records.get(path);
      if (id && known?.id === id) return known.record;
      const record = sealRecord(JSON.parse(readFileSync(path, 'utf8')) as LabRecord);
      if (id) rememberRecord(path, id, record);
      return record;
    } catch {
      if (path) records.delete(path);
      return null;
    }
  }

  writeRecord(rec: LabRecord): void {
    mkdirSync(this.dir(rec.lab, true), { recursive: true, mode: 0o700 });
    const path = join(this.dir(rec.lab), 'record.json');
    records.delete(path);
    writeFileSync(path + '.tmp', JSON.stringify(rec) + '\n', { mode: 0o600 });
    renameSync(path + '.tmp', path);
    const id = fileIdentity(path);
    if (id) rememberRecord(path, id, sealRecord({ ...rec, namespaces: { ...rec.namespaces } }));
  }

  /** Forgets a lab entirely (record, journal); the caller holds the lock, which is released last. */
  removeLab(lab: string): void {
    for (const f of ['record.json', 'journal.jsonl']) rmSync(join(this.dir(lab), f), { force: true });
  }

  readJournal(lab: string): JournalEntry[] | null {
    let text: string;
    try {
      text = readFileSync(join(this.dir(lab), 'journal.jsonl'), 'utf8');
    } catch {
      return null;
    }
    const out: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        // Why parse with the schema: a journal is a file, and recovery acts on
        // it as root; anything that is not one of the known facts is dropped.
        const e = JournalEntry.safeParse(JSON.parse(line));
        if (e.success) out.push(e.data);
      } catch {
        // A torn last line (killed while writing) carries nothing we rely on.
      }
    }
    return out;
  }

  /**
   * Opens the journal for appending; every entry is written before the step
   * it announces runs. Written, not fsync'ed: the journal tells of kernel
   * objects only, and the page cache keeps an entry for any reader once this
   * process dies; an fsync guards only against the machine stopping, which
   * takes the namespaces and links the journal tells of with it (on a
   * disk-backed /run, one fsync per entry cost 3 ms: two per add of a host).
   */
  openJournal(lab: string): Journal {
    mkdirSync(this.dir(lab, true), { recursive: true, mode: 0o700 });
    const path = join(this.dir(lab), 'journal.jsonl');
    const fd = openSync(path, 'w', 0o600);
    const write = (e: JournalEntry) => {
      // Whole or an error: a cut entry must not stand behind a step that then runs.
      writeWhole(fd, JSON.stringify(e) + '\n', path);
    };
    return {
      write,
      tryWrite(e: JournalEntry) {
        try {
          write(e);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
      close(remove: boolean) {
        try {
          closeSync(fd);
        } catch {
          // Already unusable (e.g. the disk went away): removing is what matters.
        }
        if (remove) rmSync(path, { force: true });
      },
    };
  }

  removeJournal(lab: string): void {
    rmSync(join(this.dir(lab), 'journal.jsonl'), { force: true });
  }

  /** Another live process holding the lab's lock (described), or undefined (a lock being written included). */
  otherHolder(lab: string): string | undefined {
    const holder = holderOf(join(this.dir(lab), 'lock'));
    return holder && (holder.pid ?? 0) > 0 && heldByOther(holder) ? describeHolder(holder) : undefined;
  }

  /**
   * Takes the lab's lock or throws LabBusyError naming the holder. A lock left
   * by a dead process (killed mid-apply) is taken over.
   */
  lock(lab: string): () => void {
    mkdirSync(this.dir(lab, true), { recursive: true, mode: 0o700 });
    const path = join(this.dir(lab), 'lock');
    if (HELD.has(path)) {
      throw new LabBusyError(
        `Lab "${lab}" is being changed by another request in this process (${describeHolder({ pid: process.pid, what: lockHolderRole() })}). Wait for it to finish, then try again.`,
      );
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(
          fd,
          JSON.stringify({ pid: process.pid, what: lockHolderRole(), since: new Date().toISOString() }),
        );
        closeSync(fd);
        HELD.add(path);
        return () => {
          HELD.delete(path);
          rmSync(path, { force: true });
          // A lab with nothing left (destroyed, or never applied) leaves no directory behind.
          try {
            rmdirSync(this.dir(lab));
          } catch {
            // Not empty: the lab has a record or journal.
          }
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = holderOf(path) ?? { pid: -1 };
        // A lock file naming this very process but not in HELD is left from a previous run with a recycled pid.
        if (heldByOther(holder)) {
          throw new LabBusyError(
            `Lab "${lab}" is being changed by ${describeHolder(holder)}. Wait for it to finish, then try again.`,
          );
        }
        try {
          unlinkSync(path);
        } catch {
          // Someone else removed it first; retry.
        }
      }
    }
    throw new LabBusyError(`Lab "${lab}" is locked by another netplumb process. Try again.`);
  }
}

/** Who a lock file names; undefined without one, pid -1 for one being written this instant. */
function holderOf(path: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as LockHolder;
  } catch {
    return { pid: -1 };
  }
}

/** True when a lock names another process that is alive (or one being written: held). */
const heldByOther = (h: LockHolder): boolean =>
  h.pid !== undefined && h.pid !== process.pid && isAlive(h.pid);

/** Lock files held by this process (two applies in one process must exclude each other too). */
const HELD = new Set<string>();

export interface Journal {
  /** Appends an entry (see openJournal); throws when it cannot. */
  write(e: JournalEntry): void;
  /** The same, returning the error message instead of throwing. */
  tryWrite(e: JournalEntry): string | undefined;
  close(remove: boolean): void;
}

/**
 * Opens the lab's journal and writes its first entry: the plan's size and
 * what each create step makes. Throws in plain words when the journal cannot
 * be written (disk full, read-only run directory): then nothing may run.
 */
export function beginJournal(store: LabStore, lab: string, changes: readonly Change[]): Journal {
  let journal: Journal | undefined;
  try {
    journal = store.openJournal(lab);
    journal.write({
      t: 'begin',
      at: new Date().toISOString(),
      pid: process.pid,
      steps: changes.length,
      created: changes.flatMap((c) => (c.creates ?? []).map((f) => ({ ...f, step: c.step }))),
    });
    return journal;
  } catch (e) {
    journal?.close(true);
    const why = e instanceof RunDirError ? e.message : (e as Error).message;
    throw new Error(
      `netplumb could not write the journal of lab "${lab}" in ${store.runDir} (${why}). Without a journal an interrupted apply could not be undone, so nothing was changed.`,
    );
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
