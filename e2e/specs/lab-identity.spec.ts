/**
 * Story: a teacher applies a lab, then switches documents in every way the
 * app allows — New, a lesson, Build it yourself, an example, Open of a file
 * whose namespaces have the same names but which names another lab, renaming
 * the lab — and the canvas never shows a lab that is not running as applied
 * or in sync. Opening the running lab from "Labs on this host" shows it
 * applied again, and destroying it from there removes it from the host.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures/test';
import { netnsNames, rootLinkExists } from '../fixtures/kernel';
import type { LabNames } from '../fixtures/kernel';

/** The classic lab with the story's unique names, as a file. */
function labFile(dir: string, names: LabNames, lab: string): string {
  const file = path.join(dir, `${lab}.yaml`);
  writeFileSync(
    file,
    `version: 1
name: ${lab}
nodes:
  - { id: ns1, name: ${names.ns1}, kind: namespace, position: { x: 0, y: 0 } }
  - { id: ns2, name: ${names.ns2}, kind: namespace, position: { x: 320, y: 0 } }
  - { id: br0, name: ${names.bridge}, kind: bridge, position: { x: 160, y: 200 } }
links:
  - { id: l1, a: { node: ns1, ifname: eth0, addresses: [10.0.0.1/24] }, b: { node: br0, ifname: ${names.bridge}a } }
  - { id: l2, a: { node: ns2, ifname: eth0, addresses: [10.0.0.2/24] }, b: { node: br0, ifname: ${names.bridge}b } }
`,
  );
  return file;
}

/** The status bar, the live-lab bar and every node agree that `lab` is not applied, and keep saying so for a while. */
async function expectNotApplied(page: Page, lab: string): Promise<void> {
  const status = page.getByRole('status', { name: 'Lab status' });
  await expect(status).toContainText(`Lab ${lab}: not applied`, { timeout: 20_000 });
  // The status is polled every few seconds: watch long enough to catch a stale answer painting it.
  for (let i = 0; i < 6; i++) {
    await expect(status).not.toContainText(/in sync|drifted/);
    await expect(page.getByText(/^Lab .* is applied$/)).toHaveCount(0);
    await expect(page.locator('.np-live--in-sync')).toHaveCount(0);
    await page.waitForTimeout(800);
  }
}

