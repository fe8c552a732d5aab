/**
 * The files of a Kathará lab beside its lab.conf, read for `netplumb import`:
 * `<machine>.startup` and `shared.startup`, `lab.ext`, the file lists of
 * the machine folders (`r1/etc/frr/frr.conf`) that Kathará copies into the
 * machines, so the importer can name what it cannot carry over, and the text
 * of each machine's `etc/network/interfaces` (ifupdown), which it reads.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readTextFile } from './read-text';

/** What lives beside a lab.conf. */
export interface KatharaFiles {
  startups: Record<string, string>;
  labExt?: string;
  machineFiles: Record<string, string[]>;
  /** Texts of the machine-folder files the importer reads (`etc/network/interfaces`), by machine, then path in its folder. */
  machineTexts: Record<string, Record<string, string>>;
}

/** Files under `dir`, relative to it, sorted; at most `limit`. */
function listFiles(dir: string, limit = 50): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= limit) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** A file of the lab's folder as text; throws why not (not a regular file, too large). */
function readSmall(p: string): string {
  const r = readTextFile(p);
  if ('error' in r) throw new Error(r.error);
  return r.text;
}

/** Reads the startup files, lab.ext and machine folders of the lab whose lab.conf text is `labConf`, in folder `dir`. */
export function readKatharaFiles(dir: string, labConf: string): KatharaFiles {
  // A name of dots only (`..[0]=A`, which Kathará refuses) would name a folder outside the lab's.
  const machines = new Set(
    [...labConf.matchAll(/^\s*([A-Za-z0-9_.-]+)\[/gm)].map((m) => m[1]).filter((m) => !/^\.+$/.test(m)),
  );
  const startups: Record<string, string> = {};
  const machineFiles: Record<string, string[]> = {};
  const machineTexts: Record<string, Record<string, string>> = {};
  for (const m of [...machines, 'shared']) {
    const p = join(dir, `${m}.startup`);
    if (existsSync(p)) startups[m] = readSmall(p);
    const folder = join(dir, m);
    if (existsSync(folder) && statSync(folder).isDirectory()) machineFiles[m] = listFiles(folder);
    // The shared folder is mounted at /shared, not copied over /: its etc/ configures no machine.
    const ifaces = join(folder, 'etc', 'network', 'interfaces');
    if (m !== 'shared' && existsSync(ifaces) && statSync(ifaces).isFile())
      machineTexts[m] = { 'etc/network/interfaces': readSmall(ifaces) };
  }
  // Startup files of machines lab.conf does not name are reported by the importer.
  for (const f of readdirSync(dir)) {
    const m = /^(.+)\.startup$/.exec(f);
    if (m && !(m[1] in startups)) startups[m[1]] = readSmall(join(dir, f));
  }
  const ext = join(dir, 'lab.ext');
  return { startups, machineFiles, machineTexts, ...(existsSync(ext) ? { labExt: readSmall(ext) } : {}) };
}
