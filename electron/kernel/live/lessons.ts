/**
 * Lessons shipped in lessons/: topology files with a `lesson:` (title and
 * Markdown steps) and expectations. Offered by id like examples (examples.ts):
 * the id is only a key into the directory listing, never joined into a path.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface LessonEntry {
  id: string;
  title: string;
  description?: string;
  steps: number;
  fileName: string;
  file: string;
}

const FILE_RE = /^([a-z0-9-]+)\.ya?ml$/;

/** Lists the lessons in `dir` (missing directory: none), in file-name order. */
export async function listLessons(dir: string): Promise<LessonEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: LessonEntry[] = [];
  for (const fileName of names.sort()) {
    const m = FILE_RE.exec(fileName);
    if (!m) continue;
    const file = path.join(dir, fileName);
    let title = m[1];
    let description: string | undefined;
    let steps = 0;
    try {
      const doc = parseYaml(await readFile(file, 'utf8')) as { description?: unknown; lesson?: { title?: unknown; steps?: unknown[] } } | null;
      if (typeof doc?.lesson?.title === 'string') title = doc.lesson.title;
      if (Array.isArray(doc?.lesson?.steps)) steps = doc.lesson.steps.length;
      if (typeof doc?.description === 'string') description = doc.description.split('\n')[0].trim();
    } catch {
      // Listed anyway; opening it shows its problems.
    }
    out.push({ id: m[1], title, ...(description ? { description } : {}), steps, fileName, file });
  }
  return out;
}

/** Reads one lesson by id; undefined when no listed lesson has that id. */
export async function readLesson(dir: string, id: string): Promise<{ text: string; fileName: string } | undefined> {
  const entry = (await listLessons(dir)).find((e) => e.id === id);
  if (!entry) return undefined;
  return { text: await readFile(entry.file, 'utf8'), fileName: entry.fileName };
}
