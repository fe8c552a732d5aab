/**
 * How kernel work gets its privileges, decided once at start-up, and the
 * plain-words notice the window shows about it.
 */
import { localEngine, type Engine } from './engine-facade';
import { createHelperClient, helperAvailable, helperCommand, type HelperClient } from './helper-client';

export type Privilege = 'root' | 'helper' | 'none';

/** The notice shown when the Electron app runs as root. */
export const ROOT_ELECTRON_NOTICE = "netplumb is running as root: Chromium's sandbox had to be turned off (--no-sandbox)";
/** The notice shown when the browser-mode server runs as root. */
export const ROOT_BROWSER_NOTICE =
  'netplumb serve is running as root: it changes the kernel directly, so it only listens on 127.0.0.1 and needs the token in the URL';
const NONE_NOTICE =
  'netplumb cannot change the kernel here: it is not running as root and neither pkexec nor password-less sudo is available. Validate and Plan work; Apply will fail';

/** Describes the privilege situation for app:info. */
export function describePrivilege(mode: 'electron' | 'browser', isRoot: boolean, helper: boolean): { privilege: Privilege; notice?: string } {
  if (isRoot) return { privilege: 'root', notice: mode === 'electron' ? ROOT_ELECTRON_NOTICE : ROOT_BROWSER_NOTICE };
  if (helper) return { privilege: 'helper' };
  return { privilege: 'none', notice: NONE_NOTICE };
}

/** True when this process runs as root. */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Chooses the engine: in this process when root (or when no helper can be
 * started: Validate/Plan still work and Apply fails in plain words), else the
 * privileged helper.
 */
export async function chooseEngine(mode: 'electron' | 'browser', appRoot: string): Promise<{ engine: Engine; privilege: Privilege; notice?: string; helper?: HelperClient }> {
  const isRoot = runningAsRoot();
  const helper = !isRoot && (await helperAvailable());
  const info = describePrivilege(mode, isRoot, helper);
  if (info.privilege !== 'helper') return { engine: localEngine, ...info };
  const client = createHelperClient(helperCommand(appRoot));
  // Validation is pure (no kernel access): it stays in this process, so the
  // password prompt only appears for work that needs root.
  const engine: Engine = { ...client, validateDocument: localEngine.validateDocument };
  return { engine, helper: client, ...info };
}
