/**
 * `netplumb doctor`: what is present or missing for a normal user to use all
 * of netplumb, in plain words, each with the exact command that fixes it.
 * Every check is a small function of injected facts, so each state (not
 * installed, old version, "added but not logged in again", ...) is testable.
 */
import { FEATURE_TITLES, FEATURES, type Capabilities, type Feature } from '../capabilities';
import { INSTALL_COMMAND, type GroupState, type HelperRoute } from '../helper-route';
import { packageOf, type Program } from '../missing-tool';
import { GROUP, HELPER_DIR, LAUNCHER } from './paths';
import type { Manifest } from './helper-install';

/** One line of the report. `ok: 'note'` is informative, never a failure. */
export interface Check {
  title: string;
  ok: boolean | 'note';
  detail: string;
  fix?: string;
}

/** The facts doctor looks at (gathered by gatherFacts in doctor-facts.ts, or made up by tests). */
export interface DoctorFacts {
  isRoot: boolean;
  version: string;
  /** sha256 of this checkout's dist/privileged-helper.mjs, when built. */
  bundleSha?: string;
  launcherExists: boolean;
  manifest?: Manifest;
  /** Why the installed files are unsafe for root, if they are. */
  unsafe?: string;
  policyExists: boolean;
  sudoInstalled: boolean;
  sudoersExists: boolean;
  group: GroupState;
  route?: HelperRoute;
  /** Kernel features, or why they could not be read. */
  capabilities: Capabilities | { unavailable: string };
  /** undefined when node-pty loads; else the loader's first line. */
  nodePtyError?: string;
  installedNodePty: boolean;
  scriptTool: boolean;
  browser?: string;
  electron: boolean;
  /**
   * What became of the command's code cache in this run (bin/cli-bundle.js):
   * none, stale, untrusted, rejected or used; absent when not run from the
   * bundle (from the sources, or in the app).
   */
  codeCache?: string;
}

/** Features without which netplumb cannot build its basic labs. */
const ESSENTIAL: readonly Feature[] = ['ipCommand', 'bridgeCommand', 'veth', 'bridge'];

function helperCheck(f: DoctorFacts): Check {
  const title = 'privileged helper';
  if (!f.launcherExists)
    return { title, ok: false, detail: `not installed (${LAUNCHER} is missing)`, fix: INSTALL_COMMAND };
  if (f.unsafe)
    return {
      title,
      ok: false,
      detail: `installed, but not safe to run as root: ${f.unsafe}`,
      fix: INSTALL_COMMAND,
    };
  if (!f.manifest) return { title, ok: true, detail: `installed in ${HELPER_DIR} by the netplumb package` };
  if (f.manifest.version !== f.version) {
    return {
      title,
      ok: false,
      detail: `installed version ${f.manifest.version} does not match this netplumb (${f.version})`,
      fix: INSTALL_COMMAND,
    };
  }
  if (f.bundleSha && f.bundleSha !== f.manifest.helperSha256) {
    return {
      title,
      ok: false,
      detail: `installed (version ${f.version}), but from a different build than this checkout's`,
      fix: INSTALL_COMMAND,
    };
  }
  return {
    title,
    ok: true,
    detail: `installed in ${HELPER_DIR}, version ${f.version}${f.bundleSha ? ', the same build as this netplumb' : ''}`,
  };
}

function groupCheck(f: DoctorFacts): Check {
  const title = `${GROUP} group`;
  if (f.isRoot)
    return {
      title,
      ok: 'note',
      detail: 'you are root: netplumb changes the kernel itself, the group is for normal users',
    };
  switch (f.group) {
    case 'active':
      return { title, ok: true, detail: `you are a member, in this session too` };
    case 'pending':
      return {
        title,
        ok: false,
        detail: 'you were added, but not yet logged in again: this session does not have the group',
        fix: `log out and in again (or, in this terminal only: newgrp ${GROUP})`,
      };
    case 'absent':
      return {
        title,
        ok: false,
        detail: 'you are not a member',
        fix: `sudo usermod -aG ${GROUP} $USER, then log out and in again`,
      };
    case 'no-group':
      return { title, ok: false, detail: 'the group does not exist', fix: INSTALL_COMMAND };
  }
}

