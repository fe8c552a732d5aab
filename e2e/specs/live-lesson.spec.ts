/**
 * Story: a student opens the classic bridge lesson, gives it unique names
 * (so it cannot touch anything else on the host), applies it, opens a
 * terminal on ns1 and pings ns2, watches the bridge's FDB fill and the link
 * animate, runs the lesson's checks (all pass), and follows one ping step by
 * step. Destroying the lab ends the terminal.
 */
import { readFileSync } from 'node:fs';
import { test, expect } from '../fixtures/test';
import { ipJson, netnsNames } from '../fixtures/kernel';

test('the classic lesson: apply, terminal ping, FDB, link animation, checks, step mode', async ({
  app,
  names,
}) => {
  const { page } = app;

  await test.step('open the classic bridge lesson from Lessons…', async () => {
    await app.button('Lessons…').click();
    const dialog = page.getByRole('dialog', { name: 'New from lesson' });
    await dialog.getByRole('button', { name: 'The classic Linux bridge', exact: true }).click();
    await app.discardIfAsked();
    await expect(app.node('ns1')).toBeVisible();
    const lesson = page.getByRole('complementary', { name: 'Lesson' });
    await expect(lesson).toContainText('What you will build');
    await expect(lesson.locator('code').first()).toBeVisible();
    await lesson.getByRole('button', { name: 'Next' }).click();
    await expect(lesson).toContainText('Step 2 of 4');
    await app.snap('lesson-opened');
  });

  await test.step('make its names unique (lab, namespaces, bridge, bridge ports)', async () => {
    await app.setLabName(names.lab);
    for (const [id, name] of [
      ['ns1', names.ns1],
      ['ns2', names.ns2],
      ['br0', names.bridge],
    ] as const) {
      await app.select(id);
      await app.setField('Name', name);
      await expect(app.node(id)).toContainText(name);
    }
    // The bridge ends of the veth pairs live in the host's namespace: unique names there too.
    for (const [link, suffix] of [
      ['ns1-br0', 'a'],
      ['ns2-br0', 'b'],
    ] as const) {
      await page.keyboard.press('Escape');
      await app.edge(link).locator('.react-flow__edge-interaction').click({ force: true });
      await app.setField('Interface name', `${names.bridge}${suffix}`, 1);
    }
    await expect(app.button('Apply')).toBeEnabled();
  });

  await test.step('Apply', async () => {
    const dialog = await app.apply();
    await expect(dialog).not.toContainText(/rolled back|failed/i);
    await app.closeDialog();
    await expect(page.getByText(`Lab ${names.lab} is applied`)).toBeVisible({ timeout: 20_000 });
    expect(netnsNames()).toEqual(expect.arrayContaining([names.ns1, names.ns2]));
    await app.snap('applied');
  });

  await test.step('the live tables of the bridge are read', async () => {
    // (The FDB may already hold entries: IPv6 duplicate-address detection sends frames as soon as the links are up.)
    await app.select('br0');
    await page.getByRole('tab', { name: 'Live tables' }).click();
    await expect(page.getByTestId('live-tables')).toBeVisible();
    await expect(page.getByTestId('live-tables')).toContainText(`${names.bridge}a`);
    await app.snap('tables-before-ping');
  });

  await test.step('open a terminal on ns1 and ping ns2', async () => {
    await app.node('ns1').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Open terminal' }).click();
    const term = page.locator('.np-term:not([hidden])');
    await expect(term).toBeVisible();
    await expect(term.locator('.xterm-accessibility-tree')).toContainText(/[#$]/, { timeout: 15_000 });
    await term.click();
    await page.keyboard.type('ping -c1 10.0.0.2\n');
    await expect(term.locator('.xterm-accessibility-tree')).toContainText('1 received', { timeout: 15_000 });
    await app.snap('terminal-ping');
  });

  await test.step('the FDB has learned the MAC of each namespace, each on its own port', async () => {
    await app.select('br0');
    await page.getByRole('tab', { name: 'Live tables' }).click();
    const fdb = page.getByTestId('fdb-table');
    for (const [ns, dev, port] of [
      [names.ns1, 'veth-ns1', `${names.bridge}a`],
      [names.ns2, 'veth-ns2', `${names.bridge}b`],
    ]) {
      const mac = ipJson<{ address: string }[]>('-n', ns, 'link', 'show', 'dev', dev)[0].address;
      await expect(fdb.locator('tr', { hasText: mac })).toContainText(port, { timeout: 10_000 });
    }
    await app.snap('fdb-learned');
  });

  await test.step('a link animates while traffic flows', async () => {
    await page.getByRole('tab', { name: /^Terminals/ }).click();
    const term = page.locator('.np-term:not([hidden])');
    await term.click();
    await page.keyboard.type('ping -i 0.2 -c 40 10.0.0.2\n');
    await expect(page.locator('.np-traffic').first()).toBeVisible({ timeout: 10_000 });
    await expect(app.edge('ns1-br0').locator('.np-traffic')).toHaveClass(/traffic-\d/);
    await app.snap('link-animated');
    await page.keyboard.press('Control+C');
  });

  await test.step('Run checks: every expectation passes', async () => {
    await page.getByRole('toolbar', { name: 'Live lab' }).getByRole('button', { name: 'Run checks' }).click();
    await expect(page.getByTestId('checks-summary')).toHaveText('All 3 checks pass', { timeout: 60_000 });
    await expect(page.getByTestId('check-ns1')).toHaveText('✓2');
    await expect(page.getByRole('complementary', { name: 'Lesson' })).toContainText(
      'Well done: all 3 checks pass.',
    );
    await app.snap('checks-pass');
  });

  await test.step('a link set down from its menu makes checks fail; up again, they pass', async () => {
    const edgeMenu = async () => {
      await app
        .edge('ns2-br0')
        .locator('.react-flow__edge-interaction')
        .click({ button: 'right', force: true });
    };
    await edgeMenu();
    await page.getByRole('menuitem', { name: 'Set link down' }).click();
    await expect(app.inspector.getByRole('button', { name: 'Set link up' })).toBeVisible({ timeout: 30_000 });
    // A down link looks down: grey and dashed with a marker, and its nodes are not shown as plainly "in sync".
    await expect(page.getByTestId('edge-down-ns2-br0')).toBeVisible();
    await expect(app.edge('ns2-br0')).toHaveClass(/is-down/);
    await expect(page.getByTestId('live-ns2')).not.toHaveText('in sync');
    const run = page.getByRole('toolbar', { name: 'Live lab' }).getByRole('button', { name: 'Run checks' });
    await run.click();
    await expect(page.getByTestId('checks-summary')).toContainText('fail', { timeout: 60_000 });
    await app.snap('link-down-checks-fail');
    await edgeMenu();
    await page.getByRole('menuitem', { name: 'Set link up' }).click();
    await expect(app.inspector.getByRole('button', { name: 'Set link down' })).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.getByTestId('edge-down-ns2-br0')).toHaveCount(0);
    await run.click();
    await expect(page.getByTestId('checks-summary')).toHaveText('All 3 checks pass', { timeout: 60_000 });
  });

  await test.step('ping and traceroute from the canvas: ns1 picked from its menu, ns2 as the target', async () => {
    await app.node('ns1').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Ping from here…' }).click();
    const pane = page.getByLabel('Ping and traceroute');
    await expect(pane.getByLabel('From')).toHaveValue('ns1');
    await pane.getByLabel('To').fill('ns2');
    await pane.getByRole('button', { name: 'Ping', exact: true }).click();
    await expect(page.getByTestId('ping-result')).toContainText('3 received', { timeout: 30_000 });
    await pane.getByRole('button', { name: 'Traceroute' }).click();
    await expect(page.getByTestId('traceroute-result')).toContainText('Reached', { timeout: 30_000 });
    await expect(page.getByTestId('traceroute-result')).toContainText('10.0.0.2');
    await app.snap('ping-traceroute');
  });

  await test.step('capture packets on a link while pinging: listed with its size, shown in a packet table, downloaded as pcap', async () => {
    await page.keyboard.press('Escape');
    const edge = () => app.edge('ns2-br0').locator('.react-flow__edge-interaction').click({ force: true });
    await edge();
    await app.inspector.getByRole('button', { name: 'Capture packets' }).click();
    await expect(app.inspector.getByRole('button', { name: 'Stop capture' })).toBeVisible();
    // Traffic across the captured link: ns1 pings ns2 (the ping pane is still open below).
    const pane = page.getByLabel('Ping and traceroute');
    await pane.getByRole('button', { name: 'Ping', exact: true }).click();
    await expect(page.getByTestId('ping-result')).toContainText('3 received', { timeout: 30_000 });
    await edge();
    await app.inspector.getByRole('button', { name: 'Stop capture' }).click();
    await expect(page.getByTestId('capture-path')).toContainText('.pcap', { timeout: 15_000 });
    const file = app.inspector.getByTestId('capture-file').first();
    await expect(file).toContainText(/\d+(\.\d)? (B|KiB)/);
    // The capture that just stopped opens in the packet table: the echo requests and replies are there.
    const table = app.inspector.getByTestId('packet-table');
    await expect(table).toBeVisible();
    await expect(table.getByTestId('packet-row').filter({ hasText: 'echo request' }).first()).toContainText(
      '10.0.0.1',
    );
    await expect(table.getByTestId('packet-row').filter({ hasText: 'echo reply' }).first()).toContainText(
      '10.0.0.2',
    );
    await app.snap('capture-table');
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      file.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(dl.suggestedFilename()).toMatch(/\.pcap$/);
    const bytes = readFileSync((await dl.path())!);
    // pcap magic number (either byte order, µs or ns) and more than a header.
    expect([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1]).toContain(bytes.readUInt32LE(0));
    expect(bytes.length).toBeGreaterThan(24 + 6 * 98);
  });

  await test.step('step mode: one ping from ns1 to ns2, hop by hop', async () => {
    await page
      .getByRole('toolbar', { name: 'Live lab' })
      .getByRole('button', { name: 'Trace a ping…' })
      .click();
    const pane = page.getByLabel('Step mode');
    await pane.getByLabel('From').selectOption('ns1');
    await pane.getByLabel('To').fill('ns2');
    await pane.getByRole('button', { name: 'Trace a ping' }).click();
    await expect(page.getByTestId('trace-hop')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('trace-position')).toContainText('Hop 1 of');
    await expect(page.locator('.np-hop-ring, .np-edge-hop').first()).toBeVisible();
    await app.snap('step-1');
    await pane.getByRole('button', { name: 'Next hop' }).click();
    await expect(page.getByTestId('trace-position')).toContainText('Hop 2 of');
    await app.snap('step-2');
  });

  await test.step('Destroy ends the terminal', async () => {
    await app.destroy();
    await app.closeDialog();
    await page.getByRole('tab', { name: /^Terminals/ }).click();
    await expect(page.locator('.np-term-tab.is-exited')).toHaveCount(1, { timeout: 15_000 });
    await app.snap('destroyed');
  });
});
