/**
 * Test helper process: the real browser-mode server (`netplumb serve`'s
 * startServer) with the default run directory, printing one JSON line
 * {port, url} once it listens (url: its one-time sign-in link). With DOC.json K PAUSED RELEASE, its engine's
 * runner pauses before plan step K (see pausingRunner) so a test can hold the
 * lab's lock in the middle of a real apply.
 * Usage: tsx serve-child.ts RENDERDIR [DOC.json K PAUSED RELEASE]
 */
import { readFileSync } from 'node:fs';
import { startServer } from '../../cli/serve';
import { planDocument } from '../engine';
import { pausingRunner } from './lab-fixture';

const [renderDir, docFile, k, paused, release] = process.argv.slice(2);
let runner;
if (docFile) {
  const plan = await planDocument(JSON.parse(readFileSync(docFile, 'utf8')));
  runner = pausingRunner(plan.changes, Number(k), paused, release);
}
const s = await startServer({ renderDir, ...(runner ? { runner } : {}) });
process.stdout.write(JSON.stringify({ port: s.port, url: s.url }) + '\n');
