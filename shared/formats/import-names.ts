/**
 * Names for imported labs: the lab name from the file and its folder (so two
 * imported files never share a lab), kernel names cleaned to the characters
 * netplumb accepts (letters, digits, "-", "_", "."), and interface names that
 * fit the kernel's 15 bytes and stay unique.
 */
import { IFNAME_MAX_BYTES } from '../model';

/** Longest lab name the validator accepts. */
const LAB_MAX = 32;

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** Truncates to a byte budget without splitting a character. */
export function fitBytes(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (bytes(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/** A short stable hash (FNV-1a, base 36) used to keep shortened names distinct. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (const ch of s) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(4, '0').slice(-4);
}

/** Lowercase, allowed characters only, at most 32: what the validator accepts as a lab name. */
export function sanitizeLabName(s: string): string {
  // Only a leading "-", "." or "_" is invalid; a trailing one is kept so "a-" and "a" stay apart.
  // ".." is refused anywhere in a lab name (model/lab-name.ts), so a run of dots becomes one.
  const clean = s
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-._]+/, '');
  if (clean.length <= LAB_MAX) return clean || 'imported-lab';
  // Shortened names keep a hash of the whole name, so two long names stay apart.
  return `${clean.slice(0, LAB_MAX - 5).replace(/[-._]+$/, '')}-${shortHash(clean)}`;
}

/** File endings the importers read, longest first. */
const ENDINGS = /(\.clab\.ya?ml|\.ya?ml|\.json|\.mn|\.xml|\.imn|\.conf)$/i;

/**
 * Folder names that say what the folder holds rather than which lab it is:
 * Kathará's own repository keeps each exercise as `<exercise>/lab/lab.conf`,
 * and course repositories use `kathara/`, `netkit/`, `topology/` and the like.
 * (A tool's name such as `core/` or `clab/` is left out: it does tell labs of
 * different tools apart.)
 * Compared after sanitizeLabName, with "_" and "." read as "-".
 */
const GENERIC_FOLDERS = new Set([
  'lab',
  'labs',
  'lab-files',
  'kathara',
  'kathara-lab',
  'kathara-labs',
  'netkit',
  'netkit-lab',
  'netkit-labs',
  'topology',
  'topologies',
  'topo',
  'files',
  'src',
  'config',
  'configs',
  'conf',
]);

/** True when a folder name (as given) is a generic one, which names no lab. */
export function isGenericFolder(name: string): boolean {
  return GENERIC_FOLDERS.has(sanitizeLabName(name).replace(/[_.]/g, '-'));
}

/**
 * The lab name for an imported file: its folder and its base name
 * (`tutorial1/scenario.xml` → `tutorial1-scenario`). A Kathará `lab.conf`
 * is named by its folder alone (`02-add-one-router/lab.conf` →
 * `02-add-one-router`), as Kathará itself identifies a lab by its directory.
 * A folder with a generic name (`lab`, `labs`, `kathara`, …: see
 * isGenericFolder) names no lab, so the nearest folder above it that is not
 * generic is used instead (`02-add-one-router/lab/lab.conf` →
 * `02-add-one-router`); only when every folder is generic is the nearest one
 * kept. The folder is left out when the base name already starts with it
 * (`srl02/srl02.clab.yml` → `srl02`). `fallback` names a file without a path.
 */
export function labNameFromPath(path: string | undefined, fallback: string): string {
  const parts = (path ?? '').split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const file = parts.pop() ?? '';
  const nearest = [...parts].reverse().find((p) => !isGenericFolder(p)) ?? parts.at(-1) ?? '';
  const folder = sanitizeLabName(nearest);
  const base = /^lab\.conf$/i.test(file) ? '' : sanitizeLabName(file.replace(ENDINGS, ''));
  const hasFolder = folder !== 'imported-lab';
  const hasBase = base !== '' && base !== 'imported-lab';
  if (!hasBase) return hasFolder ? folder : sanitizeLabName(fallback);
  if (
    !hasFolder ||
    base === folder ||
    base.startsWith(`${folder}-`) ||
    base.startsWith(`${folder}.`) ||
    base.startsWith(`${folder}_`)
  )
    return base;
  return sanitizeLabName(`${folder}-${base}`);
}

/** True when `s` uses only the characters netplumb allows in kernel names and does not start with "-". */
export function isCleanName(s: string): boolean {
  return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(s);
}

/** `s` with every character netplumb does not allow in kernel names replaced by "_". */
export function cleanName(s: string): string {
  const out = s.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^-/, '_');
  return out === '' || out === '.' || out === '..' ? '_' : out;
}

/** Makes a unique interface name from `base` (cleaned, ≤ 15 bytes) among `used`, and records it. */
export function uniqueIfname(base: string, used: Set<string>): string {
  const clean = cleanName(base);
  let name = fitBytes(clean, IFNAME_MAX_BYTES);
  if (used.has(name)) {
    // The first free `STEM-i`, i = 2, 3, …, where STEM is `clean` cut to fit i's digits. Every
    // base with the same STEM tries the same names, and `used` only grows, so where the last
    // search stopped for a STEM and digit count, the ones below are still taken: start there
    // (trying from 2 each time made many names alike quadratic).
    let next = nextSuffix.get(used);
    if (!next) nextSuffix.set(used, (next = new Map()));
    for (let digits = 1, i = 2; ; digits++) {
      const stem = fitBytes(clean, IFNAME_MAX_BYTES - digits - 1);
      const key = `${digits}:${stem}`;
      const end = 10 ** digits;
      for (i = Math.max(i, next.get(key) ?? 0); i < end && used.has(`${stem}-${i}`); i++);
      next.set(key, i);
      if (i < end) {
        name = `${stem}-${i}`;
        break;
      }
    }
  }
  used.add(name);
  return name;
}

/** Per set of used names, the suffix each `digits:STEM` search of uniqueIfname goes on from. */
const nextSuffix = new WeakMap<Set<string>, Map<string, number>>();

/** Hands out unique node ids (netplumb id rules) for names that may hold any characters. */
export function idMaker(): (name: string) => string {
  const ids = new Set<string>();
  return (name: string) => {
    const base = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'node';
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}-${i}`;
    ids.add(id);
    return id;
  };
}
