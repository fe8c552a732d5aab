/**
 * Electron main process: app lifecycle, the one window, the app:// protocol,
 * IPC through validatedHandle, native menus, unsaved-work prompts.
 *
 * Kernel work: in this process when running as root, otherwise through the
 * privileged helper (see electron/kernel/privilege.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, Menu, nativeTheme, type WebContents } from 'electron';
import type { EventName, EventPayload } from '../../shared/ipc/contract';
import { createHandlerContext } from '../kernel/context';
import { RecoveryFile } from './recovery';
import { listExamples } from '../kernel/examples';
import { checkEvent, releaseContext, type HandlerContext } from '../kernel/handlers';
import { shutdownLive } from '../kernel/live/services';
import { runningAsRoot } from '../kernel/privilege';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { DocumentSession } from './document';
import { registerContractHandlers } from './ipc';
import { buildMenu } from './menu';
import { saveCaptureAs } from './capture-save';
import { APP_URL } from './policy';
import { hardenAllContents, hardenSession } from './security';
import { SettingsStore } from './settings';
import { createMainWindow } from './window';

const here = path.dirname(fileURLToPath(import.meta.url)); // .vite/build
const DEV_URL: string | undefined =
  typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' && MAIN_WINDOW_VITE_DEV_SERVER_URL
    ? MAIN_WINDOW_VITE_DEV_SERVER_URL
    : undefined;
const RENDERER_DIR = path.join(here, '..', 'renderer');
const PRELOAD = path.join(here, 'preload.js');
const OPENABLE = /\.(ya?ml|json)$/i;

// Why --no-sandbox only as root: Chromium refuses to start its sandbox as
// root, so the switch is required there; app:info tells the window so
// (ROOT_ELECTRON_NOTICE). Everywhere else the OS sandbox stays on.
if (runningAsRoot()) app.commandLine.appendSwitch('no-sandbox');
app.enableSandbox();
registerAppScheme();

let win: BrowserWindow | null = null;
let doc: DocumentSession | null = null;
let baseCtx: HandlerContext | null = null;
let disposeCtx = () => {};
let settings: SettingsStore;
let closing = false;
const pendingFiles: string[] = process.argv.slice(1).filter((a) => OPENABLE.test(a) && !a.startsWith('-'));

const appRoot = app.getAppPath();
const examplesDir = app.isPackaged
  ? path.join(process.resourcesPath, 'examples')
  : path.join(appRoot, 'examples');

function send<E extends EventName>(event: E, payload: EventPayload<E>): void {
  const checked = checkEvent(event, payload);
  if (checked && win && !win.isDestroyed()) win.webContents.send(event, checked);
}

async function refreshMenu(): Promise<void> {
  const examples = (await listExamples(examplesDir)).map(({ id, title }) => ({ id, title }));
  const s = settings.get();
  Menu.setApplicationMenu(
    buildMenu(
      {
        command: (command, exampleId) =>
          send('menu:command', { command, ...(exampleId ? { exampleId } : {}) }),
        openRecent: (file) => void doc?.openPath(file),
        clearRecent: () => {
          settings.update((x) => ({ ...x, recent: [] }));
          app.clearRecentDocuments();
          void refreshMenu();
        },
        setTheme: (theme) => {
          nativeTheme.themeSource = theme;
          settings.update((x) => ({ ...x, theme }));
          void refreshMenu();
        },
        about: () => void about(),
      },
      { recent: s.recent, examples, theme: s.theme, dev: DEV_URL !== undefined },
    ),
  );
}

async function about(): Promise<void> {
  if (!win || !baseCtx) return;
  const p = await baseCtx.privilege();
  await dialog.showMessageBox(win, {
    type: 'info',
    message: `netplumb ${baseCtx.version}`,
    detail: [
      `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}`,
      `Kernel access: ${p.privilege}`,
      p.notice ?? '',
    ]
      .filter(Boolean)
      .join('\n'),
  });
}

/** The handler context for a request from `sender` (our window). */
/** One context per window's contents: live resources (terminals) are owned by it and released with it. */
const contexts = new WeakMap<WebContents, HandlerContext>();

let recoveryFile: RecoveryFile | null = null;
const recovery = () => (recoveryFile ??= new RecoveryFile(app.getPath('userData')));

function ctxFor(sender: WebContents): HandlerContext {
  if (!baseCtx || !doc) throw new Error('netplumb is still starting');
  const known = contexts.get(sender);
  if (known) return known;
  const d = doc;
  const ctx: HandlerContext = {
    ...baseCtx,
    emit: (event, payload) => {
      const checked = checkEvent(event, payload);
      if (checked && !sender.isDestroyed()) sender.send(event, checked);
    },
    desktop: {
      'document:state': async (req) => (d.setState(req.fileName, req.dirty), {}),
      'file:open': (req) => d.open(req.purpose),
      'file:save': (req) => d.save(req),
      'recovery:load': async () => ({ text: recovery().load() }),
      'recovery:save': async (req) => (recovery().save(req.text), {}),
      'capture:save': (req) => saveCaptureAs(win, req.name),
    },
  };
  contexts.set(sender, ctx);
  return ctx;
}

function createWindow(): void {
  const w = createMainWindow(PRELOAD, settings);
  win = w;
  doc = new DocumentSession(w, settings, send, () => void refreshMenu());
  w.on('close', (event) => {
    if (closing || !doc?.dirty) return;
    event.preventDefault();
    void doc.confirmDiscard('closing').then((ok) => {
      if (ok) {
        closing = true;
        w.close();
      }
    });
  });
  const contents = w.webContents;
  w.on('closed', () => {
    // No root shell stays open without its window.
    const ctx = contexts.get(contents);
    if (ctx) releaseContext(ctx);
    if (win === w) {
      win = null;
      doc = null;
    }
  });
  w.webContents.on('did-finish-load', () => {
    for (const f of pendingFiles.splice(0)) void doc?.openPath(path.resolve(f));
  });
  void (DEV_URL ? w.loadURL(DEV_URL) : w.loadURL(APP_URL));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_e, argv) => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
    for (const f of argv.slice(1).filter((a) => OPENABLE.test(a) && !a.startsWith('-')))
      void doc?.openPath(path.resolve(f));
  });

  hardenAllContents(DEV_URL);

  void app.whenReady().then(async () => {
    settings = new SettingsStore(app.getPath('userData'));
    nativeTheme.themeSource = settings.get().theme;
    hardenSession(DEV_URL);
    handleAppProtocol(RENDERER_DIR);
    const created = await createHandlerContext({ mode: 'electron', appRoot, examplesDir });
    baseCtx = created.ctx;
    disposeCtx = created.dispose;
    registerContractHandlers(ctxFor, {
      isOurContents: (wc) => win !== null && wc === win.webContents,
      devServerUrl: DEV_URL,
    });
    await refreshMenu();
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void shutdownLive();
    disposeCtx();
  });
}
