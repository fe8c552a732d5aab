/**
 * A program netplumb runs (in a lab namespace through `ip netns exec`, or
 * directly) that this host does not have, said in plain words with the
 * package that brings it.
 */

/** The Debian/Ubuntu package of each program netplumb runs. */
const PACKAGE = {
  ip: 'iproute2',
  bridge: 'iproute2',
  tc: 'iproute2',
  sysctl: 'procps',
  nsenter: 'util-linux',
  ping: 'iputils-ping',
  tcpdump: 'tcpdump',
} as const;

/** A program of PACKAGE. */
export type Program = keyof typeof PACKAGE;

/**
 * The ways a missing program is reported: `ip netns exec` says `exec of
 * "TOOL" failed: No such file or directory` (and exits 1, as ping does
 * after no reply), a spawn fails with `spawn TOOL ENOENT`, nsread with
 * `nsread: cannot start TOOL: No such file or directory`, sh says `TOOL:
 * not found` and bash (the fan-out) `TOOL: command not found`.
 */
const said = (tool: string, text: string) =>
  text.includes(`exec of "${tool}" failed: No such file or directory`) ||
  text.includes(`spawn ${tool} ENOENT`) ||
  text.includes(`nsread: cannot start ${tool}: No such file or directory`) ||
  new RegExp(`(^|[\\s:])${tool}: (command )?not found`, 'm').test(text);

/** The Debian/Ubuntu package that brings `tool`. */
export const packageOf = (tool: Program): string => PACKAGE[tool];

/** Plain words naming `tool` as not installed, and its package. */
const words = (tool: Program) =>
  `${tool} is not installed on this host (Debian and Ubuntu: sudo apt install ${PACKAGE[tool]})`;

/** Plain words when `text` (what the command or its spawn said) shows that `tool` is not installed; else undefined. */
export function notInstalled(tool: Program, text: string): string | undefined {
  return said(tool, text) ? words(tool) : undefined;
}

/** The same for whichever program of PACKAGE `text` says is missing. */
export function missingProgram(text: string): string | undefined {
  const tool = (Object.keys(PACKAGE) as Program[]).find((t) => said(t, text));
  return tool ? words(tool) : undefined;
}
