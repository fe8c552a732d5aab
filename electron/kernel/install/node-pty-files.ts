/** Which files of node-pty the installed helper needs (its JS and the Linux addon). */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The files to copy from a node-pty package directory (relative paths), or
 * undefined when it has no built addon (then terminals use the fallback).
 * Tests, sources, maps and other platforms' prebuilds are left out.
 */
export function nodePtyFiles(dir: string): string[] | undefined {
  if (
    !existsSync(path.join(dir, 'build', 'Release', 'pty.node')) ||
    !existsSync(path.join(dir, 'package.json'))
  )
    return undefined;
  const out = ['package.json', 'build/Release/pty.node'];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.js') && !e.name.endsWith('.test.js')) out.push(r);
    }
  };
  walk('lib');
  return out;
}
