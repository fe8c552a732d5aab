/**
 * An apply killed mid-way (SIGKILL) leaves a journal; the next command on the
 * lab finds it, undoes what ran and leaves the host as it was.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, planDocument, statusDocument } from './engine';
import { execaRunner, type Runner } from './runner';
import { OWN_SYSCTL_SCRIPT } from './live-read';
import { hostSnapshot, useKernelLab } from './test-support/lab-fixture';
import { classicLab, richLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const lab = useKernelLab({ beforeEach, afterEach });

async function killedApply(doc: object, k: number) {
  const file = join(lab.run.dir, 'doc.json');
  writeFileSync(file, JSON.stringify(doc));
  const child = await execa(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'test-support/kill-apply.ts'),
      file,
      lab.run.dir,
      String(k),
    ],
    { reject: false },
  );
  return child;
}

describe.skipIf(!root)(`recovery after a killed apply${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  it('the next command finishes the rollback, for a kill early, in the middle and late', async () => {
    const doc = richLab(lab.p);
    const before = await hostSnapshot(lab.p);
    const plan = await planDocument(doc, { runDir: lab.run.dir });
    const n = plan.changes.length;
    const sysctl = plan.changes.findIndex((c) => !c.batch);
    for (const k of [0, 3, sysctl, Math.floor(n * 0.7), n - 1]) {
      const child = await killedApply(doc, k);
      expect(child.signal, `kill at step ${k}: ${child.stderr}`).toBe('SIGKILL');
      expect(existsSync(join(lab.run.dir, 'labs', doc.name, 'journal.jsonl'))).toBe(true);
      const notices: string[] = [];
      const s = await statusDocument(doc, { runDir: lab.run.dir, onNotice: (m) => notices.push(m) });
      expect(notices.join(' ')).toMatch(
        new RegExp(`An apply of lab "${doc.name}" .* was interrupted after \\d+ of ${n} steps`),
      );
      expect(s.applied).toBe(false);
      expect(existsSync(join(lab.run.dir, 'labs', doc.name, 'journal.jsonl'))).toBe(false);
      expect(
        await hostSnapshot(lab.p),
        `host after kill at step ${k}: ${plan.changes[k].argv.join(' ')}`,
      ).toEqual(before);
    }
  }, 300_000);

  it('destroy always works on a half-applied lab', async () => {
    const doc = richLab(lab.p);
    const plan = await planDocument(doc, { runDir: lab.run.dir });
    await killedApply(doc, Math.floor(plan.changes.length / 2));
    await destroyLab(doc.name, { runDir: lab.run.dir });
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
    // And a lab applied over a crashed one comes up whole.
    await killedApply(doc, 5);
    const a = await applyDocument(doc, { runDir: lab.run.dir });
    expect(a.result?.ok).toBe(true);
    expect((await statusDocument(doc, { runDir: lab.run.dir })).inSync).toBe(true);
  }, 120_000);

  it("rebuilds undo from recorded facts: a tampered journal's command lines are never run and foreign objects stay", async () => {
    const doc = classicLab(lab.p);
    const ip = (...a: string[]) => execaRunner(['ip', ...a]);
    // Foreign objects a forged journal will name: a veth pair in the root and a namespace in use.
    await ip('link', 'add', 'name', `${lab.p}fx`, 'type', 'veth', 'peer', 'name', `${lab.p}fy`);
    await ip('netns', 'add', `${lab.p}fns`);
    await ip('-n', `${lab.p}fns`, 'address', 'add', '192.0.2.7/32', 'dev', 'lo');
    const before = await hostSnapshot(lab.p);
    // Killed after the root batch: namespaces and veth pairs exist, none marked yet.
    const plan = await planDocument(doc, { runDir: lab.run.dir });
    const firstNs = plan.changes.findIndex((c) => c.phase !== 'root');
    expect((await killedApply(doc, firstNs)).signal).toBe('SIGKILL');
    const file = join(lab.run.dir, 'labs', doc.name, 'journal.jsonl');
    const pwned = join(lab.run.dir, 'pwned');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].t).toBe('begin');
    expect(JSON.stringify(lines[0])).not.toMatch(/"argv"|"undo"/); // facts only, no command lines
    // Forge: old-style undo lines (a foreign interface, a shell), facts naming foreign objects,
    // another lab's mark, and an unknown entry type carrying a command.
    const mark = `netplumb:${doc.name}:x:a`;
    lines[0].changes = [
      { step: 0, undo: ['ip', 'link', 'del', 'dev', `${lab.p}fx`] },
      { step: 1, undo: ['touch', pwned] },
      { step: 2, undo: ['sh', '-c', `touch ${pwned}`] },
    ];
    lines[0].created.push(
      { step: 0, kind: 'veth', ns: '', name: `${lab.p}fx`, mark, peer: { ns: '', name: `${lab.p}fy` } },
      { step: 0, kind: 'namespace', ns: '', name: `${lab.p}fns`, mark: `netplumb:${doc.name}` },
      { step: 0, kind: 'bridge', ns: '', name: `${lab.p}fy`, mark: 'netplumb:someotherlab:bridge:b' },
    );
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    appendFileSync(
      file,
      JSON.stringify({ t: 'undo', argv: ['touch', pwned] }) +
        '\n' +
        JSON.stringify({ t: 'start', steps: [0, 1, 2] }) +
        '\n',
    );
    const seen: string[][] = [];
    const recording: Runner = async (argv, o) => {
      seen.push([...argv]);
      return execaRunner(argv, o);
    };
    const notices: string[] = [];
    const s = await statusDocument(doc, {
      runDir: lab.run.dir,
      runner: recording,
      onNotice: (m) => notices.push(m),
    });
    expect(s.applied).toBe(false);
    expect(existsSync(pwned)).toBe(false);
    // (nsenter: the reader's read of a namespace's own settings, `nsenter --net=… sh -c OWN_SYSCTL_SCRIPT`.)
    expect(
      seen.every(
        (a) =>
          ['ip', 'tc', 'bridge', 'sysctl', 'modprobe'].includes(a[0]) ||
          (a[0] === 'nsenter' &&
            a[1].startsWith('--net=/run/netns/') &&
            a.length === 5 &&
            a[2] === 'sh' &&
            a[3] === '-c' &&
            a[4] === OWN_SYSCTL_SCRIPT),
      ),
    ).toBe(true);
    expect(seen.some((a) => a.includes(`${lab.p}fx`) && a.includes('del'))).toBe(false);
    expect(notices.join('\n')).toMatch(
      new RegExp(`Recovery left alone: ${lab.p}fx in the root namespace carries no mark and is not provably`),
    );
    expect(notices.join('\n')).toMatch(
      new RegExp(`Recovery left alone: namespace ${lab.p}fns carries no mark and is not empty`),
    );
    // The lab's objects are gone; the foreign ones are exactly as they were.
    expect(await hostSnapshot(lab.p)).toEqual(before);
  }, 60_000);
});
