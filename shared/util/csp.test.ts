import { describe, expect, it } from 'vitest';
import { pageCsp } from './csp';

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
});
