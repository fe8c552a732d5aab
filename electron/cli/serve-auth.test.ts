import { describe, expect, it } from 'vitest';
import { CODE_TTL_MS, createServerAuth, readCookie } from './serve-auth';

describe('browser-mode sign-in', () => {
  it('a one-time code expires after CODE_TTL_MS and is spent by a late try too', () => {
    let t = 1_000_000;
    const auth = createServerAuth(() => 4242, () => t);
    const late = auth.mintCode();
    t += CODE_TTL_MS + 1;
    expect(auth.login(new URLSearchParams({ code: late }))).toMatchObject({ ok: false, status: 403 });
    const fresh = auth.mintCode();
    t += CODE_TTL_MS - 1;
    const ok = auth.login(new URLSearchParams({ code: fresh }));
    expect(ok).toMatchObject({ ok: true });
    expect(auth.login(new URLSearchParams({ code: fresh }))).toMatchObject({ ok: false, status: 403 });
  });

  it('the cookie is named after the port, and only its own value signs in', () => {
    const auth = createServerAuth(() => 4242);
    const r = auth.login(new URLSearchParams({ token: auth.token }));
    if (!r.ok) throw new Error('the token was refused');
    const pair = r.setCookie.split(';')[0];
    expect(pair.startsWith('netplumb-session-4242=')).toBe(true);
    expect(auth.hasSession(pair)).toBe(true);
    expect(auth.hasSession(`a=b; ${pair}; c=d`)).toBe(true);
    expect(auth.hasSession(pair.replace('4242', '4243'))).toBe(false);
    expect(auth.hasSession(`netplumb-session-4242=${auth.token}`)).toBe(false);
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
