/**
 * Import cycles known and left for the engine restructure (issue 14, item
 * 3): files that may still import each other in a circle. Used by the
 * no-import-cycles lint rule (eslint.config.js) and by
 * scripts/import-cycles.test.ts. A cycle through any file not listed fails
 * both. Remove entries as the cycles are broken; never add one.
 */
export const ALLOWED_CYCLE_FILES = [
  // runner.ts ↔ fan-out.ts (types only: RunOptions/RunResult) — from the `speed`
  // branch; issue 14's engine layout moves the runner's types to a leaf.
  'electron/kernel/runner.ts',
  'electron/kernel/fan-out.ts',
];
