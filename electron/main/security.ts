/**
 * The Electron security checklist, answered once for every web contents:
 * no navigation, no new windows, no webviews, no permissions, a CSP header.
 */
import { app, session, type WebContents } from 'electron';
import { appCsp, isAppUrl } from './policy';

/** Applies the session-wide rules (call once, after ready). */
export function hardenSession(devServerUrl?: string): void {
  const ses = session.defaultSession;
  // Why: the page needs no camera, notifications, geolocation, etc.; a page
  // that asks is not doing what netplumb does.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // Why: a CSP header on every response of our page (in development the Vite
  // server's too), in addition to the page's own meta tag.
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, devServerUrl)) return callback({ responseHeaders: details.responseHeaders });
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [appCsp(devServerUrl)] },
    });
  });
  // Why: the desktop app saves through native dialogs (file:save); a download
  // started by the page is only allowed for data the page itself made (blob:).
  ses.on('will-download', (event, item) => {
    if (!item.getURL().startsWith('blob:')) event.preventDefault();
  });
}

/** Locks down one web contents (installed for all through app 'web-contents-created'). */
function hardenContents(contents: WebContents, devServerUrl?: string): void {
  // Why: a navigation would replace our page (and its preload API) with
  // another page; even our own URLs are loaded by main only.
  // (main's own loadURL does not raise will-navigate, so every one is refused.)
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, devServerUrl)) event.preventDefault();
  });
  // Why: window.open and target=_blank would create windows outside our control.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Why: <webview> could load anything with its own preferences.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Installs hardenContents for every web contents the app creates. */
export function hardenAllContents(devServerUrl?: string): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, devServerUrl));
}
