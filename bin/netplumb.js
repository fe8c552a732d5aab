#!/usr/bin/env node
/* global process, console, URL */
// The `netplumb` command: runs the bundled CLI (dist/cli.mjs, built from
// electron/cli by `npm run build`, which `npm install` runs through `prepare`).
// Plain JavaScript only: no TypeScript loader, no transform cache, so nothing
// here can be swapped by another user even when run with sudo.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(bundle)) {
  console.error(
    'netplumb: the command is not built yet (dist/cli.mjs is missing).\n' +
      'npm builds it during "npm install"; if install scripts were skipped (--ignore-scripts), run: npm run build',
  );
  process.exit(1);
}
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2));
