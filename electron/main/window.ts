/**
 * The main window: every webPreference of Electron's security checklist set
 * explicitly, size remembered in settings.
 */
import path from 'node:path';
import { BrowserWindow, nativeTheme } from 'electron';
import type { SettingsStore } from './settings';

/** Creates the window (not yet loaded) with its remembered size. */
export function createMainWindow(preloadPath: string, settings: SettingsStore): BrowserWindow {
  const saved = settings.get().window;
  const win = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    minWidth: 640,
    minHeight: 420,
    show: false,
    title: 'netplumb',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1f22' : '#ffffff',
    webPreferences: {
      preload: path.resolve(preloadPath),
      // Why each: the page is an untrusted renderer as far as the kernel side
      // is concerned. It gets no Node (nodeIntegration off, also in workers and
      // subframes), runs in Chromium's sandbox, sees the preload's API only
      // through the isolated context bridge, and keeps the same-origin policy.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // Why: middle-click (auxclick) on a link can open new windows; we open none.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  // The title is main's (file name + unsaved marker from document:state), not the page's <title>.
  win.on('page-title-updated', (event) => event.preventDefault());
  const remember = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    const maximized = win.isMaximized();
    const b = maximized ? undefined : win.getBounds();
    settings.update((s) => ({ ...s, window: b ? { ...b, maximized } : { ...s.window, maximized } }));
  };
  win.on('resized', remember);
  win.on('moved', remember);
  win.on('maximize', remember);
  win.on('unmaximize', remember);
  win.on('close', remember);
  return win;
}
