/**
 * Story: a student opens the VXLAN overlay lesson. The overlay link h1–h2 is
 * drawn dashed with its VNI as a label; selecting it, the Inspector shows its
 * kind (VXLAN link), VNI, UDP port and each VTEP's local address; a change of
 * VNI shows on the edge. An underlay link turned into VXLAN gets the VXLAN
 * fields, and turned back into a veth pair loses them. Link emulation on the
 * overlay is drawn clear of the VNI label.
 */
import { test, expect } from '../fixtures/test';

test('the VXLAN lesson: a dashed edge labelled with its VNI; the Inspector edits a link as VXLAN', async ({
  app,
}) => {
  const { page } = app;
  const edge = (id: string) => page.getByTestId(`edge-${id}`);
  const selectEdge = async (id: string) => {
    const box = await edge(id).locator('path.react-flow__edge-path').boundingBox();
    if (!box) throw new Error(`edge ${id} not visible`);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect(edge(id)).toHaveClass(/is-selected/);
  };

  await test.step('open the lesson: the overlay edge is dashed and says VNI 42', async () => {
    await app.button('Lessons…').click();
    await page
      .getByRole('dialog', { name: 'New from lesson' })
      .getByRole('button', { name: 'An overlay over a routed underlay', exact: true })
      .click();
    await app.discardIfAsked();
    await expect(app.node('h1')).toBeVisible();
    await app.viewportSettled();
    await expect(edge('overlay')).toHaveClass(/np-link--vxlan/);
    await expect(edge('overlay').locator('.np-edge__kind')).toHaveText('VNI 42');
    const dash = await edge('overlay')
      .locator('path.react-flow__edge-path')
      .evaluate((e) => getComputedStyle(e).strokeDasharray);
    expect(dash).toMatch(/^6(px)?,? 4(px)?$/);
    await expect(edge('left')).not.toHaveClass(/np-link--vxlan/);
  });

  await test.step('select it: the Inspector shows kind, VNI, port and the VTEP addresses; a new VNI shows on the edge', async () => {
    await selectEdge('overlay');
    await expect(app.field('Kind')).toHaveValue('vxlan');
    await expect(app.field('VNI')).toHaveValue('42');
    await expect(app.field('UDP port')).toHaveValue('4789');
    await expect(app.field('Local address', 0)).toHaveValue('10.0.1.1');
    await expect(app.field('Local address', 1)).toHaveValue('10.0.2.1');
    await app.setField('VNI', '100');
    await expect(edge('overlay').locator('.np-edge__kind')).toHaveText('VNI 100');
    await expect(app.problems).toContainText('No problems');
    await app.snap('vxlan-lesson-selected');
  });

  await test.step('link emulation on the overlay: its text and the VNI label do not overlap at the midpoint', async () => {
    await app.inspector.getByText('Link emulation (netem)').first().click();
    await app.setField('Delay (ms)', '20');
    const netem = page.getByTestId('edge-netem-overlay');
    await expect(netem).toHaveText(/20 ms/);
    const label = edge('overlay').locator('.np-edge__kind');
    const [a, b] = [await label.boundingBox(), await netem.boundingBox()];
    if (!a || !b) throw new Error('the VNI label or the netem text is not drawn');
    const apart =
      a.y + a.height <= b.y || b.y + b.height <= a.y || a.x + a.width <= b.x || b.x + b.width <= a.x;
    expect(apart, `VNI label ${JSON.stringify(a)} and netem ${JSON.stringify(b)}`).toBe(true);
    await app.snap('vxlan-vni-and-netem');
  });

  await test.step('turn an underlay link into VXLAN and back', async () => {
    await selectEdge('left');
    await expect(app.field('Kind')).toHaveValue('veth');
    await expect(app.field('VNI')).toHaveCount(0);
    await app.field('Kind').selectOption('vxlan');
    await expect(edge('left')).toHaveClass(/np-link--vxlan/);
    await expect(app.field('VNI')).toBeVisible();
    await app.field('Kind').selectOption('veth');
    await expect(app.field('VNI')).toHaveCount(0);
    await expect(edge('left')).not.toHaveClass(/np-link--vxlan/);
  });
});
