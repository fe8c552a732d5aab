/**
 * The user's name prefix on the kernel side (issue 16, shared machines): every
 * document and lab name that reaches the engine or the live tools carries the
 * prefix; documents and progress going back to the page are in drawing names;
 * the prefix is read from, and set in, the user's config file only.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTopology, type Topology } from '../../shared/model';
import type { Engine } from './engine-types';
import { dispatch, type HandlerContext } from './handlers';
import type { LiveBackend } from './live/backend';
import { describePrivilege } from './privilege';

let dir: string;
let configFile: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'np-prefix-'));
  configFile = path.join(dir, 'netplumb', 'config.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const drawing = {
  version: 1,
  name: 'lab1',
  nodes: [
    { id: 'n1', name: 'ns1', kind: 'namespace', routes: [{ to: 'default', dev: 'v1' }] },
    { id: 'b1', name: 'br0', kind: 'bridge' },
  ],
  links: [
    {
      id: 'l1',
      a: { node: 'n1', ifname: 'v1', addresses: ['10.0.0.1/24'] },
      b: { node: 'b1', ifname: 'v1-br' },
    },
  ],
};

/** Every kernel name of a parsed document, for the assertions. */
function kernelNames(doc: unknown): string[] {
  const p = parseTopology(doc);
  if (!p.ok) throw new Error(`not a document: ${JSON.stringify(p.problems)}`);
  const t: Topology = p.topology;
  const names = [t.name];
  for (const n of t.nodes) {
    if (n.kind === 'host') continue;
    names.push(n.name);
    if (n.kind !== 'bridge') for (const r of n.routes) if (r.dev) names.push(r.dev);
  }
  for (const l of t.links) names.push(l.a.ifname, l.b.ifname);
  return names;
}

/** An engine and a live backend that record every document and lab name they get. */
function recorder() {
  const docs: unknown[] = [];
  const labs: string[] = [];
  const events: unknown[] = [];
  const engine = {
    validateDocument: async () => ({ problems: [] }),
    planDocument: async (d: unknown) => (docs.push(d), { problems: [], changes: [] }),
    applyDocument: async (
      d: unknown,
      o?: { onProgress?: (p: { lab: string; done: number; total: number; phase: 'apply' }) => void },
    ) => {
      docs.push(d);
      const lab = (d as { name: string }).name;
      o?.onProgress?.({ lab, done: 1, total: 1, phase: 'apply' });
      return { problems: [], result: { ok: true, lab, steps: 1, changes: [], durationMs: 1 } };
    },
    statusDocument: async (d: unknown) => (
      docs.push(d),
      {
        problems: [],
        inSync: false,
        applied: true,
        drift: [
          {
            state: 'missing' as const,
            kind: 'interface',
            name: 'st3-v1',
            nodeId: 'n1',
            linkId: 'l1',
            detail: 'st3-v1 is missing',
          },
        ],
      }
    ),
    destroyLab: async (lab: string) => (labs.push(lab), { removed: [lab] }),
    listLabs: async () => [],
    openLab: async (lab: string) => (labs.push(lab), { lab, topology: docs.at(-1), appliedAt: 'now' }),
  } as unknown as Engine;
  const linkEdit = async (req: { topology: unknown }) => (
    docs.push(req.topology),
    { topology: req.topology, problems: [] }
  );
  const live = {
    where: 'local',
    check: async (req: { topology: unknown }) => (
      docs.push(req.topology),
      { lab: 'x', results: [], passed: 0, failed: 0, errors: 0, ok: true }
    ),
    activityCheck: async (req: { topology: unknown; prefix?: string }) => (
      docs.push(req.topology),
      labs.push(`activity:${req.prefix}`),
      { lab: 'x', score: 0, max: 0, checks: [] }
    ),
    ping: async (req: { lab: string }) => (
      labs.push(req.lab),
      { from: 'a', to: 'b', sent: 1, received: 1, lossPercent: 0, reached: true, summary: '', output: '' }
    ),
    tables: async (req: { lab: string }) => (labs.push(req.lab), Promise.reject(new Error('not needed'))),
    sample: async (req: { lab: string }) => (
      labs.push(req.lab),
      { lab: req.lab, at: 0, intervalSec: 1, links: [] }
    ),
    linkState: linkEdit,
    netem: linkEdit,
    labGone: (lab: string) => labs.push(`gone:${lab}`),
    closeOwnedBy: () => undefined,
  } as unknown as LiveBackend;
  const ctx: HandlerContext = {
    mode: 'browser',
    version: '0',
    engine,
    live,
    examplesDir: dir,
    prefixFile: configFile,
    privilege: async () => describePrivilege('browser', true, false),
    capabilities: async () => ({ capabilities: {}, missing: [] }),
    emit: (event, payload) => events.push({ event, payload }),
  };
  return { ctx, docs, labs, events };
}

const quiet = () => undefined;

