#!/usr/bin/env node
/* global process, console, Buffer */
/**
 * `node scripts/cli-cache.mjs DIST`: writes DIST/cli.cjs.cache, V8's code
 * cache of the bundled CLI (DIST/cli.cjs), for bin/cli-bundle.js. Run by the
 * build (scripts/build.mjs) in a process of its own, with no NODE_OPTIONS, so
 * that the cache matches a plain `node` (V8 refuses a cache made under other
 * flags).
 *
 * The bundle is compiled, not run: the cache holds its top level (what every
 * start compiles). Measured on a 200-host lab's `netplumb apply`, a cache
 * taken after the CLI had validated a few files was twice the size and no
 * faster: what it saved in compiling, it spent in deserialising.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { cacheHeader, wrap } from '../bin/cli-bundle.js';

const dist = path.resolve(process.argv[2] ?? 'dist');
const bundleFile = path.join(dist, 'cli.cjs');
const cacheFile = path.join(dist, 'cli.cjs.cache');

rmSync(cacheFile, { force: true });
const bundle = readFileSync(bundleFile);
const data = new vm.Script(wrap(bundle.toString('utf8')), { filename: bundleFile }).createCachedData();
const part = `${cacheFile}.${process.pid}.tmp`;
writeFileSync(part, Buffer.concat([Buffer.from(cacheHeader(bundle), 'latin1'), data]), { mode: 0o644 });
renameSync(part, cacheFile);
console.log(`code cache: ${data.length} bytes`);
