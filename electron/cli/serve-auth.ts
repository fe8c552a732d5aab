/**
 * Who may use the browser-mode server: a browser logs in once through
 * `/login` and from then on carries an HttpOnly, SameSite=Strict cookie.
 *
 *  - The long-lived token is only in the URL `netplumb serve` prints on its
 *    own terminal. Opening it sets the cookie and redirects to `/`, so the
 *    address bar (and what the page can see of its URL) never holds it.
 *  - `--open` never passes that token on a command line (every local user can
 *    read a process's argv in /proc): it passes a one-time code that expires
 *    after CODE_TTL_MS and works exactly once.
 *  - The cookie value is a separate random secret, compared in constant time.
 *
 * Known limit: browsers do not separate cookies by port, so a page served by
 * another program on 127.0.0.1 would receive this cookie if the user visited
 * it; the WebSocket's Origin check keeps such a page's scripts out, but not
 * that program itself. The cookie lives only as long as the browser session.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a one-time code from `--open` stays valid. */
export const CODE_TTL_MS = 2 * 60_000;

/** Constant-time string comparison (hashing first hides the length too). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The outcome of a visit to /login: a cookie to set, or a refusal in plain words. */
export type LoginOutcome = { ok: true; setCookie: string } | { ok: false; status: number; message: string };

/** The server's secrets and the checks built on them. */
export interface ServerAuth {
  /** The long-lived token of the printed URL. */
  readonly token: string;
  /** The cookie's name (with the port: two servers on one machine keep apart). */
  cookieName(): string;
  /** Mints a one-time code for `--open`. */
  mintCode(): string;
  /** Checks the `token` or `code` of a /login URL. A code is spent by the first try. */
  login(params: URLSearchParams): LoginOutcome;
  /** True when a request's Cookie header carries this server's session. */
  hasSession(cookieHeader: string | undefined): boolean;
}

/** Reads one cookie from a Cookie header (undefined when absent). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Creates the secrets for one server; `port()` is read when the cookie is named. */
export function createServerAuth(port: () => number, now: () => number = Date.now): ServerAuth {
  const token = randomBytes(24).toString('hex');
  const session = randomBytes(32).toString('hex');
  const codes = new Map<string, number>();
  const cookieName = () => `netplumb-session-${port()}`;
  return {
    token,
    cookieName,
    mintCode() {
      const t = now();
      for (const [c, until] of codes) if (until <= t) codes.delete(c);
      const code = randomBytes(16).toString('hex');
      codes.set(code, t + CODE_TTL_MS);
      return code;
    },
    login(params) {
      const given = params.get('token');
      const code = params.get('code');
      let ok = false;
      if (given !== null) {
        // Why constant time: the token is the key to this machine's namespaces.
        ok = sameSecret(given, token);
      } else if (code !== null) {
        // Why spent on the first try, valid or not: a code travels on a
        // command line that other users can read; only its first use counts.
        const until = [...codes.entries()].find(([c]) => sameSecret(c, code))?.[1];
        if (until !== undefined) codes.delete(code);
        ok = until !== undefined && until > now();
        if (!ok) return { ok: false, status: 403, message: 'This sign-in link was already used or has expired. Use the URL that `netplumb serve` printed in its terminal.' };
      }
      if (!ok) return { ok: false, status: 401, message: 'This link does not carry a valid netplumb token. Use the URL that `netplumb serve` printed in its terminal.' };
      // HttpOnly: the page's scripts never see it; SameSite=Strict: no other
      // site's page can make the browser send it; no Max-Age: gone with the session.
      return { ok: true, setCookie: `${cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/` };
    },
    hasSession(cookieHeader) {
      const got = readCookie(cookieHeader, cookieName());
      return got !== undefined && sameSecret(got, session);
    },
  };
}
