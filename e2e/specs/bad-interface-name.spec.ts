/**
 * Story: a user types an interface name the kernel would refuse. The
 * Inspector shows the problem under the field as they type, the Problems
 * panel lists it, and Apply stays disabled, saying why. Nothing reaches the
 * kernel.
 */
import { test, expect } from '../fixtures/test';
import { netnsNames } from '../fixtures/kernel';

test('a bad interface name is shown inline and in Problems, and Apply stays disabled', async ({
  app,
  names,
}) => {
  await app.setLabName(names.lab);
  const a = await app.dragFromPalette('Namespace', { x: 300, y: 200 });
  const b = await app.dragFromPalette('Namespace', { x: 700, y: 200 });
  for (const [id, name] of [
    [a, names.ns1],
    [b, names.ns2],
  ] as const) {
    await app.select(id);
    await app.setField('Name', name);
  }
  await app.connect(a, b);
  await expect(app.button('Apply')).toBeEnabled();

  await app.select(a);
  const bad = 'this-name-is-far-too-long';
  await app.field('Interface name').fill(bad);

  await test.step('the problem shows under the field, in plain words', async () => {
    const field = app.field('Interface name');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    const describedBy = await field.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    await expect(app.page.locator(`[id="${describedBy}"]`)).toContainText(/15/);
    await app.snap('inline-problem');
  });

  await test.step('the Problems panel lists it', async () => {
    await expect(app.problems).toContainText(/15/);
    await expect(app.problems).toContainText(bad);
  });

  await test.step('Apply (and Plan) stay disabled with the reason shown', async () => {
    await expect(app.button('Apply')).toBeDisabled();
    await expect(app.button('Plan')).toBeDisabled();
    // The reason is the buttons' description (the note under the toolbar), not any text that happens to match.
    await expect(app.button('Apply')).toHaveAccessibleDescription(/fix \d+ error/i);
    await app.snap('apply-disabled');
    expect(netnsNames()).not.toContain(names.ns1);
  });

  await test.step('fixing the name clears the problem', async () => {
    await app.field('Interface name').fill('eth0');
    await expect(app.field('Interface name')).not.toHaveAttribute('aria-invalid', 'true');
    await expect(app.button('Apply')).toBeEnabled();
  });
});
