/* global process */
/**
 * Loading the bundled CLI (dist/cli.cjs) with V8's code cache
 * (dist/cli.cjs.cache), both made by `npm run build` and never written at
 * run time.
 *
 * Why: a cold `netplumb apply` spent ~90 ms of its ~500 ms before the engine
 * began, most of it Node's ES-module loader compiling ~750 KB of bundled
 * code (zod, execa, the engine) in some 30 chunks. One CommonJS file compiled
 * from a code cache of its top level (scripts/cli-cache.mjs) skips most of
 * that parse and compile.
 *
 * The cache is used only when its header names this Node (process.version
 * and the V8 version) and the SHA-256 of the very bundle beside it: V8 itself
 * checks only its version, its flags and the source's length. When root runs
 * the command, the cache must also belong to the bundle's owner and be
 * writable by no one else: it is code, and root must not run code another
 * user could have changed (the bundle itself is then as trusted as the
 * checkout it came with). Anything else: the bundle is compiled as usual.
 *
 * Plain JavaScript (bin/ runs without a build), CommonJS like bin/netplumb.js
 * (bin/package.json); scripts/cli-cache.mjs writes the cache with the same
 * wrapper and header.
 */
const { createHash } = require('node:crypto');
const { readFileSync, statSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

/** The header's first word: a cache of another layout is never passed to V8. */
const CACHE_MAGIC = 'netplumb-v8-cache-1';

/** CommonJS's own wrapper, so the bundle gets exports, require, module, __filename and __dirname. */
const wrap = (source) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

/** This Node, as a cache header names it. */
const nodeId = () => `${process.version} v8-${process.versions.v8}`;

/** The header line written before the V8 data: magic, this Node, the bundle's SHA-256. */
const cacheHeader = (bundle) =>
  `${CACHE_MAGIC} ${nodeId()} ${createHash('sha256').update(bundle).digest('hex')}\n`;

/**
 * The V8 data of `cacheFile` when it was made for exactly `bundle` by this
 * Node, and root may trust it; else why not.
 */
function cacheFor(bundle, bundleFile, cacheFile) {
  let buf;
  try {
    buf = readFileSync(cacheFile);
  } catch {
    return { state: 'none' };
  }
  if (process.geteuid?.() === 0) {
    const b = statSync(bundleFile);
    const c = statSync(cacheFile);
    if (c.uid !== b.uid || (c.mode & 0o022) !== 0) return { state: 'untrusted' };
  }
  const nl = buf.indexOf(10);
  if (nl < 0 || buf.toString('latin1', 0, nl + 1) !== cacheHeader(bundle)) return { state: 'stale' };
  return { state: 'used', data: buf.subarray(nl + 1) };
}

/**
 * Compiles and runs the bundle (with its cache when it may) and returns its
 * exports and what became of the cache: none, stale, untrusted, rejected (by
 * V8) or used.
 */
function loadBundle(bundleFile, cacheFile = bundleFile + '.cache') {
  const bundle = readFileSync(bundleFile);
  const cache = cacheFor(bundle, bundleFile, cacheFile);
  const script = new vm.Script(wrap(bundle.toString('utf8')), {
    filename: bundleFile,
    ...(cache.data ? { cachedData: cache.data } : {}),
  });
  const state = cache.data && script.cachedDataRejected ? 'rejected' : cache.state;
  const mod = { exports: {} };
  // The bundle requires only built-ins and packages from the project's node_modules, which
  // this file's require finds as one beside the bundle would. Not createRequire: loading
  // node:module starts Node's ES-module loader, ~10 ms of every command.
  script.runInThisContext()(mod.exports, require, mod, bundleFile, path.dirname(bundleFile));
  return { exports: mod.exports, cache: state };
}

module.exports = { wrap, cacheHeader, cacheFor, loadBundle };
