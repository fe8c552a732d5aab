/**
 * The live lab carried out by the privileged helper, for an app, server or
 * CLI running as a normal user. Each call is one typed helper operation; the
 * helper checks ownership and runs the work as root, except what the user
 * gets back:
 * - terminals run as the user inside the helper (session events carry the
 *   output here, keyed by a session id this side picks);
 * - captures arrive as pcap bytes and are written *here*, by this process,
 *   as the user, into the user's capture directory (mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { HelperClient, HelperEvent } from '../helper-client';
import { PlainError } from '../plain-error';
import type { LiveBackend } from './backend';
import { captureFileName, defaultCaptureDir, type CaptureInfo, type CaptureStopped } from './capture';
import type { TerminalEvents } from './terminals';

/** The largest capture file written (the helper bounds packets too: 100 000 of ≤ 2048 bytes). */
export const MAX_CAPTURE_FILE_BYTES = 256 * 1024 * 1024;

interface RemoteTerm {
  lab: string;
  events: TerminalEvents;
  owner?: object;
}

interface RemoteCapture {
  fd: number;
  path: string;
  bytes: number;
  closed: boolean;
  onStopped?: (s: CaptureStopped) => void;
}

const session = () => randomBytes(8).toString('hex');

/** Creates the helper-backed live lab; `dir` is where captures are saved (default: the user's capture directory). */
export function helperLive(
  client: HelperClient,
  opts: { dir?: string } = {},
): LiveBackend & { dispose(): void } {
  const terms = new Map<string, RemoteTerm>();
  const caps = new Map<string, RemoteCapture>();

  const closeFile = (c: RemoteCapture) => {
    if (c.closed) return;
    c.closed = true;
    closeSync(c.fd);
  };
  const finished = (id: string, stopped: CaptureStopped): CaptureStopped => {
    const c = caps.get(id);
    // The file is this side's: report its path and the bytes written here.
    return c ? { ...stopped, path: c.path, bytes: c.bytes } : stopped;
  };

  const off = client.onEvent((e: HelperEvent) => {
    switch (e.event) {
      case 'term-output':
        terms.get(e.payload.session)?.events.output(e.payload.session, e.payload.data);
        break;
      case 'term-exit': {
        const t = terms.get(e.payload.session);
        terms.delete(e.payload.session);
        t?.events.exit(e.payload.session, e.payload.code, e.payload.reason);
        break;
      }
      case 'capture-data': {
        const c = caps.get(e.payload.session);
        if (!c || c.closed) break;
        const chunk = Buffer.from(e.payload.data, 'base64');
        // Why a cap here too: the bytes come from another process; the disk is the user's.
        if (c.bytes + chunk.length > MAX_CAPTURE_FILE_BYTES) break;
        writeSync(c.fd, chunk);
        c.bytes += chunk.length;
        break;
      }
      case 'capture-stopped': {
        const c = caps.get(e.payload.session);
        if (!c) break;
        closeFile(c);
        const s = finished(e.payload.session, e.payload.stopped as CaptureStopped);
        caps.delete(e.payload.session);
        c.onStopped?.(s);
        break;
      }
      case 'helper-stopped':
        for (const [id, t] of [...terms]) t.events.exit(id, -1, e.payload.reason);
        terms.clear();
        for (const c of caps.values()) closeFile(c);
        caps.clear();
        break;
    }
  });

  const closeTerm = (id: string) => void client.request('term-close', { session: id }).catch(() => undefined);

  return {
    where: 'helper',
    check: (req) => client.request('check', req),
    activityCheck: (req) => client.request('activity-check', req),
    ping: (req) => client.request('ping', req),
    traceroute: (req) => client.request('traceroute', req),
    tables: (req) => client.request('tables', req),
    sample: (req) => client.request('live', req),
    // The helper's per-request progress lines carry the trace's progress too.
    trace: (req, o) => client.request('trace', req, o?.onProgress as never),
    linkState: (req, o) => client.request('link-state', req, o?.onProgress),
    netem: (req, o) => client.request('netem', req, o?.onProgress),
    importHost: (req) => client.request('import-host', req),
    adopt: (req) => client.request('adopt', req),
    captureStart: async (req, onStopped) => {
      const id = session();
      const dir = opts.dir ?? defaultCaptureDir();
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, captureFileName(req.lab, req.linkId, req.end));
      // Why 'wx' and 0600: a new file of the user's own, never an existing one (or a link planted there) overwritten.
      const fd = openSync(path, 'wx', 0o600);
      const c: RemoteCapture = { fd, path, bytes: 0, closed: false, onStopped };
      caps.set(id, c);
      try {
        const info = await client.request<CaptureInfo>('capture-start', { ...req, session: id });
        return { ...info, id, path };
      } catch (e) {
        caps.delete(id);
        closeFile(c);
        unlinkSync(path);
        throw e;
      }
    },
    captureStop: async (id) => {
      if (!caps.has(id)) throw new PlainError(`there is no running capture "${id}"`);
      const c = caps.get(id)!;
      const s = await client.request<CaptureStopped>('capture-stop', { session: id });
      closeFile(c);
      caps.delete(id);
      return { ...s, path: c.path, bytes: c.bytes };
    },
    termOpen: async (req, events, t = {}) => {
      const id = session();
      terms.set(id, { lab: req.lab, events, ...(t.owner ? { owner: t.owner } : {}) });
      try {
        const r = await client.request<{ id: string; ns: string; notice?: unknown }>('term-open', {
          ...req,
          session: id,
          ...(t.command ? { command: t.command } : {}),
          ...(t.echo !== undefined ? { echo: t.echo } : {}),
        });
        return { id, ns: r.ns, ...(typeof r.notice === 'string' ? { notice: r.notice } : {}) };
      } catch (e) {
        terms.delete(id);
        throw e;
      }
    },
    termInput: async (id, data) => void (await client.request('term-input', { session: id, data })),
    termResize: async (id, cols, rows) =>
      void (await client.request('term-resize', { session: id, cols, rows })),
    termClose: async (id) => void (await client.request('term-close', { session: id })),
    // The helper closes a destroyed lab's terminals itself; this only forgets them here.
    labGone: (lab) => {
      for (const [id, t] of terms) if (t.lab === lab) closeTerm(id);
    },
    closeOwnedBy: (owner) => {
      for (const [id, t] of terms) if (t.owner === owner) closeTerm(id);
    },
    dispose: () => {
      off();
      for (const c of caps.values()) closeFile(c);
    },
  };
}
