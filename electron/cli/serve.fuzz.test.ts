/**
 * Fuzz of `netplumb serve`'s API socket with hostile messages
 * (test-support/hostile.ts): deep nesting, huge strings, wrong types,
 * "__proto__"/"constructor"/"prototype" keys, fragmented and partial frames,
 * slow senders, binary frames, invalid UTF-8, bad opcodes, lying lengths,
 * many connections. The engine and runner only record: the fuzz never
 * touches the kernel. After every batch the server still answers `lab:list`
 * within a second, and no invalid message made a single engine or runner call.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hostileMessage, plainRefusal, recordingEngine } from '../kernel/test-support/hostile';
import { MAX_SOCKETS, startServer, type RunningServer } from './serve';

let dir: string;
let server: RunningServer;
let cookie: string;
const rec = recordingEngine();
/** Hostile messages sent so far (the issue asks for 10,000 over both fuzzers). */
let sent = 0;
let probes = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'np-serve-fuzz-'));
  await mkdir(path.join(dir, 'r'));
  await writeFile(path.join(dir, 'r', 'index.html'), '<!doctype html>');
  server = await startServer({
    renderDir: path.join(dir, 'r'),
    engine: rec.engine,
    runner: rec.runner.run,
    runDir: path.join(dir, 'run'),
    examplesDir: path.join(dir, 'none'),
    log: () => undefined,
  });
  const u = new URL(server.url);
  cookie = await new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path: u.pathname + u.search }, (res) => {
        res.resume();
        resolve((res.headers['set-cookie'] ?? [''])[0].split(';')[0]);
      })
      .on('error', reject);
  });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${server.port}`;

function connect(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, {
    origin: origin(),
    headers: { Cookie: cookie },
  });
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_q, r) => reject(new Error(`refused ${r.statusCode}`)));
  });
}

/** The server answers lab:list on a fresh connection within a second; the probe's own engine call is counted apart. */
async function probeList(): Promise<void> {
  const started = Date.now();
  const ws = await connect();
  try {
    const answer = await new Promise<unknown>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error('netplumb serve did not answer lab:list within a second')),
        1000,
      );
      ws.once('message', (d) => (clearTimeout(t), resolve(JSON.parse(d.toString()))));
      ws.send(JSON.stringify({ id: 424242, channel: 'lab:list', request: {} }));
    });
    expect(answer).toEqual({ id: 424242, result: { ok: true, value: { labs: [] } } });
    expect(Date.now() - started).toBeLessThan(1000);
    probes++;
  } finally {
    ws.close();
  }
}

/** Nothing but the probes reached the engine, and nothing at all the runner. */
function expectNoCommandRan(): void {
  expect(rec.calls.filter((c) => c !== 'list')).toEqual([]);
  expect(rec.calls.length).toBe(probes);
  expect(rec.runner.calls).toEqual([]);
}

type Mode = 'whole' | 'fragments' | 'binary';

/** Sends `msgs` spread over `sockets` and waits for one refusal per message. */
async function sendBatch(sockets: WebSocket[], msgs: string[], modes: Mode[], cuts: number[]): Promise<void> {
  const want = new Map(sockets.map((s) => [s, 0]));
  const answers = sockets.map(
    (s) =>
      new Promise<void>((resolve, reject) => {
        let got = 0;
        const t = setTimeout(() => reject(new Error(`only ${got} of ${want.get(s)} answers arrived`)), 5000);
        s.on('message', (d) => {
          const m = JSON.parse(d.toString()) as { result: { ok: boolean; error: unknown } };
          expect(m.result.ok).toBe(false);
          expect(plainRefusal(m.result.error), String(m.result.error)).toBe(true);
          if (++got === want.get(s)) {
            clearTimeout(t);
            resolve();
          }
        });
      }),
  );
  msgs.forEach((text, i) => {
    const s = sockets[i % sockets.length];
    want.set(s, want.get(s)! + 1);
    const mode = modes[i % modes.length];
    const bytes = Buffer.from(text, 'utf8');
    if (mode === 'binary') s.send(bytes, { binary: true });
    else if (mode === 'whole' || bytes.length < 2) s.send(bytes, { binary: false });
    else {
      // Split at any byte, even inside a multi-byte character: the server must reassemble first.
      const cut = 1 + (cuts[i % cuts.length] % (bytes.length - 1));
      s.send(bytes.subarray(0, cut), { binary: false, fin: false });
      s.send(bytes.subarray(cut), { binary: false, fin: true });
    }
  });
  for (const s of sockets) if (want.get(s) === 0) want.delete(s);
  await Promise.all(answers.filter((_, i) => want.has(sockets[i])));
}

/** A client frame (masked unless told otherwise), written by hand. */
function frame(
  opcode: number,
  payload: Buffer,
  opts: { fin?: boolean; mask?: boolean; claimLength?: number } = {},
): Buffer {
  const fin = opts.fin ?? true;
  const mask = opts.mask ?? true;
  const len = opts.claimLength ?? payload.length;
  const head = [((fin ? 0x80 : 0) | opcode) & 0xff];
  let ext = Buffer.alloc(0);
  if (len < 126) head.push((mask ? 0x80 : 0) | len);
  else if (len < 65536) {
    head.push((mask ? 0x80 : 0) | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(len);
  } else {
    head.push((mask ? 0x80 : 0) | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(len));
  }
  const key = mask ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/** A raw, signed-in WebSocket connection (handshake done), for frames the ws client will not send. */
function rawSocket(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1');
    sock.on('error', () => undefined);
    sock.once('connect', () =>
      sock.write(
        `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin()}\r\nCookie: ${cookie}\r\n\r\n`,
      ),
    );
    sock.once('data', (d) =>
      d.toString('latin1').startsWith('HTTP/1.1 101')
        ? resolve(sock)
        : reject(new Error(d.toString('latin1').split('\r\n')[0])),
    );
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const write = (s: net.Socket, b: Buffer) =>
  new Promise<void>((r) => (s.destroyed ? r() : s.write(b, () => r())));

/** What a raw connection does: each is one hostile message on the wire. */
const rawOp = fc.oneof(
  hostileMessage('ws').map((text) => ({ kind: 'drip' as const, text })),
  hostileMessage('ws').map((text) => ({ kind: 'partial' as const, text })),
  fc
    .constantFrom('ff', 'c328', '80', 'eda080', 'f4908080', 'c0af')
    .map((hex) => ({ kind: 'badUtf8' as const, text: '', hex })),
  fc.constantFrom(3, 4, 5, 11, 15).map((opcode) => ({ kind: 'badOpcode' as const, text: '', opcode })),
  hostileMessage('ws').map((text) => ({ kind: 'unmasked' as const, text })),
  fc
    .constantFrom(2 ** 24, 2 ** 40, 2 ** 53)
    .map((claim) => ({ kind: 'lyingLength' as const, text: '', claim })),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => ({ kind: 'garbage' as const, text: '', bytes })),
  hostileMessage('ws').map((text) => ({ kind: 'continuationFirst' as const, text })),
);
type RawOp = typeof rawOp extends fc.Arbitrary<infer T> ? T : never;

async function runRaw(sock: net.Socket, op: RawOp): Promise<void> {
  const text = Buffer.from(op.text, 'utf8');
  switch (op.kind) {
    case 'drip': {
      // A slow sender: the frame arrives a few bytes at a time.
      const f = frame(1, text);
      const step = Math.max(1, Math.ceil(f.length / 6));
      for (let i = 0; i < f.length; i += step) {
        await write(sock, f.subarray(i, i + step));
        await wait(1);
      }
      return;
    }
    case 'partial':
      // Half a frame, then the sender goes away.
      await write(sock, frame(1, text).subarray(0, Math.max(2, text.length >> 1)));
      sock.destroy();
      return;
    case 'badUtf8':
      return write(
        sock,
        frame(
          1,
          Buffer.concat([Buffer.from('{"id":1,"channel":"'), Buffer.from(op.hex, 'hex'), Buffer.from('"}')]),
        ),
      );
    case 'badOpcode':
      return write(sock, frame(op.opcode, Buffer.from('x')));
    case 'unmasked':
      return write(sock, frame(1, text, { mask: false }));
    case 'lyingLength':
      // The header claims far more than maxPayload: refused by size before any byte is kept.
      return write(sock, frame(1, Buffer.from('{"id":1'), { claimLength: op.claim }));
    case 'garbage':
      return write(sock, Buffer.from(op.bytes));
    case 'continuationFirst':
      return write(sock, frame(0, text));
  }
}

describe('netplumb serve under hostile messages (fuzz)', () => {
  it('refuses every hostile message in plain words over 1–4 connections, and still answers lab:list', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileMessage('ws'), { minLength: 30, maxLength: 70 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.constantFrom<Mode>('whole', 'whole', 'fragments', 'binary'), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        async (msgs, n, modes, cuts) => {
          const sockets = await Promise.all(Array.from({ length: n }, connect));
          try {
            await sendBatch(sockets, msgs, modes, cuts);
            sent += msgs.length;
          } finally {
            for (const s of sockets) s.close();
          }
          await probeList();
          expectNoCommandRan();
        },
      ),
      { numRuns: 130 },
    );
  }, 120_000);

  it('survives raw frames: slow and partial senders, invalid UTF-8, bad opcodes, unmasked frames, lying lengths, garbage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rawOp, { minLength: 1, maxLength: 6 }), async (ops) => {
        const sock = await rawSocket();
        try {
          for (const op of ops) {
            await runRaw(sock, op);
            sent++;
            if (sock.destroyed) break;
          }
        } finally {
          sock.destroy();
        }
        await probeList();
        expectNoCommandRan();
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it(`holds at most ${MAX_SOCKETS} sockets at once, refuses more with 503, and serves again once they close`, async () => {
    const sockets = await Promise.all(Array.from({ length: MAX_SOCKETS }, connect));
    try {
      await expect(connect()).rejects.toThrow(/refused 503/);
      const msgs = fc.sample(hostileMessage('ws'), { numRuns: MAX_SOCKETS * 5, seed: 11 });
      await sendBatch(sockets, msgs, ['whole', 'fragments'], [7, 31]);
      sent += msgs.length;
    } finally {
      await Promise.all(
        sockets.map((s) => new Promise<void>((r) => (s.once('close', () => r()), s.close()))),
      );
    }
    await probeList();
    expectNoCommandRan();
  }, 60_000);

  it('answers hostile HTTP requests and upgrades (odd targets, methods, headers) and keeps serving', async () => {
    const target = fc.oneof(
      fc
        .string({ unit: fc.constantFrom(...'/[]%:?#@.\\ az09'.split('')), maxLength: 30 })
        .map((t) => t.replace(/ /g, '%20') || '/'),
      fc.constantFrom(
        'http://[',
        'http://[::1/api',
        '//api',
        '/api?%',
        '/login?code=%zz',
        '/login?code=' + 'f'.repeat(5000),
        '*',
      ),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'BREW'),
      target,
      upgrade: fc.boolean(),
      cookie: fc.oneof(
        fc.constant(cookie),
        fc.string({ maxLength: 40 }).map((c) => c.replace(/[\r\n]/g, '')),
      ),
      origin: fc.constantFrom(origin(), 'null', 'http://evil.example', ''),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const head =
          `${r.method} ${r.target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${r.cookie}\r\n` +
          (r.origin ? `Origin: ${r.origin}\r\n` : '') +
          (r.upgrade
            ? `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n`
            : 'Connection: close\r\n') +
          '\r\n';
        const reply = await new Promise<string>((resolve) => {
          const sock = net.connect(server.port, '127.0.0.1', () => sock.write(head));
          let got = '';
          sock.on('data', (d) => {
            got += d.toString('latin1');
            if (got.includes('\r\n\r\n')) sock.destroy();
          });
          sock.on('close', () => resolve(got));
          sock.on('error', () => resolve(got));
        });
        expect(reply).toMatch(/^HTTP\/1\.1 \d{3} /);
        sent++;
        await probeList();
        expectNoCommandRan();
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('sent enough hostile messages to count', () => {
    expect(sent).toBeGreaterThanOrEqual(6000);
  });
});
