/**
 * What the commands inside an applied lab share: the live lab (this process
 * as root, else the privileged helper) and the LAB argument with the user's
 * name prefix.
 */
import type { LiveBackend } from '../kernel/live/backend';
import type { ParsedArgs } from './args';
import { EXIT, err, json } from './command';
import { red, yellow } from './output';
import { prefixedLab, prefixSetting } from './prefix-config';

const NEED_ROOT =
  'this command runs inside the lab\'s namespaces: it needs root or the privileged helper. Install the helper once with "sudo npx netplumb helper install" (see README: "Running without root"), or run it with sudo.';

/**
 * Runs `fn` with the live lab (this process as root, else the privileged
 * helper); plain-words errors become exit 1 (refusals) or 2 (kernel).
 */
export async function live(args: ParsedArgs, fn: (b: LiveBackend) => Promise<number>): Promise<number> {
  const { chooseLive } = await import('../kernel/live/choose-live');
  const { APP_ROOT } = await import('./serve');
  const chosen = await chooseLive(APP_ROOT);
  if (!chosen) {
    if (args.flags.json) json({ ok: false, error: NEED_ROOT });
    else err(red(NEED_ROOT));
    return EXIT.invalid;
  }
  try {
    return await fn(chosen.live);
  } catch (e) {
    const { PlainError } = await import('../kernel/plain-error');
    const message = (e as Error).message;
    if (args.flags.json) json({ ok: false, error: message });
    else err(red(message));
    return e instanceof PlainError ? EXIT.invalid : EXIT.kernel;
  } finally {
    chosen.close();
  }
}

/** LAB as given, with the user's name prefix in front (shared machines; see prefix-config.ts). */
export function labArg(args: ParsedArgs, lab: string | undefined): string | undefined {
  const px = prefixSetting(args);
  if (px.error) err(yellow(`${px.error} (no prefix used)`));
  return lab === undefined ? lab : prefixedLab(lab, px.prefix);
}
