/**
 * Browser-mode API: the contract's channels over one WebSocket to the
 * `netplumb serve` server. Every answer is checked against the channel's
 * response schema before the page sees it; events against their schema.
 * Reconnects with exponential backoff; calls made while disconnected wait for
 * the connection (and fail in plain words if it does not come back in time).
 */
import { contract, events, type Channel, type NetplumbApi, type Result } from '../../shared/ipc/contract';
import { WireServerMessage, type WireRequest } from '../../shared/ipc/wire';
import { createListeners } from './listeners';

/** Connection state, for the banner. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The minimal WebSocket surface used (so tests can pass a fake). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface WsApiOptions {
  url: string;
  /** Creates the socket; defaults to the browser's WebSocket. */
  connect?: (url: string) => SocketLike;
  /** How long a call waits for an answer (ms). */
  callTimeoutMs?: number;
  /** First reconnect delay (ms); doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  onState?: (state: ConnectionState) => void;
}

/** The API object plus connection controls. */
export type WsApi = NetplumbApi & { close(): void; state(): ConnectionState };

type Pending = {
  channel: Channel;
  resolve: (r: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
};

const OPEN = 1;

/**
 * Builds the URL of the API socket from the page's location. It carries no
 * secret: the browser sends the HttpOnly session cookie it got at /login,
 * which this page's scripts can neither read nor leak.
 */
export function apiUrlFromLocation(loc: { protocol: string; host: string }): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/api`;
}

/** Creates the WebSocket-backed API. */
export function createWsApi(opts: WsApiOptions): WsApi {
  const connect = opts.connect ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const callTimeoutMs = opts.callTimeoutMs ?? 10 * 60_000;
  const backoff0 = opts.backoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5000;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = createListeners();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const setState = (s: ConnectionState) => {
    state = s;
    opts.onState?.(s);
  };

  const finish = (id: number, r: Result<unknown>) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(r);
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return; // Why: a malformed frame is ignored, never trusted.
    }
    const msg = WireServerMessage.safeParse(json);
    if (!msg.success) return;
    if ('event' in msg.data) {
      const schema = events[msg.data.event];
      const payload = schema.safeParse(msg.data.payload);
      if (!payload.success) return;
      listeners.emit(msg.data.event, payload.data);
      return;
    }
    const { id, result } = msg.data;
    const p = pending.get(id);
    if (!p) return;
    if (!result.ok) return finish(id, { ok: false, error: result.error });
    // Why: the page only acts on answers that match the contract.
    const value = contract[p.channel].response.safeParse(result.value);
    if (!value.success)
      return finish(id, {
        ok: false,
        error: `the server sent an answer to ${p.channel} that does not match the contract`,
      });
    finish(id, { ok: true, value: value.data });
  };

  const open = () => {
    if (closed) return;
    let s: SocketLike;
    try {
      s = connect(opts.url);
    } catch {
      scheduleRetry();
      return;
    }
    socket = s;
    s.onopen = () => {
      attempt = 0;
      setState('open');
      while (queue.length && s.readyState === OPEN) s.send(queue.shift()!);
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => {};
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      // Answers to calls in flight cannot arrive on a new connection.
      for (const id of [...pending.keys()])
        finish(id, { ok: false, error: 'the connection to netplumb was lost before it answered; try again' });
      if (!closed) scheduleRetry();
    };
  };

  const scheduleRetry = () => {
    setState('reconnecting');
    const delay = Math.min(maxBackoff, backoff0 * 2 ** attempt);
    attempt++;
    retryTimer = setTimeout(open, delay);
  };

  const call = (channel: Channel, request: unknown): Promise<Result<unknown>> => {
    if (closed) return Promise.resolve({ ok: false, error: 'the connection to netplumb is closed' });
    const id = nextId++;
    const frame: WireRequest = { id, channel, request };
    const text = JSON.stringify(frame);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => finish(id, { ok: false, error: `netplumb did not answer ${channel} in time` }),
        callTimeoutMs,
      );
      pending.set(id, { channel, resolve, timer });
      if (socket && socket.readyState === OPEN) socket.send(text);
      else queue.push(text);
    });
  };

  const api = {
    on: listeners.on,
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      for (const id of [...pending.keys()])
        finish(id, { ok: false, error: 'the connection to netplumb is closed' });
      socket?.close();
      socket = null;
      setState('closed');
    },
    state: () => state,
  } as Record<string, unknown>;
  for (const ch of Object.keys(contract) as Channel[]) api[ch] = (req: unknown) => call(ch, req);
  setState('connecting');
  open();
  return api as unknown as WsApi;
}