describe('the name prefix on the kernel side', () => {
  it('is read from and written to the config file, keeping its other entries, with the CLI rule', async () => {
    const { ctx } = recorder();
    expect(await dispatch('settings:prefix', {}, ctx, quiet)).toEqual({
      ok: true,
      value: { file: configFile },
    });
    expect(await dispatch('settings:prefix', { set: 'st3-' }, ctx, quiet)).toEqual({
      ok: true,
      value: { file: configFile, prefix: 'st3-' },
    });
    await writeFile(configFile, JSON.stringify({ prefix: 'st3-', theme: 'dark' }));
    const bad = await dispatch('settings:prefix', { set: 'Bad Prefix' }, ctx, quiet);
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toMatch(/lower-case letters/);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({ prefix: 'st3-', theme: 'dark' });
    expect(await dispatch('settings:prefix', { set: null }, ctx, quiet)).toEqual({
      ok: true,
      value: { file: configFile },
    });
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({ theme: 'dark' });
  });

  it('puts the prefix on every document and lab name sent to the kernel, and maps answers back', async () => {
    const { ctx, docs, labs, events } = recorder();
    await dispatch('settings:prefix', { set: 'st3-' }, ctx, quiet);
    for (const ch of ['topology:plan', 'topology:apply', 'topology:status', 'lab:check']) {
      const r = await dispatch(ch, { topology: drawing }, ctx, quiet);
      expect(r.ok, ch).toBe(true);
    }
    const edit = await dispatch('lab:link-state', { topology: drawing, linkId: 'l1', up: false }, ctx, quiet);
    expect(edit.ok && (edit.value as { topology: unknown }).topology).toEqual(
      parseTopology(drawing).ok && (parseTopology(drawing) as { topology: unknown }).topology,
    );
    expect(docs).toHaveLength(5);
    for (const d of docs) for (const name of kernelNames(d)) expect(name.startsWith('st3-'), name).toBe(true);
    expect(kernelNames(docs[0])).toEqual(kernelNames(drawing).map((n) => `st3-${n}`));
    // Progress reaches the page under the drawing's lab name; ids (the overlay's keys) are untouched.
    expect(events).toContainEqual({
      event: 'apply:progress',
      payload: { lab: 'lab1', done: 1, total: 1, phase: 'apply' },
    });
    const status = await dispatch('topology:status', { topology: drawing }, ctx, quiet);
    expect(
      status.ok && (status.value as { drift: { nodeId?: string; linkId?: string }[] }).drift[0],
    ).toMatchObject({ nodeId: 'n1', linkId: 'l1' });

    await dispatch('lab:ping', { lab: 'lab1', from: 'n1', to: '10.0.0.2' }, ctx, quiet);
    await dispatch('lab:live', { lab: 'lab1' }, ctx, quiet);
    await dispatch('lab:destroy', { lab: 'lab1' }, ctx, quiet);
    // A name from the lab list is a kernel name: it is not prefixed again.
    await dispatch('lab:destroy', { lab: 'st3-lab1', kernelName: true }, ctx, quiet);
    await dispatch('activity:check', { topology: drawing, prefix: 'evil-' }, ctx, quiet);
    expect(labs).toEqual([
      'st3-lab1',
      'st3-lab1',
      'st3-lab1',
      'gone:st3-lab1',
      'st3-lab1',
      'gone:st3-lab1',
      'activity:st3-',
    ]);
  });

  it('opens a recorded lab in drawing names', async () => {
    const { ctx } = recorder();
    await dispatch('settings:prefix', { set: 'st3-' }, ctx, quiet);
    await dispatch('topology:apply', { topology: drawing }, ctx, quiet);
    const r = await dispatch('lab:open', { lab: 'st3-lab1' }, ctx, quiet);
    expect(r.ok).toBe(true);
    expect(kernelNames((r as { value: { topology: unknown } }).value.topology)).toEqual(kernelNames(drawing));
  });

  it('sends documents unchanged without a prefix, and refuses names the prefix makes too long before any kernel work', async () => {
    const { ctx, docs } = recorder();
    await dispatch('topology:plan', { topology: drawing }, ctx, quiet);
    expect(kernelNames(docs[0])).toEqual(kernelNames(drawing));
    await dispatch('settings:prefix', { set: 'student-0042' }, ctx, quiet);
    const r = await dispatch('topology:apply', { topology: drawing }, ctx, quiet);
    expect(r.ok && (r.value as { problems: { code: string; linkId?: string }[] }).problems).toEqual([
      // "v1-br" becomes 17 bytes; "v1" (14) still fits.
      expect.objectContaining({
        code: 'prefix-name-too-long',
        linkId: 'l1',
        path: ['links', 0, 'b', 'ifname'],
      }),
    ]);
    expect(docs).toHaveLength(1);
  });

  it('refuses kernel work in plain words when the config file is broken', async () => {
    const { ctx, docs } = recorder();
    await dispatch('settings:prefix', { set: 'st3-' }, ctx, quiet);
    await writeFile(configFile, '{ "prefix": 42 }');
    const r = await dispatch('topology:apply', { topology: drawing }, ctx, quiet);
    expect(r.ok ? '' : r.error).toMatch(/"prefix" must be a string/);
    expect(docs).toHaveLength(0);
  });
});
