import http from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Engine } from '../kernel/engine-facade';
import { startServer, type RunningServer } from './serve';

let dir: string;
let server: RunningServer;
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
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'np-serve-'));
  const renderDir = path.join(dir, 'renderer');
  await mkdir(path.join(renderDir, 'assets'), { recursive: true });
  await writeFile(path.join(renderDir, 'index.html'), '<!doctype html><title>netplumb</title>');
  await writeFile(path.join(renderDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(renderDir, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(dir, 'secret.txt'), 'do not serve');
  server = await startServer({ renderDir, engine, examplesDir: path.join(dir, 'none'), log: () => undefined });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A raw GET (no client-side path normalisation), optionally with another Host. */
function get(rawPath: string, hostHeader?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, headers: hostHeader ? { Host: hostHeader } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

/** Opens the API socket; resolves with it, or rejects with the HTTP status of the refusal. */
function connect(opts: { token?: string; origin?: string; host?: string } = {}): Promise<WebSocket> {
  const token = opts.token ?? server.token;
  const origin = opts.origin ?? `http://127.0.0.1:${server.port}`;
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${encodeURIComponent(token)}`, {
    origin,
    headers: opts.host ? { Host: opts.host } : {},
  });
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
  it('serves the page on its token URL with a CSP and the right MIME types', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{48}$`));
    const page = await get(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/assets/missing.js')).status).toBe(404);
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
    const r = await get(p);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('do not serve');
  });

  it('refuses a non-loopback Host header (DNS rebinding)', async () => {
    const r = await get('/', `evil.example:${server.port}`);
    expect(r.status).toBe(421);
    expect((await get('/', `localhost:${server.port}`)).status).toBe(200);
  });
});

describe('API socket', () => {
  it('refuses a missing or wrong token', async () => {
    await expect(connect({ token: '' })).rejects.toThrow(/refused 401/);
    await expect(connect({ token: server.token.slice(0, -1) + (server.token.endsWith('0') ? '1' : '0') })).rejects.toThrow(/refused 401/);
  });

  it('refuses a foreign Origin and a foreign Host', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow(/refused 403/);
    await expect(connect({ origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow(/refused 403/);
    await expect(connect({ host: `rebound.example:${server.port}`, origin: `http://rebound.example:${server.port}` })).rejects.toThrow(/refused 421/);
  });

  it('answers contract calls, and refuses unknown channels and malformed requests in plain words', async () => {
    const ws = await connect();
    try {
      expect(await exchange(ws, JSON.stringify({ id: 1, channel: 'lab:list', request: {} }))).toEqual({ id: 1, result: { ok: true, value: { labs: [] } } });
      expect(await exchange(ws, JSON.stringify({ id: 2, channel: 'shell:run', request: { argv: ['id'] } }))).toEqual({
        id: 2,
        result: { ok: false, error: 'unknown request "shell:run": netplumb does not offer it' },
      });
      const bad = await exchange(ws, JSON.stringify({ id: 3, channel: 'lab:destroy', request: { lab: ['x'] } }));
      expect(bad).toEqual({ id: 3, result: { ok: false, error: expect.stringMatching(/^the lab:destroy request is malformed: "lab": /) } });
      expect(destroyed).toEqual([]);
      expect(await exchange(ws, 'not json')).toEqual({ id: 0, result: { ok: false, error: 'the message is not valid JSON' } });
      expect(await exchange(ws, JSON.stringify({ id: 'x', channel: 'lab:list' }))).toEqual({ id: 0, result: { ok: false, error: 'the message has no valid id' } });
      const file = await exchange(ws, JSON.stringify({ id: 4, channel: 'file:open', request: {} }));
      expect(file).toMatchObject({ id: 4, result: { ok: false, error: expect.stringMatching(/desktop app/) } });
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
      expect(got[0]).toEqual({ event: 'apply:progress', payload: { lab: 'np', done: 1, total: 2, phase: 'apply', current: 'ip netns add x' } });
      expect(got[1]).toMatchObject({ id: 7, result: { ok: true } });
    } finally {
      ws.close();
    }
  });
});
