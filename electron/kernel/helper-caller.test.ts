/** Who the helper believes is calling, and how it drops root for them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asCallerArgv, callerEnv, callerIds, lookupCaller, parsePasswd, pickShell } from './helper-caller';
import { recordingRunner } from './runner';

describe('callerIds', () => {
  it('takes pkexec, then sudo, else the process itself', () => {
    expect(callerIds({ PKEXEC_UID: '1000' }, 0)).toEqual({ uid: 1000 });
    expect(callerIds({ SUDO_UID: '1001', SUDO_GID: '1002' }, 0)).toEqual({ uid: 1001, gid: 1002 });
    expect(callerIds({ SUDO_UID: '1001', PKEXEC_UID: '1001' }, 0)).toEqual({ uid: 1001 });
    expect(callerIds({}, 0)).toEqual({ uid: 0 });
  });

  it('refuses malformed or conflicting values instead of falling back to root', () => {
    expect(() => callerIds({ SUDO_UID: '1000x' }, 0)).toThrow(/SUDO_UID/);
    expect(() => callerIds({ SUDO_UID: '' }, 0)).toThrow(/SUDO_UID/);
    expect(() => callerIds({ PKEXEC_UID: '-1' }, 0)).toThrow(/PKEXEC_UID/);
    expect(() => callerIds({ SUDO_UID: '1000', PKEXEC_UID: '0' }, 0)).toThrow(/disagree/);
  });

  it('never answers root when a non-root caller is named (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.boolean(), (uid, viaPkexec) => {
        const env = viaPkexec
          ? { PKEXEC_UID: String(uid) }
          : { SUDO_UID: String(uid), SUDO_GID: String(uid) };
        expect(callerIds(env, 0).uid).toBe(uid);
      }),
    );
  });
});

describe('lookupCaller', () => {
  it('reads name, home and groups from the user database, not the environment', async () => {
    const { run, calls } = recordingRunner(() => ({
      exitCode: 0,
      stdout: 'alice:x:1000:1000:Alice:/home/alice:/bin/sh\n',
      stderr: '',
    }));
    const c = await lookupCaller(
      { SUDO_UID: '1000', SUDO_GID: '1000', HOME: '/root', SHELL: '/tmp/evil' },
      0,
      run,
    );
    expect(calls[0].argv).toEqual(['getent', 'passwd', '1000']);
    expect(c).toMatchObject({ uid: 1000, gid: 1000, user: 'alice', home: '/home/alice' });
    expect(c.shell).not.toBe('/tmp/evil');
  });

  it('handles a uid without a passwd entry: its own ids, no groups, home /', async () => {
    const { run } = recordingRunner(() => ({ exitCode: 2, stdout: '', stderr: '' }));
    const c = await lookupCaller({ SUDO_UID: '4242' }, 0, run);
    expect(c).toMatchObject({ uid: 4242, gid: 4242, home: '/' });
    expect(c.user).toBeUndefined();
    expect(asCallerArgv(c, 'ns1', ['id'])).toContain('--clear-groups');
  });

  it('parses passwd lines and picks a real shell (nologin is not one)', () => {
    expect(parsePasswd('nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin')).toEqual({
      user: 'nobody',
      uid: 65534,
      gid: 65534,
      home: '/nonexistent',
      shell: '/usr/sbin/nologin',
    });
    expect(parsePasswd('broken:x:abc')).toBeUndefined();
    expect(pickShell('/usr/sbin/nologin', ['/bin/sh', '/bin/bash'])).toMatch(/^\/bin\/(bash|sh)$/);
    expect(pickShell('/bin/sh', ['/bin/sh'])).toBe('/bin/sh');
  });
});

describe('asCallerArgv', () => {
  it('enters the namespace, then drops to the caller before the command (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 5 }),
        (uid, command) => {
          const argv = asCallerArgv(
            { uid, gid: uid, user: 'u', home: '/', shell: '/bin/sh' },
            'ns1',
            command,
          );
          expect(argv.slice(0, 5)).toEqual(['ip', 'netns', 'exec', 'ns1', 'setpriv']);
          expect(argv).toContain(`--reuid=${uid}`);
          expect(argv).toContain(`--regid=${uid}`);
          const dash = argv.indexOf('--');
          expect(argv.slice(dash + 1)).toEqual(command);
        },
      ),
    );
  });

  it("gives the caller a clean environment (nothing of root's)", () => {
    const env = callerEnv(
      { uid: 1000, gid: 1000, user: 'alice', home: '/home/alice', shell: '/bin/bash' },
      { NETPLUMB_LAB: 'x' },
    );
    expect(env).toMatchObject({
      HOME: '/home/alice',
      USER: 'alice',
      LOGNAME: 'alice',
      SHELL: '/bin/bash',
      NETPLUMB_LAB: 'x',
    });
    expect(Object.keys(env)).not.toContain('SUDO_UID');
    expect(env.PATH).not.toMatch(/^\/usr\/local\/sbin/);
  });
});
