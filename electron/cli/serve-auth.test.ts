import { describe, expect, it } from 'vitest';
import { CODE_TTL_MS, createServerAuth, readCookie } from './serve-auth';

const login = (auth: ReturnType<typeof createServerAuth>, code: string) =>
  auth.login(new URLSearchParams({ code }));

describe('browser-mode sign-in', () => {
  it('a code works exactly once; a short-lived one also expires, and a late try spends it', () => {
    let t = 1_000_000;
    const auth = createServerAuth(
      () => 4242,
      () => t,
    );
    const printed = auth.mintCode();
    const late = auth.mintCode(CODE_TTL_MS);
    const fresh = auth.mintCode(CODE_TTL_MS);
    t += CODE_TTL_MS - 1;
    expect(login(auth, fresh)).toMatchObject({ ok: true });
    expect(login(auth, fresh)).toMatchObject({ ok: false, status: 403 });
    t += 2;
    expect(login(auth, late)).toMatchObject({ ok: false, status: 403 });
    expect(login(auth, late)).toMatchObject({ ok: false, status: 403 });
    // The printed link does not expire, but it too works only once.
    t += 24 * 3600_000;
    expect(login(auth, printed)).toMatchObject({ ok: true });
    expect(login(auth, printed)).toMatchObject({
      ok: false,
      status: 403,
      message: expect.stringMatching(/Press Enter/),
    });
    expect(login(auth, '')).toMatchObject({ ok: false, status: 403 });
  });

  it('the cookie is named after the port, and only its own value signs in', () => {
    const auth = createServerAuth(() => 4242);
    const code = auth.mintCode();
    const r = login(auth, code);
    if (!r.ok) throw new Error('the code was refused');
    expect(r.setCookie).toMatch(/^netplumb-session-4242=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\/$/);
    const pair = r.setCookie.split(';')[0];
    expect(pair).not.toContain(code);
    expect(auth.hasSession(pair)).toBe(true);
    expect(auth.hasSession(`a=b; ${pair}; c=d`)).toBe(true);
    expect(auth.hasSession(pair.replace('4242', '4243'))).toBe(false);
    expect(auth.hasSession(`netplumb-session-4242=${code}`)).toBe(false);
    expect(auth.hasSession(undefined)).toBe(false);
    // Another server's cookie does not sign in here.
    expect(createServerAuth(() => 4242).hasSession(pair)).toBe(false);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(readCookie('a=1; b = 2 ;c=3', 'b')).toBe('2');
    expect(readCookie('ab=1', 'a')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});
