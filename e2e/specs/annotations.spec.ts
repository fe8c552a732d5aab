/**
 * Story: notes and groups on the canvas. Added from the canvas menu, edited
 * in place, moved by dragging, undone, and saved in the file.
 */
import { readFileSync } from 'node:fs';
import { test, expect } from '../fixtures/test';

test('notes and groups are drawn, edited, moved and saved', async ({ app }) => {
  const { page } = app;
  const box = (await app.canvas.boundingBox())!;

  await test.step('add a group and a note from the canvas menu', async () => {
    await app.dragFromPalette('Namespace', { x: 300, y: 200 });
    await page.mouse.click(box.x + 150, box.y + 420, { button: 'right' });
    await page.getByRole('menuitem', { name: 'Add group here' }).click();
    await expect(page.getByTestId('annotation-group1')).toBeVisible();
    await page.mouse.click(box.x + 560, box.y + 120, { button: 'right' });
    await page.getByRole('menuitem', { name: 'Add note here' }).click();
    await expect(page.getByTestId('annotation-text1')).toContainText('Note');
  });

  await test.step('edit the note and the group title in place', async () => {
    await page.getByTestId('annotation-text1').dblclick();
    await page.getByLabel('Note text').fill('ARP is broadcast here');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('annotation-text1')).toContainText('ARP is broadcast here');
    await page.getByTestId('annotation-group1').locator('.np-ann__title').dblclick();
    await page.getByLabel('Group title').fill('Subnet A');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('annotation-group1')).toContainText('Subnet A');
    await app.snap('annotated');
  });

  await test.step('drag the note; Undo puts it back', async () => {
    const note = page.getByTestId('annotation-text1');
    const before = (await note.boundingBox())!;
    await page.mouse.move(before.x + 10, before.y + 10);
    await page.mouse.down();
    await page.mouse.move(before.x + 90, before.y + 50, { steps: 6 });
    await page.mouse.up();
    await expect.poll(async () => (await note.boundingBox())!.x - before.x).toBeGreaterThan(40);
    await app.button('Undo').click();
    await expect.poll(async () => Math.round((await note.boundingBox())!.x)).toBe(Math.round(before.x));
    await app.button('Redo').click();
  });

  await test.step('Save keeps them in the file', async () => {
    const file = await app.save('annotations.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('annotations:');
    expect(text).toContain('ARP is broadcast here');
    expect(text).toContain('Subnet A');
  });
});
