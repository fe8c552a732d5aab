/**
 * app://netplumb serves only the built page's files: the protocol handler
 * with Electron's `protocol` replaced by a recorder.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

let handler: ((req: Request) => Promise<Response>) | undefined;
vi.mock('electron', () => ({
  protocol: {
    handle: (_scheme: string, fn: (req: Request) => Promise<Response>) => (handler = fn),
    registerSchemesAsPrivileged: () => undefined,
  },
}));
const { handleAppProtocol } = await import('./app-protocol');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'np-appproto-'));
  await mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html>');
  await writeFile(path.join(dir, 'renderer', 'assets', 'a.js'), 'x');
  await writeFile(path.join(dir, 'secret.txt'), 'secret');
  handleAppProtocol(path.join(dir, 'renderer'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => handler!(new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves the page with its MIME type and CSP', async () => {
    const r = await get('app://netplumb/index.html');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await get('app://netplumb/assets/a.js')).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    );
  });

  it.each([
    'app://netplumb/..%2fsecret.txt',
    'app://netplumb/assets/..%2f..%2fsecret.txt',
    'app://netplumb/%2e%2e%2fsecret.txt',
    'app://other/index.html',
    'app://netplumb/missing.js',
  ])('refuses %s', async (url) => {
    const r = await get(url);
    expect(r.status).toBe(404);
  });

  it('refuses anything but GET', async () => {
    expect((await get('app://netplumb/index.html', 'POST')).status).toBe(404);
  });
});
