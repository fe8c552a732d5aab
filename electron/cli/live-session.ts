/**
 * What the commands inside an applied lab share: the live lab (this process
 * as root, else the privileged helper) and the LAB argument with the user's
 * name prefix.
 */
import type { LiveBackend } from '../kernel/live/backend';
import type { ChosenLive } from '../kernel/live/choose-live';
import type { ParsedArgs } from './args';
import { EXIT, err, json } from './command';
import { red } from './output';
import { labTarget } from './lab-target';

const NEED_ROOT =
  'this command runs inside the lab\'s namespaces: it needs root or the privileged helper. Install the helper once with "sudo npx netplumb helper install" (see README: "Running without root"), or run it with sudo.';

/**
 * Runs `fn` with the live lab (this process as root, else the privileged
 * helper). Errors are printed (as `{ok: false, error}` with --json) and
 * become exit codes: 1 when neither root nor the helper is there (`needRoot`
 * says why) and for refusals in plain words, 2 for anything else (a kernel
 * or helper failure). The host commands (import-host, adopt) use it too.
 */
export async function live(
  args: ParsedArgs,
  fn: (b: LiveBackend) => Promise<number>,
  needRoot = NEED_ROOT,
): Promise<number> {
  // Loaded on demand: `netplumb --help` should not pay for the kernel side.
  const [{ APP_ROOT }, { chooseLive }, { PlainError }] = await Promise.all([
    import('./serve'),
    import('../kernel/live/choose-live'),
    import('../kernel/plain-error'),
  ]);
  const fail = (message: string, code: number) => {
    if (args.flags.json) json({ ok: false, error: message });
    else err(red(message));
    return code;
  };
  let chosen: ChosenLive | null;
  try {
    chosen = await chooseLive(APP_ROOT);
  } catch (e) {
    return fail((e as Error).message, EXIT.kernel);
  }
  if (!chosen) return fail(needRoot, EXIT.invalid);
  try {
    return await fn(chosen.live);
  } catch (e) {
    // Refusals (plain words, e.g. from the helper) exit 1; anything else is a kernel failure.
    return fail((e as Error).message, e instanceof PlainError ? EXIT.invalid : EXIT.kernel);
  } finally {
    chosen.close();
  }
}

/**
 * LAB (a name, or a topology file whose name it takes; see lab-target.ts) as
 * the lab to work in: `lab` undefined when none was given (the caller prints
 * its usage), `code` when it is neither a file nor a lab name (said why).
 */
export async function labArg(
  args: ParsedArgs,
  raw: string | undefined,
): Promise<{ lab?: string; code?: number }> {
  if (raw === undefined) return {};
  const t = await labTarget(args, raw, { prefixError: 'warn' });
  return 'code' in t ? { code: t.code } : { lab: t.lab };
}
