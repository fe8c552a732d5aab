/** Types for scripts/build.mjs. */
/** Bundles the CLI and the privileged helper into dist/; resolves with the time taken (ms). */
export function build(): Promise<number>;
/** Newest modification time (ms) of the build's sources. */
export function newestSource(): number;
/** Why `prepare` leaves dist/ as it is (up to date, or root in another user's checkout), or undefined to build. */
export function skipReason(uid?: number): string | undefined;
/** Compiles native/*.c into DIR/nsread (default dist/) with `cc` (or $CC); says what happened (never throws). */
export function buildNsread(cc?: string, dir?: string): string;
/** Writes DIR/cli.cjs.cache (scripts/cli-cache.mjs) with this Node; says why there is none, or undefined. */
export function buildCliCache(dir?: string): string | undefined;
/** esbuild options shared by dist/'s bundles (ES module, Node 20, what stays outside). */
export const common: import('esbuild').BuildOptions;
