/** A small argv parser: flags (--json, --port 8080, --port=8080) and positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
  /** Everything after a bare `--`. */
  rest: string[];
}

/**
 * The options a command accepts: those its help names (`--quiet`, `-o`), those
 * that take a value, --help and --json (every command), and --no-prefix
 * where --prefix is taken. Why from the help: an option a user can learn of
 * only there is one the command knows; one it does not name is refused
 * (`apply FILE --dry-run` must not apply).
 */
export function acceptedOptions(help: string, valued: readonly string[] = []): Set<string> {
  const names = new Set(['help', 'h', 'json', ...valued]);
  if (valued.includes('prefix')) names.add('no-prefix');
  for (const m of help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)) names.add(m[1]);
  for (const m of help.matchAll(/(?<![\w-])-([A-Za-z])(?![\w-])/g)) names.add(m[1]);
  return names;
}

/** The options given that `accepted` does not have ("--dry-run"), in order. */
export function unknownOptions(args: ParsedArgs, accepted: ReadonlySet<string>): string[] {
  return Object.keys(args.flags)
    .filter((f) => !accepted.has(f))
    .map((f) => (f.length === 1 ? `-${f}` : `--${f}`));
}

/** Flags that take a value; every other --flag is boolean. */
export function parseArgs(argv: readonly string[], valued: readonly string[] = []): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: {}, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) out.flags[name] = a.slice(eq + 1);
      else if (valued.includes(name) && i + 1 < argv.length) out.flags[name] = argv[++i];
      else out.flags[name] = true;
    } else if (a === '-h') out.flags.help = true;
    else if (/^-[A-Za-z]$/.test(a)) {
      const name = a.slice(1);
      if (valued.includes(name) && i + 1 < argv.length) out.flags[name] = argv[++i];
      else out.flags[name] = true;
    } else out.positionals.push(a);
  }
  return out;
}
