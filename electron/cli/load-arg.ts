/**
 * The FILE argument of plan, apply, status, check and trace: read, prefixed
 * for shared machines, validated; problems printed with their place. One
 * function, so every command refuses a bad file the same way.
 */
import { hasErrors } from '../../shared/validate';
import type { ParsedArgs } from './args';
import { EXIT, err } from './command';
import { loadFile, type Loaded } from './load';
import { formatProblem, red } from './output';
import { applyPrefix, prefixSetting } from './prefix-config';

/**
 * Loads the first positional argument. Returns the loaded file, or the exit
 * code (1) after printing why not: the usage when FILE is missing, a bad
 * prefix, or the file's problems (as JSON `{file, ok: false, problems}` with
 * --json). Warnings are printed too when the file is fine.
 */
export async function loadFileArg(
  args: ParsedArgs,
  usage: string,
): Promise<{ loaded?: Loaded; file?: string; code?: number }> {
  const file = args.positionals[0];
  if (!file) {
    err(`usage: ${usage}`);
    return { code: EXIT.invalid };
  }
  // Shared machines: the user's name prefix goes in front of every kernel name (prefix-config.ts).
  const px = prefixSetting(args);
  if (px.error) return (err(red(px.error)), { code: EXIT.invalid });
  // Sealed: the engine (in this process when root) gets the topology validated here and need not check it twice.
  const own = await loadFile(file, { seal: true });
  const loaded = px.prefix ? await applyPrefix(own, px.prefix) : own;
  if (!args.flags.json) for (const p of loaded.problems) err(formatProblem(p, file));
  if (!loaded.topology || loaded.doc === undefined || hasErrors(loaded.problems)) {
    if (args.flags.json)
      process.stdout.write(JSON.stringify({ file, ok: false, problems: loaded.problems }, null, 2) + '\n');
    else err(red(`${file}: not valid; nothing was changed.`));
    return { code: EXIT.invalid };
  }
  return { loaded, file };
}
