/** netplumb doctor: each state gets plain words and the exact fix. */
import { describe, expect, it } from 'vitest';
import { FEATURES, type Capabilities } from '../capabilities';
import { doctorChecks, type DoctorFacts } from './doctor';
import type { Manifest } from './helper-install';

const caps = (missing: string[] = []): Capabilities => ({
  features: Object.fromEntries(FEATURES.map((f) => [f, !missing.includes(f)])) as Capabilities['features'],
  details: Object.fromEntries(FEATURES.map((f) => [f, ''])) as Capabilities['details'],
  versions: {},
});
const manifest: Manifest = {
  version: '1.0.0',
  helperSha256: 'aa',
  node: '/usr/bin/node',
  files: [],
  dirs: [],
  createdGroup: true,
  addedUsers: [],
  sudoers: true,
};
const good: DoctorFacts = {
  isRoot: false,
  version: '1.0.0',
  bundleSha: 'aa',
  launcherExists: true,
  manifest,
  policyExists: true,
  sudoInstalled: true,
  sudoersExists: true,
  group: 'active',
  route: { ok: true, via: 'sudo', argv: [] },
  capabilities: caps(['netem']),
  installedNodePty: true,
  scriptTool: true,
  browser: '/usr/bin/chromium',
  electron: false,
};
const byTitle = (f: DoctorFacts, title: string) => doctorChecks(f).find((c) => c.title === title)!;
const failures = (f: DoctorFacts) => doctorChecks(f).filter((c) => c.ok === false);

describe('doctor', () => {
  it('has nothing to fix on a ready machine, and names what the kernel lacks as a note', () => {
    expect(failures(good)).toEqual([]);
    expect(byTitle(good, 'kernel features').detail).toMatch(
      /not available here: link emulation \(tc netem\)/,
    );
  });

  it('says the helper is missing and how to install it', () => {
    const c = byTitle({ ...good, launcherExists: false, manifest: undefined }, 'privileged helper');
    expect(c).toMatchObject({ ok: false, fix: 'sudo npx netplumb helper install' });
  });

  it('catches an installed helper of another version or another build', () => {
    expect(
      byTitle({ ...good, manifest: { ...manifest, version: '0.9.0' } }, 'privileged helper').detail,
    ).toMatch(/installed version 0.9.0 does not match this netplumb \(1.0.0\)/);
    expect(byTitle({ ...good, bundleSha: 'bb' }, 'privileged helper')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/different build/),
    });
  });

  it('tells "added but not yet logged in again" apart from "not a member"', () => {
    expect(byTitle({ ...good, group: 'pending' }, 'netplumb group')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/added, but not yet logged in again/),
      fix: expect.stringMatching(/log out and in again/),
    });
    expect(byTitle({ ...good, group: 'absent' }, 'netplumb group')).toMatchObject({
      ok: false,
      fix: 'sudo usermod -aG netplumb $USER, then log out and in again',
    });
  });

  it("reports a missing sudo rule and passes on the route's reason", () => {
    const f: DoctorFacts = {
      ...good,
      sudoersExists: false,
      route: { ok: false, reason: 'the sudo rule is missing' },
    };
    expect(byTitle(f, 'sudo rule')).toMatchObject({ ok: false, fix: 'sudo npx netplumb helper install' });
    expect(byTitle(f, 'kernel access')).toMatchObject({ ok: false, detail: 'the sudo rule is missing' });
  });

  it('fails when basic kernel features are missing, with the fix', () => {
    expect(byTitle({ ...good, capabilities: caps(['ipCommand']) }, 'kernel features')).toMatchObject({
      ok: false,
      fix: 'sudo apt install iproute2',
    });
  });

  it('names the tools that are not installed, what needs each, and the packages that bring them', () => {
    expect(byTitle(good, 'tools')).toMatchObject({ ok: true });
    const c = byTitle({ ...good, capabilities: caps(['ping', 'sysctlCommand']) }, 'tools');
    expect(c).toMatchObject({ ok: false, fix: 'sudo apt install procps iputils-ping' });
    expect(c.detail).toMatch(/ping \(iputils-ping\), for ping, traceroute, check and step mode/);
    // Not kernel features: no file is refused for their absence, so the kernel line does not list them.
    const k = byTitle({ ...good, capabilities: caps(['ping', 'tcpdump']) }, 'kernel features').detail;
    expect(k).not.toMatch(/ping|tcpdump/);
  });

  it('says terminals fall back without node-pty, and fail without script too', () => {
    const noPty = byTitle({ ...good, nodePtyError: 'not installed' }, 'terminals');
    expect(noPty).toMatchObject({
      ok: 'note',
      detail: expect.stringMatching(/^node-pty is not installed: terminals work without a pty/),
    });
    expect(noPty.fix).toMatch(/build-essential/);
    expect(byTitle({ ...good, nodePtyError: 'not installed', scriptTool: false }, 'terminals').ok).toBe(
      false,
    );
    expect(byTitle({ ...good, nodePtyError: 'NODE_MODULE_VERSION 123' }, 'terminals').detail).toMatch(
      /^node-pty cannot be loaded \(NODE_MODULE_VERSION 123\)/,
    );
  });

  it('asks for a browser when neither Electron nor Chromium is there', () => {
    expect(byTitle({ ...good, browser: undefined }, 'browser mode')).toMatchObject({
      ok: false,
      fix: expect.stringMatching(/apt install chromium/),
    });
  });

  it('says whether the command starts from its code cache, as a note at worst (it is only speed), with the fix', () => {
    expect(doctorChecks(good).some((c) => c.title === 'command start-up')).toBe(false);
    expect(byTitle({ ...good, codeCache: 'used' }, 'command start-up')).toMatchObject({ ok: true });
    for (const [state, words] of [
      ['none', /no code cache/],
      ['stale', /another build of the command or another Node/],
      ['rejected', /other V8 flags/],
    ] as const) {
      const c = byTitle({ ...good, codeCache: state }, 'command start-up');
      expect(c, state).toMatchObject({ ok: 'note', fix: expect.stringMatching(/npm run build/) });
      expect(c.detail, state).toMatch(words);
    }
    expect(byTitle({ ...good, isRoot: true, codeCache: 'untrusted' }, 'command start-up')).toMatchObject({
      ok: 'note',
      detail: expect.stringMatching(/root does not use the code cache/),
    });
    expect(failures({ ...good, codeCache: 'stale' })).toEqual([]);
  });
});
