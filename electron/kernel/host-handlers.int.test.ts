/**
 * The `host:import` and `lab:adopt` channels as the app's File > Import uses
 * them: request checks without a kernel, then the whole round on the real
 * kernel (hand-made lab -> import -> preview -> confirm -> status -> destroy).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTopologyText } from '../../shared/formats';
import { destroyLab, statusDocument } from './engine';
import { localEngine } from './engine';
import { dispatch, type HandlerContext } from './handlers';
import { execaRunner, recordingRunner } from './runner';
import {
  cleanupPrefix,
  hostSnapshot,
  settledSnapshot,
  tempRunDir,
  uniquePrefix,
} from './test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

let p = '';
let run: ReturnType<typeof tempRunDir>;

beforeEach(() => {
  p = uniquePrefix();
  run = tempRunDir();
});
afterEach(async () => {
  await cleanupPrefix(p);
  run.remove();
});

const quiet = () => undefined;
const ctx = (extra: Partial<HandlerContext> = {}): HandlerContext => ({
  mode: 'browser',
  version: '0',
  engine: localEngine,
  examplesDir: '/nonexistent',
  privilege: async () => ({ privilege: 'root' }),
  capabilities: async () => ({ capabilities: {}, missing: [] }),
  runDir: run.dir,
  ...extra,
});

describe('host:import and lab:adopt requests', () => {
  it('refuses malformed requests, bad namespace names, and a confirm without the confirmed list, running nothing', async () => {
    const rec = recordingRunner();
    const c = ctx({ runner: rec.run });
    expect(await dispatch('host:import', { namespaces: 'a,b' }, c, quiet)).toMatchObject({ ok: false });
    const bad = await dispatch('host:import', { namespaces: ['../etc'] }, c, quiet);
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/not a valid namespace name/) });
    const noList = await dispatch(
      'lab:adopt',
      { topology: { version: 1, name: 'x' }, confirm: true },
      c,
      quiet,
    );
    expect(noList).toMatchObject({ ok: false, error: expect.stringMatching(/list of marks/) });
    expect(rec.calls).toEqual([]);
  });
});

describe.skipIf(!isRoot())(
  `host:import and lab:adopt on the real kernel${isRoot() ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    it('imports a hand-made lab, previews the marks, adopts the confirmed list; status in sync; destroy leaves nothing', async () => {
      const script = [
        `ip netns add ${p}a`,
        `ip netns add ${p}b`,
        `ip link add e0 netns ${p}a type veth peer name e0 netns ${p}b`,
        `ip -n ${p}a address add 10.79.0.1/30 dev e0`,
        `ip -n ${p}b address add 10.79.0.2/30 dev e0`,
        `ip -n ${p}a link set e0 up`,
        `ip -n ${p}b link set e0 up`,
        `ip -n ${p}a link set lo up`,
        `ip -n ${p}b link set lo up`,
      ].join('\n');
      expect((await execaRunner(['bash', '-euo', 'pipefail', '-c', script])).exitCode).toBe(0);
      const c = ctx({ runner: execaRunner });
      const imp = await dispatch(
        'host:import',
        { namespaces: [`${p}a`, `${p}b`], lab: `${p}-app` },
        c,
        quiet,
      );
      expect(imp.ok).toBe(true);
      const text = (imp as { value: { text: string } }).value.text;
      const doc = loadTopologyText(text, 'lab.yaml').topology!;
      expect(doc.nodes.map((n) => n.name).sort()).toEqual([`${p}a`, `${p}b`]);

      const before = await settledSnapshot(p);
      const preview = await dispatch('lab:adopt', { topology: doc }, c, quiet);
      const marks = (preview as { value: { marks: { name: string; mark: string }[]; adopted: boolean } })
        .value;
      expect(marks.adopted).toBe(false);
      expect(marks.marks.map((m) => m.mark).sort()).toEqual([
        `netplumb:${p}-app`,
        `netplumb:${p}-app`,
        `netplumb:${p}-app:${doc.links[0].id}:a`,
        `netplumb:${p}-app:${doc.links[0].id}:b`,
      ]);
      expect(await hostSnapshot(p)).toEqual(before);

      const done = await dispatch(
        'lab:adopt',
        { topology: doc, confirm: true, marks: marks.marks },
        c,
        quiet,
      );
      expect(done).toMatchObject({ ok: true, value: { adopted: true } });
      expect(await statusDocument(doc, { runDir: run.dir })).toMatchObject({
        inSync: true,
        applied: true,
        drift: [],
      });
      await destroyLab(doc.name, { runDir: run.dir });
      expect(await hostSnapshot(p)).toEqual({ netns: [], links: [], inside: {} });
    });
  },
);
