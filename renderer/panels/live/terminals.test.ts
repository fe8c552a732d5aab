import { afterEach, describe, expect, it } from 'vitest';
import { setApi } from '../../api';
import type { NetplumbApi } from '../../../shared/ipc/contract';
import { attachSink, closeTerminal, openTerminal, sendInput } from './terminals';
import { useLive } from './live-store';

/** A kernel side that records calls and lets the test push events. */
function fakeKernel() {
  const calls: { ch: string; req: unknown }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let next = 0;
  const api = new Proxy({} as Record<string, unknown>, {
    get(_, ch: string) {
      if (ch === 'on') {
        return (ev: string, l: (p: unknown) => void) => {
          if (!listeners.has(ev)) listeners.set(ev, new Set());
          listeners.get(ev)!.add(l);
          return () => listeners.get(ev)!.delete(l);
        };
      }
      if (ch === 'then') return undefined;
      return async (req: { nodeId?: string }) => {
        calls.push({ ch, req });
        if (ch === 'term:open') {
          if (req.nodeId === 'host1') return { ok: false, error: 'host1 is not a namespace this lab owns' };
          const notice =
            req.nodeId === 'nopty'
              ? { notice: 'terminal without a pty: node-pty is not installed (optional)' }
              : {};
          return { ok: true, value: { id: `abcdef0${next++}`, ns: 'np1', ...notice } };
        }
        return { ok: true, value: {} };
      };
    },
  });
  const emit = (ev: string, p: unknown) => listeners.get(ev)?.forEach((l) => l(p));
  return { api: api as unknown as NetplumbApi, calls, emit };
}

afterEach(() => {
  for (const t of useLive.getState().terms) closeTerminal(t.id);
  setApi(null);
});

describe('terminal sessions', () => {
  it('opens a tab, keeps output that arrives before the terminal is drawn, routes input, and marks the tab when the shell ends', async () => {
    const k = fakeKernel();
    setApi(k.api);
    await openTerminal('lab1', 'ns1', 'ns1');
    const tab = useLive.getState().terms[0];
    expect(tab).toMatchObject({ nodeId: 'ns1', title: 'ns1' });
    expect(useLive.getState()).toMatchObject({ activeTerm: tab.id, bottomOpen: true, tab: 'terminals' });
    k.emit('term:output', { id: tab.id, data: 'early$ ' });
    k.emit('term:output', { id: 'ffffffff', data: 'someone else' });
    const seen: string[] = [];
    expect(attachSink(tab.id, { write: (d) => seen.push(d) })).toEqual(['early$ ']);
    k.emit('term:output', { id: tab.id, data: 'later' });
    expect(seen).toEqual(['later']);
    sendInput(tab.id, 'ls\r');
    expect(k.calls.at(-1)).toEqual({ ch: 'term:input', req: { id: tab.id, data: 'ls\r' } });
    k.emit('term:exit', { id: tab.id, code: -1, reason: 'the lab was destroyed' });
    expect(useLive.getState().terms[0].exited).toBe('the lab was destroyed');
    // Closing an ended tab does not ask the kernel side to close it again.
    const before = k.calls.length;
    closeTerminal(tab.id);
    expect(k.calls.length).toBe(before);
    expect(useLive.getState().terms).toEqual([]);
  });

  it('shows the refusal and opens no tab when the kernel side refuses', async () => {
    const k = fakeKernel();
    setApi(k.api);
    await openTerminal('lab1', 'host1', 'host1');
    expect(useLive.getState().terms).toEqual([]);
  });

  it("keeps the kernel side's notice on the tab when the terminal has no pty (node-pty missing)", async () => {
    const k = fakeKernel();
    setApi(k.api);
    await openTerminal('lab1', 'nopty', 'ns9');
    await openTerminal('lab1', 'ns1', 'ns1');
    const [a, b] = useLive.getState().terms;
    expect(a.notice).toBe('terminal without a pty: node-pty is not installed (optional)');
    expect(b.notice).toBeUndefined();
  });
});
