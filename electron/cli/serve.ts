/**
 * Browser mode: the renderer served on 127.0.0.1 and the IPC contract over a
 * WebSocket at /api, for machines where Electron cannot run.
 *
 * Every WebSocket message goes through handlers.ts `dispatch`, the same
 * validation path as Electron IPC. The socket needs the random token from the
 * URL and an Origin equal to this server's own; nothing is served to other
 * Host names.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { WIRE_MAX_BYTES, WireId } from '../../shared/ipc/wire';
import { createHandlerContext } from '../kernel/context';
import type { Engine } from '../kernel/engine-facade';
import { checkEvent, dispatch, releaseContext, type HandlerContext } from '../kernel/handlers';
import { shutdownLive } from '../kernel/live/services';
import { setLockHolderRole } from '../kernel/lock-holder';
import type { Runner } from '../kernel/runner';
import { findAppRoot } from './app-root';
import { mimeFor, resolveStatic } from './serve-static';

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
  /** The URL to open, with the token: http://127.0.0.1:PORT/?token=... */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** The Content-Security-Policy of the page in browser mode. */
export function browserCsp(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Constant-time string comparison (hashing first hides the length too). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
}

/** Starts the server on 127.0.0.1. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  // Why: the server applies topologies to the kernel; it must never listen
  // where another machine can reach it.
  if (host !== '127.0.0.1') throw new Error('netplumb serve only listens on 127.0.0.1');
  const log = opts.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ''));
  setLockHolderRole('netplumb serve (browser mode)');
  const token = randomBytes(24).toString('hex');
  const { ctx: baseCtx, dispose } = await createHandlerContext({
    mode: 'browser',
    appRoot: APP_ROOT,
    runner: opts.runner,
    runDir: opts.runDir,
    engine: opts.engine,
    examplesDir: opts.examplesDir,
  });
  let port = 0;
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
      const file = await resolveStatic(opts.renderDir, req.url ?? '/');
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain', 'X-Content-Type-Options': 'nosniff' }).end('not found');
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
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    })().catch((e) => {
      log('netplumb serve: request failed', e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: WIRE_MAX_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api') return refuseUpgrade(socket, 404, 'Not Found');
    if (!hostOk(req.headers.host)) return refuseUpgrade(socket, 421, 'Misdirected Request');
    // Why the Origin check: any page the user visits may open a WebSocket to
    // 127.0.0.1; the browser always sends its real Origin, which must be ours.
    if (req.headers.origin !== `http://${String(req.headers.host).toLowerCase()}`) return refuseUpgrade(socket, 403, 'Forbidden');
    // Why the token: other local users and processes can reach the port; only
    // whoever was shown the URL has the token. Compared in constant time.
    const given = url.searchParams.get('token') ?? '';
    if (!sameSecret(given, token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (msg: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    const ctx: HandlerContext = {
      ...baseCtx,
      emit: (event, payload) => {
        const checked = checkEvent(event, payload);
        if (checked) send({ event, payload: checked });
      },
    };
    ws.on('message', (data, isBinary) => {
      void (async () => {
        if (isBinary) return send({ id: 0, result: { ok: false, error: 'binary messages are not accepted' } });
        let msg: unknown;
        try {
          msg = JSON.parse(data.toString());
        } catch {
          return send({ id: 0, result: { ok: false, error: 'the message is not valid JSON' } });
        }
        const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
        const id = WireId.safeParse(m.id);
        if (!id.success) return send({ id: 0, result: { ok: false, error: 'the message has no valid id' } });
        const result = await dispatch(m.channel, m.request, ctx, log);
        send({ id: id.data, result });
      })();
    });
    // A page that goes away leaves no root shell running without a reader.
    ws.on('close', () => releaseContext(ctx));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
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
