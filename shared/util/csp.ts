/**
 * The page's Content-Security-Policy, written once for the desktop app and
 * browser mode. Why so strict: the page draws names and text from files the
 * user opens, so only the app's own scripts may run (no inline script, no
 * eval), nothing is fetched from elsewhere, and it cannot be framed.
 */

/** What differs between the places that serve the page. */
export interface CspOptions {
  /** Vite dev server URL (development only): its origin, websocket and React Refresh's inline preamble. */
  devServerUrl?: string;
  /** Extra `connect-src` sources, e.g. browser mode's WebSocket back to its own server. */
  connect?: readonly string[];
  /**
   * For the page's own `<meta http-equiv>` copy: browsers ignore
   * `frame-ancestors` there (and warn), so it is left out; the served
   * header keeps it.
   */
  meta?: boolean;
}

/** The Content-Security-Policy header value. */
export function pageCsp(opts: CspOptions = {}): string {
  const dev = opts.devServerUrl ? new URL(opts.devServerUrl) : undefined;
  const from = (...extra: string[]) => ["'self'", ...extra, ...(dev ? [dev.origin] : [])].join(' ');
  const inline = dev ? ["'unsafe-inline'"] : [];
  return [
    "default-src 'none'",
    `script-src ${from(...inline)}`,
    `style-src ${from(...inline)}`,
    `img-src ${from('data:', 'blob:')}`,
    `font-src ${from()}`,
    `connect-src ${from(...(opts.connect ?? []))}${dev ? ` ws://${dev.host}` : ''}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    ...(opts.meta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}

/**
 * The policy index.html carries in its `<meta>` (written there at build time by
 * renderer/vite.config.ts): the same policy, plus the browser-mode WebSocket
 * back to whichever server served the page.
 */
export const pageMetaCsp = (): string => pageCsp({ connect: ['ws:', 'wss:'], meta: true });
