/**
 * Whether this process runs as root: a leaf module, so a command can decide
 * between the engine in this process and the privileged helper without
 * loading the helper's client (privilege.ts) when it is root.
 */

/** True when this process runs as root. */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
