/**
 * `netplumb serve` as the registry lists it. The server (and Vite, to build
 * the page) is loaded only when it runs.
 */
import type { Command } from './command';

/** serve. */
export const SERVE_COMMAND: Command = {
  section: 'lab',
  synopsis: [{ usage: 'serve', summary: 'open the app in a browser (127.0.0.1 only)' }],
  help: `usage: netplumb serve [--port N] [--open]

Serves the app to a browser on 127.0.0.1 only. It prints a one-time sign-in
link (press Enter for another); --open opens the page with a link of its own.`,
  valued: ['port'],
  async run(_args, raw) {
    const { serveCommand } = await import('./serve-command');
    return serveCommand(raw);
  },
};
