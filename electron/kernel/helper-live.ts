/**
 * The live lab inside the privileged helper: terminals, captures, pings,
 * tables, step mode, import and adoption, carried out as root for one
 * client connection.
 *
 * Every operation reuses the in-process code (kernel/live/), which maps a
 * lab and document ids to namespaces carrying the lab's mark and refuses
 * the rest; what changes here is *who gets the result*:
 * - a terminal or `exec` runs as the calling user (helper-caller.ts);
 * - a capture is streamed back as bytes, and the client writes the file as
 *   the user (never a root-owned file in a user's directory).
 */
import { adopt, planAdoption } from './adopt';
import type { EngineOptions } from './engine-types';
import { localEngine } from './engine';
import { lookupCaller, type Caller } from './helper-caller';
import type { HelperArgs, HelperOp, HelperSessionEvent } from './helper-protocol';
import { importHost } from './import-host';
import { CaptureManager } from './live/capture';
import { checkDocument } from './live/check';
import { checkActivityDocument } from './live/activity-check';
import { setLinkState, setNetem } from './live/link-edit';
import type { LiveOptions } from './live/owned';
import { pingInLab } from './live/ping';
import { RateSampler } from './live/rates';
import { readTables } from './live/tables';
import { TerminalManager } from './live/terminals';
import { traceDocument, type TraceProgress } from './live/trace';
import { tracerouteInLab } from './live/traceroute';
import { PlainError } from './plain-error';
import { assertMayChange } from './lab-owner';
import { LabStore } from './lab-store';
import { prefixedLab } from './prefix-config';

/** The operations this file carries out (the engine's own are in privileged-helper.ts). */
export const LIVE_HELPER_OPS = [
  'check',
  'activity-check',
  'ping',
  'traceroute',
  'tables',
  'live',
  'trace',
  'link-state',
  'netem',
  'import-host',
  'adopt',
  'capture-start',
  'capture-stop',
  'term-open',
  'term-input',
  'term-resize',
  'term-close',
] as const satisfies readonly HelperOp[];
export type LiveHelperOp = (typeof LIVE_HELPER_OPS)[number];
export const isLiveHelperOp = (op: HelperOp): op is LiveHelperOp =>
  (LIVE_HELPER_OPS as readonly string[]).includes(op);

/**
 * What each live operation does inside a lab, in the words of the refusal
 * to a user who does not own it (lab-owner.ts). Absent: reads anyone may do
 * (tables, rates), work bound to the caller's own session, or import-host
 * (which reads the host, not a lab).
 */
const OWNER_ONLY: Partial<Record<LiveHelperOp, string>> = {
  check: 'run checks in',
  'activity-check': 'run checks in',
  ping: 'ping inside',
  traceroute: 'run traceroute inside',
  trace: 'trace a ping inside',
  'link-state': 'change a link of',
  netem: 'change link emulation in',
  adopt: 'adopt objects into',
  'capture-start': 'capture packets in',
  'term-open': 'open a terminal in',
};

