import { describe, expect, it } from 'vitest';
import { appCsp, isAppUrl, windowTitle } from './policy';

describe('isAppUrl', () => {
  it('accepts only our own page', () => {
    expect(isAppUrl('app://netplumb/index.html')).toBe(true);
    expect(isAppUrl('app://netplumb/assets/x.js')).toBe(true);
    for (const u of [
      'app://evil/index.html',
      'app://netplumb.evil/',
      'app://user@netplumb/',
      'file:///etc/passwd',
      'https://example.com/',
      'data:text/html,x',
      'about:blank',
      '',
      'not a url',
      'http://localhost:5173/',
    ]) {
      expect(isAppUrl(u), u).toBe(false);
    }
  });
  it('accepts the dev server only when one is given, and only its origin', () => {
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', 'http://localhost:5173')).toBe(false);
  });
});

describe('appCsp', () => {
  it('packaged: no inline script, no remote origin', () => {
    const csp = appCsp();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(csp).not.toMatch(/https?:/);
  });
  it('development: allows the dev server only', () => {
    expect(appCsp('http://localhost:5173')).toContain('ws://localhost:5173');
  });
});

describe('windowTitle', () => {
  it('shows the file name and the unsaved marker', () => {
    expect(windowTitle(null, false)).toBe('Untitled — netplumb');
    expect(windowTitle('lab.yaml', true)).toBe('● lab.yaml (unsaved) — netplumb');
  });
});
