/**
 * The engine the bench times in process, as users run it: bundled by esbuild
 * with dist/'s options (scripts/build.mjs), not through tsx. Why: tsx
 * transforms with esbuild's keepNames, which wraps every function made at
 * run time to name it; a plan of 1000 hosts took ~50% longer that way
 * (median 16.3 ms against 10.6 ms for plan() alone), and the command, the
 * app's helper and the resident engine all run the bundle.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { common } from '../scripts/build.mjs';

export type Engine = typeof import('./engine-entry');

/**
 * Bundles bench/engine-entry.ts into .cache/bench/ (beside node_modules, for
 * what stays outside the bundle) and loads it. The bundle does not sit next
 * to dist/nsread, so it is told where that is (when root may run it).
 */
export async function loadEngine(root: string): Promise<{ engine: Engine; nsread: string | undefined }> {
  const dir = join(root, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `engine-${process.pid}.mjs`);
  try {
    await esbuild.build({
      ...common,
      absWorkingDir: root,
      entryPoints: [join(root, 'bench', 'engine-entry.ts')],
      outfile,
      outExtension: undefined,
      sourcemap: false,
    });
    const engine = (await import(pathToFileURL(outfile).href)) as Engine;
    const p = join(root, 'dist', 'nsread');
    const nsread =
      process.env.NETPLUMB_NO_NSREAD !== '1' && existsSync(p) && engine.safeForRoot(p) ? p : undefined;
    engine.useNsread(nsread ?? false);
    return { engine, nsread };
  } finally {
    rmSync(outfile, { force: true });
  }
}
