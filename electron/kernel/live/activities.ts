/**
 * Activities shipped in activities/ (like lessons.ts): offered by id, the id
 * only a key into the directory listing, never joined into a path.
 *
 * Only the students' files are listed: `N-name.yaml`. Answer keys
 * (`N-name.key.yaml`) and reference solutions (`N-name.solution.yaml`) never
 * match the pattern (an id has no "."), so the app cannot hand them out.
 */
import { listDocFiles, readListed, type DocEntry } from '../examples';

/** One activity in the list. */
export interface ActivityEntry extends DocEntry {
  steps: number;
  checks: number;
  points: number;
}

// Why no "." in the id: it keeps *.key.yaml and *.solution.yaml out of the list (see the file comment).
const STUDENT_FILE = /^([0-9]+-[a-z0-9-]+)\.ya?ml$/;

/** Lists the activities in `dir` (missing directory: none), in file-name order. */
export function listActivities(dir: string): Promise<ActivityEntry[]> {
  return listDocFiles(dir, STUDENT_FILE, (doc, base) => {
    const lesson = (doc?.lesson ?? {}) as { title?: unknown; steps?: unknown };
    const checks = ((doc?.activity ?? {}) as { checks?: unknown }).checks;
    const list = Array.isArray(checks) ? (checks as { points?: unknown; breakIt?: unknown }[]) : [];
    return {
      title: typeof lesson.title === 'string' ? lesson.title : base.title,
      steps: Array.isArray(lesson.steps) ? lesson.steps.length : 0,
      checks: list.length,
      points: list
        .filter((c) => c.breakIt !== true)
        .reduce((s, c) => s + (typeof c.points === 'number' ? c.points : 1), 0),
    };
  });
}

/** Reads one activity (the student's file) by id; undefined when no listed activity has that id. */
export function readActivity(
  dir: string,
  id: string,
): Promise<{ text: string; fileName: string } | undefined> {
  return readListed(listActivities(dir), id);
}
