/**
 * Who may use the browser-mode server: a browser signs in once through a
 * one-time link to `/login` and from then on carries an HttpOnly,
 * SameSite=Strict session cookie. The session secret never appears in a URL,
 * on a command line or to the page's scripts.
 *
 *  - `netplumb serve` prints a sign-in link with a one-time code on its own
 *    terminal (and a fresh one on request). Opening it sets the cookie and
 *    redirects to `/`, so the address bar shows a clean URL, and what the
 *    browser's history keeps of the link is spent.
 *  - `--open` passes another one-time code on xdg-open's command line (which
 *    every local user can read in /proc); it also expires after CODE_TTL_MS.
 *  - Every secret is compared in constant time.
 *
 * Known limit: browsers do not separate cookies by port, so a page served by
 * another program on 127.0.0.1 would receive this cookie if the user visited
 * it; the WebSocket's Origin check keeps such a page's scripts out, but not
 * that program itself. The cookie lives only as long as the browser session.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a one-time code put on a command line (`--open`) stays valid. */
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
  /** The cookie's name (with the port: two servers on one machine keep apart). */
  cookieName(): string;
  /** Mints a one-time code, valid for `ttlMs` (default: until it is used). */
  mintCode(ttlMs?: number): string;
  /** Checks the `code` of a /login URL. A code is spent by its first try. */
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

/** What a refused sign-in says: the way to a fresh link. */
export const SIGN_IN_HELP =
  'Press Enter in the terminal where `netplumb serve` runs for a new sign-in link (each link works once), or start it again.';

/** Creates the secrets for one server; `port()` is read when the cookie is named. */
export function createServerAuth(port: () => number, now: () => number = Date.now): ServerAuth {
  const session = randomBytes(32).toString('hex');
  const codes = new Map<string, number>();
  const cookieName = () => `netplumb-session-${port()}`;
  return {
    cookieName,
    mintCode(ttlMs = Infinity) {
      const t = now();
      for (const [c, until] of codes) if (until <= t) codes.delete(c);
      const code = randomBytes(16).toString('hex');
      codes.set(code, t + ttlMs);
      return code;
    },
    login(params) {
      const code = params.get('code') ?? '';
      // Why constant time: a code is the key to this machine's namespaces.
      const found = [...codes.entries()].find(([c]) => sameSecret(c, code));
      if (!found)
        return {
          ok: false,
          status: 403,
          message: `This sign-in link was already used, has expired, or was never valid. ${SIGN_IN_HELP}`,
        };
      // Why spent on the first try, even a late one: a link may sit in a
      // terminal's scrollback, a browser's history or a command line that
      // others can read; only its first use counts.
      codes.delete(found[0]);
      if (found[1] <= now())
        return {
          ok: false,
          status: 403,
          message: `This sign-in link was already used, has expired, or was never valid. ${SIGN_IN_HELP}`,
        };
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