/** The kernel lab name an operation's arguments name (a document's name, with its prefix), if any. */
function labOfArgs(args: Record<string, unknown>): string | undefined {
  if (typeof args.lab === 'string') return args.lab;
  const name = (args.topology as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string') return undefined;
  return typeof args.prefix === 'string' ? prefixedLab(name, args.prefix) : name;
}

/** Writes one session event line to the client. */
export type EmitSession = (e: HelperSessionEvent) => void;

export interface HelperLiveOptions extends LiveOptions {
  /** Who is asking (tests inject it; default: from PKEXEC_UID / SUDO_UID and getent). */
  caller?: () => Promise<Caller>;
  /** Use the `script` pty fallback even when node-pty loads (tests). */
  pipeFallback?: boolean;
}

/** The helper's live state for one client: its terminals, captures and rate samples. */
export class HelperLive {
  private readonly terminals: TerminalManager;
  private readonly captures: CaptureManager;
  private readonly rates: RateSampler;
  private caller?: Promise<Caller>;

  constructor(
    private readonly emit: EmitSession,
    private readonly o: HelperLiveOptions = {},
  ) {
    const live: LiveOptions = {
      ...(o.runner ? { runner: o.runner } : {}),
      ...(o.runDir ? { runDir: o.runDir } : {}),
    };
    this.terminals = new TerminalManager({ ...live, ...(o.pipeFallback ? { pipeFallback: true } : {}) });
    this.captures = new CaptureManager({
      ...live,
      stream: (session, chunk) =>
        emit({ event: 'capture-data', payload: { session, data: chunk.toString('base64') } }),
      onStopped: (stopped) => emit({ event: 'capture-stopped', payload: { session: stopped.id, stopped } }),
    });
    this.rates = new RateSampler(live);
  }

  private live(): LiveOptions {
    return {
      ...(this.o.runner ? { runner: this.o.runner } : {}),
      ...(this.o.runDir ? { runDir: this.o.runDir } : {}),
    };
  }

  /** The caller, looked up once (a failed lookup is retried next time). */
  private who(): Promise<Caller> {
    this.caller ??= (this.o.caller ?? (() => lookupCaller()))().catch((e: unknown) => {
      this.caller = undefined;
      throw e;
    });
    return this.caller;
  }

  /** Carries out one live operation with arguments already parsed by its schema. */
  async run<O extends LiveHelperOp>(op: O, args: HelperArgs<O>, engine: EngineOptions): Promise<unknown> {
    const o = this.live();
    const action = OWNER_ONLY[op];
    const lab = action && labOfArgs(args as Record<string, unknown>);
    if (action && lab) {
      const caller = (await this.who()).uid;
      // Why here, before any work: every group member shares this helper; a neighbour's lab is not theirs to enter.
      assertMayChange(lab, new LabStore(this.o.runDir).readRecord(lab), caller, action);
      engine = { ...engine, caller };
    }
    switch (op) {
      case 'check': {
        const a = args as HelperArgs<'check'>;
        return checkDocument(a.topology, o);
      }
      case 'activity-check': {
        const a = args as HelperArgs<'activity-check'>;
        // The document and prefix are validated again inside (the lab must be applied and carry netplumb's marks).
        return checkActivityDocument(a.topology, a.prefix, o);
      }
      case 'ping': {
        const a = args as HelperArgs<'ping'>;
        return pingInLab(a.lab, a.from, a.to, { ...o, ...(a.count ? { count: a.count } : {}) });
      }
      case 'traceroute': {
        const a = args as HelperArgs<'traceroute'>;
        return tracerouteInLab(a.lab, a.from, a.to, o);
      }
      case 'tables': {
        const a = args as HelperArgs<'tables'>;
        return readTables(a.lab, a.nodeId, o);
      }
      case 'live':
        return this.rates.sample((args as HelperArgs<'live'>).lab);
      case 'trace': {
        const a = args as HelperArgs<'trace'>;
        const onProgress = engine.onProgress as ((p: TraceProgress) => void) | undefined;
        return traceDocument(a.topology, a.from, a.to, {
          ...o,
          ...(a.fresh !== undefined ? { fresh: a.fresh } : {}),
          ...(onProgress ? { onProgress } : {}),
        });
      }
      case 'link-state': {
        const a = args as HelperArgs<'link-state'>;
        return setLinkState(localEngine, a.topology, a.linkId, a.up, a.end, engine);
      }
      case 'netem': {
        const a = args as HelperArgs<'netem'>;
        return setNetem(localEngine, a.topology, a.linkId, a.end, a.netem, engine);
      }
      case 'import-host': {
        const a = args as HelperArgs<'import-host'>;
        const r = await importHost({
          ...(a.namespaces ? { namespaces: a.namespaces } : {}),
          ...(a.lab ? { lab: a.lab } : {}),
          ...(o.runner ? { runner: o.runner } : {}),
        });
        return { problems: r.problems, ...(r.text ? { text: r.text, topology: r.topology } : {}) };
      }
      case 'adopt':
        return this.adopt(args as HelperArgs<'adopt'>, o);
      case 'capture-start': {
        const a = args as HelperArgs<'capture-start'>;
        return this.captures.start(a.lab, a.linkId, a.end, a.session);
      }
      case 'capture-stop':
        return this.captures.stop((args as HelperArgs<'capture-stop'>).session);
      case 'term-open': {
        const a = args as HelperArgs<'term-open'>;
        // Why the caller: a shell from the root helper must be the user's own, never root's.
        const as = await this.who();
        return this.terminals.open(
          a.lab,
          a.nodeId,
          a.cols,
          a.rows,
          {
            output: (session, data) => this.emit({ event: 'term-output', payload: { session, data } }),
            exit: (session, code, reason) =>
              this.emit({ event: 'term-exit', payload: { session, code, ...(reason ? { reason } : {}) } }),
          },
          {
            as,
            id: a.session,
            ...(a.command ? { command: a.command } : {}),
            ...(a.echo !== undefined ? { echo: a.echo } : {}),
          },
        );
      }
      case 'term-input': {
        const a = args as HelperArgs<'term-input'>;
        return (this.terminals.input(a.session, a.data), {});
      }
      case 'term-resize': {
        const a = args as HelperArgs<'term-resize'>;
        return (this.terminals.resize(a.session, a.cols, a.rows), {});
      }
      case 'term-close':
        return (this.terminals.close((args as HelperArgs<'term-close'>).session), {});
    }
    throw new PlainError(`unknown live operation "${String(op)}"`);
  }

  private async adopt(a: HelperArgs<'adopt'>, o: LiveOptions): Promise<unknown> {
    if (a.confirm && !a.marks)
      throw new PlainError('adopting needs the list of marks that was shown and confirmed');
    const p = await planAdoption(a.topology, o);
    // Why: adoption hands objects to netplumb, and destroy then deletes them.
    // The host's own interfaces are not a lab's to take: a caller who is not
    // root may only adopt namespaces and what lives inside them.
    const caller = await this.who();
    const hostObjects = p.marks.filter((m) => m.kind !== 'namespace' && m.ns === '');
    if (caller.uid !== 0 && hostObjects.length) {
      const names = hostObjects
        .slice(0, 5)
        .map((m) => `${m.kind} "${m.name}"`)
        .join(', ');
      throw new PlainError(
        `adopting objects of the host's own (root) namespace needs root: ${names}. Run "sudo netplumb adopt" for them.`,
      );
    }
    if (!a.confirm) return { lab: p.lab, marks: p.marks, problems: p.problems, adopted: false };
    const r = await adopt(a.topology, a.marks, { ...o, caller: caller.uid });
    return {
      lab: r.plan.lab,
      marks: r.plan.marks,
      problems: r.plan.problems,
      adopted: r.ok,
      ...(r.error ? { error: r.error } : {}),
    };
  }

  /** The client fell behind (true) or caught up (false): terminal and capture output waits meanwhile. */
  throttle(on: boolean): void {
    this.terminals.setPaused(on);
    this.captures.setPaused(on);
  }

  /** A lab was destroyed: its terminals close and its rate samples are forgotten. */
  labGone(lab: string): void {
    this.terminals.closeLab(lab);
    this.rates.forget(lab);
  }

  /** The client went away: every terminal closes and every capture stops. */
  async closeAll(): Promise<void> {
    this.terminals.closeAll();
    await this.captures.stopAll();
  }
}
