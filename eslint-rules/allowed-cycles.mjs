/**
 * Import cycles still tolerated: none since the engine restructure (issue 14,
 * item 3). Used by the no-import-cycles lint rule (eslint.config.js) and by
 * scripts/import-cycles.test.ts. A cycle through any file not listed fails
 * both. Never add one.
 */
/** @type {string[]} */
export const ALLOWED_CYCLE_FILES = [];
