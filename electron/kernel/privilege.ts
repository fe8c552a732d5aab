/**
 * How kernel work gets its privileges, decided once at start-up, and the
 * plain-words notice the window shows about it.
 */
import type { Engine } from './engine-types';
import { localEngine } from './engine';
import { createHelperClient, type HelperClient } from './helper-client';
import { chooseHelperRoute } from './helper-route';
import { runningAsRoot } from './root-check';

export { runningAsRoot };

export type Privilege = 'root' | 'helper' | 'none';

/** The notice shown when the Electron app runs as root. */
export const ROOT_ELECTRON_NOTICE =
  "netplumb is running as root: Chromium's sandbox had to be turned off (--no-sandbox)";
/** The notice shown when the browser-mode server runs as root. */
export const ROOT_BROWSER_NOTICE =
  'netplumb serve is running as root: it changes the kernel directly, so it only listens on 127.0.0.1 and only a browser signed in with its one-time link may use it';
/** The notice when no helper can be started; `why` says exactly what to run. */
export const noneNotice = (why = 'the privileged helper cannot be started') =>
  `netplumb cannot change the kernel here: it is not running as root, and ${why}. Validate works; reading or changing the kernel needs the helper`;

/** Describes the privilege situation for app:info. */
export function describePrivilege(
  mode: 'electron' | 'browser',
  isRoot: boolean,
  helper: boolean,
  why?: string,
): { privilege: Privilege; notice?: string } {
  if (isRoot)
    return { privilege: 'root', notice: mode === 'electron' ? ROOT_ELECTRON_NOTICE : ROOT_BROWSER_NOTICE };
  if (helper) return { privilege: 'helper' };
  return { privilege: 'none', notice: noneNotice(why) };
}

/**
 * Chooses the engine: in this process when root (or when no helper can be
 * started: Validate still works, and the notice says exactly what to run),
 * else the installed privileged helper. `_appRoot` is no longer used: the
 * helper is never run from a checkout.
 */
export async function chooseEngine(
  mode: 'electron' | 'browser',
  _appRoot?: string,
): Promise<{ engine: Engine; privilege: Privilege; notice?: string; helper?: HelperClient }> {
  const isRoot = runningAsRoot();
  const route = isRoot ? undefined : await chooseHelperRoute();
  const info = describePrivilege(mode, isRoot, !!route?.ok, route && !route.ok ? route.reason : undefined);
  if (!route?.ok) return { engine: localEngine, ...info };
  const client = createHelperClient(route.argv);
  // Validation is pure (no kernel access): it stays in this process, so the
  // password prompt only appears for work that needs root.
  const engine: Engine = { ...client, validateDocument: localEngine.validateDocument };
  return { engine, helper: client, ...info };
}
