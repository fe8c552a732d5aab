/**
 * Two files with the same lab name (lab-file.ts), on the real kernel: the
 * second replaces the running lab and the apply warns, naming the file the
 * lab ran from and what it removed; the same file again, a file that changes
 * nothing, and an apply without a file (the app's drawing) do not warn.
 * Through the privileged helper the same, so a normal user is told alike.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, listLabs } from './engine';
import { createHelperClient } from './helper-client';
import { helperArgvFor } from './test-support/helper-process';
import { cleanupPrefix, hostSnapshot, uniquePrefix } from './test-support/lab-fixture';
import { classicLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const warned = (r: { problems: { code: string }[] }) =>
  r.problems.filter((x) => x.code === 'lab-from-other-file');

describe.skipIf(!root)(`a lab applied from another file of the same name (${NOT_ROOT_REASON})`, () => {
  // The default run directory: the helper (root) always uses it.
  const p = uniquePrefix();
  afterAll(async () => {
    await destroyLab(`${p}-classic`).catch(() => undefined);
    await cleanupPrefix(p);
  }, 60_000);

  it('replaces it with a warning naming the other file and what went; no warning without a change or a file', async () => {
    const first = classicLab(p);
    // Another file, same name: one namespace of the first and a new one.
    const second = {
      ...first,
      nodes: [first.nodes[0], { id: 'x', name: `${p}x`, kind: 'namespace' as const }],
      links: [],
    };
    const a = await applyDocument(first, { file: '/labs/a/lab.yaml' });
    expect(a.result?.ok, JSON.stringify(a)).toBe(true);
    expect(warned(a)).toEqual([]);

    // The same file again, an apply without a file (the app's drawing), and another file
    // while the record names none: no warning.
    expect(warned(await applyDocument(first, { file: '/labs/a/lab.yaml' }))).toEqual([]);
    expect(warned(await applyDocument(first))).toEqual([]);
    expect(warned(await applyDocument(first, { file: '/labs/c/lab.yaml' }))).toEqual([]);
    // A file that changes nothing: no warning, and the record names it now.
    expect(warned(await applyDocument(first, { file: '/labs/a/lab.yaml' }))).toEqual([]);
    expect((await listLabs()).find((l) => l.name === first.name)?.file).toBe('/labs/a/lab.yaml');

    // Through the helper (a normal user's path): the file reaches the record and the warning comes back.
    const helper = createHelperClient(helperArgvFor({ env: {} }));
    try {
      const b = await helper.applyDocument(second, { file: '/labs/b/lab.yaml' });
      expect(b.result?.ok, JSON.stringify(b)).toBe(true);
      const [w] = b.problems.filter((x) => x.code === 'lab-from-other-file');
      expect(w.severity).toBe('warning');
      expect(w.path).toEqual(['name']);
      expect(w.message).toContain('was running from another file, /labs/a/lab.yaml');
      // It names what went: the first lab's other namespace and its bridge.
      expect(w.message).toContain(first.nodes[1].name);
      expect(w.message).toContain(`${first.nodes[2].name} in the root namespace`);
    } finally {
      helper.close();
    }
    expect((await hostSnapshot(p)).netns).toEqual([first.nodes[0].name, `${p}x`].sort());
    expect((await listLabs()).find((l) => l.name === first.name)?.file).toBe('/labs/b/lab.yaml');
  }, 120_000);
});
