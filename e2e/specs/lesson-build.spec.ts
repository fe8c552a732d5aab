/**
 * Story: "Build it yourself" opens a lesson with an empty drawing (its text
 * and checks kept); nodes dragged from the palette get the ids the checks
 * name, so once applied the checks test what the student built.
 */
import { test, expect } from '../fixtures/test';

test('a lesson can be built from an empty drawing, its checks naming the dragged nodes', async ({ app }) => {
  const { page } = app;
  await app.button('Lessons…').click();
  await page
    .getByRole('dialog', { name: 'New from lesson' })
    .getByRole('button', { name: 'Build it yourself: The classic Linux bridge' })
    .click();
  await app.discardIfAsked();
  await expect(page.getByRole('complementary', { name: 'Lesson' })).toContainText('What you will build');
  expect(await app.nodeIds()).toEqual([]);
  const ns1 = await app.dragFromPalette('Namespace', { x: 100, y: 90 });
  const ns2 = await app.dragFromPalette('Namespace', { x: 420, y: 90 });
  const br = await app.dragFromPalette('Bridge', { x: 260, y: 320 });
  expect([ns1, ns2, br]).toEqual(['ns1', 'ns2', 'br0']);
  await app.connect(ns1, br);
  await app.connect(ns2, br);
  await expect(
    page.getByRole('toolbar', { name: 'Live lab' }).getByRole('button', { name: 'Run checks' }),
  ).toBeDisabled();
  await app.snap('built-by-dragging');
});
