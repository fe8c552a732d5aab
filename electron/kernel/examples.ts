/**
 * The example topologies shipped in examples/ (and, through the same listing,
 * the lessons in lessons/), offered by id.
 *
 * Why ids and a listing: the page asks for an example by id, and the id is
 * only ever used as a key into the directory listing read here, never joined
 * into a path. A request such as "../../etc/shadow" or an encoded variant can
 * therefore not name any file outside the directory (and the contract's regex
 * already refuses anything but [a-z0-9-]).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** One listed file. */
export interface DocEntry {
  id: string;
  title: string;
  description?: string;
  fileName: string;
  file: string;
}

/** One example file. */
export type ExampleEntry = DocEntry;

/**
 * Lists the topology files in `dir` whose names match `fileRe` (group 1 is
 * the id), in name order; `summarize` reads extra fields from each parsed
 * document (a file that does not parse is listed anyway: opening it shows its
 * problems). A missing directory lists nothing.
 */
export async function listDocFiles<X extends object>(
  dir: string,
  fileRe: RegExp,
  summarize: (doc: Record<string, unknown> | null, base: DocEntry) => X,
): Promise<(DocEntry & X)[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: (DocEntry & X)[] = [];
  for (const fileName of names.sort()) {
    const m = fileRe.exec(fileName);
    if (!m) continue;
    const file = path.join(dir, fileName);
    let doc: Record<string, unknown> | null = null;
    try {
      const parsed = parseYaml(await readFile(file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object') doc = parsed as Record<string, unknown>;
    } catch {
      // Listed anyway.
    }
    const description =
      typeof doc?.description === 'string' ? doc.description.split('\n')[0].trim() : undefined;
    const base: DocEntry = { id: m[1], title: m[1], ...(description ? { description } : {}), fileName, file };
    out.push({ ...base, ...summarize(doc, base) });
  }
  return out;
}

/** Reads one listed file by id; undefined when no listed file has that id. */
export async function readListed(
  entries: Promise<DocEntry[]>,
  id: string,
): Promise<{ text: string; fileName: string } | undefined> {
  const entry = (await entries).find((e) => e.id === id);
  if (!entry) return undefined;
  return { text: await readFile(entry.file, 'utf8'), fileName: entry.fileName };
}

/** Lists the examples in `dir` (missing directory: none); the title is the lab's name. */
export function listExamples(dir: string): Promise<ExampleEntry[]> {
  return listDocFiles(dir, /^([a-z0-9-]+)\.(ya?ml|json)$/, (doc, base) => ({
    title: typeof doc?.name === 'string' ? doc.name : base.title,
  }));
}

/** Reads one example by id; undefined when no listed example has that id. */
export function readExample(
  dir: string,
  id: string,
): Promise<{ text: string; fileName: string } | undefined> {
  return readListed(listExamples(dir), id);
}
