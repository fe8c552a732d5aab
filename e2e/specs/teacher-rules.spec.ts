/**
 * Story: a teacher prepares an address-conflict demonstration. Two hosts on
 * one bridge get the same address: both are flagged with a warning (not an
 * error, since the kernel allows it), Apply stays possible, and the messages
 * name the links by what the teacher sees (ns1:eth0 — br0:br0-p1), never
 * by internal ids. Dragging a node's link back onto itself says why not.
 */
import { test, expect } from '../fixtures/test';

test('duplicate addresses are a warning on both hosts, messages name links by their ends, a self-link says why not', async ({
  app,
}) => {
  const { page } = app;
  let ns1 = '';
  let ns2 = '';
  let br = '';

  await test.step('two namespaces on a bridge', async () => {
    ns1 = await app.dragFromPalette('Namespace', { x: 200, y: 120 });
    ns2 = await app.dragFromPalette('Namespace', { x: 600, y: 120 });
    br = await app.dragFromPalette('Bridge', { x: 400, y: 400 });
    await app.connect(ns1, br);
    await app.connect(ns2, br);
  });

  await test.step('give both the same address: a warning on each, naming the other by its ends', async () => {
    await app.select(ns1);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.7/24');
    await app.select(ns2);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.7/24');
    await expect(app.node(ns1)).toHaveClass(/has-warning/);
    await expect(app.node(ns2)).toHaveClass(/has-warning/);
    await expect(app.node(ns1)).not.toHaveClass(/has-error/);
    const problems = app.problems;
    await expect(problems).toContainText('0 errors');
    await expect(problems).toContainText(`Link ${ns1}:eth0 — ${br}:${br}-p1`);
    await expect(problems).toContainText(`is also on interface "eth0" of link ${ns2}:eth0 — ${br}:${br}-p2`);
    await expect(problems).not.toContainText(/Link "l\d+"/);
    await expect(app.button('Apply')).toBeEnabled();
    await app.snap('address-conflict-warnings');
  });

  await test.step('a link dragged from a node back onto itself is refused with the reason', async () => {
    const src = await page.getByTestId(`handle-${ns1}-bottom`).boundingBox();
    const dst = await page.getByTestId(`handle-${ns1}-top`).boundingBox();
    if (!src || !dst) throw new Error('handles not visible');
    const before = (await app.edgeIds()).length;
    await page.mouse.move(src.x + src.width / 2, src.y + src.height / 2);
    await page.mouse.down();
    await page.mouse.move(src.x + 60, src.y + 60, { steps: 6 });
    await page.mouse.move(dst.x + dst.width / 2, dst.y + dst.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect(page.getByRole('alert').filter({ hasText: 'cannot be linked to itself' })).toBeVisible();
    expect(await app.edgeIds()).toHaveLength(before);
    await app.snap('self-link-refused');
  });
});
