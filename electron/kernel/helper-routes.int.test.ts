/**
 * The paths a normal user takes to the helper, end to end on the real kernel:
 * - the page's channels through `dispatch` with the context's live lab set to
 *   the helper (what Electron main and `netplumb serve` build for a normal
 *   user): terminal events, a capture with `capture:stopped`, tables, and
 *   the terminals of a closed page closed in the helper;
 * - the CLI's live commands (tables, ping, exec) choosing the helper.
 * The helper is the real process, started as root for a useradd caller.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventName } from '../../shared/ipc/contract';
import { LIVE_COMMANDS } from '../cli/live-commands';
import { parseArgs } from '../cli/args';
import { dispatch, releaseContext, type HandlerContext } from './handlers';
import { createHelperClient, type HelperClient } from './helper-client';
import { helperLive } from './live/helper-backend';
import { APP_ROOT, createTestUser, helperArgvFor, type TestUser } from './test-support/helper-process';
import { cleanupPrefix, uniquePrefix } from './test-support/lab-fixture';
import { classicLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

// The CLI asks choose-live where to run; here it always gets the helper, as a normal user would.
const cliHelper = vi.hoisted(() => ({
  make: undefined as undefined | (() => { live: unknown; close(): void }),
}));
vi.mock('./live/choose-live', () => ({ chooseLive: async () => cliHelper.make?.() ?? null }));

const root = isRoot();
const p = uniquePrefix();
const lab = `${p}-classic`;
const doc = classicLab(p);
const events: { event: EventName; payload: Record<string, unknown> }[] = [];
let user: TestUser;
let client: HelperClient;
let work: string;
let ctx: HandlerContext;
const clients: HelperClient[] = [];

const newClient = () => {
  const c = createHelperClient(helperArgvFor({ sudo: { uid: user.uid, gid: user.gid } }));
  clients.push(c);
  return c;
};
const value = async <T = Record<string, unknown>>(
  channel: string,
  req: unknown,
  c: HandlerContext = ctx,
): Promise<T> => {
  const r = await dispatch(channel, req, c, () => {});
  if (!r.ok) throw new Error(`${channel}: ${r.error}`);
  return r.value as T;
};
const until = async (pred: () => boolean) => {
  for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
};

/** Runs a CLI command in this process and returns its exit code and standard output. */
async function cli(name: string, argv: string[]): Promise<{ code: number; out: string }> {
  const cmd = LIVE_COMMANDS[name];
  let out = '';
  const spy = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    const code = await cmd.run(parseArgs(argv, cmd.valued ?? []), argv);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

describe.skipIf(!root)(
  `a normal user's routes to the helper${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'np-helperops-'));
      user = createTestUser();
      client = newClient();
      const live = helperLive(client, { dir: join(work, 'captures') });
      ctx = {
        mode: 'browser',
        version: 'test',
        engine: client,
        live,
        examplesDir: join(APP_ROOT, 'examples'),
        privilege: async () => ({ privilege: 'helper' }),
        capabilities: async () => ({ capabilities: {}, missing: [] }),
        emit: (event, payload) => events.push({ event, payload: payload as Record<string, unknown> }),
      };
      cliHelper.make = () => {
        const c = newClient();
        const l = helperLive(c, { dir: join(work, 'cli-captures') });
        return { live: l, close: () => (l.dispose(), c.close()) };
      };
      const a = await value<{ result?: { ok: boolean } }>('topology:apply', { topology: doc });
      expect(a.result?.ok).toBe(true);
    }, 120_000);

    afterAll(async () => {
      try {
        await client?.destroyLab(lab).catch(() => undefined);
        for (const c of clients) c.close();
      } finally {
        await cleanupPrefix(p);
        user?.remove();
        if (work) rmSync(work, { recursive: true, force: true });
      }
    }, 180_000);

    it('term:open streams a shell running as the user; closing the page closes it in the helper', async () => {
      const t = await value<{ id: string; ns: string }>('term:open', {
        lab,
        nodeId: 'ns1',
        cols: 80,
        rows: 24,
      });
      expect(t.ns).toBe(`${p}a`);
      await value('term:input', { id: t.id, data: 'echo "U=$(id -u)"\r' });
      const text = () =>
        events
          .filter((e) => e.event === 'term:output' && e.payload.id === t.id)
          .map((e) => String(e.payload.data))
          .join('');
      await until(() => /U=\d+/.test(text()));
      expect(Number(/U=(\d+)/.exec(text())![1])).toBe(user.uid);
      releaseContext(ctx);
      await until(() => events.some((e) => e.event === 'term:exit' && e.payload.id === t.id));
      expect(events.some((e) => e.event === 'term:exit' && e.payload.id === t.id)).toBe(true);
    }, 30_000);

    it('lab:capture-start/stop write the pcap here and push capture:stopped; lab:tables answers within the contract', async () => {
      const info = await value<{ id: string; path: string }>('lab:capture-start', {
        lab,
        linkId: 'l2',
        end: 'a',
      });
      await value('lab:ping', { lab, from: 'ns1', to: 'ns2', count: 2 });
      const stopped = await value<{ path: string; bytes: number; reason: string }>('lab:capture-stop', {
        id: info.id,
      });
      expect(stopped.path).toBe(info.path);
      expect(stopped.reason).toBe('stopped');
      expect(statSync(stopped.path).size).toBe(stopped.bytes);
      expect(stopped.bytes).toBeGreaterThan(24);
      await until(() => events.some((e) => e.event === 'capture:stopped' && e.payload.id === info.id));
      expect(
        events.find((e) => e.event === 'capture:stopped' && e.payload.id === info.id)?.payload.path,
      ).toBe(info.path);
      const t = await value<{ interfaces: { name: string }[] }>('lab:tables', { lab, nodeId: 'ns2' });
      expect(t.interfaces.map((i) => i.name)).toContain('eth0');
    }, 30_000);

    it("the CLI's tables, ping and exec go through the helper; exec runs as the user with its exit code", async () => {
      const tables = await cli('tables', [lab, 'ns1', '--json']);
      expect(tables.code).toBe(0);
      expect(JSON.parse(tables.out).interfaces.some((i: { name: string }) => i.name === 'eth0')).toBe(true);
      expect((await cli('ping', [lab, 'ns1', 'ns2', '--count', '1'])).code).toBe(0);
      expect((await cli('ping', [lab, 'ns1', '192.0.2.7', '--count', '1'])).code).toBe(1);
      const id = await cli('exec', [lab, 'ns2', '--', 'id', '-u']);
      expect(id.code).toBe(0);
      expect(id.out.trim()).toBe(String(user.uid));
      expect((await cli('exec', [lab, 'ns2', '--', 'sh', '-c', 'exit 5'])).code).toBe(5);
      expect((await cli('exec', [lab, 'br0', '--', 'id'])).code).toBe(1);
    }, 60_000);
  },
);
