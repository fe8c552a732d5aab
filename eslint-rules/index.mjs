/**
 * netplumb's own lint rules (plugin `local` in eslint.config.js): the
 * architecture rules no published rule checks the way we need. Each has a
 * self-test in scripts/lint-rules.test.ts.
 */
import layers from './layers.mjs';
import noImportCycles from './no-import-cycles.mjs';

export default {
  meta: { name: 'netplumb-local' },
  rules: { layers, 'no-import-cycles': noImportCycles },
};
