/**
 * The live-lab channels through `dispatch` (the one path Electron IPC and the
 * browser-mode server use): requests parsed by the contract, answers checked
 * against it, events pushed through `emit`. Real kernel, one classic lab.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../../shared/ipc/contract';
import { localEngine } from '../engine';
import { dispatch, releaseContext, type HandlerContext } from '../handlers';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../test-support/lab-fixture';
import { classicLab } from '../test-support/labs';
import { isRoot, NOT_ROOT_REASON } from '../test-support/scratch-netns';

const root = isRoot();
const p = uniquePrefix();
const run = tempRunDir();
const lab = `${p}-classic`;
const events: { event: EventName; payload: unknown }[] = [];
const ROOT = join(import.meta.dirname, '../../..');
const ctx: HandlerContext = {
  mode: 'browser',
  version: 'test',
  engine: localEngine,
  runDir: run.dir,
  examplesDir: join(ROOT, 'examples'),
  privilege: async () => ({ privilege: 'root' }),
  capabilities: async () => ({ capabilities: {}, missing: [] }),
  emit: (event, payload) => events.push({ event, payload }),
};
const call = async (channel: string, req: unknown) => dispatch(channel, req, ctx, () => {});
const value = async <T = Record<string, unknown>>(channel: string, req: unknown): Promise<T> => {
  const r = await call(channel, req);
  if (!r.ok) throw new Error(`${channel}: ${r.error}`);
  return r.value as T;
};
const until = async (pred: () => boolean) => {
  for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
};
const doc = { ...classicLab(p), expect: [{ from: 'ns1', to: 'ns2' }] };

describe('lessons channels', () => {
  it('lists lessons and reads one by id; refuses other ids', async () => {
    const l = await value<{ lessons: { id: string; title: string; steps: number }[] }>('lessons:list', {});
    expect(l.lessons.map((x) => x.id)).toContain('1-linux-bridge');
    expect(l.lessons.find((x) => x.id === '1-linux-bridge')).toMatchObject({
      title: 'The classic Linux bridge',
      steps: 4,
    });
    const g = await value<{ text: string; fileName: string }>('lessons:get', { id: '1-linux-bridge' });
    expect(g.fileName).toBe('1-linux-bridge.yaml');
    expect(g.text).toMatch(/^lesson:/m);
    expect((await call('lessons:get', { id: '../examples/router' })).ok).toBe(false);
    expect(await call('lessons:get', { id: 'nope' })).toEqual({
      ok: false,
      error: 'there is no lesson called "nope"',
    });
  });
});

describe.skipIf(!root)(
  `live channels through dispatch${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    beforeAll(async () => {
      const a = await value<{ result?: { ok: boolean } }>('topology:apply', { topology: doc });
      expect(a.result?.ok).toBe(true);
    }, 120_000);
    afterAll(async () => {
      try {
        await call('lab:destroy', { lab });
      } finally {
        await cleanupPrefix(p);
        run.remove();
      }
    }, 180_000);

    it('refuses malformed requests before any work: kernel names, long targets, unknown handles', async () => {
      expect((await call('lab:ping', { lab, from: '../x', to: 'ns2' })).ok).toBe(false);
      expect((await call('lab:ping', { lab, from: 'ns1', to: 'ns2', count: 1000 })).ok).toBe(false);
      expect((await call('term:input', { id: 'zz', data: 'x' })).ok).toBe(false);
      expect(await call('term:input', { id: '0123456789abcdef', data: 'x' })).toEqual({
        ok: false,
        error: 'there is no open terminal "0123456789abcdef"',
      });
      expect((await call('lab:tables', { lab, nodeId: 'nope' })).ok).toBe(false);
    });

    it('lab:check, lab:ping, lab:tables, lab:live answer within the contract', async () => {
      const c = await value<{ ok: boolean; results: { status: string }[] }>('lab:check', { topology: doc });
      expect(c.ok).toBe(true);
      const ping = await value('lab:ping', { lab, from: 'ns1', to: 'ns2', count: 1 });
      expect(ping).toMatchObject({ received: 1, reached: true });
      const t = await value<{ fdb: unknown[]; kind: string }>('lab:tables', { lab, nodeId: 'br0' });
      expect(t.kind).toBe('bridge');
      expect(t.fdb.length).toBeGreaterThan(0);
      const live = await value<{ links: { linkId: string }[] }>('lab:live', { lab });
      expect(live.links.map((l) => l.linkId)).toEqual(['l1', 'l2']);
      const tr = await value<{ reached: boolean }>('lab:traceroute', { lab, from: 'ns1', to: 'ns2' });
      expect(tr.reached).toBe(true);
    });

    it('lab:link-state returns the changed document, which the next call builds on', async () => {
      const down = await value<{ topology: typeof doc; result: { ok: boolean } }>('lab:link-state', {
        topology: doc,
        linkId: 'l1',
        end: 'a',
        up: false,
      });
      expect(down.result.ok).toBe(true);
      expect(down.topology.links[0].a.up).toBe(false);
      expect(down.topology.links[0].b.up).toBe(true);
      expect((await value<{ ok: boolean }>('lab:check', { topology: down.topology })).ok).toBe(false);
      const up = await value<{ topology: typeof doc; result: { ok: boolean } }>('lab:link-state', {
        topology: down.topology,
        linkId: 'l1',
        up: true,
      });
      expect(up.result.ok).toBe(true);
      expect((await value<{ ok: boolean }>('lab:check', { topology: up.topology })).ok).toBe(true);
    });

    it('capture start/stop saves a pcap and emits capture:stopped', async () => {
      process.env.NETPLUMB_CAPTURE_DIR = join(run.dir, 'pcap');
      try {
        const c = await value<{ id: string; path: string }>('lab:capture-start', {
          lab,
          linkId: 'l2',
          end: 'a',
        });
        await value('lab:ping', { lab, from: 'ns1', to: 'ns2', count: 2 });
        const s = await value<{ bytes: number; packets: number; path: string }>('lab:capture-stop', {
          id: c.id,
        });
        expect(s.path.startsWith(join(run.dir, 'pcap'))).toBe(true);
        expect(s.packets).toBeGreaterThanOrEqual(4);
        expect(s.bytes).toBeGreaterThan(24);
        expect(
          events.filter((e) => e.event === 'capture:stopped').map((e) => (e.payload as { id: string }).id),
        ).toEqual([c.id]);
      } finally {
        delete process.env.NETPLUMB_CAPTURE_DIR;
      }
    });

    it('lab:trace returns explained hops', async () => {
      const r = await value<{ hops: { kind: string; explanation: string }[]; reached: boolean }>(
        'lab:trace',
        { topology: doc, from: 'ns1', to: 'ns2' },
      );
      expect(r.reached).toBe(true);
      expect(r.hops.map((h) => h.kind)).toEqual(
        expect.arrayContaining(['arp-request', 'arp-reply', 'echo-request', 'echo-reply']),
      );
    });

    it('releaseContext closes the terminals that page opened, not those of another page', async () => {
      const other: HandlerContext = { ...ctx, emit: () => {} };
      const mine = await value<{ id: string }>('term:open', { lab, nodeId: 'ns1', cols: 80, rows: 24 });
      const theirs = await dispatch('term:open', { lab, nodeId: 'ns2', cols: 80, rows: 24 }, other, () => {});
      expect(theirs.ok).toBe(true);
      releaseContext(ctx);
      expect(events.filter((e) => e.event === 'term:exit').map((e) => e.payload)).toEqual([
        { id: mine.id, code: -1, reason: 'the page that opened it went away' },
      ]);
      expect((await call('term:input', { id: mine.id, data: 'x' })).ok).toBe(false);
      expect(
        (
          await dispatch(
            'term:input',
            { id: (theirs as { value: { id: string } }).value.id, data: 'exit\n' },
            other,
            () => {},
          )
        ).ok,
      ).toBe(true);
      events.length = 0;
    });

    it('a terminal opened through the contract streams output as events, and lab:destroy closes it', async () => {
      const t = await value<{ id: string; ns: string }>('term:open', {
        lab,
        nodeId: 'ns1',
        cols: 80,
        rows: 24,
      });
      expect(t.ns).toBe(`${p}a`);
      await value('term:resize', { id: t.id, cols: 100, rows: 30 });
      await value('term:input', { id: t.id, data: 'ip -br addr show dev eth0\n' });
      const out = () =>
        events
          .filter((e) => e.event === 'term:output' && (e.payload as { id: string }).id === t.id)
          .map((e) => (e.payload as { data: string }).data)
          .join('');
      await until(() => out().includes('10.0.0.1/24'));
      expect(out()).toContain('10.0.0.1/24');
      expect((await call('term:open', { lab, nodeId: 'br0', cols: 80, rows: 24 })).ok).toBe(false);
      await value('lab:destroy', { lab });
      const exits = events.filter((e) => e.event === 'term:exit');
      // Closed by lab:destroy, or a moment earlier by the namespace watcher when the namespace went away.
      expect(exits).toEqual([
        {
          event: 'term:exit',
          payload: { id: t.id, code: -1, reason: expect.stringMatching(/was destroyed|is gone/) },
        },
      ]);
      expect((await call('term:input', { id: t.id, data: 'x' })).ok).toBe(false);
    });
  },
);
