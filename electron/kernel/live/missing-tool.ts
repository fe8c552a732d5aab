/**
 * A program the live tools run inside a lab namespace (`ip netns exec NS
 * PROGRAM`) that this host does not have, said in plain words with the
 * package that brings it.
 */

/** The Debian/Ubuntu package of each program the live tools run in a namespace. */
const PACKAGE: Record<'ping' | 'tcpdump', string> = { ping: 'iputils-ping', tcpdump: 'tcpdump' };

/**
 * Plain words when `text` (what `ip netns exec` or the spawn said) shows
 * that `tool` is not installed; undefined otherwise. `ip netns exec` says
 * `exec of "TOOL" failed: No such file or directory` (and exits 1, as ping
 * does after no reply); a direct spawn fails with `spawn TOOL ENOENT`.
 */
export function notInstalled(tool: keyof typeof PACKAGE, text: string): string | undefined {
  const missing =
    text.includes(`exec of "${tool}" failed: No such file or directory`) ||
    text.includes(`spawn ${tool} ENOENT`);
  return missing
    ? `${tool} is not installed on this host (Debian and Ubuntu: sudo apt install ${PACKAGE[tool]})`
    : undefined;
}
