/**
 * `netplumb engine` as the registry lists it. Its work (engine-commands.ts,
 * the server in engine-server.ts) is loaded only when it runs.
 */
import type { Command } from './command';

export const ENGINE_HELP = `usage: sudo npx netplumb engine start [--idle MINUTES]
       sudo npx netplumb engine stop
       sudo npx netplumb engine status [--json]
       sudo npx netplumb engine serve [--idle MINUTES]

Keeps netplumb's engine loaded in one root process, so that root's
validate, plan, apply, status, destroy and list commands start in the time
node itself takes instead of loading the engine and reading every namespace
cold each time (for scripts and classes that run many commands).

start   starts it in the background; it ends by itself after MINUTES without a
        command (default 15), when netplumb is built again, or with "stop".
stop    ends it once the command it runs, if any, has finished.
status  whether it runs, since when, and how many commands it has run.
serve   runs it in the foreground (until idle, stopped, or Ctrl-C).

A command run through it behaves as one run alone: same arguments, working
directory, environment, output, exit code; Ctrl-C stops an apply and rolls
it back (on another command it ends the command line, and the engine
finishes that command). Commands run one at a time. It serves root only (its
socket is in /run/netplumb, mode 0700) and only the netplumb it was started
from: another checkout, another node, a newer build, a command in another
network or mount namespace (ip netns exec, a container) or one naming
/dev/stdin runs by itself. NETPLUMB_ENGINE=off bypasses it.`;

/** engine. */
export const ENGINE_COMMAND: Command = {
  section: 'setup',
  synopsis: [{ usage: 'engine start|stop', summary: '(root) keep the engine loaded between commands' }],
  help: ENGINE_HELP,
  valued: ['idle'],
  async run(args) {
    const { engineCommand } = await import('./engine-commands');
    return engineCommand(args);
  },
};
