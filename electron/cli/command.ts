/**
 * The CLI's leaf module: what a command is and the one exit-code table. Every
 * command file imports these from here (never from commands.ts, which imports
 * the command files), so the command modules form no import cycle.
 */
import type { ParsedArgs } from './args';

/** One `netplumb` command: its help text, the flags that take a value, and how it runs. */
export interface Command {
  help: string;
  valued?: string[];
  run(args: ParsedArgs, raw: readonly string[]): Promise<number>;
}

/**
 * Exit codes of every command: 0 success / in sync; 1 invalid input or
 * refused (nothing changed); 2 kernel failure (rolled back); 3 drift found by
 * `status` or pending changes found by `plan`; 4 a check failed or a ping got
 * no reply. (`exec` passes the command's own exit code through.)
 */
export const EXIT = { ok: 0, invalid: 1, kernel: 2, drift: 3, failed: 4 } as const;
