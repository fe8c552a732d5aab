/**
 * The `netplumb` command. Exit codes: see EXIT in command.ts (0 ok, 1 invalid
 * or refused, 2 kernel failure, 3 drift or pending changes, 4 a check failed).
 *
 * Kept tiny on purpose: the command table (and through it zod, yaml, the
 * engine) is imported only once a command is known to be needed, so that
 * `netplumb --version` starts in the time node itself takes.
 */
import { EXIT } from './command';
import { NETPLUMB_VERSION } from './version';

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
