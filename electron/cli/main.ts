/**
 * The `netplumb` command. Exit codes: 0 success / in sync; 1 invalid input or
 * refused (nothing changed); 2 kernel failure (rolled back); 3 drift found by
 * `status` or pending changes found by `plan`.
 *
 * Kept tiny on purpose: the command table (and through it zod, yaml, the
 * engine) is imported only once a command is known to be needed, so that
 * `netplumb --version` starts in the time node itself takes.
 */
import { NETPLUMB_VERSION } from './version';

export const EXIT = { ok: 0, invalid: 1, kernel: 2, drift: 3 } as const;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`netplumb ${NETPLUMB_VERSION}\n`);
    return EXIT.ok;
  }
  const { COMMANDS, USAGE } = await import('./commands');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const cmd = topic ? COMMANDS[topic] : undefined;
    process.stdout.write((cmd ? cmd.help : USAGE) + '\n');
    return name ? EXIT.ok : EXIT.invalid;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    process.stderr.write(`netplumb: unknown command "${name}". Run "netplumb --help" for the list.\n`);
    return EXIT.invalid;
  }
  const { parseArgs } = await import('./args');
  const args = parseArgs(rest, cmd.valued ?? []);
  if (args.flags.help) {
    process.stdout.write(cmd.help + '\n');
    return EXIT.ok;
  }
  return cmd.run(args, rest);
}
