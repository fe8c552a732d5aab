/**
 * Story: a user opens the sign-in link `netplumb serve` printed. The browser
 * signs in (an HttpOnly, SameSite=Strict cookie) and lands on a clean
 * address: the link's code is not in the address bar, and the page's scripts
 * cannot read the cookie. Each link works once: a second browser that reuses
 * it, or opens the page without signing in, is told how to get a new one.
 */
import { test, expect } from '../fixtures/test';

test('signing in with a one-time link leaves no secret in the address, and a reused link is refused', async ({
  app,
  server,
  playwright,
  launchOptions,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'browser', 'browser mode only: the desktop app has no sign-in');
  const base = `http://127.0.0.1:${server!.port}`;

  await test.step('after sign-in the address is clean and the session cookie is HttpOnly and SameSite=Strict', async () => {
    expect(app.page.url()).toBe(`${base}/`);
    const cookies = await app.page.context().cookies(base);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: server!.cookieName,
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(await app.page.evaluate(() => document.cookie)).toBe('');
    expect(await app.page.evaluate(() => location.search + location.hash + document.referrer)).toBe('');
  });

  await test.step('after a reload the page talks to netplumb over a socket whose URL holds no secret', async () => {
    const opened = app.page.waitForEvent('websocket');
    await app.page.reload();
    const ws = await opened;
    expect(ws.url()).toBe(`ws://127.0.0.1:${server!.port}/api`);
    await ws.waitForEvent('framereceived', {
      predicate: (f) => typeof f.payload === 'string' && f.payload.includes('"ok":true'),
    });
    await app.ready();
    await expect(app.page.getByText(/reconnecting/i)).toHaveCount(0);
  });

  const browser = await playwright.chromium.launch({ ...launchOptions, headless: true });
  try {
    await test.step('a link signs in a fresh browser once; reused in another browser, it is refused', async () => {
      const link = server!.signInUrl();
      const first = await (await browser.newContext()).newPage();
      await first.goto(link);
      expect(first.url()).toBe(`${base}/`);
      await expect(first.locator('.react-flow')).toBeVisible();

      const second = await (await browser.newContext()).newPage();
      const refused = await second.goto(link);
      expect(refused?.status()).toBe(403);
      await expect(second.locator('body')).toContainText('already used');
      expect(await second.context().cookies(base)).toEqual([]);
    });

    await test.step('a browser that never signed in is told how to, and gets no page', async () => {
      const page = await (await browser.newContext()).newPage();
      const r = await page.goto(`${base}/`);
      expect(r?.status()).toBe(401);
      await expect(page.locator('body')).toContainText('new sign-in link');
      await expect(page.locator('.react-flow')).toHaveCount(0);
    });
  } finally {
    await browser.close();
  }
});
