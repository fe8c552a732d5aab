/**
 * Story: level of detail. Zoomed far out (below 0.5) the canvas draws each
 * node as a plain box with its name and each link as a bare line (no icons,
 * addresses or interface names, all links in one layer of lines, and a
 * second for a dragged node's links while it moves); a link can still be
 * drawn from a node's side handle, which shows under the mouse; zoomed back
 * in, everything is drawn again as before.
 */
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures/test';

const zoomOf = async (page: Page) =>
  Number(
    /scale\(([\d.e-]+)\)/.exec(
      (await page.locator('.react-flow__viewport').getAttribute('style')) ?? '',
    )?.[1] ?? NaN,
  );

test('zoomed far out the canvas draws simple nodes and bare links, and links can still be drawn', async ({
  app,
}) => {
  const { page } = app;
  const nodes = page.locator('.react-flow__nodes');
  const ifnames = page.locator('.react-flow__edges .np-edge__if');
  let a = '';
  let b = '';
  let c = '';

  await test.step('at zoom 1: three nodes, one link with its interface names', async () => {
    a = await app.dragFromPalette('Namespace', { x: 200, y: 150 });
    b = await app.dragFromPalette('Namespace', { x: 520, y: 150 });
    c = await app.dragFromPalette('Router', { x: 360, y: 400 });
    await app.connect(a, b);
    expect(await zoomOf(page)).toBeCloseTo(1, 5);
    await expect(nodes.locator('.np-icon')).toHaveCount(3);
    await expect(ifnames).toHaveCount(2);
    await expect(nodes.locator('.np-node--simple')).toHaveCount(0);
  });

  await test.step('zoomed out below 0.5: plain boxes with names, bare lines', async () => {
    while ((await zoomOf(page)) >= 0.5) {
      await page.getByRole('button', { name: 'Zoom Out' }).click();
      await app.viewportSettled();
    }
    await expect(nodes.locator('.np-node--simple')).toHaveCount(3);
    await expect(nodes.locator('.np-icon')).toHaveCount(0);
    await expect(nodes.locator('.np-node__addrs')).toHaveCount(0);
    await expect(ifnames).toHaveCount(0);
    // Links are drawn by one layer of lines, not as React Flow edges.
    await expect(page.locator('[data-testid^="edge-"]')).toHaveCount(0);
    await expect(page.getByTestId('far-links').locator('path')).toHaveCount(1);
    await expect(page.getByTestId(`node-${a}`)).toContainText(/\S/);
    await expect(page.getByTestId(`handle-${b}-bottom`)).toHaveCount(0);
    await app.snap('zoomed-out');
  });

  await test.step('a node dragged there takes its line along, drawn apart while it moves', async () => {
    const still = page.getByTestId('far-links');
    const moving = page.getByTestId('far-links-moving');
    const before = await still.locator('path').getAttribute('d');
    const box = (await page.getByTestId(`node-${a}`).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 30, { steps: 8 });
    // While it moves: its link in the second layer, none left in the first (a's only link is to b).
    await expect(moving.locator('path')).toHaveCount(1);
    await expect(still.locator('path')).toHaveCount(0);
    await page.mouse.up();
    // Once it has settled: one layer again, with the line from where the node now is.
    await expect(moving).toHaveCount(0);
    await expect(still.locator('path')).toHaveCount(1);
    expect(await still.locator('path').getAttribute('d')).not.toBe(before);
  });

  await test.step('a link drawn from a side handle there (it shows under the mouse)', async () => {
    await page.getByTestId(`node-${b}`).hover();
    const from = page.getByTestId(`handle-${b}-bottom`);
    await expect(from).toBeVisible();
    const p = (await from.boundingBox())!;
    await page.mouse.move(p.x + p.width / 2, p.y + p.height / 2);
    await page.mouse.down();
    const q = (await page.getByTestId(`node-${c}`).boundingBox())!;
    await page.mouse.move(q.x + q.width / 2, q.y + q.height / 2 - 6, { steps: 10 });
    const to = page.getByTestId(`handle-${c}-top`);
    await expect(to).toBeVisible();
    const t = (await to.boundingBox())!;
    await page.mouse.move(t.x + t.width / 2, t.y + t.height / 2, { steps: 4 });
    await page.mouse.up();
    // The new link is selected: drawn as a second path, in the selection's colour.
    await expect(page.getByTestId('far-links').locator('.np-edge.is-selected path')).toHaveCount(1);
  });

  await test.step('zoomed back in: icons and interface names again', async () => {
    while ((await zoomOf(page)) < 0.5) {
      await page.getByRole('button', { name: 'Zoom In' }).click();
      await app.viewportSettled();
    }
    await expect(nodes.locator('.np-node--simple')).toHaveCount(0);
    await expect(nodes.locator('.np-icon')).toHaveCount(3);
    await expect(ifnames).toHaveCount(4);
    await expect.poll(async () => (await app.edgeIds()).length).toBe(2);
    await expect(page.getByTestId('far-links')).toHaveCount(0);
    await expect(page.getByTestId(`handle-${b}-bottom`)).toHaveCount(1);
  });
});
