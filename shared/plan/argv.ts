/**
 * Builders for the exact commands a plan runs. Every change is expressible
 * both as a full argv (shown to the user, run alone) and, for ip/bridge/tc, as
 * one line of `<tool> [-n NS] -batch -`, so the executor can run a namespace's
 * changes in a single process.
 */
import { ROOT_NS } from './kstate';

export type Tool = 'ip' | 'bridge' | 'tc';

/** Full argv for a batchable line run in namespace `ns`. */
export function fullArgv(tool: Tool, ns: string, line: readonly string[]): string[] {
  return ns === ROOT_NS ? [tool, ...line] : [tool, '-n', ns, ...line];
}

/** Quotes one word for an iproute2 batch line (which splits on blanks and honours double quotes). */
export function quoteBatchWord(w: string): string {
  if (w === '') return '""';
  if (/^[^\s"'\\#]+$/.test(w)) return w;
  return `"${w.replace(/(["\\])/g, '\\$1')}"`;
}

/** Formats batch lines as the text fed to `-batch -`. */
export function batchText(lines: readonly (readonly string[])[]): string {
  return lines.map((l) => l.map(quoteBatchWord).join(' ')).join('\n') + '\n';
}

/** The command that runs a batch of lines of `tool` in `ns`. */
export function batchArgv(tool: Tool, ns: string, force = false): string[] {
  const base = ns === ROOT_NS ? [tool] : [tool, '-n', ns];
  return [...base, ...(force ? ['-force'] : []), '-batch', '-'];
}

/** argv that runs `sysctl -w` inside a namespace (sysctl has no batch mode; one process per namespace). */
export function sysctlArgv(ns: string, values: Record<string, string>): string[] {
  return ['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...Object.entries(values).map(([k, v]) => `${k}=${v}`)];
}

/** Human-readable place of an object, e.g. `eth0 in ns1`, `br0 on the host`. */
export function where(ns: string, name?: string): string {
  const place = ns === ROOT_NS ? 'the root namespace' : `namespace ${ns}`;
  return name === undefined ? place : `${name} in ${place}`;
}
