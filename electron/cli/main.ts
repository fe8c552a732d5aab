/**
 * The `netplumb` command. Exit codes: EXIT in command.ts (`netplumb help
 * exit-codes` prints them).
 *
 * Kept tiny on purpose: `--version` loads only command.ts and version.ts, so
 * it starts in the time node itself takes. Anything else loads the command
 * registry (registry.ts: every command's help and flags, and the light
 * modules of the lab, live and host commands); the engine, the formats, the
 * helper installer and the server are loaded only by the command that uses
 * them.
 */
import { EXIT } from './command';
import { NETPLUMB_VERSION } from './version';

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`netplumb ${NETPLUMB_VERSION}\n`);
    return EXIT.ok;
  }
  const { COMMANDS, helpFor } = await import('./registry');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpFor(name === 'help' ? rest[0] : undefined) + '\n');
    return name ? EXIT.ok : EXIT.invalid;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    process.stderr.write(`netplumb: unknown command "${name}". Run "netplumb --help" for the list.\n`);
    return EXIT.invalid;
  }
  const { acceptedOptions, parseArgs, unknownOptions } = await import('./args');
  const args = parseArgs(rest, cmd.valued ?? []);
  if (args.flags.help) {
    process.stdout.write(cmd.help + '\n');
    return EXIT.ok;
  }
  // Before anything is read or changed: an option the command does not know is a typo or a wish
  // (`apply FILE --dry-run`), never something to ignore.
  const unknown = unknownOptions(args, acceptedOptions(cmd.help, cmd.valued));
  if (unknown.length) {
    process.stderr.write(
      `netplumb ${name}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; nothing was done. Run "netplumb ${name} --help" for its options.\n`,
    );
    return EXIT.invalid;
  }
  if (cmd.positionals && args.positionals.length > cmd.positionals.length) {
    const extra = args.positionals.slice(cmd.positionals.length);
    process.stderr.write(
      `netplumb ${name}: takes ${cmd.positionals.join(' ')}, and no more: ${extra.map((x) => JSON.stringify(x)).join(' ')} left over; nothing was done. Run "netplumb ${name} --help" for its usage.\n`,
    );
    return EXIT.invalid;
  }
  return cmd.run(args, rest);
}
