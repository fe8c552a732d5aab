/**
 * Story: a teacher builds a 50-node ring (25 namespaces around 25 routers)
 * with Generate…, presses Auto layout and gets a circle that fits the
 * screen with readable names; then drops two nodes side by side and joins
 * them from the right side of one to the left side of the other: the link
 * runs straight across between them, and a delay set on it shows on it.
 */
import { test, expect } from '../fixtures/test';

test('a 50-node ring auto-lays out as a circle; side-by-side nodes connect straight across', async ({
  app,
}) => {
  const { page } = app;

  await test.step('generate a ring of 25 namespaces around routers, then Auto layout', async () => {
    await app.button('Generate…').click();
    const dialog = page.getByRole('dialog', { name: 'Generate a shape' });
    await dialog.getByLabel('Shape').selectOption('ring');
    await dialog.getByLabel('Around').selectOption('router');
    await dialog.getByLabel('Number of namespaces').fill('25');
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await expect(page.locator('[data-testid^="node-"]')).toHaveCount(50);
    await app.button('Auto layout').click();
    await app.viewportSettled();
    await app.snap('ring-fit-to-screen');
  });

  await test.step('the routers sit on a circle, every namespace outside it', async () => {
    const boxes = await page.locator('.react-flow__node').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return {
          kind: e.getAttribute('data-testid') ?? '',
          router: !!e.querySelector('.np-node--router'),
          x: r.x + r.width / 2,
          y: r.y + r.height / 2,
        };
      }),
    );
    const routers = boxes.filter((b) => b.router);
    const hosts = boxes.filter((b) => !b.router);
    expect(routers).toHaveLength(25);
    const mid = {
      x: routers.reduce((a, b) => a + b.x, 0) / 25,
      y: routers.reduce((a, b) => a + b.y, 0) / 25,
    };
    const rs = routers.map((b) => Math.hypot(b.x - mid.x, b.y - mid.y));
    const r = rs.reduce((a, b) => a + b, 0) / rs.length;
    expect(Math.max(...rs.map((x) => Math.abs(x - r))) / r).toBeLessThan(0.05);
    expect(Math.min(...hosts.map((b) => Math.hypot(b.x - mid.x, b.y - mid.y)))).toBeGreaterThan(r * 1.05);
    // Names stay readable at fit-to-screen.
    const size = await page
      .locator('.np-node__name')
      .first()
      .evaluate((e) => e.getBoundingClientRect().height);
    expect(size).toBeGreaterThanOrEqual(9);
  });

  await test.step('two nodes side by side, joined right side to left side: the link runs straight across', async () => {
    await app.button('New').click();
    // The generated ring is unsaved: New asks first (waited for, not merely looked for).
    await page
      .getByRole('dialog', { name: 'Unsaved changes' })
      .getByRole('button', { name: 'Discard changes' })
      .click();
    const a = await app.dragFromPalette('Namespace', { x: 200, y: 250 });
    const b = await app.dragFromPalette('Namespace', { x: 520, y: 250 });
    const src = await page.getByTestId(`handle-${a}-right`).boundingBox();
    const dst = await page.getByTestId(`handle-${b}-left`).boundingBox();
    if (!src || !dst) throw new Error('side handles are not visible');
    await page.mouse.move(src.x + src.width / 2, src.y + src.height / 2);
    await page.mouse.down();
    await page.mouse.move(dst.x + dst.width / 2, dst.y + dst.height / 2, { steps: 10 });
    await page.mouse.up();
    // (A horizontal line has no height: Playwright would call it hidden, so count it instead.)
    const edge = page.locator('[data-testid^="edge-"] path.react-flow__edge-path');
    await expect(edge).toHaveCount(1);
    const box = await edge.first().boundingBox();
    const na = await app.node(a).boundingBox();
    const nb = await app.node(b).boundingBox();
    // Horizontal (a few pixels high at most), and between the two boxes rather than behind them.
    expect(box!.height).toBeLessThan(8);
    expect(box!.x).toBeGreaterThanOrEqual(na!.x + na!.width - 4);
    expect(box!.x + box!.width).toBeLessThanOrEqual(nb!.x + 4);
    // Link emulation set on the link shows on the link.
    await app.inspector.getByText('Link emulation (netem)').first().click();
    await app.setField('Delay (ms)', '50');
    await expect(page.locator('[data-testid^="edge-netem-"]')).toHaveText(/^eth0: 50 ms$/);
    await app.snap('side-by-side');
  });
});
