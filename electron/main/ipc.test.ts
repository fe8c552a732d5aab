/**
 * validatedHandle and the preload, with Electron replaced by a recorder:
 * who may call, and that the page reaches only the contract's channels.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const handlers = new Map<string, (event: unknown, raw: unknown) => Promise<unknown>>();
const exposed: Record<string, unknown> = {};
const invoked: [string, unknown][] = [];
const listening: string[] = [];

vi.mock('electron', () => ({
  ipcMain: {
    handle: (ch: string, fn: (e: unknown, raw: unknown) => Promise<unknown>) => handlers.set(ch, fn),
  },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (ch: string, req: unknown) => (invoked.push([ch, req]), { ok: true, value: {} }),
    on: (ch: string) => listening.push(ch),
    removeListener: () => undefined,
  },
}));

const { registerContractHandlers } = await import('./ipc');
const { CHANNELS } = await import('../../shared/ipc/contract');
import type { HandlerContext } from '../kernel/handlers';

const ours = { id: 1 };
const ctx = {
  mode: 'electron',
  version: '1.2.3',
  engine: {},
  examplesDir: '/nonexistent',
  privilege: async () => ({ privilege: 'root' as const }),
  capabilities: async () => ({ capabilities: {}, missing: [] }),
} as unknown as HandlerContext;

function event(url: string, opts: { sub?: boolean; sender?: object } = {}) {
  return { sender: opts.sender ?? ours, senderFrame: { url, parent: opts.sub ? {} : null } };
}

beforeEach(() => {
  handlers.clear();
  registerContractHandlers(() => ctx, { isOurContents: (wc) => wc === ours });
});

describe('validatedHandle', () => {
  it('registers every contract channel and nothing else', () => {
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('answers our own page', async () => {
    const r = await handlers.get('app:info')!(event('app://netplumb/index.html'), {});
    expect(r).toMatchObject({ ok: true, value: { mode: 'electron', version: '1.2.3', privilege: 'root' } });
  });

  it.each([
    ['another origin', event('https://example.com/')],
    ['a file: page', event('file:///tmp/x.html')],
    ['a subframe of our page', event('app://netplumb/index.html', { sub: true })],
    ['another web contents', event('app://netplumb/index.html', { sender: { id: 2 } })],
    ['a destroyed frame', { sender: ours, senderFrame: null }],
  ])('refuses %s', async (_what, ev) => {
    const r = await handlers.get('app:info')!(ev, {});
    expect(r).toEqual({ ok: false, error: "refused: this request did not come from netplumb's own page" });
  });

  it('still parses the payload of our own page (dispatch)', async () => {
    const r = await handlers.get('lab:destroy')!(event('app://netplumb/index.html'), { lab: 5 });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/malformed/) });
  });
});

describe('preload', () => {
  it('exposes one object with a function per channel and `on` limited to contract events', async () => {
    await import('../preload/index');
    const api = exposed.netplumb as Record<string, (x?: unknown) => unknown>;
    expect(Object.keys(api).sort()).toEqual([...CHANNELS, 'on'].sort());
    await api['lab:list']({});
    expect(invoked).toEqual([['lab:list', {}]]);
    (api.on as (e: string, l: () => void) => () => void)('apply:progress', () => undefined);
    expect(listening).toEqual(['apply:progress']);
    expect(() =>
      (api.on as (e: string, l: () => void) => void)('ELECTRON_BROWSER_REQUIRE', () => undefined),
    ).toThrow(/no event/);
  });
});
