/**
 * The main process's security decisions as plain functions (no Electron
 * import), so they are unit-tested: which URLs are our page, the page's CSP,
 * the window title.
 */
import { pageCsp } from '../../shared/util/csp';

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
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '')
    return true;
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
  return pageCsp(devServerUrl ? { devServerUrl } : {});
}

/** The window title: file name (or Untitled), an unsaved marker, the app name. */
export function windowTitle(fileName: string | null, dirty: boolean): string {
  return `${dirty ? '● ' : ''}${fileName ?? 'Untitled'}${dirty ? ' (unsaved)' : ''} — netplumb`;
}
