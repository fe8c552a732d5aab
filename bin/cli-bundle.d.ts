/** Types for bin/cli-bundle.js. */
/** CommonJS's wrapper around the bundle's source. */
export function wrap(source: string): string;
/** The header line a cache of `bundle` made by this Node starts with. */
export function cacheHeader(bundle: Buffer): string;
/** What became of a code cache: none, stale, untrusted (root only), rejected by V8, or used. */
export type CacheState = 'none' | 'stale' | 'untrusted' | 'rejected' | 'used';
/** The V8 data of `cacheFile` when it may be used for `bundle`; else why not. */
export function cacheFor(
  bundle: Buffer,
  bundleFile: string,
  cacheFile: string,
): { state: Exclude<CacheState, 'rejected'>; data?: Buffer };
/** Compiles (from its cache when it may) and runs the bundle; its exports and the cache's fate. */
export function loadBundle(
  bundleFile: string,
  cacheFile?: string,
): { exports: Record<string, unknown>; cache: CacheState };
