/**
 * Lessons shipped in lessons/: topology files with a `lesson:` (title and
 * Markdown steps) and expectations. Offered by id like examples (examples.ts):
 * the id is only a key into the directory listing, never joined into a path.
 */
import { listDocFiles, readListed, type DocEntry } from '../examples';

export interface LessonEntry extends DocEntry {
  steps: number;
}

/** Lists the lessons in `dir` (missing directory: none), in file-name order; the title is the lesson's. */
export function listLessons(dir: string): Promise<LessonEntry[]> {
  return listDocFiles(dir, /^([a-z0-9-]+)\.ya?ml$/, (doc, base) => {
    const lesson = (doc?.lesson ?? {}) as { title?: unknown; steps?: unknown };
    return {
      title: typeof lesson.title === 'string' ? lesson.title : base.title,
      steps: Array.isArray(lesson.steps) ? lesson.steps.length : 0,
    };
  });
}

/** Reads one lesson by id; undefined when no listed lesson has that id. */
export function readLesson(dir: string, id: string): Promise<{ text: string; fileName: string } | undefined> {
  return readListed(listLessons(dir), id);
}
