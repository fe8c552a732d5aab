/**
 * The CLI's leaf module: what a command is, the one exit-code table, and the
 * three ways a command writes. Every command file imports these from here
 * (never from registry.ts, which imports the command files), so the command
 * modules form no import cycle. It imports nothing at run time: main.ts
 * loads it for `netplumb --version`.
 */
import type { ParsedArgs } from './args';

/** Where a command is listed in `netplumb --help`. */
export type Section = 'lab' | 'setup' | 'live';

/** One line of `netplumb --help`: the command as typed, and what it does (more lines: indented below). */
export interface Synopsis {
  usage: string;
  summary: string | string[];
}

/** One `netplumb` command: its help text, the flags that take a value, and how it runs. */
export interface Command {
  /** `netplumb help NAME` and `netplumb NAME --help`. */
  help: string;
  /** Its line(s) in `netplumb --help` (helper has two: install and uninstall). */
  synopsis: Synopsis[];
  section: Section;
  valued?: string[];
  /**
   * The arguments besides options it takes, by name (`['FILE']`), when their
   * number is fixed: one more is refused before anything runs (`validate
   * a.yaml b.yaml` would check only the first and say "valid").
   */
  positionals?: string[];
  run(args: ParsedArgs, raw: readonly string[]): Promise<number>;
}

/**
 * Exit codes of every command: 0 success / in sync; 1 invalid input or
 * refused (nothing changed); 2 kernel failure (rolled back); 3 drift found by
 * `status` or pending changes found by `plan`; 4 a check failed or a ping got
 * no reply. (`exec` passes the command's own exit code through.) What each
 * means, in words, is EXIT_CODES below.
 */
export const EXIT = { ok: 0, invalid: 1, kernel: 2, drift: 3, failed: 4 } as const;

/** An exit code in words: `short` for `netplumb --help`, `long` (Markdown) for README and `help exit-codes`. */
export interface ExitMeaning {
  short: string;
  long: string;
}

/**
 * The exit-code table, from which `netplumb --help`, `netplumb help
 * exit-codes` and the README's table are made (registry.ts; the README is
 * checked by registry.test.ts). The compiler asks for a row per EXIT entry.
 */
export const EXIT_CODES = {
  ok: { short: 'ok/in sync', long: 'success or in sync' },
  invalid: {
    short: 'invalid or refused (nothing changed)',
    long: 'invalid input or refused (nothing changed)',
  },
  kernel: { short: 'kernel failure (rolled back)', long: 'a kernel step failed (everything rolled back)' },
  drift: {
    short: 'drift or pending changes',
    long: 'drift found by `status` or pending changes found by `plan`',
  },
  failed: {
    short: 'a check failed or a ping got no reply',
    long: 'a check failed or a ping got no reply',
  },
} as const satisfies Record<keyof typeof EXIT, ExitMeaning>;

/** The one exception to the table, said wherever the table is shown. */
export const EXIT_PASSTHROUGH = "`exec` passes its command's own exit code through.";

/** A line on standard output. */
export const out = (s: string) => void process.stdout.write(s + '\n');
/** A line on standard error. */
export const err = (s: string) => void process.stderr.write(s + '\n');
/** A value as indented JSON on standard output (`--json`). */
export const json = (v: unknown) => out(JSON.stringify(v, null, 2));
