/**
 * Story (issue 16): a teacher turns a drawing into a graded activity in the
 * app — locks the first namespace and the bridge, adds four checks by
 * pointing at the canvas, and a hidden one for the answer key — and saves
 * both files. A student opens the activity: the locked nodes cannot be
 * changed and say why; the student builds the rest, applies it, presses
 * "Check my work" and sees 3/4 (the guest namespace must stay apart), fixes
 * it, sees 4/4 and hands in: the report (JSON and HTML with the picture) and
 * the topology file download.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { test, expect } from '../fixtures/test';
import { ActivityPage } from '../fixtures/activity-page';
import { AppPage } from '../fixtures/app-page';
import { netnsNames } from '../fixtures/kernel';

test('a teacher writes an activity in the app and a student solves it, checks it and hands it in', async ({
  app,
  names,
  server,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'browser', 'the story reads the files it downloads (browser mode)');
  const teacher = app;
  const act = new ActivityPage(teacher);
  const ids: Record<'ns1' | 'ns2' | 'ns3' | 'ns4' | 'br', string> = {
    ns1: '',
    ns2: '',
    ns3: '',
    ns4: '',
    br: '',
  };
  let activityFile = '';
  let l1 = '';

  await test.step('the teacher draws the starting lab: four namespaces, a bridge, the first namespace connected', async () => {
    await app.setLabName(names.lab);
    ids.ns1 = await app.dragFromPalette('Namespace', { x: 150, y: 120 });
    ids.ns2 = await app.dragFromPalette('Namespace', { x: 400, y: 120 });
    ids.ns3 = await app.dragFromPalette('Namespace', { x: 650, y: 120 });
    ids.ns4 = await app.dragFromPalette('Namespace', { x: 150, y: 480 });
    ids.br = await app.dragFromPalette('Bridge', { x: 400, y: 340 });
    for (const k of ['ns1', 'ns2', 'ns3', 'ns4'] as const) {
      await app.select(ids[k]);
      await app.setField('Name', names[k]);
    }
    await app.select(ids.br);
    await app.setField('Name', names.bridge);
    l1 = await app.connect(ids.ns1, ids.br);
    await app.snap('teacher-drawing');
  });

  await test.step('"New activity from this lab" opens the activity editor; the teacher writes the step', async () => {
    await app.button('New activity from this lab').click();
    await expect(act.editor).toBeVisible();
    await act.editor.getByLabel('Activity title').fill('Join the office LAN');
    await act.editor
      .getByLabel('Step 1 text')
      .fill(
        'Connect the two office namespaces to the bridge so everyone reaches everyone. The guest namespace must stay apart.',
      );
  });

  await test.step('the teacher locks the first namespace and the bridge by selecting them', async () => {
    await act.selectNodes([ids.ns1, ids.br]);
    await act.editor.getByRole('button', { name: 'Lock', exact: true }).click();
    await expect(act.editor).toContainText('2 nodes and 0 links locked');
    await expect(app.page.getByTestId(`lock-${ids.ns1}`)).toBeVisible();
    await expect(app.page.getByTestId(`lock-${ids.br}`)).toBeVisible();
    await expect(app.page.getByTestId(`lock-${ids.ns2}`)).toHaveCount(0);
  });

  await test.step('the teacher adds four checks by pointing at the canvas', async () => {
    await act.selectNodes([ids.ns1, ids.ns2]);
    await act.addCheck(`${ids.ns1} must reach ${ids.ns2}`);
    await act.selectNodes([ids.ns1, ids.ns3]);
    await act.addCheck(`${ids.ns1} must reach ${ids.ns3}`);
    await act.selectNodes([ids.ns1, ids.ns4]);
    await act.addCheck(`${ids.ns1} must not reach ${ids.ns4}`);
    await act.selectLink(l1);
    await act.addCheck(new RegExp(`^${ids.ns1}: eth\\S* must be up$`));
    await expect(act.editor).toContainText('Checks (4, 4 points)');
    // One more for the answer key only: the student never sees it, `netplumb grade` runs it.
    await act.editor.getByLabel('Hidden (answer key only)').check();
    await act.selectNodes([ids.ns2, ids.ns3]);
    await act.addCheck(`${ids.ns2} must reach ${ids.ns3}`);
    await expect(act.editor).toContainText('Checks (5, 5 points)');
    await app.snap('teacher-activity');
  });

  await test.step('Save activity writes the activity file and its answer key', async () => {
    const files = await act.downloads(act.editor.getByRole('button', { name: 'Save activity' }), 2);
    const key = files.find((f) => f.endsWith('.key.yaml'));
    const file = files.find((f) => f !== key)!;
    expect(key, `the answer key among ${files.join(', ')}`).toBeDefined();
    activityFile = file;
    const doc = parse(readFileSync(file, 'utf8'));
    expect(doc.activity.locked.nodes.sort()).toEqual([ids.ns1, ids.br].sort());
    expect(doc.activity.checks.map((c: { kind: string }) => c.kind)).toEqual([
      'reach',
      'reach',
      'no-reach',
      'iface-state',
    ]);
    expect(doc.lesson.title).toBe('Join the office LAN');
    expect(parse(readFileSync(key!, 'utf8'))).toMatchObject({
      version: 1,
      activity: names.lab,
      checks: [{ kind: 'reach', from: ids.ns2, to: ids.ns3 }],
    });
    expect(readFileSync(file, 'utf8')).not.toContain(`reach-${ids.ns2}-${ids.ns3}`);
  });

  // The student works in a browser of their own (a fresh profile, signed in with a new one-time link).
  const studentContext = await teacher.page
    .context()
    .browser()!
    .newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  try {
    const studentPage = await studentContext.newPage();
    await studentPage.goto(server!.signInUrl());
    const student = new AppPage(studentPage, testInfo, teacher.artifacts);
    await student.ready();
    const sact = new ActivityPage(student);

    await test.step('a student opens the activity: instructions, padlocks, four checks', async () => {
      await student.open(activityFile);
      await expect(sact.student).toBeVisible();
      await expect(sact.student).toContainText('Join the office LAN');
      await expect(sact.student).toContainText('The guest namespace must stay apart');
      await expect(sact.student.getByRole('list', { name: 'Checks' }).getByRole('listitem')).toHaveCount(4);
      await expect(student.page.getByTestId(`lock-${ids.ns1}`)).toBeVisible();
      await student.snap('student-opened');
    });

    await test.step('the locked nodes cannot be changed, and say why', async () => {
      await student.select(ids.ns1);
      await expect(student.inspector.getByRole('note')).toContainText(
        new RegExp(`node "${ids.ns1}" is locked by the activity`, 'i'),
      );
      await expect(student.field('Name')).toBeDisabled();
      await student.page.keyboard.press('Delete');
      await expect(student.node(ids.ns1)).toBeVisible();
      await expect(sact.student).toContainText(`Not changed: node "${ids.ns1}" is locked`);
      await student.select(ids.br);
      await expect(student.field('Name')).toBeDisabled();
      await student.snap('student-locked');
    });

    let guest = '';
    await test.step('the student builds the rest (and connects the guest too), applies it and sees 3/4', async () => {
      await student.connect(ids.ns2, ids.br);
      await student.connect(ids.ns3, ids.br);
      guest = await student.connect(ids.ns4, ids.br);
      const dialog = await student.apply();
      await expect(dialog).not.toContainText(/rolled back|failed/i);
      await student.closeDialog();
      expect(await sact.checkMyWork()).toBe('3/4');
      const failed = sact.student.getByTestId(new RegExp(`^check-no-reach-`));
      await expect(failed).toHaveClass(/is-fail/);
      await expect(failed).toContainText('Hint:');
      await student.snap('student-3-of-4');
    });

    await test.step('the student removes the guest link, applies and sees 4/4', async () => {
      await sact.selectLink(guest);
      await student.page.keyboard.press('Delete');
      await expect(student.edge(guest)).toHaveCount(0);
      // The status bar compares the drawing with the kernel after the edit; Apply once it has: an Apply that
      // races that status read is refused today ("being changed by another request"), a known app issue.
      await expect(student.page.getByRole('status', { name: 'Lab status' })).toContainText('drifted');
      const dialog = await student.apply();
      await expect(dialog).not.toContainText(/rolled back|failed/i);
      await student.closeDialog();
      expect(await sact.checkMyWork()).toBe('4/4');
      await student.snap('student-4-of-4');
    });

    await test.step('Hand in downloads the report (JSON and HTML) and the topology file', async () => {
      await sact.student.getByLabel('Your name').fill('Ada Lovelace');
      const files = await sact.downloads(sact.student.getByRole('button', { name: 'Hand in' }), 3);
      const json = files.find((f) => f.endsWith('.report.json'))!;
      const html = files.find((f) => f.endsWith('.report.html'))!;
      const topo = files.find((f) => /ada-lovelace\.yaml$/.test(f))!;
      const report = JSON.parse(readFileSync(json, 'utf8'));
      expect(report).toMatchObject({
        student: 'Ada Lovelace',
        activity: names.lab,
        status: 'graded',
        score: 4,
        max: 4,
      });
      expect(report.checks.map((c: { status: string }) => c.status)).toEqual([
        'pass',
        'pass',
        'pass',
        'pass',
      ]);
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('<svg');
      expect(page).toContain('4 / 4');
      expect(page).toContain('Ada Lovelace');
      const doc = parse(readFileSync(topo, 'utf8'));
      expect(doc.links).toHaveLength(3);
      expect(doc.activity.locked.nodes.sort()).toEqual([ids.ns1, ids.br].sort());
    });

    await test.step('Destroy leaves nothing behind', async () => {
      await student.destroy();
      await student.closeDialog();
      expect(netnsNames().filter((n) => [names.ns1, names.ns2, names.ns3, names.ns4].includes(n))).toEqual(
        [],
      );
    });
  } finally {
    await studentContext.close();
  }
});
