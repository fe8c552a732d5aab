/**
 * Story: a newcomer draws the classic lab with the mouse (two namespaces on
 * a bridge), plans and applies it, and the kernel really has it: addresses
 * seen with `ip -j`, a ping from the first namespace to the second. Status
 * says in sync; Undo/Redo work; the lab survives Save, reload and Open; and
 * Destroy leaves nothing behind.
 */
import { readFileSync } from 'node:fs';
import { test, expect } from '../fixtures/test';
import { addressesIn, netnsNames, pingFrom, rootLinkExists } from '../fixtures/kernel';

test('the classic lab drawn with the mouse is applied to the kernel, saved, reopened and destroyed', async ({
  app,
  names,
}) => {
  let ns1 = '';
  let ns2 = '';
  let br = '';

  await test.step('name the lab', async () => {
    await app.setLabName(names.lab);
    await expect(app.field('Lab name')).toHaveValue(names.lab);
  });

  await test.step('drag Namespace, Namespace and Bridge from the palette onto the canvas', async () => {
    ns1 = await app.dragFromPalette('Namespace', { x: 250, y: 150 });
    ns2 = await app.dragFromPalette('Namespace', { x: 650, y: 150 });
    br = await app.dragFromPalette('Bridge', { x: 450, y: 420 });
    expect(new Set([ns1, ns2, br]).size).toBe(3);
    await app.snap('three-nodes');
  });

  await test.step('give them unique names in the Inspector', async () => {
    for (const [id, name] of [
      [ns1, names.ns1],
      [ns2, names.ns2],
      [br, names.bridge],
    ] as const) {
      await app.select(id);
      await app.setField('Name', name);
      await expect(app.node(id)).toContainText(name);
    }
  });

  await test.step('connect each namespace to the bridge by dragging between handles', async () => {
    await app.connect(ns1, br);
    await app.connect(ns2, br);
    expect(await app.edgeIds()).toHaveLength(2);
    await app.snap('connected');
  });

  await test.step('set 10.0.0.1/24 and 10.0.0.2/24 in the Inspector', async () => {
    await app.select(ns1);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.1/24');
    await app.select(ns2);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.2/24');
    await expect(app.node(ns1)).toContainText('10.0.0.1/24');
    await expect(app.node(ns2)).toContainText('10.0.0.2/24');
    await expect(app.button('Apply')).toBeEnabled();
    await app.snap('addressed');
  });

  await test.step('Plan shows the exact commands', async () => {
    const dialog = await app.plan();
    await expect(dialog).toContainText(`ip netns add ${names.ns1}`);
    await expect(dialog).toContainText(names.bridge);
    await expect(dialog).toContainText('10.0.0.2/24');
    await app.keep('plan.txt', await dialog.innerText());
    await app.snap('plan');
    await app.closeDialog();
  });

  await test.step('Apply, and the kernel has the lab', async () => {
    const dialog = await app.apply();
    await expect(dialog).not.toContainText(/rolled back|failed/i);
    await app.snap('applied');
    await app.closeDialog();
    expect(netnsNames()).toEqual(expect.arrayContaining([names.ns1, names.ns2]));
    expect(rootLinkExists(names.bridge)).toBe(true);
    expect(addressesIn(names.ns1)).toContain('10.0.0.1/24');
    expect(addressesIn(names.ns2)).toContain('10.0.0.2/24');
    const ping = pingFrom(names.ns1, '10.0.0.2');
    expect(ping.ok, ping.output).toBe(true);
  });

  await test.step('Status shows every node in sync', async () => {
    const states = await app.status([ns1, ns2, br]);
    expect(states).toEqual(['in sync', 'in sync', 'in sync']);
    await app.snap('status-in-sync');
  });

  await test.step('Undo and Redo an edit', async () => {
    await app.select(ns2);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.3/24');
    await expect(app.node(ns2)).toContainText('10.0.0.3/24');
    await app.button('Undo').click();
    await expect(app.node(ns2)).toContainText('10.0.0.2/24');
    await app.button('Redo').click();
    await expect(app.node(ns2)).toContainText('10.0.0.3/24');
    await app.button('Undo').click();
    await expect(app.node(ns2)).toContainText('10.0.0.2/24');
    await app.snap('after-undo-redo');
  });

  let saved = '';
  await test.step('Save, reload, Open shows the same lab', async () => {
    saved = await app.save(`${names.lab}.yaml`);
    const text = readFileSync(saved, 'utf8');
    for (const s of [names.lab, names.ns1, names.ns2, names.bridge, '10.0.0.1/24', '10.0.0.2/24'])
      expect(text).toContain(s);
    await app.page.reload();
    await app.ready();
    await app.discardIfAsked();
    await app.open(saved);
    for (const [id, name] of [
      [ns1, names.ns1],
      [ns2, names.ns2],
      [br, names.bridge],
    ] as const)
      await expect(app.node(id)).toContainText(name);
    // Links are drawn once their nodes are measured: a frame or more after the nodes.
    await expect.poll(async () => (await app.edgeIds()).length).toBe(2);
    await expect(app.node(ns1)).toContainText('10.0.0.1/24');
    const states = await app.status([ns1, ns2, br]);
    expect(states).toEqual(['in sync', 'in sync', 'in sync']);
    await app.snap('reopened');
  });

  await test.step('Destroy leaves nothing behind', async () => {
    await app.destroy();
    await app.snap('destroyed');
    await app.closeDialog();
    const left = netnsNames();
    expect(left).not.toContain(names.ns1);
    expect(left).not.toContain(names.ns2);
    expect(rootLinkExists(names.bridge)).toBe(false);
    expect(rootLinkExists(`${names.bridge}-p1`)).toBe(false);
  });
});
