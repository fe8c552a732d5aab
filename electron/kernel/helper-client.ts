/**
 * The engine facade, carried out by the privileged helper: used when the app
 * is not root. Starts the helper on first use with the argv helper-route.ts
 * chose (`sudo -n` or pkexec on the installed launcher), sends typed
 * JSON-lines requests and matches the answers by id.
 *
 * Why a long-lived child and not the Runner: the Runner runs one command to
 * completion; the helper is a conversation. It is still started with an argv
 * array (no shell), through execa, with no free-form command sent to it.
 */
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Capabilities } from './capabilities';
import type { Engine } from './engine-types';
import type { EngineOptions } from './engine-types';
import { HelperAnswerLine, LineSplitter, type HelperOp, type HelperSessionEvent } from './helper-protocol';
import { INSTALL_COMMAND } from './helper-route';
import { LAUNCHER } from './install/paths';
import { PlainError } from './plain-error';

export { which } from './helper-route';

/** Where the installed helper launcher is (see packaging/ and `netplumb helper install`). */
export const INSTALLED_LAUNCHER = LAUNCHER;

/**
 * The argv that runs the bundled helper (dist/privileged-helper.mjs) as the
 * current user, with no elevation: for tests that already run as root.
 *
 * There is deliberately no elevated variant: root only ever runs the
 * root-owned installed launcher (helper-route.ts), never the files of a
 * checkout, which its user can change.
 */
export function helperCommand(appRoot: string, _opts: { elevate: 'none' } = { elevate: 'none' }): string[] {
  return [process.execPath, path.join(appRoot, 'dist', 'privileged-helper.mjs')];
}

/** The plain-words reason a helper process ended, from its exit code and last stderr line. */
export function helperExitReason(code: number | undefined, stderrTail: string): string {
  const last = stderrTail.trim().split('\n').pop() ?? '';
  if (/a password is required|a terminal is required/.test(stderrTail)) {
    return `sudo asked for a password, so the privileged helper did not start: if you were just added to the netplumb group, log out and in again; otherwise run \`${INSTALL_COMMAND}\``;
  }
  if (code === 126 || code === 127)
    return 'the privileged helper could not start: permission was refused or cancelled in the password dialog';
  return `the privileged helper stopped${code !== undefined ? ` (exit ${code})` : ''}${last ? `: ${last}` : ''}`;
}

type Pending = {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: EngineOptions['onProgress'];
};

/** A session event, or the helper going away (every session is over then). */
export type HelperEvent = HelperSessionEvent | { event: 'helper-stopped'; payload: { reason: string } };

/** An Engine whose calls run in the helper; `close()` ends the helper. */
export interface HelperClient extends Engine {
  /** Kernel feature detection, run as root by the helper. */
  capabilities(): Promise<Capabilities>;
  /** Any typed operation (the live lab uses these; see live/helper-backend.ts). */
  request<T = unknown>(op: HelperOp, args: object, onProgress?: EngineOptions['onProgress']): Promise<T>;
  /** Listens to session events (terminal output, capture bytes); returns the unsubscribe. */
  onEvent(listener: (e: HelperEvent) => void): () => void;
  close(): void;
}

/** Creates the client; the helper starts on the first call. */
export function createHelperClient(command: string[]): HelperClient {
  let child: ResultPromise | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(e: HelperEvent) => void>();
  let stderrTail = '';

  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new PlainError(why));
    pending.clear();
    for (const l of [...listeners]) l({ event: 'helper-stopped', payload: { reason: why } });
  };

  const onLine = (line: string) => {
    let msg: HelperAnswerLine;
    try {
      msg = HelperAnswerLine.parse(JSON.parse(line));
    } catch {
      return; // not ours: ignore noise rather than trusting it
    }
    if (!('id' in msg)) {
      for (const l of [...listeners]) l(msg);
      return;
    }
    if (msg.id === null) return;
    const p = pending.get(msg.id);
    if (!p) return;
    if ('event' in msg) {
      p.onProgress?.(msg.payload as Parameters<NonNullable<EngineOptions['onProgress']>>[0]);
    } else if ('error' in msg) {
      pending.delete(msg.id);
      p.reject(new PlainError(msg.error));
    } else {
      pending.delete(msg.id);
      p.resolve(msg.result);
    }
  };

  const start = (): ResultPromise => {
    const c = execa(command[0], command.slice(1), {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      env: { LC_ALL: 'C' },
    });
    const splitter = new LineSplitter(onLine, () => undefined);
    c.stdout?.setEncoding('utf8');
    c.stdout?.on('data', (d: string) => splitter.push(d));
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      stderrTail = (stderrTail + d).slice(-2000);
    });
    void c.then((r) => {
      if (child === c) child = undefined;
      const why = helperExitReason(r.exitCode, stderrTail);
      failAll(why);
    });
    return c;
  };

  const call = <T>(op: HelperOp, args: object, onProgress?: EngineOptions['onProgress']): Promise<T> => {
    child ??= start();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      child!.stdin?.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  };

  // The runner and runDir options are not forwarded on purpose: the helper
  // uses its own runner and fixed state directory (see privileged-helper.ts).
  return {
    validateDocument: (doc) => call('validate', { topology: doc }),
    planDocument: (doc, o) => call('plan', { topology: doc }, o?.onProgress),
    applyDocument: (doc, o) =>
      call(
        'apply',
        {
          topology: doc,
          ...(o?.file !== undefined ? { file: o.file } : {}),
        },
        o?.onProgress,
      ),
    statusDocument: (doc, o) => call('status', { topology: doc }, o?.onProgress),
    destroyLab: (lab, o) => call('destroy', { lab }, o?.onProgress),
    listLabs: (o) => call('list', {}, o?.onProgress),
    openLab: (lab, o) => call('open', { lab }, o?.onProgress),
    capabilities: () => call('capabilities', {}),
    request: (op, args, onProgress) => call(op, args, onProgress),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: () => {
      if (child) {
        child.stdin?.end();
        child = undefined;
      }
    },
  };
}
