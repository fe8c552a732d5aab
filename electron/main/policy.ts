/**
 * The main process's security decisions as plain functions (no Electron
 * import), so they are unit-tested: which URLs are our page, the page's CSP,
 * the window title.
 */

/** The custom scheme and host the packaged page is served from: app://netplumb/index.html */
export const APP_SCHEME = 'app';
export const APP_HOST = 'netplumb';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * True when `url` is a page of ours: app://netplumb/..., or in development
 * the Vite dev server's origin.
 *
 * Why compare scheme and host, not URL.origin: for a non-special scheme such
 * as app: the WHATWG origin is "null", which every sandboxed or data: frame
 * also has.
 */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '') return true;
  if (devServerUrl) {
    try {
      const dev = new URL(devServerUrl);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === dev.origin;
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * The Content-Security-Policy of the app's page. Development (Vite dev
 * server with hot reload) needs its own origin and websocket, and React
 * Refresh's inline preamble; the packaged app needs nothing but itself.
 */
export function appCsp(devServerUrl?: string): string {
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    return [
      "default-src 'none'",
      `script-src 'self' 'unsafe-inline' ${dev.origin}`,
      `style-src 'self' 'unsafe-inline' ${dev.origin}`,
      `img-src 'self' data: blob: ${dev.origin}`,
      `font-src 'self' ${dev.origin}`,
      `connect-src 'self' ${dev.origin} ws://${dev.host}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The window title: file name (or Untitled), an unsaved marker, the app name. */
export function windowTitle(fileName: string | null, dirty: boolean): string {
  return `${dirty ? '● ' : ''}${fileName ?? 'Untitled'}${dirty ? ' (unsaved)' : ''} — netplumb`;
}
