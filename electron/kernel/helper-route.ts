/**
 * How the app and the CLI, running as a normal user, start the installed
 * privileged helper — or, when they cannot, exactly what the user must do.
 *
 *   1. the helper is not installed       → "run `sudo npx netplumb helper install`"
 *   2. `sudo -n` may run the launcher    → sudo (the netplumb group's rule)
 *   3. a desktop session with a polkit
 *      agent that can ask for a password → pkexec
 *   4. otherwise, by group membership    → "log out and in" / "join the group" / ...
 *
 * pkexec is never tried in a plain terminal or over ssh: no agent can answer
 * there, and it would only fail after a pause. Nothing here runs files from
 * the user's checkout as root: only the root-owned launcher is ever started.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { execa } from 'execa';
import { readGroup } from './install/groups';
import { GROUP, LAUNCHER } from './install/paths';
import { unsafeReason } from './install/root-files';
import { whichOnPath } from './which';

/** The command that installs the helper, as the messages print it. */
export const INSTALL_COMMAND = 'sudo npx netplumb helper install';
export const NOT_INSTALLED = `the privileged helper is not installed: run \`${INSTALL_COMMAND}\` (once; then log out and in again)`;

export type HelperRoute =
  { ok: true; via: 'sudo' | 'pkexec'; argv: string[] } | { ok: false; reason: string };

/** Membership of the caller in the netplumb group. */
export type GroupState = 'active' | 'pending' | 'absent' | 'no-group';

/** What the choice looks at; injected in tests. */
export interface RouteProbe {
  env: NodeJS.ProcessEnv;
  uid: number;
  /** Why the installed launcher cannot be used (missing or unsafe), or undefined when it can. */
  launcherProblem(): string | undefined;
  which(name: string): string | undefined;
  /** True when `sudo -n` would run the launcher without a password. */
  sudoAllowed(): Promise<boolean>;
  groupState(): GroupState;
  exists(p: string): boolean;
}

/** Finds an executable on PATH (absolute path), or undefined. */
export function which(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  return whichOnPath(name, envPath)?.path;
}

/** The caller's membership in the group: in /etc/group, and in this session's groups. */
export function groupState(
  user = userInfo(),
  sessionGroups: number[] = process.getgroups?.() ?? [],
): GroupState {
  const g = readGroup(GROUP);
  if (!g) return 'no-group';
  const member = g.members.includes(user.username) || user.gid === g.gid;
  if (!member) return 'absent';
  return sessionGroups.includes(g.gid) ? 'active' : 'pending';
}

/** True in a desktop session where a polkit agent can ask for a password. */
export function graphicalSession(
  env: NodeJS.ProcessEnv,
  uid: number,
  exists: (p: string) => boolean = existsSync,
): boolean {
  const display = !!(env.DISPLAY || env.WAYLAND_DISPLAY);
  const bus = !!env.DBUS_SESSION_BUS_ADDRESS || exists(`/run/user/${uid}/bus`);
  return display && bus;
}

/** The real probe. */
export function realProbe(): RouteProbe {
  return {
    env: process.env,
    uid: process.getuid?.() ?? -1,
    launcherProblem: () => (existsSync(LAUNCHER) ? unsafeReason(LAUNCHER) : 'missing'),
    which: (n) => which(n),
    sudoAllowed: async () => {
      const sudo = which('sudo');
      if (!sudo) return false;
      // -l with the command asks sudo whether the rule allows it, without running it.
      const r = await execa(sudo, ['-n', '-l', LAUNCHER], { reject: false, timeout: 5000, stdin: 'ignore' });
      return r.exitCode === 0;
    },
    groupState: () => groupState(),
    exists: existsSync,
  };
}

/** Chooses how to start the helper, or says in plain words what to do. */
export async function chooseHelperRoute(probe: RouteProbe = realProbe()): Promise<HelperRoute> {
  const problem = probe.launcherProblem();
  if (problem === 'missing') return { ok: false, reason: NOT_INSTALLED };
  // Why: a launcher that is not root's (or that others may write) would run someone else's code as root.
  if (problem)
    return {
      ok: false,
      reason: `the installed helper is not safe to start (${problem}): run \`${INSTALL_COMMAND}\` again`,
    };
  const sudo = probe.which('sudo');
  if (sudo && (await probe.sudoAllowed())) return { ok: true, via: 'sudo', argv: [sudo, '-n', LAUNCHER] };
  const pkexec = probe.which('pkexec');
  if (pkexec && graphicalSession(probe.env, probe.uid, probe.exists))
    return { ok: true, via: 'pkexec', argv: [pkexec, LAUNCHER] };
  switch (probe.groupState()) {
    case 'pending':
      return {
        ok: false,
        reason: `you were added to the ${GROUP} group, but this session started before that: log out and in again (or run \`newgrp ${GROUP}\` in this terminal)`,
      };
    case 'absent':
      return {
        ok: false,
        reason: `you are not in the ${GROUP} group: run \`sudo usermod -aG ${GROUP} $USER\`, then log out and in again`,
      };
    case 'no-group':
      return { ok: false, reason: `the ${GROUP} group is missing: run \`${INSTALL_COMMAND}\`` };
    case 'active':
      return {
        ok: false,
        reason: sudo
          ? `sudo does not let the ${GROUP} group start the helper (the rule in /etc/sudoers.d/${GROUP} is missing): run \`${INSTALL_COMMAND}\``
          : 'sudo is not installed, and there is no desktop session for pkexec: install sudo (as root: `apt install sudo`), then run `' +
            INSTALL_COMMAND +
            '`',
      };
  }
}
