/**
 * The files of a Kathará lab beside its lab.conf, read for `netplumb import`:
 * `<machine>.startup` and `shared.startup`, `lab.ext`, the file lists of
 * the machine folders (`r1/etc/frr/frr.conf`) that Kathará copies into the
 * machines, so the importer can name what it cannot carry over, and the text
 * of each machine's `etc/network/interfaces` (ifupdown), which it reads.
 *
 * Only what lies inside the lab folder is read: a file or folder that is a
 * symbolic link (or sits under one) leading out of it (`pc1.startup` →
 * /etc/shadow) is not read, and a warning names where it leads, never what
 * it holds. And a lab is read only when its files hold at most
 * MAX_LAB_BYTES in all (as fromKathara counts them: shared.startup once per
 * machine, as Kathará runs it on each), checked on their sizes before any is
 * read: a folder of a few startup files of 8 MB each took minutes and
 * gigabytes to import.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { labSize, labTooLarge, MAX_LAB_BYTES } from '../../shared/formats/kathara';
import type { Problem } from '../../shared/validate/problem';
import { readTextFile } from './read-text';

/** What lives beside a lab.conf. */
export interface KatharaFiles {
  startups: Record<string, string>;
  labExt?: string;
  machineFiles: Record<string, string[]>;
  /** Texts of the machine-folder files the importer reads (`etc/network/interfaces`), by machine, then path in its folder. */
  machineTexts: Record<string, Record<string, string>>;
  /** Warnings about files of the folder that were not read (a link that leads out of it), located at the file. */
  problems: Problem[];
}

/** True when the real path `real` is `root` or inside it (both real paths). */
function isInside(root: string, real: string): boolean {
  const r = relative(root, real);
  return r === '' || (r.split(sep)[0] !== '..' && !r.startsWith(sep) && !/^[A-Za-z]:/.test(r));
}

/** A file of the lab's folder as text; throws why not (not a regular file, too large). */
function readSmall(p: string): string {
  const r = readTextFile(p);
  if ('error' in r) throw new Error(r.error);
  return r.text;
}

/** The size of a regular file (0 for anything else, which readTextFile refuses with its own words). */
function sizeOf(real: string): number {
  try {
    const st = statSync(real);
    return st.isFile() ? st.size : 0;
  } catch {
    return 0;
  }
}

/** The lab folder: what lies inside it, and warnings about what leads out of it. */
class LabFolder {
  readonly root: string;
  readonly problems: Problem[] = [];
  /** Names (relative to the folder) already said to lead out: nothing under them is said again. */
  private readonly outside = new Set<string>();

  constructor(readonly dir: string) {
    this.root = realpathSync(dir);
  }

  /** `p`'s name in the folder, with `/` between its parts. */
  name(p: string): string {
    return relative(this.dir, p).split(sep).join('/');
  }

  /** The real path of `p`; undefined when it does not exist (or is a link that leads nowhere). */
  private real(p: string): string | undefined {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  }

  /** Says that `p` leads to `real`, outside the folder, unless a folder above it was said to. */
  private refuse(p: string, real: string): void {
    const name = this.name(p);
    const parts = name.split('/');
    if (parts.some((_, i) => this.outside.has(parts.slice(0, i + 1).join('/')))) return;
    this.outside.add(name);
    this.problems.push({
      code: 'kathara-link-outside',
      severity: 'warning',
      message: `${name} links to ${real}, outside the lab folder: not read`,
      path: [],
      line: 1,
      column: 1,
      file: name,
    });
  }

  /**
   * The real path of `p` when it exists and lies inside the folder; undefined
   * when it does not exist (or is a link that leads nowhere), and also when it
   * leads out of the folder, which is said in a warning naming where it leads.
   */
  resolve(p: string): string | undefined {
    const real = this.real(p);
    if (real === undefined || isInside(this.root, real)) return real;
    this.refuse(p, real);
    return undefined;
  }

