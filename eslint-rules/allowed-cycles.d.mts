/** Types for eslint-rules/allowed-cycles.mjs. */
/** Files that may still import each other in a circle (issue 14); shrink it, never grow it. */
export const ALLOWED_CYCLE_FILES: string[];
