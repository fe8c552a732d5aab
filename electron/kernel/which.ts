/**
 * Finding a program on PATH, one way for every caller: the kept capability
 * answer's tool stamps (capabilities-cache.ts), the native reader's cache key
 * (live-reader.ts) and the helper's route (helper-route.ts).
 */
import { statSync, type Stats } from 'node:fs';
import path from 'node:path';

/**
 * The first regular file called `name` in the directories of `envPath`, with
 * its stat (what identifies the binary); undefined when there is none.
 * Why only absolute directories: a relative one names a different program
 * in each working directory.
 */
export function whichOnPath(
  name: string,
  envPath = process.env.PATH ?? '',
): { path: string; stat: Stats } | undefined {
  for (const dir of envPath.split(':')) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const p = path.join(dir, name);
    try {
      // A miss is the usual case (most directories lack the program): told without an exception.
      const stat = statSync(p, { throwIfNoEntry: false });
      if (stat?.isFile()) return { path: p, stat };
    } catch {
      // not readable here (EACCES, ENOTDIR): not in this directory
    }
  }
  return undefined;
}
