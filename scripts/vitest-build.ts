/**
 * vitest globalSetup: rebuilds dist/ once before the tests, so the tests that
 * run `bin/netplumb.js` exercise the bundle a user runs, built from the
 * sources under test (never a stale one).
 */
import { build } from './build.mjs';

export default async function setup(): Promise<void> {
  await build();
}
