/**
 * Story: a user opens the URL `netplumb serve` printed. The browser signs in
 * (an HttpOnly, SameSite=Strict cookie) and lands on a clean address; the
 * token is not in the address bar, and the page's scripts cannot read the
 * cookie. A one-time `--open` link works once; a second browser that reuses
 * it, or opens the page without signing in, is told how to sign in instead.
 */
import { test, expect } from '../fixtures/test';

test('signing in with the printed URL leaves no token in the address, and a one-time link works once', async ({ app, server, playwright, launchOptions }, testInfo) => {
  test.skip(testInfo.project.name !== 'browser', 'browser mode only: the desktop app has no sign-in');
  const base = `http://127.0.0.1:${server!.port}`;

  await test.step('the printed URL ends on a clean address with an HttpOnly, SameSite=Strict session cookie', async () => {
    expect(app.page.url()).toBe(`${base}/`);
    const cookies = await app.page.context().cookies(base);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: server!.cookieName, httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookies[0].value).not.toBe(server!.token);
    expect(await app.page.evaluate(() => document.cookie)).toBe('');
    const history = await app.page.evaluate(() => location.href + document.referrer);
    expect(history).not.toContain(server!.token);
  });

  await test.step('after a reload the page talks to netplumb over a socket whose URL holds no secret', async () => {
    const opened = app.page.waitForEvent('websocket');
    await app.page.reload();
    const ws = await opened;
    expect(ws.url()).toBe(`ws://127.0.0.1:${server!.port}/api`);
    const answer = await ws.waitForEvent('framereceived', { predicate: (f) => typeof f.payload === 'string' && f.payload.includes('"ok":true') });
    expect(String(answer.payload)).not.toContain(server!.token);
    await app.ready();
    await expect(app.page.getByText(/reconnecting/i)).toHaveCount(0);
  });

  const browser = await playwright.chromium.launch({ ...launchOptions, headless: true });
  try {
    await test.step('a one-time link signs in a fresh browser once; reused, it is refused', async () => {
      const once = server!.oneTimeUrl();
      const first = await (await browser.newContext()).newPage();
      await first.goto(once);
      expect(first.url()).toBe(`${base}/`);
      await expect(first.locator('.react-flow')).toBeVisible();

      const second = await (await browser.newContext()).newPage();
      const refused = await second.goto(once);
      expect(refused?.status()).toBe(403);
      await expect(second.locator('body')).toContainText('already used or has expired');
    });

    await test.step('a browser that never signed in is told how to, and gets no page', async () => {
      const page = await (await browser.newContext()).newPage();
      const r = await page.goto(`${base}/`);
      expect(r?.status()).toBe(401);
      await expect(page.locator('body')).toContainText('not signed in');
      await expect(page.locator('.react-flow')).toHaveCount(0);
    });
  } finally {
    await browser.close();
  }
});
