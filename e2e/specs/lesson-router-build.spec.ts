/**
 * Story: a student does the router lesson's "Build it yourself" word for
 * word: drags two Namespaces and a Router, renames the namespaces h1 and h2
 * as the text says, links and addresses them, sets the gateways. The checks
 * find h1 and h2 (no errors; Apply is enabled). Because this host is shared,
 * the namespaces then get unique kernel names (the checks keep following
 * them), the lab is applied and every check passes.
 */
import { test, expect } from '../fixtures/test';
import { spawnSync } from 'node:child_process';
import { destroyLab } from '../../electron/kernel/engine';
import { netnsNames } from '../fixtures/kernel';

test('the router lesson built by hand, followed word for word, passes its checks', async ({ app, names }) => {
  const { page } = app;
  const router = `npr${names.lab.slice(4)}`;
  try {
    await test.step('open Build it yourself for the router lesson', async () => {
      await app.button('Lessons…').click();
      await page
        .getByRole('dialog', { name: 'New from lesson' })
        .getByRole('button', { name: 'Build it yourself: A router between two subnets' })
        .click();
      await app.discardIfAsked();
      await expect(page.getByRole('complementary', { name: 'Lesson' })).toContainText('Drag two');
    });

    let h1 = '';
    let r1 = '';
    let h2 = '';
    await test.step('drag two Namespaces and a Router between them; rename the namespaces h1 and h2', async () => {
      // (The lesson column takes part of the window: the canvas is about 600 pixels wide.)
      h1 = await app.dragFromPalette('Namespace', { x: 90, y: 90 });
      r1 = await app.dragFromPalette('Router', { x: 300, y: 240 });
      h2 = await app.dragFromPalette('Namespace', { x: 500, y: 90 });
      await app.select(h1);
      await app.setField('Name', 'h1');
      await expect(app.node('h1')).toContainText('h1');
      await app.select(h2);
      await app.setField('Name', 'h2');
      await expect(app.node('h2')).toContainText('h2');
      h1 = 'h1';
      h2 = 'h2';
      expect(r1).toBe('r1');
    });

    await test.step("link h1–r1 and r1–h2 with the lesson's addresses, and the gateways", async () => {
      // Dropped nodes may sit close together (the canvas refits as panels change): tidy up first.
      await app.button('Auto layout').click();
      await app.viewportSettled();
      await app.connect(h1, r1);
      await app.connect(r1, h2);
      await app.select(h1);
      await app.setField('IPv4/IPv6 addresses', '10.1.0.2/24');
      await app.setField('Default gateway (IPv4)', '10.1.0.1');
      await app.select(r1);
      await app.setField('IPv4/IPv6 addresses', '10.1.0.1/24', 0);
      await app.setField('IPv4/IPv6 addresses', '10.2.0.1/24', 1);
      await app.select(h2);
      await app.setField('IPv4/IPv6 addresses', '10.2.0.2/24');
      await app.setField('Default gateway (IPv4)', '10.2.0.1');
      await expect(app.problems).toContainText('No problems');
      await expect(app.button('Apply')).toBeEnabled();
      await app.snap('built-word-for-word');
    });

    await test.step('unique kernel names on this shared host (the checks keep following the nodes)', async () => {
      await app.setLabName(names.lab);
      for (const [id, name] of [
        [h1, names.ns1],
        [h2, names.ns2],
        [r1, router],
      ] as const) {
        await app.select(id);
        await app.setField('Name', name);
        await expect(app.node(id)).toContainText(name);
      }
      await expect(app.problems).toContainText('No problems');
    });

    await test.step('apply and run the checks: all pass', async () => {
      const dialog = await app.apply();
      await expect(dialog).not.toContainText(/rolled back|failed/i);
      await app.closeDialog();
      const bar = page.getByRole('toolbar', { name: 'Live lab' });
      await expect(bar.getByText(`Lab ${names.lab} is applied`)).toBeVisible({ timeout: 20_000 });
      await bar.getByRole('button', { name: 'Run checks' }).click();
      await expect(page.getByTestId('checks-summary')).toHaveText('All 3 checks pass', { timeout: 60_000 });
      await app.snap('checks-pass');
    });
  } finally {
    // The names fixture destroys the lab; the router's namespace is not one of its names.
    await destroyLab(names.lab).catch(() => undefined);
    if (netnsNames().includes(router)) spawnSync('ip', ['netns', 'del', router], { stdio: 'ignore' });
  }
});
