/**
 * Story: an ordinary user in the netplumb group starts `netplumb serve`,
 * opens the URL in Chromium, opens the classic bridge lab, applies it,
 * opens a terminal on ns1 — a shell that is the user's, not root's — watches
 * the bridge's live tables, captures packets on a link into a file the user
 * owns, and destroys the lab. The server runs as the user; every kernel step
 * goes through the installed helper.
 */
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { expect, test } from '@playwright/test';
import { AppPage } from '../fixtures/app-page';
import { classicLab, CLONE, MY_UID, netnsNames, netplumb, NOT_ROOT_REASON } from './lane';

test.skip(!!NOT_ROOT_REASON, NOT_ROOT_REASON);

/** Starts `netplumb serve` as this user and waits for the URL it prints. */
async function serve(): Promise<{ url: string; child: ResultPromise }> {
  const child = execa(process.execPath, [path.join(CLONE, 'bin', 'netplumb.js'), 'serve'], {
    reject: false,
    buffer: false,
    env: { NO_COLOR: '1' },
  });
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`netplumb serve printed no URL in 150 s:\n${seen}`)),
      150_000,
    );
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void child.then((r) => reject(new Error(`netplumb serve exited ${r.exitCode}:\n${seen}`)));
  });
  return { url, child };
}

test('browser mode as this user: open, apply, a terminal that is mine, live tables, a capture I own, destroy', async ({
  page,
}, testInfo) => {
  const { file, lab, ns1, ns2, br } = classicLab('web', ['d', 'e', 'f']);
  const { url, child } = await serve();
  const app = new AppPage(page, testInfo, testInfo.outputPath());
  try {
    await test.step('open the page and the lab file', async () => {
      await page.goto(url);
      await app.ready();
      await app.open(file);
      await app.discardIfAsked();
      await expect(app.node('ns1')).toContainText(ns1);
      await expect(app.node('br0')).toContainText(br);
      await app.snap('opened');
    });

    await test.step('Apply', async () => {
      const dialog = await app.apply();
      await expect(dialog).not.toContainText(/rolled back|failed|error/i);
      await app.closeDialog();
      await expect(page.getByText(`Lab ${lab} is applied`)).toBeVisible({ timeout: 30_000 });
      expect(await netnsNames()).toEqual(expect.arrayContaining([ns1, ns2]));
    });

    await test.step('a terminal on ns1 runs as this user, in the lab', async () => {
      await app.node('ns1').click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Open terminal' }).click();
      const term = page.locator('.np-term:not([hidden])');
      await expect(term).toBeVisible();
      const text = term.locator('.xterm-accessibility-tree');
      await expect(text).toContainText(/[#$]/, { timeout: 20_000 });
      await term.click();
      await page.keyboard.type('echo "uid=$(id -u) user=$(id -un)"; ping -c1 -W2 10.0.0.2\n');
      await expect(text).toContainText(`uid=${MY_UID} user=`, { timeout: 20_000 });
      await expect(text).not.toContainText('uid=0 ');
      await expect(text).toContainText('1 received', { timeout: 20_000 });
      await app.snap('terminal-is-mine');
    });

    await test.step('the live tables of the bridge show its ports', async () => {
      await app.select('br0');
      await page.getByRole('tab', { name: 'Live tables' }).click();
      await expect(page.getByTestId('live-tables')).toContainText(`${br}a`);
      await expect(page.getByTestId('live-tables')).toContainText(`${br}b`);
      await app.snap('live-tables');
    });

    await test.step('a capture on a link is saved to a file this user owns', async () => {
      await page.keyboard.press('Escape');
      await app.edge('ns2-br0').locator('.react-flow__edge-interaction').click({ force: true });
      await app.inspector.getByRole('button', { name: 'Capture packets' }).click();
      await expect(app.inspector.getByRole('button', { name: 'Stop capture' })).toBeVisible();
      const ping = await netplumb('ping', lab, 'ns1', 'ns2', '--count', '2');
      expect(ping.exitCode, ping.stderr).toBe(0);
      await app.inspector.getByRole('button', { name: 'Stop capture' }).click();
      const saved = page.getByTestId('capture-path');
      await expect(saved).toContainText('.pcap', { timeout: 20_000 });
      const pcap = (await saved.locator('code').innerText()).trim();
      const st = statSync(pcap);
      expect(st.uid, `${pcap} owner`).toBe(MY_UID);
      expect(st.size).toBeGreaterThan(24); // more than the pcap header: packets were written
      expect(pcap.startsWith(process.env.HOME ?? '/nonexistent')).toBe(true);
      await app.snap('capture-saved');
    });

    await test.step('Destroy', async () => {
      await app.destroy();
      await app.closeDialog();
      const left = await netnsNames();
      expect(left).not.toContain(ns1);
      expect(left).not.toContain(ns2);
      await app.snap('destroyed');
    });
  } finally {
    await netplumb('destroy', lab);
    child.kill('SIGTERM');
    await child;
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
