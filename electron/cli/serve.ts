/**
 * Browser mode: the renderer served on 127.0.0.1 and the IPC contract over a
 * WebSocket at /api, for machines where Electron cannot run.
 *
 * Every WebSocket message goes through handlers.ts `dispatch`, the same
 * validation path as Electron IPC (serve-socket.ts reads it under limits).
 * A browser signs in once with a one-time link to /login (serve-auth.ts)
 * and then carries a session cookie; the page and the socket need that cookie, and the socket an
 * Origin equal to this server's own. Nothing is served to other Host names.
 */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { WIRE_MAX_BYTES } from '../../shared/ipc/wire';
import { createHandlerContext } from '../kernel/context';
import type { Engine } from '../kernel/engine-types';
import { captureFilePath } from '../kernel/live/capture-files';
import { shutdownLive } from '../kernel/live/services';
import { plainMessage } from '../kernel/plain-error';
import { setLockHolderRole } from '../kernel/lock-holder';
import type { Runner } from '../kernel/runner';
import { findAppRoot } from './app-root';
import { createServerAuth, SIGN_IN_HELP } from './serve-auth';
import { serveSocket } from './serve-socket';
import { mimeFor, resolveStatic } from '../common/static-files';
import { pageCsp } from '../../shared/util/csp';

