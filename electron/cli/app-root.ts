/** Finding the checkout (or installed package) that holds package.json, examples/ and .vite/. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The nearest directory at or above `from` whose package.json is netplumb's.
 * Works from the sources (electron/cli) and from the bundle (dist/, dist/chunks/),
 * which sit at different depths. Falls back to `from` itself.
 */
export function findAppRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'netplumb') return dir;
      } catch {
        // Not readable JSON: keep looking upwards.
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}
