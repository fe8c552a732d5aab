import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine-types';
import { dispatch, type HandlerContext } from './handlers';
import { describePrivilege, ROOT_ELECTRON_NOTICE } from './privilege';

let dir: string;
let examplesDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'np-handlers-'));
  examplesDir = path.join(dir, 'examples');
  await mkdir(examplesDir);
  await writeFile(
    path.join(examplesDir, 'classic.yaml'),
    'version: 1\nname: classic\ndescription: two namespaces on a bridge\nnodes: []\n',
  );
  await writeFile(path.join(examplesDir, 'NotListed.yaml'), 'name: nope\n');
  await writeFile(path.join(dir, 'secret.yaml'), 'secret: yes\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An engine that records what it was asked and answers with fixed shapes. */
function fakeEngine(overrides: Partial<Engine> = {}) {
  const calls: string[] = [];
  const engine: Engine = {
    validateDocument: async () => (calls.push('validate'), { problems: [] }),
    planDocument: async () => (calls.push('plan'), { problems: [], changes: [] }),
    applyDocument: async (_d, o) => {
      calls.push('apply');
      o?.onProgress?.({ lab: 'x', done: 1, total: 1, phase: 'apply' });
      return { problems: [], result: { ok: true, lab: 'x', steps: 1, changes: [], durationMs: 3 } };
    },
    statusDocument: async () => (
      calls.push('status'),
      { problems: [], inSync: true, applied: true, drift: [] }
    ),
    destroyLab: async (lab) => (calls.push(`destroy:${lab}`), { removed: [lab] }),
    listLabs: async () => (calls.push('list'), []),
    openLab: async () => (calls.push('open'), null),
    ...overrides,
  };
  return { engine, calls };
}

function ctx(engine: Engine, extra: Partial<HandlerContext> = {}): HandlerContext {
  return {
    mode: 'browser',
    version: '9.9.9',
    engine,
    examplesDir,
    privilege: async () => describePrivilege('browser', false, true),
    capabilities: async () => ({ capabilities: { veth: true, netem: false }, missing: ['netem'] }),
    ...extra,
  };
}
const quiet = () => undefined;

describe('dispatch', () => {
  it('refuses unknown channels, including inherited object keys', async () => {
    const { engine, calls } = fakeEngine();
    for (const ch of ['shell:exec', '__proto__', 'toString', 'constructor', 42, undefined]) {
      const r = await dispatch(ch, {}, ctx(engine), quiet);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/unknown request/);
    }
    expect(calls).toEqual([]);
  });

  it('refuses a malformed request in plain words without calling the engine', async () => {
    const { engine, calls } = fakeEngine();
    const r = await dispatch('lab:destroy', { lab: 7 }, ctx(engine), quiet);
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(/^the lab:destroy request is malformed: "lab": /),
    });
    const r2 = await dispatch('lab:destroy', { lab: '' }, ctx(engine), quiet);
    expect(r2.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it('lab:open returns the document a lab was applied from, or says in plain words that there is no such lab', async () => {
    const topology = { version: 1 as const, name: 'np1', nodes: [], links: [], expect: [], annotations: [] };
    const { engine } = fakeEngine({
      openLab: async (lab) => (lab === 'np1' ? { lab, topology, appliedAt: '2026-01-01T00:00:00Z' } : null),
    });
    expect(await dispatch('lab:open', { lab: 'np1' }, ctx(engine), quiet)).toEqual({
      ok: true,
      value: { lab: 'np1', topology, appliedAt: '2026-01-01T00:00:00Z' },
    });
    const r = await dispatch('lab:open', { lab: 'gone' }, ctx(engine), quiet);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/no record of a lab called "gone"/) });
  });

  it('calls the engine and returns the checked value', async () => {
    const { engine, calls } = fakeEngine();
    const r = await dispatch('lab:destroy', { lab: 'np1' }, ctx(engine), quiet);
    expect(r).toEqual({ ok: true, value: { removed: ['np1'] } });
    expect(calls).toEqual(['destroy:np1']);
  });

  it('passes apply progress to the page as apply:progress events', async () => {
    const { engine } = fakeEngine();
    const seen: unknown[] = [];
    const r = await dispatch(
      'topology:apply',
      { topology: {} },
      ctx(engine, { emit: (e, p) => seen.push([e, p]) }),
      quiet,
    );
    expect(r.ok).toBe(true);
    expect(seen).toEqual([['apply:progress', { lab: 'x', done: 1, total: 1, phase: 'apply' }]]);
  });

  it('turns a thrown error into one plain line, never a stack', async () => {
    const { engine } = fakeEngine({
      planDocument: async () => {
        const e = new Error('ip: RTNETLINK answers: Operation not permitted\n    at foo (/x.js:1:1)');
        throw e;
      },
    });
    const logged: unknown[] = [];
    const r = await dispatch('topology:plan', { topology: {} }, ctx(engine), (m, e) => logged.push(m, e));
    expect(r).toEqual({ ok: false, error: 'ip: RTNETLINK answers: Operation not permitted' });
    // The server console gets one line too: the words, no error object (its stack only with NETPLUMB_DEBUG).
    expect(logged).toEqual([
      'netplumb: topology:plan failed: ip: RTNETLINK answers: Operation not permitted',
      undefined,
    ]);
  });

  it('refuses an engine answer that does not match the contract', async () => {
    const { engine } = fakeEngine({ statusDocument: async () => ({ problems: [], inSync: 'yes' }) as never });
    const r = await dispatch('topology:status', { topology: {} }, ctx(engine), quiet);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/does not match the contract/);
  });

  it('app:info reports mode, version, privilege and capabilities', async () => {
    const { engine } = fakeEngine();
    const r = await dispatch(
      'app:info',
      {},
      ctx(engine, { mode: 'electron', privilege: async () => describePrivilege('electron', true, false) }),
      quiet,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        mode: 'electron',
        version: '9.9.9',
        privilege: 'root',
        notice: ROOT_ELECTRON_NOTICE,
        capabilities: { veth: true, netem: false },
        missing: ['netem'],
      },
    });
  });

  it('desktop-only channels are refused in browser mode and delegated in the app', async () => {
    const { engine } = fakeEngine();
    const r = await dispatch('file:open', {}, ctx(engine), quiet);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/desktop app/);
    const seen: unknown[] = [];
    const desktop = {
      'document:state': async (q: unknown) => (seen.push(q), {}),
      'file:open': async (q: unknown) => (seen.push(q), { cancelled: true }),
      'file:save': async () => ({ cancelled: true }),
      'recovery:load': async () => ({ text: null }),
      'recovery:save': async () => ({}),
      'capture:save': async () => ({ cancelled: true }),
    };
    const r2 = await dispatch('file:open', {}, ctx(engine, { desktop }), quiet);
    expect(r2).toEqual({ ok: true, value: { cancelled: true } });
    expect(seen).toEqual([{ purpose: 'open' }]);
  });
});

describe('examples', () => {
  it('lists only well-named files, with their name and description', async () => {
    const { engine } = fakeEngine();
    const r = await dispatch('examples:list', {}, ctx(engine), quiet);
    expect(r).toEqual({
      ok: true,
      value: { examples: [{ id: 'classic', title: 'classic', description: 'two namespaces on a bridge' }] },
    });
  });

  it('reads a listed example by id', async () => {
    const { engine } = fakeEngine();
    const r = await dispatch('examples:get', { id: 'classic' }, ctx(engine), quiet);
    expect(r.ok && r.value).toMatchObject({
      fileName: 'classic.yaml',
      text: expect.stringContaining('name: classic'),
    });
  });

  it('refuses ids that are not listed or try to leave the directory', async () => {
    const { engine } = fakeEngine();
    for (const id of ['../secret', '..%2fsecret', 'secret', 'NotListed', '/etc/passwd', 'nope']) {
      const r = await dispatch('examples:get', { id }, ctx(engine), quiet);
      expect(r.ok, id).toBe(false);
    }
  });
});
