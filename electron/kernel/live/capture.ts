/**
 * Packet capture on one end of a lab link, saved as a pcap file:
 * `tcpdump -i IF -w FILE` inside the end's namespace (or on the marked
 * root-namespace port), bounded in packets (-c), snap length (-s) and time
 * (stopped after `maxSeconds`), so a forgotten capture cannot fill the disk.
 *
 * In the privileged helper the capture is *streamed* (`stream`): tcpdump
 * writes the pcap to its stdout, the bytes travel over the helper protocol
 * and the unprivileged client writes the file as the user, so no root-owned
 * file ever lands in a user's directory.
 *
 * Why node:child_process and not the Runner: a capture runs until it is
 * stopped; the Runner models commands that finish on their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PlainError } from '../plain-error';
import { notInstalled } from '../missing-tool';
import { inNs, labIface } from './lab-ifaces';
import type { LiveOptions } from './owned';

/** Where captures are saved: /var/lib/netplumb/captures for root, else $XDG_DATA_HOME/netplumb/captures. */
export function defaultCaptureDir(): string {
  if (process.env.NETPLUMB_CAPTURE_DIR) return process.env.NETPLUMB_CAPTURE_DIR;
  if (typeof process.getuid === 'function' && process.getuid() === 0) return '/var/lib/netplumb/captures';
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'netplumb', 'captures');
}

/** The file name a capture is saved under: lab, link, end and time, in characters safe for a file name. */
export function captureFileName(lab: string, linkId: string, end: 'a' | 'b', at = new Date()): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  // Why: the lab name comes from a request; it must stay one file name inside the capture directory.
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  return `${safe(lab)}-${safe(linkId)}-${end}-${stamp}.pcap`;
}

export interface CaptureInfo {
  id: string;
  lab: string;
  linkId: string;
  end: 'a' | 'b';
  /** Interface captured on, and its namespace ('' = root). */
  iface: string;
  ns: string;
  /** The saved file ('' while streamed: the receiving side names it). */
  path: string;
}

export interface CaptureStopped extends CaptureInfo {
  bytes: number;
  /** Packets tcpdump reports as captured (when it said). */
  packets?: number;
  /** stopped: asked to; limit: reached the packet or time limit; failed: tcpdump ended with an error. */
  reason: 'stopped' | 'limit' | 'failed';
  message?: string;
}

export interface CaptureLimits {
  maxPackets?: number;
  maxSeconds?: number;
  snapLen?: number;
}

interface Running {
  info: CaptureInfo;
  child: ChildProcess;
  stderr: string;
  timer: NodeJS.Timeout;
  stopping: boolean;
  /** Stopped by the time limit. */
  timedOut?: boolean;
  done: Promise<CaptureStopped>;
}

/** Keeps the running captures of one app (or server) process. */
export class CaptureManager {
  private readonly running = new Map<string, Running>();
  constructor(
    private readonly o: LiveOptions & {
      dir?: string;
      limits?: CaptureLimits;
      onStopped?: (s: CaptureStopped) => void;
      /** Stream the pcap bytes here instead of writing a file (the privileged helper). */
      stream?: (id: string, chunk: Buffer) => void;
    } = {},
  ) {}

