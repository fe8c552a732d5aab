/**
 * Story: a visitor tries netplumb without a kernel side (the demo, `?fake=1`).
 * The demo runs the real planner on a simulated kernel, so it behaves like the
 * real thing: the plan of a new lab lists the engine's commands, Apply does not
 * ask about a lab that is not running yet, Status is in sync afterwards, an
 * edit plans only its difference, and Destroy leaves nothing applied. The
 * host's kernel is never touched.
 */
import { test, expect } from '../fixtures/test';
import { netnsNames } from '../fixtures/kernel';

test('the demo plans, applies, follows edits and destroys like the kernel side, touching no kernel', async ({
  app,
  names,
}) => {
  test.skip(
    test.info().project.name !== 'browser',
    'the demo is the page without a kernel side (browser mode)',
  );
  let ns1 = '';
  let ns2 = '';
  let br = '';

  await test.step('open the page in demo mode', async () => {
    await app.page.goto(`${new URL(app.page.url()).origin}/?fake=1`);
    await app.ready();
    await expect(app.page.getByRole('region', { name: 'Notices' })).toContainText(/demo mode/i);
  });

  await test.step('draw two namespaces on a bridge, with addresses', async () => {
    await app.setLabName(names.lab);
    ns1 = await app.dragFromPalette('Namespace', { x: 250, y: 150 });
    ns2 = await app.dragFromPalette('Namespace', { x: 650, y: 150 });
    br = await app.dragFromPalette('Bridge', { x: 450, y: 420 });
    for (const [id, name] of [
      [ns1, names.ns1],
      [ns2, names.ns2],
      [br, names.bridge],
    ] as const) {
      await app.select(id);
      await app.setField('Name', name);
    }
    await app.connect(ns1, br);
    await app.connect(ns2, br);
    await app.select(ns1);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.1/24');
    await app.select(ns2);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.2/24');
    await expect(app.node(ns2)).toContainText('10.0.0.2/24');
  });

  await test.step("Plan lists the engine's commands", async () => {
    const dialog = await app.plan();
    await expect(dialog).toContainText(`ip netns add ${names.ns1}`);
    await expect(dialog).toContainText(`ip -n ${names.ns2} address add 10.0.0.2/24 dev eth0`);
    await expect(dialog).toContainText(`ip link add name ${names.bridge} type bridge`);
    await app.closeDialog();
  });

  await test.step('Apply a new lab without being asked, and Status is in sync', async () => {
    const dialog = await app.apply({ confirm: false });
    await expect(dialog.getByRole('button', { name: /^Apply and change lab/ })).toHaveCount(0);
    await expect(dialog).not.toContainText(/rolled back|failed/i);
    await app.closeDialog();
    expect(await app.status([ns1, ns2, br])).toEqual(['in sync', 'in sync', 'in sync']);
    // Nothing reached this machine's kernel.
    expect(netnsNames()).not.toContain(names.ns1);
  });

  await test.step('an edit plans only its difference', async () => {
    await app.select(ns2);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.3/24');
    await expect(app.page.getByTestId(`live-${ns2}`)).not.toHaveText('in sync');
    const dialog = await app.plan();
    await expect(dialog).toContainText(`ip -n ${names.ns2} address add 10.0.0.3/24 dev eth0`);
    await expect(dialog).not.toContainText('netns add');
    await expect(dialog).not.toContainText(names.ns1);
    await app.closeDialog();
    const applied = await app.apply();
    await expect(applied).not.toContainText(/rolled back|failed/i);
    await app.closeDialog();
    await expect(app.page.getByTestId(`live-${ns2}`)).toHaveText('in sync');
    const again = await app.plan();
    await expect(again).toContainText('Nothing to do: the kernel already matches the drawing.');
    await app.closeDialog();
  });

  await test.step('Destroy leaves nothing applied', async () => {
    await app.destroy();
    await app.closeDialog();
    await expect(app.page.getByTestId(`live-${ns1}`)).toHaveText('not applied');
    const dialog = await app.plan();
    await expect(dialog).toContainText(`ip netns add ${names.ns1}`);
    await app.closeDialog();
  });
});
