/** Gathers what `netplumb doctor` reports on, from this machine. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { detectCapabilities, type Capabilities } from '../capabilities';
import { createHelperClient } from '../helper-client';
import { chooseHelperRoute, groupState, which } from '../helper-route';
import { plainMessage } from '../plain-error';
import { execaRunner } from '../runner';
import type { DoctorFacts } from './doctor';
import { readManifest, sha256File } from './helper-install';
import { installPaths } from './paths';
import { unsafeReason } from './root-files';

/** The first of the installed files that root must not run, with why. */
function unsafeInstalled(): string | undefined {
  const p = installPaths('/');
  for (const f of [p.dir, p.launcher, p.helper]) {
    if (!existsSync(f)) continue;
    const why = unsafeReason(f);
    if (why) return why;
  }
  return undefined;
}

async function loadNodePty(appRoot: string): Promise<string | undefined> {
  try {
    const req = createRequire(path.join(appRoot, 'package.json'));
    req('node-pty');
    return undefined;
  } catch (e) {
    const msg = plainMessage(e);
    return /Cannot find module 'node-pty'/.test(msg) ? 'not installed' : msg;
  }
}

/** The Electron binary, when its install script fetched it. */
function electronInstalled(appRoot: string): boolean {
  try {
    const p = createRequire(path.join(appRoot, 'package.json'))('electron') as unknown;
    return typeof p === 'string' && existsSync(p);
  } catch {
    return false;
  }
}

/** Collects the facts; `appRoot` is this netplumb's directory (for dist/ and node_modules). */
export async function gatherFacts(appRoot: string, version: string): Promise<DoctorFacts> {
  const p = installPaths('/');
  const isRoot = process.getuid?.() === 0;
  const bundle = path.join(appRoot, 'dist', 'privileged-helper.mjs');
  const route = isRoot ? undefined : await chooseHelperRoute();
  let capabilities: Capabilities | { unavailable: string };
  try {
    if (isRoot) capabilities = await detectCapabilities(execaRunner);
    else if (route?.ok && route.via === 'sudo') {
      const client = createHelperClient(route.argv);
      try {
        capabilities = await client.capabilities();
      } finally {
        client.close();
      }
    } else
      capabilities = {
        unavailable: route?.ok
          ? 'it needs root, and pkexec would ask for a password (run: sudo npx netplumb doctor)'
          : 'it needs root or the helper (run: sudo npx netplumb doctor)',
      };
  } catch (e) {
    capabilities = { unavailable: plainMessage(e) };
  }
  const manifest = readManifest('/');
  return {
    isRoot,
    version,
    ...(existsSync(bundle) ? { bundleSha: sha256File(bundle) } : {}),
    launcherExists: existsSync(p.launcher),
    ...(manifest ? { manifest } : {}),
    ...(unsafeInstalled() ? { unsafe: unsafeInstalled() } : {}),
    policyExists: existsSync(p.policy),
    sudoInstalled: !!which('sudo') || existsSync('/usr/bin/sudo'),
    sudoersExists: existsSync(p.sudoers),
    group: groupState(),
    ...(route ? { route } : {}),
    capabilities,
    nodePtyError: await loadNodePty(appRoot),
    installedNodePty: existsSync(path.join(p.nodePty, 'build', 'Release', 'pty.node')),
    scriptTool: !!which('script'),
    browser: ['chromium', 'chromium-browser', 'google-chrome', 'firefox', 'firefox-esr']
      .map((b) => which(b))
      .find(Boolean),
    electron: electronInstalled(appRoot),
    ...codeCache(),
  };
}

/** What bin/netplumb.js recorded of its code cache in this process (nothing when not run from the bundle). */
function codeCache(): { codeCache?: string } {
  const state = (globalThis as Record<symbol, unknown>)[Symbol.for('netplumb.codeCache')];
  return typeof state === 'string' ? { codeCache: state } : {};
}
