/**
 * Story (issue 16): a student picks a shipped activity from Activities…; it
 * opens in student mode with its instructions; "Print worksheet" uses the
 * browser's print, and the printed page is the worksheet — the instructions,
 * the checks without hidden ones, and the diagram — not the editor.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { test, expect } from '../fixtures/test';
import { ActivityPage } from '../fixtures/activity-page';
import { describeCheck } from '../../shared/activity';
import { ActivityKey } from '../../shared/model';

test('a shipped activity opens from Activities… and prints as a worksheet with its diagram', async ({
  app,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'browser', 'page.pdf() needs headless Chromium (browser mode)');
  const act = new ActivityPage(app);
  const shipped = parse(readFileSync('activities/1-bridge.yaml', 'utf8'));
  const hidden = ActivityKey.parse(parse(readFileSync('activities/1-bridge.key.yaml', 'utf8'))).checks;

  await test.step('Activities… lists the shipped activities; choosing one opens it in student mode', async () => {
    await app.button('Activities…').click();
    const dialog = app.page.getByRole('dialog', { name: 'Activities' });
    await expect(dialog.getByRole('list', { name: 'Activities' }).getByRole('listitem')).toHaveCount(3);
    await dialog.getByRole('button', { name: shipped.lesson.title }).click();
    await expect(act.student).toBeVisible();
    await expect(act.student.getByRole('list', { name: 'Checks' }).getByRole('listitem')).toHaveCount(
      shipped.activity.checks.length,
    );
    for (const id of shipped.activity.locked.nodes)
      await expect(app.page.getByTestId(`lock-${id}`)).toBeVisible();
    await app.snap('activity-opened');
  });

  await test.step('Print worksheet calls the browser print; the print view is the worksheet only', async () => {
    await app.page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
    await act.student.getByRole('button', { name: 'Print worksheet' }).click();
    expect(await app.page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

    await app.page.emulateMedia({ media: 'print' });
    const sheet = app.page.getByRole('article', { name: 'Worksheet' });
    await expect(sheet).toBeVisible();
    await expect(app.canvas).toBeHidden();
    await expect(sheet.getByRole('heading', { level: 1 })).toHaveText(shipped.lesson.title);
    await expect(sheet.locator('svg').first()).toBeVisible();
    await expect(sheet.getByRole('list', { name: 'Worksheet checks' }).getByRole('listitem')).toHaveCount(
      shipped.activity.checks.length,
    );
    expect(hidden.length).toBeGreaterThan(0);
    for (const h of hidden) await expect(sheet).not.toContainText(describeCheck(h));
    await app.snap('worksheet-print');
    const pdf = await app.page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    writeFileSync(path.join(app.artifacts, 'worksheet.pdf'), pdf);
    await app.page.emulateMedia({ media: 'screen' });
    await expect(sheet).toBeHidden();
  });
});
