#!/usr/bin/env node
/* global process, console */
/**
 * `npm start`: the desktop app where the Electron binary is installed;
 * otherwise browser mode (`netplumb serve`), building the page first when it
 * is missing or older than its sources, and printing the URL.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const args = process.argv.slice(2);

/** The Electron binary's path when it is really on disk. */
function electronBinary() {
  try {
    const p = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : undefined;
  } catch {
    return undefined; // the package's install script never downloaded it
  }
}

function run(cmd, argv) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (e) => {
      console.error(`netplumb: could not run ${cmd}: ${e.message}`);
      resolve(1);
    });
  });
}

const electron = electronBinary();
let code;
if (electron && !process.env.NETPLUMB_BROWSER) {
  code = await run(process.execPath, [
    path.join(root, 'node_modules', '@electron-forge', 'cli', 'dist', 'electron-forge.js'),
    'start',
    ...(args.length ? ['--', ...args] : []),
  ]);
} else {
  console.log(
    electron
      ? 'netplumb: NETPLUMB_BROWSER is set: starting browser mode instead of the desktop app.'
      : 'netplumb: the Electron binary is not installed here, so the desktop app cannot start.\nStarting browser mode instead (netplumb serve): the same app, in your browser, on 127.0.0.1 only.',
  );
  // `netplumb serve` builds the page first when it is missing or older than its sources.
  code = await run(process.execPath, [path.join(root, 'bin', 'netplumb.js'), 'serve', ...args]);
}
process.exit(code);
