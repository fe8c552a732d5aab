/** How the client chooses to start the helper, and what it says when it cannot. */
import { describe, expect, it } from 'vitest';
import {
  chooseHelperRoute,
  graphicalSession,
  NOT_INSTALLED,
  type GroupState,
  type RouteProbe,
} from './helper-route';
import { helperExitReason } from './helper-client';
import { LAUNCHER } from './install/paths';

function probe(
  o: Partial<RouteProbe> & { tools?: string[]; sudoOk?: boolean; group?: GroupState } = {},
): RouteProbe {
  const tools = o.tools ?? ['sudo', 'pkexec'];
  return {
    env: o.env ?? {},
    uid: 1000,
    launcherProblem: o.launcherProblem ?? (() => undefined),
    which: (n) => (tools.includes(n) ? `/usr/bin/${n}` : undefined),
    sudoAllowed: async () => o.sudoOk ?? false,
    groupState: () => o.group ?? 'active',
    exists: o.exists ?? (() => false),
  };
}
const desktop = { DISPLAY: ':0', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' };

describe('chooseHelperRoute', () => {
  it('says to install the helper when the launcher is missing, whatever else holds', async () => {
    expect(
      await chooseHelperRoute(probe({ launcherProblem: () => 'missing', sudoOk: true, env: desktop })),
    ).toEqual({ ok: false, reason: NOT_INSTALLED });
    expect(NOT_INSTALLED).toContain('sudo npx netplumb helper install');
  });

  it('refuses a launcher root must not run', async () => {
    const r = await chooseHelperRoute(
      probe({ launcherProblem: () => `${LAUNCHER} belongs to uid 1000, not root`, sudoOk: true }),
    );
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('not safe to start') });
  });

  it('prefers sudo -n on the installed launcher when the rule allows it, even in a desktop session', async () => {
    expect(await chooseHelperRoute(probe({ sudoOk: true, env: desktop }))).toEqual({
      ok: true,
      via: 'sudo',
      argv: ['/usr/bin/sudo', '-n', LAUNCHER],
    });
  });

  it('uses pkexec only in a graphical session with a session bus', async () => {
    expect(await chooseHelperRoute(probe({ env: desktop }))).toEqual({
      ok: true,
      via: 'pkexec',
      argv: ['/usr/bin/pkexec', LAUNCHER],
    });
    // A terminal or ssh: no agent can answer, so no pkexec.
    const r = await chooseHelperRoute(probe({ env: { SSH_CONNECTION: 'x' }, group: 'pending' }));
    expect(r.ok).toBe(false);
  });

  it.each<[GroupState, RegExp]>([
    ['pending', /added to the netplumb group, but this session started before that: log out and in again/],
    [
      'absent',
      /not in the netplumb group: run `sudo usermod -aG netplumb \$USER`, then log out and in again/,
    ],
    ['no-group', /group is missing: run `sudo npx netplumb helper install`/],
    ['active', /rule in \/etc\/sudoers.d\/netplumb is missing\): run `sudo npx netplumb helper install`/],
  ])('in a terminal, group state %s says exactly what to do', async (group, msg) => {
    const r = await chooseHelperRoute(probe({ group }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(msg);
  });

  it('says to install sudo when it is missing and there is no desktop', async () => {
    const r = await chooseHelperRoute(probe({ tools: ['pkexec'] }));
    expect(!r.ok && r.reason).toMatch(/sudo is not installed/);
  });
});

describe('graphicalSession', () => {
  it.each<[NodeJS.ProcessEnv, boolean, boolean]>([
    [{ DISPLAY: ':0' }, true, true],
    [{ WAYLAND_DISPLAY: 'wayland-0', DBUS_SESSION_BUS_ADDRESS: 'unix:x' }, false, true],
    [{ DISPLAY: ':0' }, false, false],
    [{ DBUS_SESSION_BUS_ADDRESS: 'unix:x' }, true, false],
    [{}, true, false],
  ])('%j with a bus socket %s -> %s', (env, bus, expected) => {
    expect(graphicalSession(env, 1000, (p) => bus && p === '/run/user/1000/bus')).toBe(expected);
  });
});

describe('helperExitReason', () => {
  it('turns sudo asking for a password into what to do', () => {
    expect(helperExitReason(1, 'sudo: a password is required\n')).toMatch(
      /log out and in again; otherwise run `sudo npx netplumb helper install`/,
    );
  });
  it("says a refused or cancelled pkexec dialog, and otherwise passes the helper's last line on", () => {
    expect(helperExitReason(126, '')).toMatch(/refused or cancelled/);
    expect(helperExitReason(2, 'noise\nnetplumb-helper: boom\n')).toBe(
      'the privileged helper stopped (exit 2): netplumb-helper: boom',
    );
  });
});
