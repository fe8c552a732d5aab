/**
 * Command words: how a tool's words run in a namespace, and how they are
 * written on an `ip -batch` line so iproute2 reads them back unchanged. Every
 * change is expressible as a full argv (shown to the user, run alone) and,
 * for ip/bridge/tc, as one line of `<tool> [-n NS] -batch -`, so the executor
 * can run a namespace's changes in a single process (see render-argv.ts).
 */
import { ROOT_NS } from './kstate';
import type { Tool } from './op';

export type { Tool } from './op';
/** The tools that read `-batch` input. */
export type BatchTool = Exclude<Tool, 'sysctl'>;

/**
 * Full argv for a tool's words run in namespace `ns`: ip, bridge and tc take
 * `-n NS`; sysctl (no namespace option, no batch mode) runs via `ip netns exec`.
 */
export function fullArgv(tool: Tool, ns: string, line: readonly string[]): string[] {
  if (tool === 'sysctl') return ns === ROOT_NS ? [tool, ...line] : ['ip', 'netns', 'exec', ns, tool, ...line];
  return ns === ROOT_NS ? [tool, ...line] : [tool, '-n', ns, ...line];
}

/**
 * Writes one word so that iproute2's batch reader gives it back unchanged, or
 * returns undefined when no spelling can. The reader (lib/utils.c: getcmdline
 * and makeargs, unchanged since 2.6.x) has no escapes at all: it cuts the line
 * at the first `#` (even inside quotes), joins a line ending in a backslash
 * with the next, splits on space, tab, CR and LF, and a word starting with `"`
 * or `'` runs to the next same quote character. So a word with `#`, a line
 * break or NUL cannot be written; one containing blanks, starting with a
 * quote, empty, or ending in a backslash must be quoted with a quote
 * character it does not contain.
 */
export function batchWord(w: string): string | undefined {
  // Why: '#' starts a comment anywhere; a line break ends the line; NUL ends the C string.
  if (/[#\n\0]/.test(w)) return undefined;
  const plain = w !== '' && !/[ \t\r]/.test(w) && w[0] !== '"' && w[0] !== "'" && !w.endsWith('\\');
  if (plain) return w;
  if (!w.includes('"')) return `"${w}"`;
  if (!w.includes("'")) return `'${w}'`;
  return undefined;
}

/** iproute2's MAX_ARGS (include/utils.h): makeargs exits on a line with this many words or more. */
export const BATCH_MAX_WORDS = 511;

/** True when `line` can be written as one batch line that reads back exactly. */
export function batchable(line: readonly string[]): boolean {
  return line.length > 0 && line.length <= BATCH_MAX_WORDS && line.every((w) => batchWord(w) !== undefined);
}

/** Quotes one word for an iproute2 batch line; throws if it cannot be written exactly (see {@link batchWord}). */
export function quoteBatchWord(w: string): string {
  const q = batchWord(w);
  // Why: a word the batch reader would split, cut or join must never be sent:
  // the kernel would get other commands than the plan shows.
  if (q === undefined)
    throw new Error(
      `${JSON.stringify(w)} cannot be written on an ip -batch line exactly (it contains "#", a line break, or both kinds of quote)`,
    );
  return q;
}

/** Formats batch lines as the text fed to `-batch -`. */
export function batchText(lines: readonly (readonly string[])[]): string {
  return lines.map((l) => l.map(quoteBatchWord).join(' ')).join('\n') + '\n';
}

/** The command that runs a batch of lines of `tool` in `ns`. */
export function batchArgv(tool: BatchTool, ns: string, force = false): string[] {
  const base = ns === ROOT_NS ? [tool] : [tool, '-n', ns];
  return [...base, ...(force ? ['-force'] : []), '-batch', '-'];
}

/** Human-readable place of an object, e.g. `eth0 in ns1`, `br0 on the host`. */
export function where(ns: string, name?: string): string {
  const place = ns === ROOT_NS ? 'the root namespace' : `namespace ${ns}`;
  return name === undefined ? place : `${name} in ${place}`;
}
