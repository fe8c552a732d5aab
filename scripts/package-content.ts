/**
 * The content the packaged app ships beside its asar, in resources/: the
 * lessons and the students' files of the activities (examples/ is an extra
 * resource of its own). Answer keys (*.key.yaml) and reference solutions
 * (*.solution.yaml) are left out on purpose: a student who installs the app
 * must not find them on disk; teachers grade with the files from the source
 * tree or their own. The app finds them where it finds examples/: the
 * directories next to it (electron/kernel/handlers.ts lessonsDir/activitiesDir).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Directories shipped this way, each under resources/. */
const CONTENT_DIRS = ['lessons', 'activities'] as const;

/** Why a file is kept out of the package, or null when it ships. */
export function contentExcluded(name: string): string | null {
  if (/\.key\.ya?ml$/i.test(name)) return 'an answer key (teachers only)';
  if (/\.solution\.ya?ml$/i.test(name)) return 'a reference solution (teachers only)';
  if (!/\.(ya?ml|md)$/i.test(name)) return 'not a lesson, activity or README';
  return null;
}

/** [source, target relative to the packaged app's root] for every shipped content file. */
export function contentPackageFiles(root: string): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of CONTENT_DIRS) {
    const src = path.join(root, dir);
    if (!existsSync(src)) throw new Error(`packaging: ${src} is missing`);
    for (const name of readdirSync(src).sort())
      if (!contentExcluded(name)) out.push([path.join(src, name), path.join('resources', dir, name)]);
  }
  return out;
}

/** Copies the content into `buildPath` (Forge's packageAfterExtract hook; buildPath is the packaged app's root). */
export function copyContentInto(buildPath: string, root = process.cwd()): void {
  for (const [src, rel] of contentPackageFiles(root)) {
    const dst = path.join(buildPath, rel);
    mkdirSync(path.dirname(dst), { recursive: true });
    copyFileSync(src, dst);
  }
}
