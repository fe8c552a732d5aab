/**
 * The `netplumb` command. Exit codes: 0 success / in sync; 1 invalid input or
 * refused (nothing changed); 2 kernel failure (rolled back); 3 drift found by
 * `status` or pending changes found by `plan`.
 */
import { hasErrors } from '../../shared/validate';
import { parseArgs } from './args';
import { COMMANDS, USAGE } from './commands';

export const EXIT = { ok: 0, invalid: 1, kernel: 2, drift: 3 } as const;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const cmd = topic ? COMMANDS[topic] : undefined;
    process.stdout.write((cmd ? cmd.help : USAGE) + '\n');
    return name ? EXIT.ok : EXIT.invalid;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write('netplumb 0.1.0\n');
    return EXIT.ok;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`netplumb: unknown command "${name}". Run "netplumb --help" for the list.\n`);
    return EXIT.invalid;
  }
  const args = parseArgs(rest, cmd.valued ?? []);
  if (args.flags.help) {
    process.stdout.write(cmd.help + '\n');
    return EXIT.ok;
  }
  return cmd.run(args, rest);
}

export { hasErrors };
