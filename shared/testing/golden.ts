/**
 * Golden-file comparison for tests. A golden file is the reviewed, committed
 * expectation; a test that writes its own expectation approves itself, so a
 * missing file fails. Regeneration is asked for explicitly with
 * `UPDATE_GOLDEN=1` (then review the diff before committing).
 *
 * Test support only: it reads the disk, so it lives under shared/testing/,
 * which the purity lint rule exempts (see eslint.config.js).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/** True when the run asked for golden files to be rewritten. */
const updatingGoldens = (): boolean => !!process.env.UPDATE_GOLDEN && process.env.UPDATE_GOLDEN !== '0';

/**
 * Compares `actual` with the golden file at `file` (an absolute path).
 * With `UPDATE_GOLDEN=1` the file is (re)written first; without it a missing
 * file is a failure that says how to create it.
 */
export function golden(file: string, actual: string): void {
  if (updatingGoldens()) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  } else if (!existsSync(file)) {
    expect.fail(
      `golden file ${file} is missing: run the test with UPDATE_GOLDEN=1 to write it, review it, and commit it`,
    );
  }
  expect(actual, `differs from golden file ${file} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(file, 'utf8'),
  );
}
