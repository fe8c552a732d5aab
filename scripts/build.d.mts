/** Types for scripts/build.mjs. */
/** Bundles the CLI and the privileged helper into dist/; resolves with the time taken (ms). */
export function build(): Promise<number>;
