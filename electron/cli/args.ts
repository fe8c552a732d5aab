/** A small argv parser: flags (--json, --port 8080, --port=8080) and positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
  /** Everything after a bare `--`. */
  rest: string[];
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