test('switching documents never shows a lab that is not running as applied; a running lab opens from its record', async ({
  app,
  names,
}) => {
  const { page } = app;
  const file = labFile(app.artifacts, names, names.lab);
  const twin = labFile(app.artifacts, names, `${names.lab}-twin`);

  await test.step('a fresh page has a drawing named after no lab', async () => {
    await app.clickEmptyCanvas();
    await expect(app.field('Lab name')).toHaveValue(/^untitled-\d+$/);
  });

  await test.step('open the lab file, apply it: the canvas shows it applied and in sync', async () => {
    await app.open(file);
    await expect(app.node('ns1')).toBeVisible();
    await app.apply();
    await app.closeDialog();
    expect(await app.status(['ns1', 'ns2', 'br0'])).toEqual(['in sync', 'in sync', 'in sync']);
    await expect(page.getByText(`Lab ${names.lab} is applied`)).toBeVisible();
    await expect(page.getByRole('status', { name: 'Lab status' })).toContainText(`Lab ${names.lab}: in sync`);
    await app.snap('applied-in-sync');
  });

  await test.step('New: an empty drawing with a fresh name, not applied', async () => {
    await app.button('New').click();
    await app.discardIfAsked();
    await app.clickEmptyCanvas();
    // Wait for the new drawing's name before reading it (the old lab's name until New has run).
    await expect(app.field('Lab name')).toHaveValue(/^untitled-\d+$/);
    const name = await app.field('Lab name').inputValue();
    await expectNotApplied(page, name);
  });

  await test.step('a lesson: not applied', async () => {
    await app.button('Lessons…').click();
    await page
      .getByRole('dialog', { name: 'New from lesson' })
      .getByRole('button', { name: 'The classic Linux bridge', exact: true })
      .click();
    await app.discardIfAsked();
    await expect(app.node('ns1')).toBeVisible();
    await expectNotApplied(page, 'lesson-bridge');
    await app.snap('lesson-not-applied');
  });

  await test.step('Build it yourself: not applied', async () => {
    await app.button('Lessons…').click();
    await page
      .getByRole('dialog', { name: 'New from lesson' })
      .getByRole('button', { name: 'Build it yourself: A router between two subnets' })
      .click();
    await app.discardIfAsked();
    await expectNotApplied(page, 'lesson-router');
  });

  await test.step('an example: not applied', async () => {
    await app.button('Examples').click();
    await page
      .getByRole('dialog', { name: 'New from example' })
      .getByRole('button', { name: 'direct-veth', exact: true })
      .click();
    await app.discardIfAsked();
    await expectNotApplied(page, 'direct-veth');
  });

  await test.step('a file naming another lab with the very same namespaces: not applied, and Plan deletes nothing', async () => {
    await app.open(twin);
    await app.discardIfAsked();
    await expect(app.node('ns1')).toContainText(names.ns1);
    await expectNotApplied(page, `${names.lab}-twin`);
    // The kernel side's refusal is in Problems, and Apply waits for it (Plan still shows it).
    await expect(page.getByRole('list', { name: 'Problems' })).toContainText(
      `belongs to another netplumb lab ("${names.lab}")`,
      { timeout: 20_000 },
    );
    await expect(app.button('Apply')).toBeDisabled();
    const plan = await app.plan();
    await expect(plan).not.toContainText(/ip netns del|link del/);
    await app.snap('twin-not-applied');
    await app.closeDialog();
  });

  await test.step('the running lab, opened from Labs on this host: applied and in sync again', async () => {
    await app.button('Labs…').click();
    const dialog = page.getByRole('dialog', { name: 'Labs on this host' });
    const row = dialog.getByTestId(`lab-row-${names.lab}`);
    await expect(row).toContainText('running');
    await expect(row).toContainText(names.ns1);
    // The server runs as this user (or root): the lab is theirs, and says so.
    await expect(row).toContainText('(you)');
    await app.snap('labs-dialog');
    await row.getByRole('button', { name: `Open lab ${names.lab}` }).click();
    await app.discardIfAsked();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByText(`Lab ${names.lab} is applied`)).toBeVisible({ timeout: 20_000 });
    await expect(app.page.getByTestId('live-ns1')).toHaveText('in sync');
    await expect(page.getByRole('status', { name: 'Lab status' })).toContainText(`Lab ${names.lab}: in sync`);
  });

  await test.step('renaming the lab in the drawing: that name is not applied', async () => {
    await app.setLabName(`${names.lab}-renamed`);
    await expect(app.inspector.getByRole('note')).toContainText(
      `Lab ${names.lab} keeps running under its name`,
    );
    await expectNotApplied(page, `${names.lab}-renamed`);
    await app.snap('renamed-says-so');
    await app.setLabName(names.lab);
    await expect(page.getByText(`Lab ${names.lab} is applied`)).toBeVisible({ timeout: 20_000 });
  });

  await test.step('destroy it from Labs on this host', async () => {
    await app.button('Labs…').click();
    const dialog = page.getByRole('dialog', { name: 'Labs on this host' });
    const row = dialog.getByTestId(`lab-row-${names.lab}`);
    await row.getByRole('button', { name: `Destroy lab ${names.lab}…` }).click();
    await app.snap('destroy-asks');
    await row.getByRole('button', { name: `Destroy lab ${names.lab}`, exact: true }).click();
    await expect(dialog.getByTestId(`lab-row-${names.lab}`)).toHaveCount(0, { timeout: 60_000 });
    expect(netnsNames()).not.toContain(names.ns1);
    expect(rootLinkExists(names.bridge)).toBe(false);
    await app.closeDialog();
    await expectNotApplied(page, names.lab);
  });
});
