/**
 * `netplumb exec LAB NODE -- CMD`: a command in a node's namespace with the
 * user's terminal attached, its exit code passed through. The one CLI file
 * that starts a process itself (eslint.config.js, spawnAllowed()): as root
 * the command runs under `ip netns exec` here; through the helper it runs on
 * a terminal the helper opens, as the user.
 */
import { spawn } from 'node:child_process';
import type { LiveBackend } from '../kernel/live/backend';
import type { ParsedArgs } from './args';
import { EXIT, err } from './command';
import { labArg, live } from './live-session';
import { red } from './output';

/**
 * `exec` through the helper: the command runs as you in the lab's namespace,
 * on a terminal the helper opens; your terminal is attached to it (raw mode)
 * and its exit code is passed through. Without a terminal here, output lines
 * end in "\n" again (a pty writes "\r\n") and stdin's end is sent as ^D.
 */
export async function execThroughHelper(
  b: LiveBackend,
  lab: string,
  node: string,
  command: string[],
): Promise<number> {
  const tty = !!(process.stdin.isTTY && process.stdout.isTTY);
  const size = () => ({
    cols: Math.max(2, Math.min(500, process.stdout.columns || 80)),
    rows: Math.max(2, Math.min(300, process.stdout.rows || 24)),
  });
  let id = '';
  const onData = (d: Buffer) => {
    const text = d.toString('utf8');
    // Why in pieces: one term-input carries at most 64 KiB.
    for (let i = 0; i < text.length; i += 16_384)
      void b.termInput(id, text.slice(i, i + 16_384)).catch(() => undefined);
  };
  const onEnd = () => void b.termInput(id, '\x04').catch(() => undefined);
  const onResize = () => void b.termResize(id, size().cols, size().rows).catch(() => undefined);
  try {
    return await new Promise<number>((resolve, reject) => {
      b.termOpen(
        { lab, nodeId: node, ...size() },
        {
          output: (_id, d) => void process.stdout.write(tty ? d : d.replace(/\r\n/g, '\n')),
          exit: (_id, code) => resolve(code),
        },
        { command, ...(tty ? {} : { echo: false }) },
      ).then((t) => {
        id = t.id;
        if (tty) process.stdin.setRawMode(true);
        process.stdin.on('data', onData);
        process.stdin.on('end', onEnd);
        process.stdout.on('resize', onResize);
      }, reject);
    });
  } finally {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdout.off('resize', onResize);
    if (tty) process.stdin.setRawMode(false);
    process.stdin.pause();
  }
}

/** `netplumb exec`. */
/** `netplumb exec` (its help and flags are in live-commands.ts). */
export async function execCommand(args: ParsedArgs): Promise<number> {
  const [rawLab, node] = args.positionals;
  const { lab, code } = await labArg(args, rawLab);
  if (code !== undefined) return code;
  if (!lab || !node || !args.rest.length)
    return (err('usage: netplumb exec LAB NODE -- CMD [ARGS...]'), EXIT.invalid);
  return live(args, async (b) => {
    if (b.where === 'helper') return execThroughHelper(b, lab, node, args.rest);
    const { ownedNode } = await import('../kernel/live/owned');
    const owned = await ownedNode(lab, node);
    // Why spawn and not the Runner: the command is interactive (terminal attached, exit code passed through).
    const child = spawn('ip', ['netns', 'exec', owned.ns, ...args.rest], { stdio: 'inherit' });
    // Ctrl-C / Ctrl-\ reach the command (same process group); netplumb waits for its exit code.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    process.on('SIGQUIT', ignore);
    try {
      return await new Promise<number>((resolve) => {
        child.on('error', (e) => (err(red(`cannot run ${args.rest[0]}: ${e.message}`)), resolve(127)));
        child.on('close', (code, signal) =>
          resolve(
            code ??
              (signal
                ? 128 +
                    ({ SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ||
                  129
                : 1),
          ),
        );
      });
    } finally {
      process.off('SIGINT', ignore);
      process.off('SIGQUIT', ignore);
    }
  });
}
