/**
 * Story (issue 16, shared machines): a student sets a name prefix in the
 * status bar; the drawing keeps its names, but every kernel object the app
 * creates carries the prefix. Plan shows the prefixed commands, Status still
 * marks the right nodes in sync, and Destroy removes the prefixed lab.
 *
 * The prefix lives in ~/.config/netplumb/config.json of the user running the
 * server; this story points HOME at a scratch directory so it never touches
 * the real user's setting (or other runs on this machine).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { test, expect } from '../fixtures/test';
import { netnsNames, removeLeftovers, rootLinkExists } from '../fixtures/kernel';
import { destroyLab } from '../../electron/kernel/engine';

let home = '';
const oldHome = process.env.HOME;
test.beforeAll(() => {
  home = mkdtempSync(path.join(tmpdir(), 'np-prefix-home-'));
  process.env.HOME = home;
});
test.afterAll(() => {
  if (oldHome === undefined) delete process.env.HOME;
  else process.env.HOME = oldHome;
  rmSync(home, { recursive: true, force: true });
});

test('a name prefix set in the app goes on every kernel name, and the overlay still finds its nodes', async ({
  app,
  names,
}, testInfo) => {
  // The Electron app runs its own main process (its HOME is not this worker's); and under sudo the caller's home is used.
  test.skip(
    testInfo.project.name !== 'browser' || !!process.env.SUDO_USER,
    'the scratch HOME only reaches the in-process browser-mode server',
  );
  const prefix = `p${randomBytes(1).toString('hex')}-`;
  const k = (n: string) => prefix + n;
  // Bridge ports are named after the bridge ("<bridge>-p1"): a 7-character bridge leaves room for the prefix under 15 bytes.
  const bridge = `b${names.bridge.slice(3)}`;
  try {
    await test.step('the status bar says there is no prefix; a bad one is refused as typed', async () => {
      // The indicator (a group); the form that edits it has a name of its own, the field inside it is "Name prefix".
      const bar = app.page.getByRole('group', { name: 'Name prefix', exact: true });
      await expect(bar).toContainText('No name prefix');
      await bar.getByRole('button', { name: 'Set prefix' }).click();
      const input = app.page.getByRole('textbox', { name: /name prefix/i });
      await input.fill('Bad Prefix');
      await expect(input).toHaveAttribute('aria-invalid', 'true');
      await expect(app.page.locator('#np-prefix-problem')).toContainText(/lower-case/);
      await expect(app.page.getByRole('button', { name: 'Save prefix' })).toBeDisabled();
      await input.fill(prefix);
      await app.page.getByRole('button', { name: 'Save prefix' }).click();
      // The form closes once the kernel side has written the file.
      await expect(input).toHaveCount(0);
      await expect(bar).toContainText(`Names prefixed with ${prefix}`);
      expect(JSON.parse(readFileSync(path.join(home, '.config', 'netplumb', 'config.json'), 'utf8'))).toEqual(
        { prefix },
      );
    });

    await app.setLabName(names.lab);
    const ns1 = await app.dragFromPalette('Namespace', { x: 250, y: 150 });
    const ns2 = await app.dragFromPalette('Namespace', { x: 650, y: 150 });
    const br = await app.dragFromPalette('Bridge', { x: 450, y: 420 });
    for (const [id, name] of [
      [ns1, names.ns1],
      [ns2, names.ns2],
      [br, bridge],
    ] as const) {
      await app.select(id);
      await app.setField('Name', name);
    }
    await app.connect(ns1, br);
    await app.connect(ns2, br);
    await app.select(ns1);
    await app.setField('IPv4/IPv6 addresses', '10.0.0.1/24');

    await test.step('Plan shows the kernel names, with the prefix; the drawing keeps its own', async () => {
      const dialog = await app.plan();
      await expect(dialog).toContainText(`ip netns add ${k(names.ns1)}`);
      await expect(dialog).toContainText(k(bridge));
      await app.closeDialog();
      await expect(app.node(ns1)).toContainText(names.ns1);
      await expect(app.node(ns1)).not.toContainText(k(names.ns1));
    });

    await test.step('Apply creates only prefixed objects; Status marks the drawn nodes in sync', async () => {
      const dialog = await app.apply();
      await expect(dialog).not.toContainText(/rolled back|failed/i);
      await app.closeDialog();
      const ns = netnsNames();
      expect(ns).toEqual(expect.arrayContaining([k(names.ns1), k(names.ns2)]));
      expect(ns).not.toContain(names.ns1);
      expect(rootLinkExists(k(bridge))).toBe(true);
      expect(rootLinkExists(bridge)).toBe(false);
      expect(await app.status([ns1, ns2, br])).toEqual(['in sync', 'in sync', 'in sync']);
    });

    await test.step('Labs on this host lists the kernel name as this drawing; opening it gives the drawing names back', async () => {
      await app.button('Labs…').click();
      const dialog = app.page.getByRole('dialog', { name: 'Labs on this host' });
      const row = dialog.getByTestId(`lab-row-${k(names.lab)}`);
      await expect(row).toContainText('(this drawing)');
      await row.getByRole('button', { name: `Open lab ${k(names.lab)}` }).click();
      await app.discardIfAsked();
      await expect(dialog).toHaveCount(0);
      await expect(app.field('Lab name')).toHaveValue(names.lab);
      await expect(app.node(ns1)).toContainText(names.ns1);
      await expect(app.node(ns1)).not.toContainText(k(names.ns1));
      await expect(app.page.getByRole('status', { name: 'Lab status' })).toContainText(
        `Lab ${names.lab}: in sync`,
      );
    });

    await test.step('Destroy removes the prefixed lab', async () => {
      await app.destroy();
      expect(netnsNames()).not.toContain(k(names.ns1));
      expect(rootLinkExists(k(bridge))).toBe(false);
    });
  } finally {
    await destroyLab(k(names.lab)).catch(() => undefined);
    removeLeftovers({
      ...names,
      lab: k(names.lab),
      ns1: k(names.ns1),
      ns2: k(names.ns2),
      ns3: k(names.ns3),
      ns4: k(names.ns4),
      bridge: k(bridge),
    });
  }
});
