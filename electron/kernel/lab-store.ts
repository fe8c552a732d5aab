/**
 * Per-lab state on the host, under the run directory (default /run/netplumb,
 * a tmpfs: it goes away at reboot, like the namespaces themselves):
 *
 *   labs/<lab>/record.json   what was applied last (topology + namespace inodes)
 *   labs/<lab>/journal.jsonl the apply in progress (steps started and done)
 *   labs/<lab>/lock          the pid of the process changing the lab
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Change } from '../../shared/plan/change';
import type { Topology } from '../../shared/model';

export const DEFAULT_RUN_DIR = process.env.NETPLUMB_RUN_DIR || '/run/netplumb';

/** What was applied last. */
export interface LabRecord {
  lab: string;
  topology: Topology;
  appliedAt: string;
  file?: string;
  /** Namespace name -> inode of /run/netns/<name> when netplumb created it. */
  namespaces: Record<string, number>;
}

export type JournalEntry =
  | { t: 'begin'; at: string; pid: number; changes: Change[]; previous: LabRecord | null }
  | { t: 'start'; steps: number[] }
  | { t: 'done'; steps: number[] }
  | { t: 'failed'; step: number; error: string }
  | { t: 'rollback'; at: string };

/** Raised when another process holds the lab's lock. */
export class LabBusyError extends Error {}

/** Lab names are validated before they reach here; this guards the file system anyway. */
function safeLab(lab: string): string {
  // Why: the lab name becomes a directory name; refuse anything that could escape labs/.
  if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(lab) || lab.includes('..')) throw new Error(`"${lab}" is not a valid lab name`);
  return lab;
}

export class LabStore {
  constructor(readonly runDir: string = DEFAULT_RUN_DIR) {}

  dir(lab: string): string {
    return join(this.runDir, 'labs', safeLab(lab));
  }

  /** Labs this host has: those with a record or an unfinished journal (a bare lock directory is not a lab). */
  labs(): string[] {
    try {
      return readdirSync(join(this.runDir, 'labs')).filter(
        (n) => /^[a-z0-9][a-z0-9_.-]*$/.test(n) && (existsSync(join(this.runDir, 'labs', n, 'record.json')) || existsSync(join(this.runDir, 'labs', n, 'journal.jsonl'))),
      );
    } catch {
      return [];
    }
  }

  readRecord(lab: string): LabRecord | null {
    try {
      return JSON.parse(readFileSync(join(this.dir(lab), 'record.json'), 'utf8')) as LabRecord;
    } catch {
      return null;
    }
  }

  writeRecord(rec: LabRecord): void {
    mkdirSync(this.dir(rec.lab), { recursive: true, mode: 0o700 });
    const path = join(this.dir(rec.lab), 'record.json');
    writeFileSync(path + '.tmp', JSON.stringify(rec) + '\n', { mode: 0o600 });
    renameSync(path + '.tmp', path);
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
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        // A torn last line (killed while writing) carries nothing we rely on.
      }
    }
    return out;
  }

  /** Opens the journal for appending; every entry is fsync'ed before the step it announces runs. */
  openJournal(lab: string): Journal {
    mkdirSync(this.dir(lab), { recursive: true, mode: 0o700 });
    const path = join(this.dir(lab), 'journal.jsonl');
    const fd = openSync(path, 'w', 0o600);
    return {
      write(e: JournalEntry) {
        writeSync(fd, JSON.stringify(e) + '\n');
        fsyncSync(fd);
      },
      close(remove: boolean) {
        closeSync(fd);
        if (remove) rmSync(path, { force: true });
      },
    };
  }

  removeJournal(lab: string): void {
    rmSync(join(this.dir(lab), 'journal.jsonl'), { force: true });
  }

  /**
   * Takes the lab's lock or throws LabBusyError naming the holder. A lock left
   * by a dead process (killed mid-apply) is taken over.
   */
  lock(lab: string): () => void {
    mkdirSync(this.dir(lab), { recursive: true, mode: 0o700 });
    const path = join(this.dir(lab), 'lock');
    if (HELD.has(path)) {
      throw new LabBusyError(`Lab "${lab}" is being changed by another netplumb process (this one, pid ${process.pid}). Wait for it to finish, then try again.`);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
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
        let holder: { pid?: number; since?: string } = {};
        try {
          holder = JSON.parse(readFileSync(path, 'utf8'));
        } catch {
          // A lock file being written this instant: treat as held.
          holder = { pid: -1 };
        }
        // A lock file naming this very process but not in HELD is left from a previous run with a recycled pid.
        if (holder.pid !== undefined && holder.pid !== process.pid && isAlive(holder.pid)) {
          throw new LabBusyError(
            `Lab "${lab}" is being changed by another netplumb process (pid ${holder.pid}${holder.since ? `, since ${holder.since}` : ''}). Wait for it to finish, then try again.`,
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

/** Lock files held by this process (two applies in one process must exclude each other too). */
const HELD = new Set<string>();

export interface Journal {
  write(e: JournalEntry): void;
  close(remove: boolean): void;
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
