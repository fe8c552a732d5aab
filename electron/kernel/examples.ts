/**
 * The example topologies shipped in examples/, offered by id.
 *
 * Why ids and a listing: the page asks for an example by id, and the id is
 * only ever used as a key into the directory listing read here, never joined
 * into a path. A request such as "../../etc/shadow" or an encoded variant can
 * therefore not name any file outside examples/ (and the contract's regex
 * already refuses anything but [a-z0-9-]).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** One example file. */
export interface ExampleEntry {
  id: string;
  title: string;
  description?: string;
  fileName: string;
  file: string;
}

const FILE_RE = /^([a-z0-9-]+)\.(ya?ml|json)$/;

/** Lists the examples in `dir` (missing directory: none). */
export async function listExamples(dir: string): Promise<ExampleEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: ExampleEntry[] = [];
  for (const fileName of names.sort()) {
    const m = FILE_RE.exec(fileName);
    if (!m) continue;
    const file = path.join(dir, fileName);
    let title = m[1];
    let description: string | undefined;
    try {
      const doc = parseYaml(await readFile(file, 'utf8')) as Record<string, unknown> | null;
      if (doc && typeof doc === 'object') {
        if (typeof doc.description === 'string') description = doc.description.split('\n')[0].trim();
        if (typeof doc.name === 'string') title = doc.name;
      }
    } catch {
      // A file that does not parse is still listed; opening it shows its problems.
    }
    out.push({ id: m[1], title, description, fileName, file });
  }
  return out;
}

/** Reads one example by id; undefined when no listed example has that id. */
export async function readExample(dir: string, id: string): Promise<{ text: string; fileName: string } | undefined> {
  const entry = (await listExamples(dir)).find((e) => e.id === id);
  if (!entry) return undefined;
  return { text: await readFile(entry.file, 'utf8'), fileName: entry.fileName };
}
