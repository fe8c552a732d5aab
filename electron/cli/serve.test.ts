import http from 'node:http';
import net from 'node:net';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Engine } from '../kernel/engine-types';
import { startServer, type RunningServer } from './serve';

let dir: string;
let server: RunningServer;
/** The session cookie (`name=value`) of a browser that signed in with the printed URL. */
let cookie: string;
const destroyed: string[] = [];

const engine: Engine = {
  validateDocument: async () => ({ problems: [] }),
  planDocument: async () => ({ problems: [], changes: [] }),
  applyDocument: async (_d, o) => {
    o?.onProgress?.({ lab: 'np', done: 1, total: 2, phase: 'apply', current: 'ip netns add x' });
    return { problems: [], result: { ok: true, lab: 'np', steps: 2, changes: [], durationMs: 1 } };
  },
  statusDocument: async () => ({ problems: [], inSync: true, applied: true, drift: [] }),
  destroyLab: async (lab) => (destroyed.push(lab), { removed: [] }),
  listLabs: async () => [],
  openLab: async () => null,
};

/** What the server logged (a failed request's error). */
const logged: unknown[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'np-serve-'));
  const renderDir = path.join(dir, 'renderer');
  await mkdir(path.join(renderDir, 'assets'), { recursive: true });
  await writeFile(path.join(renderDir, 'index.html'), '<!doctype html><title>netplumb</title>');
  await writeFile(path.join(renderDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(renderDir, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(dir, 'secret.txt'), 'do not serve');
  server = await startServer({
    renderDir,
    engine,
    examplesDir: path.join(dir, 'none'),
    log: (...a: unknown[]) => void logged.push(a),
  });
  cookie = sessionCookie(await get(new URL(server.url).pathname + new URL(server.url).search));
  expect(cookie).toMatch(/^netplumb-session-\d+=[0-9a-f]{64}$/);
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

type Got = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** A raw GET (no client-side path normalisation), optionally with another Host, a Cookie or as HEAD. */
function get(rawPath: string, opts: { host?: string; cookie?: string; method?: string } = {}): Promise<Got> {
  const headers: Record<string, string> = {};
  if (opts.host) headers.Host = opts.host;
  if (opts.cookie) headers.Cookie = opts.cookie;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: rawPath, method: opts.method ?? 'GET', headers },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (d: string) => (body += d))
          .on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject).end();
  });
}

/** The `name=value` of the session cookie a /login answer sets (the test fails when there is none). */
function sessionCookie(r: Got): string {
  const set = r.headers['set-cookie'] ?? [];
  expect(set, `a session cookie from a ${r.status} answer`).toHaveLength(1);
  return set[0].split(';')[0];
}

/** Opens the API socket; resolves with it, or rejects with the HTTP status of the refusal. */
function connect(
  opts: { cookie?: string; origin?: string; host?: string; path?: string } = {},
): Promise<WebSocket> {
  const origin = opts.origin ?? `http://127.0.0.1:${server.port}`;
  const headers: Record<string, string> = {};
  if (opts.host) headers.Host = opts.host;
  const c = opts.cookie ?? cookie;
  if (c) headers.Cookie = c;
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${opts.path ?? '/api'}`, { origin, headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends one raw frame and returns the next message. */
function exchange(ws: WebSocket, frame: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(d.toString())));
    ws.send(frame);
  });
}

describe('static files', () => {
  it('serves the page to a signed-in browser with a CSP and the right MIME types', async () => {
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await get('/assets/app.js', { cookie })).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await get('/assets/app.css', { cookie })).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get('/assets/missing.js', { cookie })).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/../package.json',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2E%2E/%2E%2E/secret.txt',
    '/%252e%252e/secret.txt',
    '/..%5csecret.txt',
    '/assets/app.js%00.html',
    '/%ff',
    '/assets',
  ])('refuses %s with 404', async (p) => {
    const r = await get(p, { cookie });
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('do not serve');
  });

  it('refuses a non-loopback Host header (DNS rebinding)', async () => {
    const r = await get('/', { host: `evil.example:${server.port}`, cookie });
    expect(r.status).toBe(421);
    expect((await get('/', { host: `localhost:${server.port}`, cookie })).status).toBe(200);
  });
});

/** The path and query of a sign-in link. */
const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;

describe('signing in', () => {
  it('a sign-in link sets an HttpOnly, SameSite=Strict cookie and redirects to a clean address', async () => {
    expect(server.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/login\\?code=[0-9a-f]{32}$`),
    );
    const link = server.signInUrl();
    expect(link).not.toBe(server.url);
    const r = await get(pathOf(link));
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(r.headers['cache-control']).toBe('no-store');
    const [set] = r.headers['set-cookie'] ?? [];
    expect(set).toMatch(new RegExp(`^${server.cookieName}=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/$`));
    // Every browser gets the same session secret; it is not the code.
    expect(set.split(';')[0]).toBe(cookie);
    expect(set).not.toContain(new URL(link).searchParams.get('code'));
  });

  it('takes each link exactly once (the printed one too; HEAD does not spend it)', async () => {
    const again = await get(pathOf(server.url));
    expect(again.status).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toMatch(/already used.*Press Enter in the terminal where `netplumb serve` runs/);
    const link = pathOf(server.signInUrl());
    expect((await get(link, { method: 'HEAD' })).status).toBe(204);
    const first = await get(link);
    expect(first.status).toBe(303);
    await connect({ cookie: sessionCookie(first) }).then((ws) => ws.close());
    expect((await get(link)).status).toBe(403);
  });

  it('refuses a made-up code and serves nothing without the cookie', async () => {
    for (const p of [`/login?code=${'ab'.repeat(16)}`, '/login?code=', '/login', '/login?token=x']) {
      const r = await get(p);
      expect(r.status).toBe(403);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const page = await get('/');
    expect(page.status).toBe(401);
    expect(page.body).toMatch(/not signed in.*new sign-in link/);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/', { cookie: `${server.cookieName}=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await get('/', { cookie: `other=1; ${cookie}` })).status).toBe(200);
  });
});