function sudoCheck(f: DoctorFacts): Check {
  const title = 'sudo rule';
  if (!f.sudoInstalled)
    return {
      title,
      ok: f.isRoot ? 'note' : false,
      detail: 'sudo is not installed',
      fix: `as root: apt install sudo, then ${INSTALL_COMMAND}`,
    };
  if (!f.sudoersExists)
    return { title, ok: false, detail: `/etc/sudoers.d/${GROUP} is missing`, fix: INSTALL_COMMAND };
  if (f.isRoot || !f.route)
    return { title, ok: true, detail: `/etc/sudoers.d/${GROUP} lets the ${GROUP} group start the helper` };
  if (f.route.ok && f.route.via === 'sudo')
    return { title, ok: true, detail: 'sudo -n starts the helper for you without a password' };
  return {
    title,
    ok: f.route.ok ? 'note' : false,
    detail: `present, but sudo -n does not let you start the helper yet${f.group === 'active' ? '' : ' (see the group above)'}`,
  };
}

function routeCheck(f: DoctorFacts): Check {
  const title = 'kernel access';
  if (f.isRoot) return { title, ok: true, detail: 'running as root: no helper needed' };
  if (!f.route) return { title, ok: false, detail: 'not checked' };
  if (f.route.ok)
    return {
      title,
      ok: true,
      detail: `the app and the CLI start the helper with ${f.route.via === 'sudo' ? 'sudo -n' : 'pkexec (a password dialog)'}`,
    };
  return { title, ok: false, detail: f.route.reason };
}

/** Programs no file needs (none is refused for their absence), as the capability check names each. */
const HOST_TOOLS = {
  sysctlCommand: 'sysctl',
  ping: 'ping',
  tcpdump: 'tcpdump',
} as const satisfies Partial<Record<Feature, Program>>;
const WHAT_NEEDS: Record<keyof typeof HOST_TOOLS, string> = {
  sysctlCommand: 'reads without nsread and every sysctl a file sets',
  ping: 'ping, traceroute, check and step mode',
  tcpdump: 'captures and step mode',
};

function toolsCheck(f: DoctorFacts): Check | undefined {
  if ('unavailable' in f.capabilities) return undefined;
  const caps = f.capabilities;
  const lacking = (Object.keys(HOST_TOOLS) as (keyof typeof HOST_TOOLS)[]).filter((t) => !caps.features[t]);
  if (!lacking.length) return { title: 'tools', ok: true, detail: 'sysctl, ping and tcpdump are installed' };
  return {
    title: 'tools',
    ok: false,
    detail: `not installed: ${lacking.map((t) => `${FEATURE_TITLES[t]}, for ${WHAT_NEEDS[t]}`).join('; ')}`,
    fix: `sudo apt install ${[...new Set(lacking.map((t) => packageOf(HOST_TOOLS[t])))].join(' ')}`,
  };
}

function kernelCheck(f: DoctorFacts): Check {
  const title = 'kernel features';
  if ('unavailable' in f.capabilities)
    return { title, ok: 'note', detail: `not checked: ${f.capabilities.unavailable}` };
  const caps = f.capabilities;
  const missing = FEATURES.filter((x) => !caps.features[x] && !(x in HOST_TOOLS));
  const lackEssential = ESSENTIAL.filter((x) => !caps.features[x]);
  if (lackEssential.length) {
    return {
      title,
      ok: false,
      detail: `missing ${lackEssential.map((x) => FEATURE_TITLES[x]).join(', ')}`,
      fix: lackEssential.some((x) => x.endsWith('Command'))
        ? 'sudo apt install iproute2'
        : 'use a kernel with veth and bridge support (modprobe veth bridge)',
    };
  }
  return {
    title,
    ok: true,
    detail: missing.length
      ? `all basic features; not available here: ${missing.map((x) => FEATURE_TITLES[x]).join(', ')} (files that need them are refused before any change)`
      : 'everything netplumb can use is available',
  };
}

