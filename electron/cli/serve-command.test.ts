import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingEngine } from '../kernel/test-support/hostile';
import { startServer } from './serve';
import { openInBrowser, parseServeFlags } from './serve-command';

describe('parseServeFlags', () => {
  it('reads --port and --open in both spellings', () => {
    expect(parseServeFlags([])).toEqual({ port: 0, open: false, help: false });
    expect(parseServeFlags(['--port', '8080', '--open'])).toEqual({ port: 8080, open: true, help: false });
    expect(parseServeFlags(['--port=9000'])).toEqual({ port: 9000, open: false, help: false });
  });
  it('refuses bad ports and unknown flags in plain words', () => {
    expect(() => parseServeFlags(['--port'])).toThrow(/needs a port number/);
    expect(() => parseServeFlags(['--port', '70000'])).toThrow(/needs a port number/);
    expect(() => parseServeFlags(['--port', 'abc'])).toThrow(/"abc"/);
    expect(() => parseServeFlags(['--host', '0.0.0.0'])).toThrow(/unknown option "--host"/);
  });
});

describe('--open', () => {
  it('puts a fresh one-time sign-in code on the command line (never the printed one)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'np-open-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html>');
    const server = await startServer({
      renderDir: dir,
      engine: recordingEngine().engine,
      examplesDir: dir,
      log: () => undefined,
    });
    try {
      const ran: string[][] = [];
      const argv = openInBrowser(
        server,
        (cmd, args) => (ran.push([cmd, ...args]), { on: () => undefined, unref: () => undefined }),
      );
      expect(ran).toEqual([argv]);
      expect(argv[0]).toBe('xdg-open');
      expect(argv[1]).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/login\\?code=[0-9a-f]{32}$`),
      );
      expect(argv[1]).not.toBe(server.url);
      // A second --open would get a different code.
      expect(openInBrowser(server, () => ({ on: () => undefined, unref: () => undefined }))[1]).not.toBe(
        argv[1],
      );
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
