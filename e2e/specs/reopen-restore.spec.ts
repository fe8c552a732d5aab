/**
 * Story: a teacher applies a lab, keeps drawing (unsaved), and the tab is
 * closed or reloaded. The reopened page offers the unsaved drawing back,
 * says its lab is still running, and after Restore shows the lab applied
 * with the edits kept. An Apply that would delete a node of the running lab
 * says what and asks first; Cancel leaves the kernel as it was.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures/test';
import { netnsNames } from '../fixtures/kernel';

test('a reopened page restores the unsaved drawing and reattaches to its running lab; Apply asks before deleting', async ({
  app,
  names,
}) => {
  const { page } = app;
  const file = path.join(app.artifacts, `${names.lab}.yaml`);
  writeFileSync(
    file,
    `version: 1
name: ${names.lab}
nodes:
  - { id: ns1, name: ${names.ns1}, kind: namespace, position: { x: 0, y: 0 } }
  - { id: ns2, name: ${names.ns2}, kind: namespace, position: { x: 360, y: 0 } }
links:
  - { id: l1, a: { node: ns1, ifname: eth0, addresses: [10.0.0.1/24] }, b: { node: ns2, ifname: eth0, addresses: [10.0.0.2/24] } }
`,
  );

  await test.step('open and apply the lab', async () => {
    await app.open(file);
    await app.apply();
    await app.closeDialog();
    await app.button('Status').click();
    await expect(page.getByText(`Lab ${names.lab} is applied`)).toBeVisible({ timeout: 20_000 });
  });

  await test.step('delete ns2 in the drawing: Apply lists the deletes and asks; Cancel changes nothing', async () => {
    await app.select('ns2');
    await page.keyboard.press('Delete');
    await expect(app.node('ns2')).toHaveCount(0);
    const dialog = await app.apply({ confirm: false });
    await expect(dialog.getByRole('alert')).toContainText(`Lab ${names.lab} is running`);
    await expect(dialog.getByRole('list', { name: 'Deletes and changes' })).toContainText(names.ns2);
    await app.snap('apply-asks');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(netnsNames()).toContain(names.ns2);
  });

  await test.step('Undo, then an unsaved edit: a note on the drawing', async () => {
    await app.button('Undo').click();
    await expect(app.node('ns2')).toBeVisible();
    await app.select('ns1');
    await app.setField('Notes', 'unsaved teacher note');
    // Autosave runs about a second after the last edit: wait until the note is kept (browser: localStorage).
    if (app.electron) await page.waitForTimeout(1500);
    else
      await expect
        .poll(() => page.evaluate(() => localStorage.getItem('netplumb.recovery') ?? ''))
        .toContain('unsaved teacher note');
  });

  await test.step('reload the page: the drawing is offered back, with its lab still running', async () => {
    await page.reload();
    await app.ready();
    const offer = page.getByRole('region', { name: 'Notices' }).getByText(/An unsaved drawing was kept/);
    await expect(offer).toContainText(`(lab ${names.lab} is running on this host)`);
    await app.snap('offer-after-reload');
    await page.getByRole('button', { name: 'Restore drawing' }).click();
    await expect(app.node('ns1')).toBeVisible();
    await expect(page.getByText(`Lab ${names.lab} is applied`)).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('live-ns1')).toHaveText('in sync');
    await app.select('ns1');
    await expect(app.field('Notes')).toHaveValue('unsaved teacher note');
    // Still unsaved: the title marks it.
    await expect(page.locator('.np-file')).toContainText('•');
    await app.snap('restored-and-reattached');
  });
});