/** The request target as a URL on this server, or undefined when it cannot be read. */
function urlOf(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

/** Percent-decoding that says undefined for a malformed escape (decodeURIComponent throws). */
function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export { sameSecret } from './serve-auth';

/** Most API sockets open at once (one per tab; the cap bounds memory: each may buffer a frame of WIRE_MAX_BYTES). */
export const MAX_SOCKETS = 32;

/** The repository root (where package.json, examples/ and .vite/ are). */
export const APP_ROOT = findAppRoot(path.dirname(fileURLToPath(import.meta.url)));
/** Where `npm run build:renderer` puts the page. */
export const DEFAULT_RENDER_DIR = path.join(APP_ROOT, '.vite', 'renderer');

export interface ServerOptions {
  /** TCP port; 0 or omitted: a free one. */
  port?: number;
  /** Only loopback: the server changes the kernel on request. */
  host?: '127.0.0.1';
  /** The built renderer (index.html and assets). */
  renderDir: string;
  /** Inject a runner (tests): the engine runs in this process with it. */
  runner?: Runner;
  /** Lab state directory (tests). */
  runDir?: string;
  /** Inject an engine (tests). */
  engine?: Engine;
  /** Example topologies (default: the repo's examples/). */
  examplesDir?: string;
  /** Where errors are logged (default console.error). */
  log?: (msg: string, err?: unknown) => void;
}

export interface RunningServer {
  /** The first sign-in link, to print: http://127.0.0.1:PORT/login?code=... (works once). */
  url: string;
  port: number;
  /** A fresh sign-in link with a one-time code, valid for `ttlMs` (default: until used). */
  signInUrl(ttlMs?: number): string;
  /** The name of the session cookie. */
  cookieName: string;
  close(): Promise<void>;
}

/** The Content-Security-Policy of the page in browser mode. */
export function browserCsp(port: number): string {
  return pageCsp({ connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] });
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`,
  );
}

/**
 * A saved capture as a download, for the signed-in page only (the caller
 * checked the session). Why captureFilePath: the name comes from the URL; it
 * must stay one plain file of this user's inside the capture directory.
 */
function serveCapture(
  name: string,
  head: boolean,
  res: http.ServerResponse,
  plain: Record<string, string>,
): void {
  let file: string;
  try {
    file = captureFilePath(name);
  } catch (e) {
    res.writeHead(404, plain).end(plainMessage(e));
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/vnd.tcpdump.pcap',
    'Content-Disposition': `attachment; filename="${name}"`,
    'Content-Length': String(statSync(file).size),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  if (head) return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Starts the server on 127.0.0.1. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  // Why: the server applies topologies to the kernel; it must never listen
  // where another machine can reach it.
  if (host !== '127.0.0.1') throw new Error('netplumb serve only listens on 127.0.0.1');
  const log = opts.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ''));
  setLockHolderRole('netplumb serve (browser mode)');
  const { ctx: baseCtx, dispose } = await createHandlerContext({
    mode: 'browser',
    appRoot: APP_ROOT,
    runner: opts.runner,
    runDir: opts.runDir,
    engine: opts.engine,
    examplesDir: opts.examplesDir,
  });
  let port = 0;
  const auth = createServerAuth(() => port);
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  // Why the Host check: a web page on another site could rebind its DNS name
  // to 127.0.0.1 and then talk to this port as "its own" origin. Browsers
  // send that name in Host, so anything but our loopback names is refused.
  const hostOk = (h: string | undefined) => h !== undefined && allowedHosts().has(h.toLowerCase());

  const server = http.createServer((req, res) => {
    void (async () => {
      if (!hostOk(req.headers.host)) {
        res.writeHead(421, { 'Content-Type': 'text/plain' }).end('netplumb only answers on 127.0.0.1');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed');
        return;
      }
      const plain = {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      };
      // The request target is the client's text: `new URL` throws on some (an absolute "http://[").
      const url = urlOf(req.url);
      if (!url) return void res.writeHead(400, plain).end('bad request: the address cannot be read');
      if (url.pathname === '/login') {
        // Why HEAD does not sign in: link previews and prefetchers send it,
        // and they must not spend a one-time code.
        if (req.method === 'HEAD') return void res.writeHead(204, plain).end();
        const outcome = auth.login(url.searchParams);
        if (!outcome.ok) return void res.writeHead(outcome.status, plain).end(outcome.message);
        // Why a redirect: the code leaves the address bar before the page runs.
        res
          .writeHead(303, { ...plain, Location: '/', 'Set-Cookie': outcome.setCookie })
          .end('signed in; continue at /');
        return;
      }
      // Why the session check on every file: without it the page would load
      // and then fail to connect; the message says how to sign in instead.
      if (!auth.hasSession(req.headers.cookie)) {
        res.writeHead(401, plain).end(`This browser is not signed in to netplumb. ${SIGN_IN_HELP}`);
        return;
      }
      if (url.pathname.startsWith('/captures/')) {
        const name = decoded(url.pathname.slice('/captures/'.length));
        if (name === undefined)
          return void res
            .writeHead(400, plain)
            .end('bad request: the capture name is not valid percent-encoding');
        return serveCapture(name, req.method === 'HEAD', res, plain);
      }
      const file = await resolveStatic(opts.renderDir, req.url ?? '/');
      if (!file) {
        res
          .writeHead(404, { 'Content-Type': 'text/plain', 'X-Content-Type-Options': 'nosniff' })
          .end('not found');
        return;
      }
      const isHtml = file.endsWith('.html');
      res.writeHead(200, {
        'Content-Type': mimeFor(file),
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'X-Frame-Options': 'DENY',
        'Cache-Control': isHtml ? 'no-store' : 'no-cache',
        ...(isHtml ? { 'Content-Security-Policy': browserCsp(port) } : {}),
      });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    })().catch((e) => {
      log('netplumb serve: request failed', e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  // Why maxPayload: a frame is refused by its size on the wire, before a byte
  // of it is buffered as a message or parsed.
  const wss = new WebSocketServer({ noServer: true, maxPayload: WIRE_MAX_BYTES });
  wss.on('error', (e) => log('netplumb serve: WebSocket server error', e));
  server.on('upgrade', (req, socket, head) => {
    // Why: a client that resets the connection mid-handshake raises 'error'
    // on the raw socket; unhandled, that would end the server.
    socket.on('error', () => socket.destroy());
    // Why the try: the request target is the client's text; `new URL` throws
    // on some (an absolute "http://[" form), and a throw here would end the server.
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    } catch {
      return refuseUpgrade(socket, 400, 'Bad Request');
    }
    if (pathname !== '/api') return refuseUpgrade(socket, 404, 'Not Found');
    if (!hostOk(req.headers.host)) return refuseUpgrade(socket, 421, 'Misdirected Request');
    // Why the Origin check: any page the user visits may open a WebSocket to
    // 127.0.0.1; the browser always sends its real Origin, which must be ours.
    if (req.headers.origin !== `http://${String(req.headers.host).toLowerCase()}`)
      return refuseUpgrade(socket, 403, 'Forbidden');
    // Why the cookie: other local users and processes can reach the port; only
    // a browser that signed in with a one-time link has it.
    if (!auth.hasSession(req.headers.cookie)) return refuseUpgrade(socket, 401, 'Unauthorized');
    // Why a cap: each socket may hold a frame of up to WIRE_MAX_BYTES in memory.
    if (wss.clients.size >= MAX_SOCKETS) return refuseUpgrade(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, baseCtx, log));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  server.on('error', (e) => log('netplumb serve: server error', e));
  const base = `http://127.0.0.1:${port}`;

  return {
    url: `${base}/login?code=${auth.mintCode()}`,
    port,
    signInUrl: (ttlMs?: number) => `${base}/login?code=${auth.mintCode(ttlMs)}`,
    cookieName: auth.cookieName(),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await shutdownLive();
      dispose();
    },
  };
}
