#!/bin/sh
// 2>/dev/null; unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"
/* global process, console, __dirname */
// Lines 1-2 are for sh: it runs node on this file as `#!/usr/bin/env node`
// would, without NODE_EXTRA_CA_CERTS (for sh, `//` is a directory it cannot
// run, silenced; for node, line 2 is a comment). Node reads the file that
// variable names, and so builds its whole CA store, at every start before any
// of our code: ~35 ms here, for a command that makes no TLS connection. Run
// as `node bin/netplumb.js`, the lines do nothing.
// The `netplumb` command: runs the bundled CLI (dist/cli.cjs, built from
// electron/cli by `npm run build`, which `npm install` runs through `prepare`)
// from its code cache (bin/cli-bundle.js).
// Plain JavaScript only: no TypeScript loader, no transform cache, nothing
// written at run time, so nothing here can be swapped by another user even
// when run with sudo.
// CommonJS (bin/package.json): Node's ES-module loader would add ~10 ms to
// every command.
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist') + path.sep;
const argv = process.argv.slice(2);

/** The version the build recorded (dist/build-info.json), or undefined. */
function builtVersion() {
  try {
    const { version } = JSON.parse(readFileSync(dist + 'build-info.json', 'utf8'));
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined; // not built: said below
  }
}

// `--version` needs none of the command's code.
const version =
  argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V') ? builtVersion() : undefined;
if (version) process.stdout.write(`netplumb ${version}\n`);
else if (!existsSync(dist + 'cli.cjs')) {
  console.error(
    'netplumb: the command is not built yet (dist/cli.cjs is missing).\n' +
      'npm builds it during "npm install"; if install scripts were skipped (--ignore-scripts), run: npm run build',
  );
  process.exitCode = 1;
} else {
  // Root's lab commands go to the resident engine when one of this build runs (`netplumb engine start`).
  const viaEngine = require('./engine-client.js').viaEngine(dist, argv);
  if (viaEngine)
    void viaEngine.then((code) => {
      if (code === undefined) runHere();
      else process.exitCode = code;
    });
  else runHere();
}

/** Runs the command in this process. */
function runHere() {
  const { loadBundle } = require('./cli-bundle.js');
  const { exports, cache } = loadBundle(dist + 'cli.cjs');
  // For `netplumb doctor`, which says whether the command starts from its code cache.
  globalThis[Symbol.for('netplumb.codeCache')] = cache;
  // For `netplumb engine`, which serves this build only.
  globalThis[Symbol.for('netplumb.dist')] = dist;
  const { main } = exports;
  // A rejection is left unhandled, as a top-level await would: Node prints it and exits 1.
  void main(argv).then((code) => {
    process.exitCode = code;
  });
}