describe('API socket', () => {
  it('refuses a socket without the session cookie, or with a wrong one', async () => {
    await expect(connect({ cookie: '' })).rejects.toThrow(/refused 401/);
    await expect(connect({ cookie: `${server.cookieName}=${'f'.repeat(64)}` })).rejects.toThrow(
      /refused 401/,
    );
    // A sign-in code is not a way onto the socket: only the cookie is.
    await expect(
      connect({ cookie: '', path: `/api?code=${new URL(server.signInUrl()).searchParams.get('code')}` }),
    ).rejects.toThrow(/refused 401/);
  });

  it('refuses a foreign Origin and a foreign Host', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow(/refused 403/);
    await expect(connect({ origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow(/refused 403/);
    await expect(
      connect({ host: `rebound.example:${server.port}`, origin: `http://rebound.example:${server.port}` }),
    ).rejects.toThrow(/refused 421/);
  });

  it('answers contract calls, and refuses unknown channels and malformed requests in plain words', async () => {
    const ws = await connect();
    try {
      expect(await exchange(ws, JSON.stringify({ id: 1, channel: 'lab:list', request: {} }))).toEqual({
        id: 1,
        result: { ok: true, value: { labs: [] } },
      });
      expect(
        await exchange(ws, JSON.stringify({ id: 2, channel: 'shell:run', request: { argv: ['id'] } })),
      ).toEqual({
        id: 2,
        result: { ok: false, error: 'unknown request "shell:run": netplumb does not offer it' },
      });
      const bad = await exchange(
        ws,
        JSON.stringify({ id: 3, channel: 'lab:destroy', request: { lab: ['x'] } }),
      );
      expect(bad).toEqual({
        id: 3,
        result: { ok: false, error: expect.stringMatching(/^the lab:destroy request is malformed: "lab": /) },
      });
      expect(destroyed).toEqual([]);
      expect(await exchange(ws, 'not json')).toEqual({
        id: 0,
        result: { ok: false, error: 'the message is not valid JSON' },
      });
      expect(await exchange(ws, JSON.stringify({ id: 'x', channel: 'lab:list' }))).toEqual({
        id: 0,
        result: { ok: false, error: 'the message has no valid id' },
      });
      const file = await exchange(ws, JSON.stringify({ id: 4, channel: 'file:open', request: {} }));
      expect(file).toMatchObject({
        id: 4,
        result: { ok: false, error: expect.stringMatching(/desktop app/) },
      });
    } finally {
      ws.close();
    }
  });

  it('pushes apply:progress events before the answer', async () => {
    const ws = await connect();
    try {
      const got: unknown[] = [];
      const done = new Promise<void>((resolve) => {
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString());
          got.push(m);
          if ('id' in m) resolve();
        });
      });
      ws.send(JSON.stringify({ id: 7, channel: 'topology:apply', request: { topology: {} } }));
      await done;
      expect(got[0]).toEqual({
        event: 'apply:progress',
        payload: { lab: 'np', done: 1, total: 2, phase: 'apply', current: 'ip netns add x' },
      });
      expect(got[1]).toMatchObject({ id: 7, result: { ok: true } });
    } finally {
      ws.close();
    }
  });
});

