import { afterEach, describe, expect, it, vi } from 'vitest';
import { WireRequest } from '../../shared/ipc/wire';
import { apiUrlFromLocation, createWsApi, type SocketLike } from './ws-client';

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
    this.onclose?.({});
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  reply(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) });
  }
}

const info = { mode: 'browser', version: '1', privilege: 'root', capabilities: {}, missing: [] };

afterEach(() => {
  FakeSocket.all = [];
  vi.useRealTimers();
});

describe('browser-mode API client', () => {
  it('builds the socket URL from the page location, with no secret in it (the session cookie authenticates)', () => {
    expect(apiUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:4000' })).toBe('ws://127.0.0.1:4000/api');
    expect(apiUrlFromLocation({ protocol: 'https:', host: 'h' })).toBe('wss://h/api');
  });

  it('queues calls until open, sends contract wire requests and returns checked answers', async () => {
    const api = createWsApi({ url: 'ws://x/api', connect: (u) => new FakeSocket(u) });
    const sock = FakeSocket.all[0];
    const p = api['app:info']({});
    expect(sock.sent).toHaveLength(0);
    sock.open();
    expect(sock.sent).toHaveLength(1);
    const req = WireRequest.parse(JSON.parse(sock.sent[0]));
    expect(req.channel).toBe('app:info');
    sock.reply({ id: req.id, result: { ok: true, value: info } });
    await expect(p).resolves.toEqual({ ok: true, value: info });
    api.close();
  });

  it('turns an answer that breaks the contract into an error', async () => {
    const api = createWsApi({ url: 'ws://x/api', connect: (u) => new FakeSocket(u) });
    const sock = FakeSocket.all[0];
    sock.open();
    const p = api['app:info']({});
    const { id } = JSON.parse(sock.sent[0]);
    sock.reply({ id, result: { ok: true, value: { mode: 'nonsense' } } });
    const r = await p;
    expect(r.ok).toBe(false);
    api.close();
  });

  it('passes plain-words errors through and delivers checked events', async () => {
    const api = createWsApi({ url: 'ws://x/api', connect: (u) => new FakeSocket(u) });
    const sock = FakeSocket.all[0];
    sock.open();
    const got: unknown[] = [];
    api.on('apply:progress', (p) => got.push(p));
    sock.reply({ event: 'apply:progress', payload: { lab: 'l', done: 1, total: 2, phase: 'apply' } });
    sock.reply({ event: 'apply:progress', payload: { lab: 'l', done: 'x' } });
    expect(got).toEqual([{ lab: 'l', done: 1, total: 2, phase: 'apply' }]);
    const p = api['lab:destroy']({ lab: 'l' });
    const { id } = JSON.parse(sock.sent[0]);
    sock.reply({ id, result: { ok: false, error: 'no such lab' } });
    await expect(p).resolves.toEqual({ ok: false, error: 'no such lab' });
    api.close();
  });

  it('fails calls in flight when the connection drops and reconnects with backoff', async () => {
    vi.useFakeTimers();
    const states: string[] = [];
    const api = createWsApi({
      url: 'ws://x/api',
      connect: (u) => new FakeSocket(u),
      backoffMs: 100,
      onState: (s) => states.push(s),
    });
    FakeSocket.all[0].open();
    const p = api['lab:list']({});
    FakeSocket.all[0].close();
    const r = await p;
    expect(r.ok).toBe(false);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].close();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2); // second wait is 200 ms
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2].open();
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'open']);
    api.close();
  });
});