  /**
   * Files under `dir` (a folder of the lab, whose real path is inside it),
   * relative to it, sorted; at most `limit`, and at most `limit` links that
   * lead out said. A link is listed as a file, never followed: one that leads
   * out of the lab folder is left out with a warning, and one that leads
   * inside may lead to a folder above it (a loop). A link that leads nowhere
   * names no file: it is listed as it is.
   */
  listFiles(dir: string, limit = 50): string[] {
    const out: string[] = [];
    let refused = 0;
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (out.length >= limit || refused >= limit) return;
        const p = join(d, e.name);
        const real = e.isSymbolicLink() ? this.real(p) : undefined;
        if (real !== undefined && !isInside(this.root, real)) {
          this.refuse(p, real);
          refused++;
        } else if (e.isDirectory()) walk(p);
        else out.push(relative(dir, p));
      }
    };
    walk(dir);
    return out;
  }
}

/**
 * Reads the startup files, lab.ext and machine folders of the lab whose
 * lab.conf text is `labConf`, in folder `dir`. Throws, in words, when a file
 * cannot be read (a folder named `pc1.startup`, a file over 8 MB) and when
 * the lab's files hold more than netplumb imports from one lab.
 */
export function readKatharaFiles(dir: string, labConf: string): KatharaFiles {
  const folder = new LabFolder(dir);
  // A name of dots only (`..[0]=A`, which Kathará refuses) would name a folder outside the lab's.
  const machines = new Set(
    [...labConf.matchAll(/^\s*([A-Za-z0-9_.-]+)\[/gm)].map((m) => m[1]).filter((m) => !/^\.+$/.test(m)),
  );
  const machineFiles: Record<string, string[]> = {};
  /** The files to read, by where their text goes: [startup name or machine, real path]. */
  const startupPaths = new Map<string, string>();
  const ifacePaths = new Map<string, string>();
  for (const m of [...machines, 'shared']) {
    const startup = folder.resolve(join(dir, `${m}.startup`));
    if (startup !== undefined) startupPaths.set(m, startup);
    const own = folder.resolve(join(dir, m));
    if (own === undefined || !statSync(own).isDirectory()) continue;
    machineFiles[m] = folder.listFiles(join(dir, m));
    // The shared folder is mounted at /shared, not copied over /: its etc/ configures no machine.
    const ifaces = m === 'shared' ? undefined : folder.resolve(join(dir, m, 'etc', 'network', 'interfaces'));
    if (ifaces !== undefined && statSync(ifaces).isFile()) ifacePaths.set(m, ifaces);
  }
  // Startup files of machines lab.conf does not name are reported by the importer.
  for (const f of readdirSync(dir)) {
    const m = /^(.+)\.startup$/.exec(f);
    if (!m || startupPaths.has(m[1])) continue;
    const real = folder.resolve(join(dir, f));
    if (real !== undefined) startupPaths.set(m[1], real);
  }
  const extPath = folder.resolve(join(dir, 'lab.ext'));
  // The sizes first: a lab over the limit is refused before any of its files is read.
  const sizes = (read: (real: string) => number) =>
    labSize({
      labConf: Buffer.byteLength(labConf),
      machines: machines.size,
      startups: Object.fromEntries([...startupPaths].map(([m, p]) => [m, read(p)])),
      others: Object.fromEntries([
        ...[...ifacePaths].map(([m, p]) => [`${m}/etc/network/interfaces`, read(p)]),
        ...(extPath !== undefined ? [['lab.ext', read(extPath)]] : []),
      ]),
    });
  const refuse = (size: ReturnType<typeof labSize>) => {
    if (size.total > MAX_LAB_BYTES) throw new Error(`${join(dir, size.largest)}: ${labTooLarge(size)}`);
  };
  refuse(sizes(sizeOf));
  const texts = new Map<string, string>();
  const text = (real: string) => {
    if (!texts.has(real)) texts.set(real, readSmall(real));
    return texts.get(real)!;
  };
  const startups: Record<string, string> = {};
  for (const [m, p] of startupPaths) startups[m] = text(p);
  const machineTexts: Record<string, Record<string, string>> = {};
  for (const [m, p] of ifacePaths) machineTexts[m] = { 'etc/network/interfaces': text(p) };
  const labExt = extPath !== undefined ? text(extPath) : undefined;
  // A file that grew between its size and its reading is counted as read.
  refuse(sizes((real) => Buffer.byteLength(text(real))));
  return {
    startups,
    machineFiles,
    machineTexts,
    ...(labExt !== undefined ? { labExt } : {}),
    problems: folder.problems,
  };
}