describe('hostile messages (found in review)', () => {
  it('answers a message nested 20,000 levels deep with a refusal and keeps serving', async () => {
    const ws = await connect();
    try {
      const deep = '['.repeat(20_000) + ']'.repeat(20_000);
      const answer = await exchange(
        ws,
        `{"id":1,"channel":"topology:validate","request":{"topology":${deep}}}`,
      );
      expect(answer).toEqual({
        id: 0,
        result: { ok: false, error: expect.stringMatching(/nested more than 64 levels/) },
      });
      expect(await exchange(ws, JSON.stringify({ id: 2, channel: 'lab:list', request: {} }))).toEqual({
        id: 2,
        result: { ok: true, value: { labs: [] } },
      });
    } finally {
      ws.close();
    }
  });

  it('closes only the socket that sent a 10 MiB frame (1009) and keeps serving others', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send('x'.repeat(10 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const other = await connect();
    try {
      expect(
        await exchange(other, JSON.stringify({ id: 3, channel: 'lab:list', request: {} })),
      ).toMatchObject({ id: 3, result: { ok: true } });
    } finally {
      other.close();
    }
  });

  it('refuses a "__proto__" key and a binary frame in plain words', async () => {
    const ws = await connect();
    try {
      expect(
        await exchange(ws, '{"id":4,"channel":"lab:list","request":{"__proto__":{"polluted":1}}}'),
      ).toEqual({
        id: 0,
        result: { ok: false, error: 'the message has a key named "__proto__", which netplumb never uses' },
      });
      const bin = new Promise<Record<string, unknown>>((resolve) =>
        ws.once('message', (d) => resolve(JSON.parse(d.toString()))),
      );
      ws.send(Buffer.from('{"id":5}'), { binary: true });
      expect(await bin).toEqual({ id: 0, result: { ok: false, error: 'binary messages are not accepted' } });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      ws.close();
    }
  });
});

describe('odd request targets', () => {
  it.each(['http://[', 'http://[/api', '//', '/api?%zz'])(
    'answers an upgrade to %j without stopping',
    async (target) => {
      const reply = await new Promise<string>((resolve) => {
        const sock = net.connect(server.port, '127.0.0.1', () =>
          sock.write(
            `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${'A'.repeat(22)}==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${server.port}\r\nCookie: ${cookie}\r\n\r\n`,
          ),
        );
        let got = '';
        sock.on('data', (d) => (got += d.toString('latin1')));
        sock.on('close', () => resolve(got));
        sock.on('error', () => resolve(got));
        setTimeout(() => sock.destroy(), 2000);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 (400|404|101)/);
      expect((await get('/', { cookie })).status).toBe(200);
    },
  );
});

describe('odd plain requests', () => {
  /** A raw request line, as a client may send it (no URL checks on this side). */
  const raw = (target: string, withCookie: boolean) =>
    new Promise<string>((resolve) => {
      const sock = net.connect(server.port, '127.0.0.1', () =>
        sock.write(
          `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${withCookie ? `Cookie: ${cookie}\r\n` : ''}Connection: close\r\n\r\n`,
        ),
      );
      let got = '';
      sock.on('data', (d) => (got += d.toString('latin1')));
      sock.on('close', () => resolve(got));
      sock.on('error', () => resolve(got));
      setTimeout(() => sock.destroy(), 2000);
    });

  it.each([
    ['http://[', false],
    ['http://[', true],
    ['/captures/%E0%A4%A', true],
    ['/captures/%zz', true],
  ])('answers GET %j (cookie: %s) with 400 in words, and keeps serving', async (target, withCookie) => {
    const before = logged.length;
    const reply = await raw(target, withCookie);
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('bad request:');
    // Answered, not failed: nothing in the log (a failure logs its stack).
    expect(logged.slice(before)).toEqual([]);
    expect((await get('/', { cookie })).status).toBe(200);
  });
});

describe('capture downloads', () => {
  it('serves a saved capture to the signed-in page only, and nothing outside the capture directory', async () => {
    const caps = path.join(dir, 'captures');
    await mkdir(caps, { recursive: true });
    const pcap = Buffer.concat([Buffer.from('d4c3b2a1', 'hex'), Buffer.alloc(20)]);
    await writeFile(path.join(caps, 'lab1-l1-a-2026.pcap'), pcap);
    await symlink(path.join(dir, 'secret.txt'), path.join(caps, 'planted.pcap'));
    const before = process.env.NETPLUMB_CAPTURE_DIR;
    process.env.NETPLUMB_CAPTURE_DIR = caps;
    try {
      const r = await get('/captures/lab1-l1-a-2026.pcap', { cookie });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/vnd.tcpdump.pcap');
      expect(r.headers['content-disposition']).toBe('attachment; filename="lab1-l1-a-2026.pcap"');
      expect(r.headers['content-length']).toBe(String(pcap.length));
      // Without the session cookie: refused like every page file.
      expect((await get('/captures/lab1-l1-a-2026.pcap')).status).toBe(401);
      // A planted link, a path out of the directory, a name that is not a capture: not served.
      for (const p of [
        '/captures/planted.pcap',
        '/captures/..%2Fsecret.txt',
        '/captures/%2E%2E%2Fcaptures%2Flab1-l1-a-2026.pcap',
        '/captures/secret.txt',
        '/captures/missing.pcap',
      ]) {
        const x = await get(p, { cookie });
        expect(x.status, p).toBe(404);
        expect(x.body).not.toContain('do not serve');
      }
    } finally {
      if (before === undefined) delete process.env.NETPLUMB_CAPTURE_DIR;
      else process.env.NETPLUMB_CAPTURE_DIR = before;
    }
  });
});