  /** Starts a capture on end `end` of link `linkId`; resolves once tcpdump listens. `want` picks the id (refused when in use). */
  async start(lab: string, linkId: string, end: 'a' | 'b', want?: string): Promise<CaptureInfo> {
    if (this.running.size >= 8) throw new PlainError('8 captures are already running: stop one first');
    if (want !== undefined && this.running.has(want))
      throw new PlainError(`capture "${want}" is running already`);
    const i = await labIface(lab, linkId, end, this.o);
    const id = want ?? randomBytes(6).toString('hex');
    const stream = this.o.stream;
    let path = '';
    if (!stream) {
      const dir = this.o.dir ?? defaultCaptureDir();
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      path = join(dir, captureFileName(lab, linkId, end));
    }
    const lim = { maxPackets: 100_000, maxSeconds: 600, snapLen: 2048, ...this.o.limits };
    // -Z root: Debian's tcpdump otherwise drops to user "tcpdump", which cannot write into a root-only directory.
    // Streamed, tcpdump writes to the pipe it was given, so it may drop to its own user.
    const target = stream ? ['-w', '-'] : ['-Z', 'root', '-w', path];
    const argv = [
      ...inNs(i.ns),
      'tcpdump',
      '--immediate-mode',
      '-i',
      i.name,
      '-n',
      '-U',
      '-s',
      String(lim.snapLen),
      '-c',
      String(lim.maxPackets),
      ...target,
    ];
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', stream ? 'pipe' : 'ignore', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let streamed = 0;
    if (stream) {
      child.stdout!.on('data', (d: Buffer) => {
        streamed += d.length;
        stream(id, d);
      });
    }
    const info: CaptureInfo = { id, lab, linkId, end, iface: i.name, ns: i.ns, path };
    const run: Running = {
      info,
      child,
      stderr: '',
      stopping: false,
      timer: setTimeout(() => void this.stopNow(id, true), lim.maxSeconds * 1000),
      done: undefined as never,
    };
    run.done = new Promise<CaptureStopped>((resolve) => {
      child.on('close', (code) => {
        clearTimeout(run.timer);
        this.running.delete(id);
        let bytes = streamed;
        try {
          if (!stream) bytes = statSync(path).size;
        } catch {
          bytes = 0;
        }
        const m = /(\d+) packets? captured/.exec(run.stderr);
        const failed = !run.stopping && code !== 0;
        const s: CaptureStopped = {
          ...info,
          bytes,
          ...(m ? { packets: Number(m[1]) } : {}),
          reason: failed ? 'failed' : run.stopping && !run.timedOut ? 'stopped' : 'limit',
          ...(failed
            ? { message: run.stderr.trim().split('\n').pop() ?? `tcpdump exited with ${code}` }
            : {}),
        };
        this.o.onStopped?.(s);
        resolve(s);
      });
    });
    this.running.set(id, run);
    await new Promise<void>((resolve, reject) => {
      const fail = (msg: string) =>
        reject(new PlainError(`capture could not start: ${notInstalled('tcpdump', msg) ?? msg}`));
      child.on('error', (e) => fail(e.message));
      child.stderr!.on('data', (d: Buffer) => {
        run.stderr += d.toString();
        if (/listening on/.test(run.stderr)) resolve();
      });
      void run.done.then((s) => (s.reason === 'failed' ? fail(s.message ?? 'tcpdump failed') : resolve()));
    });
    return info;
  }

  private async stopNow(id: string, timedOut = false): Promise<CaptureStopped | undefined> {
    const run = this.running.get(id);
    if (!run) return undefined;
    run.stopping = true;
    run.timedOut = timedOut;
    // Frames that already crossed the interface may still sit in the capture
    // socket; give tcpdump a moment to write them (SIGINT drops the unread rest).
    await new Promise((r) => setTimeout(r, 250));
    // SIGINT: tcpdump flushes the file and prints its counts.
    run.child.kill('SIGINT');
    const kill = setTimeout(() => run.child.kill('SIGKILL'), 3000);
    const s = await run.done;
    clearTimeout(kill);
    return s;
  }

  /** Stops a capture; resolves with the saved file's path and size. */
  async stop(id: string): Promise<CaptureStopped> {
    const s = await this.stopNow(id);
    if (!s) throw new PlainError(`there is no running capture "${id}"`);
    return s;
  }

  /** Stops (true) or restarts (false) reading streamed captures (the reader fell behind; tcpdump then blocks and the kernel drops). */
  setPaused(paused: boolean): void {
    for (const r of this.running.values()) {
      if (paused) r.child.stdout?.pause();
      else r.child.stdout?.resume();
    }
  }

  /** Running captures. */
  list(): CaptureInfo[] {
    return [...this.running.values()].map((r) => r.info);
  }

  /** Stops everything (app exit, server close). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stopNow(id)));
  }
}
