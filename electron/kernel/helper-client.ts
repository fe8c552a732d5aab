/**
 * The engine facade, carried out by the privileged helper: used when the app
 * is not root. Starts the helper on first use (through pkexec or `sudo -n`),
 * sends typed JSON-lines requests and matches the answers by id.
 *
 * Why a long-lived child and not the Runner: the Runner runs one command to
 * completion; the helper is a conversation. It is still started with an argv
 * array (no shell), through execa, with no free-form command sent to it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Capabilities } from './capabilities';
import type { Engine } from './engine-facade';
import type { EngineOptions } from './engine';
import { HelperAnswerLine, LineSplitter, type HelperOp, type HelperSessionEvent } from './helper-protocol';
import { PlainError } from './plain-error';

/** Where the packaged helper launcher is installed (see packaging/). */
export const INSTALLED_LAUNCHER = '/usr/lib/netplumb/netplumb-helper';

/** Finds an executable on PATH (absolute path), or undefined. */
export function which(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(':')) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * The argv that starts the helper as root. `appRoot` is the directory holding
 * electron/kernel/privileged-helper.ts and node_modules (development layout).
 */
export function helperCommand(appRoot: string, opts: { elevate?: 'pkexec' | 'sudo' | 'none' } = {}): string[] {
  const elevate = opts.elevate ?? (which('pkexec') ? 'pkexec' : which('sudo') ? 'sudo' : 'none');
  const prefix = elevate === 'pkexec' ? [which('pkexec') ?? 'pkexec'] : elevate === 'sudo' ? [which('sudo') ?? 'sudo', '-n'] : [];
  if (elevate === 'pkexec' && existsSync(INSTALLED_LAUNCHER)) return [...prefix, INSTALLED_LAUNCHER];
  const node = which('node') ?? '/usr/bin/node';
  const req = createRequire(path.join(appRoot, 'package.json'));
  const tsxCli = req.resolve('tsx/cli');
  return [...prefix, node, tsxCli, path.join(appRoot, 'electron', 'kernel', 'privileged-helper.ts')];
}

/** True when a helper can be started: pkexec exists, or sudo works without a password. */
export async function helperAvailable(): Promise<boolean> {
  if (which('pkexec')) return true;
  if (!which('sudo')) return false;
  const r = await execa('sudo', ['-n', 'true'], { reject: false, timeout: 5000 });
  return r.exitCode === 0;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: EngineOptions['onProgress'] };

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
    const c = execa(command[0], command.slice(1), { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, env: { LC_ALL: 'C' } });
    const splitter = new LineSplitter(onLine, () => undefined);
    c.stdout?.setEncoding('utf8');
    c.stdout?.on('data', (d: string) => splitter.push(d));
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      stderrTail = (stderrTail + d).slice(-2000);
    });
    void c.then((r) => {
      if (child === c) child = undefined;
      const last = stderrTail.trim().split('\n').pop() ?? '';
      const code = r.exitCode;
      const why =
        code === 126 || code === 127
          ? 'the privileged helper could not start: permission was refused or cancelled'
          : `the privileged helper stopped${code !== undefined ? ` (exit ${code})` : ''}${last ? `: ${last}` : ''}`;
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
    applyDocument: (doc, o) => call('apply', { topology: doc }, o?.onProgress),
    statusDocument: (doc, o) => call('status', { topology: doc }, o?.onProgress),
    destroyLab: (lab, o) => call('destroy', { lab }, o?.onProgress),
    listLabs: (o) => call('list', {}, o?.onProgress),
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
