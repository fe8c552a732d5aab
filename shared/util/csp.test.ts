import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { pageCsp, pageMetaCsp } from './csp';

describe('pageCsp', () => {
  it('packaged page: only itself, no inline script, cannot be framed', () => {
    const csp = pageCsp().split('; ');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp.join('; ')).not.toMatch(/unsafe|https?:|ws:/);
  });

  it('browser mode differs only in the WebSocket it connects back to', () => {
    const app = pageCsp().split('; ');
    const browser = pageCsp({ connect: ['ws://127.0.0.1:4321'] }).split('; ');
    expect(browser.filter((d) => !app.includes(d))).toEqual(["connect-src 'self' ws://127.0.0.1:4321"]);
    expect(app.filter((d) => !browser.includes(d))).toEqual(["connect-src 'self'"]);
  });

  it('development allows the dev server, its websocket and inline preamble, nothing else remote', () => {
    const csp = pageCsp({ devServerUrl: 'http://localhost:5173' });
    expect(csp).toContain("script-src 'self' 'unsafe-inline' http://localhost:5173");
    expect(csp).toContain('ws://localhost:5173');
    expect(csp.match(/https?:\/\/[^\s;]+/g)!.every((u) => u === 'http://localhost:5173')).toBe(true);
  });

  it("the page's meta copy is the same policy with the WebSocket back to its server, without frame-ancestors", () => {
    const meta = pageMetaCsp().split('; ');
    const header = pageCsp({ connect: ['ws:', 'wss:'] }).split('; ');
    expect(header.filter((d) => !meta.includes(d))).toEqual(["frame-ancestors 'none'"]);
    expect(meta.filter((d) => !header.includes(d))).toEqual([]);
    expect(meta).toContain("connect-src 'self' ws: wss:");
  });

  it('index.html holds a placeholder the build fills, not a second copy of the policy', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    expect(html).toContain('content="%NETPLUMB_CSP%"');
    expect(html).not.toMatch(/default-src/);
    const vite = readFileSync(new URL('../../renderer/vite.config.ts', import.meta.url), 'utf8');
    expect(vite).toMatch(/replace\('%NETPLUMB_CSP%', pageMetaCsp\(\)\)/);
  });
});
