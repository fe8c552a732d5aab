/** netplumb's version, as package.json says. */
import { readFileSync } from 'node:fs';

declare const __NETPLUMB_VERSION__: string | undefined;

/**
 * The version: inlined by the build (scripts/build.mjs defines
 * __NETPLUMB_VERSION__); read from package.json when running from source
 * (tests), so it is never a second copy to keep in step.
 */
export const NETPLUMB_VERSION: string =
  typeof __NETPLUMB_VERSION__ === 'string' ? __NETPLUMB_VERSION__ : readPackageVersion();

function readPackageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
