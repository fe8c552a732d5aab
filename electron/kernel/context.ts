/**
 * Builds the HandlerContext that Electron main and the browser-mode server
 * hand to `dispatch`: engine and live lab (in process or via the helper), privilege
 * notice, capability detection, examples directory, version.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectCapabilities, FEATURES, type Capabilities } from './capabilities';
import type { Engine } from './engine-types';
import { localEngine } from './engine';
import type { HandlerContext } from './handlers';
import type { LiveBackend } from './live/backend';
import { helperLive } from './live/helper-backend';
import { chooseEngine, describePrivilege, runningAsRoot } from './privilege';
import { execaRunner, type Runner } from './runner';

export interface ContextOptions {
  mode: 'electron' | 'browser';
  /** The directory holding package.json, examples/ and electron/ (development layout). */
  appRoot: string;
  /** Inject a runner (tests): the engine then runs in this process with it. */
  runner?: Runner;
  runDir?: string;
  /** Inject an engine (tests); default: chosen by privilege. */
  engine?: Engine;
  examplesDir?: string;
}

/** The app's version from package.json ("0.0.0" when unreadable). */
export function readVersion(appRoot: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Creates the context; `dispose()` stops the helper if one was started. */
export async function createHandlerContext(
  o: ContextOptions,
): Promise<{ ctx: HandlerContext; dispose: () => void }> {
  let engine: Engine;
  let privilege: { privilege: 'root' | 'helper' | 'none'; notice?: string };
  let dispose = () => {};
  let live: LiveBackend | undefined;
  let detect: () => Promise<Capabilities> = () => detectCapabilities(o.runner ?? execaRunner);
  if (o.engine || o.runner) {
    engine = o.engine ?? localEngine;
    privilege = describePrivilege(o.mode, runningAsRoot(), false);
  } else {
    const chosen = await chooseEngine(o.mode, o.appRoot);
    engine = chosen.engine;
    privilege = { privilege: chosen.privilege, ...(chosen.notice ? { notice: chosen.notice } : {}) };
    if (chosen.helper) {
      const helper = chosen.helper;
      // Live lab work (terminals, captures, tables, ping...) goes to the helper too.
      const remote = helperLive(helper);
      live = remote;
      dispose = () => {
        remote.dispose();
        helper.close();
      };
      // Detection needs root (scratch namespace), so the helper does it.
      detect = () => helper.capabilities();
    }
  }
  const ctx: HandlerContext = {
    mode: o.mode,
    version: readVersion(o.appRoot),
    engine,
    ...(live ? { live } : {}),
    ...(o.runner ? { runner: o.runner } : {}),
    ...(o.runDir ? { runDir: o.runDir } : {}),
    examplesDir: o.examplesDir ?? path.join(o.appRoot, 'examples'),
    privilege: async () => privilege,
    capabilities: async () => {
      const caps = await detect();
      return {
        capabilities: { ...caps.features },
        missing: FEATURES.filter((f) => !caps.features[f]).map((f) => caps.details[f]),
      };
    },
  };
  return { ctx, dispose };
}