function terminalCheck(f: DoctorFacts): Check {
  const title = 'terminals';
  if (!f.nodePtyError)
    return {
      title,
      ok: true,
      detail: `node-pty loads: terminals get a real pty${f.launcherExists && !f.installedNodePty ? ' (the installed helper has no copy of it yet: reinstall the helper to give it one)' : ''}`,
    };
  const fallback = f.scriptTool
    ? 'terminals work without a pty through util-linux script (no resize)'
    : 'and util-linux script is missing too, so terminals cannot open';
  const what =
    f.nodePtyError === 'not installed'
      ? 'node-pty is not installed'
      : `node-pty cannot be loaded (${f.nodePtyError})`;
  return {
    title,
    ok: f.scriptTool ? 'note' : false,
    detail: `${what}: ${fallback}`,
    fix: 'sudo apt install build-essential python3, then npm rebuild node-pty',
  };
}

function browserCheck(f: DoctorFacts): Check {
  if (f.electron)
    return {
      title: 'desktop app',
      ok: true,
      detail: 'the Electron binary is installed: npm start opens the app',
    };
  if (f.browser)
    return {
      title: 'browser mode',
      ok: true,
      detail: `no Electron binary, so npm start serves the app to a browser (found ${f.browser})`,
    };
  return {
    title: 'browser mode',
    ok: false,
    detail: 'no Electron binary and no Chromium/Firefox found for browser mode',
    fix: 'sudo apt install chromium (or: node node_modules/electron/install.js for the desktop app)',
  };
}

/** The command's code cache (dist/cli.cjs.cache): only speed, so never a failure. */
function codeCacheCheck(f: DoctorFacts): Check | undefined {
  const title = 'command start-up';
  const rebuild = 'npm run build (as the owner of this checkout)';
  switch (f.codeCache) {
    case undefined:
      return undefined;
    case 'used':
      return { title, ok: true, detail: 'the command starts from its code cache (dist/cli.cjs.cache)' };
    case 'none':
      return {
        title,
        ok: 'note',
        detail: 'no code cache: the command compiles its bundle at each start',
        fix: rebuild,
      };
    case 'stale':
      return {
        title,
        ok: 'note',
        detail: `the code cache was made for another build of the command or another Node than the one running it: the command compiles its bundle at each start`,
        fix: rebuild,
      };
    case 'rejected':
      return {
        title,
        ok: 'note',
        detail:
          'V8 refused the code cache (made under other V8 flags, such as NODE_OPTIONS): the command compiles its bundle at each start',
        fix: rebuild,
      };
    case 'untrusted':
      return {
        title,
        ok: 'note',
        detail: "root does not use the code cache: it is not the bundle's owner's, or others can write it",
      };
    default:
      return { title, ok: 'note', detail: `code cache: ${f.codeCache}` };
  }
}

/** Every check, in the order they are printed. */
export function doctorChecks(f: DoctorFacts): Check[] {
  return [
    helperCheck(f),
    {
      title: 'polkit action',
      ok: f.policyExists ? true : 'note',
      detail: f.policyExists
        ? 'installed (pkexec can start the helper in a desktop session)'
        : 'not installed (only sudo can start the helper)',
      ...(f.policyExists ? {} : { fix: INSTALL_COMMAND }),
    },
    groupCheck(f),
    sudoCheck(f),
    routeCheck(f),
    kernelCheck(f),
    ...(toolsCheck(f) ? [toolsCheck(f)!] : []),
    terminalCheck(f),
    browserCheck(f),
    ...(codeCacheCheck(f) ? [codeCacheCheck(f)!] : []),
  ];
}
