/**
 * Where live lab work happens, chosen once like the engine: in this process
 * (root: `localLive`) or in the privileged helper (a normal user:
 * helper-backend.ts). Handlers and the CLI's live commands only see this
 * interface, so the same request takes the same path whichever it is.
 */
import type { z } from 'zod';
import type { Channel, contract, Response } from '../../../shared/ipc/contract';
import { adopt, planAdoption } from '../adopt';
import type { EngineOptions } from '../engine-types';
import type { Engine } from '../engine-types';
import { importHost } from '../import-host';
import { PlainError } from '../plain-error';
import type { CaptureInfo, CaptureStopped } from './capture';
import { checkDocument } from './check';
import { checkActivityDocument } from './activity-check';
import { setLinkState, setNetem } from './link-edit';
import type { LiveOptions } from './owned';
import { pingInLab } from './ping';
import { liveServices } from './services';
import { readTables } from './tables';
import type { TerminalEvents } from './terminals';
import { traceDocument, type TraceProgress } from './trace';
import { tracerouteInLab } from './traceroute';

/** A channel's request after parsing. */
export type Req<C extends Channel> = z.output<(typeof contract)[C]['request']>;

/** How a terminal is opened beyond its request. */
export interface TermOpenOptions {
  /** Who opened it (a page's handler context), for closeOwnedBy(). */
  owner?: object;
  /** A command instead of the login shell (`netplumb exec`). */
  command?: string[];
  /** false: input is not echoed (a command fed from a pipe). */
  echo?: boolean;
}

/** The live lab's operations, wherever they run. */
export interface LiveBackend {
  /** 'local': in this process; 'helper': in the privileged helper. */
  readonly where: 'local' | 'helper';
  check(req: Req<'lab:check'>): Promise<Response<'lab:check'>>;
  /** "Check my work": an activity's visible checks on its applied lab, scored (applies nothing). */
  activityCheck(req: Req<'activity:check'>): Promise<Response<'activity:check'>>;
  ping(req: Req<'lab:ping'>): Promise<Response<'lab:ping'>>;
  traceroute(req: Req<'lab:traceroute'>): Promise<Response<'lab:traceroute'>>;
  tables(req: Req<'lab:tables'>): Promise<Response<'lab:tables'>>;
  sample(req: Req<'lab:live'>): Promise<Response<'lab:live'>>;
  trace(
    req: Req<'lab:trace'>,
    o?: { onProgress?: (p: TraceProgress) => void },
  ): Promise<Response<'lab:trace'>>;
  linkState(req: Req<'lab:link-state'>, o?: EngineOptions): Promise<Response<'lab:link-state'>>;
  netem(req: Req<'lab:netem'>, o?: EngineOptions): Promise<Response<'lab:netem'>>;
  importHost(req: Req<'host:import'>): Promise<Response<'host:import'>>;
  /** `file` (kept in the lab's record) is honoured in this process only; the helper records none. */
  adopt(req: Req<'lab:adopt'>, o?: { file?: string }): Promise<Response<'lab:adopt'>>;
  /** Starts a capture; `onStopped` gets the saved file when it ends (asked, or a limit). */
  captureStart(req: Req<'lab:capture-start'>, onStopped: (s: CaptureStopped) => void): Promise<CaptureInfo>;
  captureStop(id: string): Promise<CaptureStopped>;
  /** `notice`: set when the terminal runs without node-pty (shown in its tab). */
  termOpen(
    req: Req<'term:open'>,
    events: TerminalEvents,
    o?: TermOpenOptions,
  ): Promise<{ id: string; ns: string; notice?: string }>;
  termInput(id: string, data: string): Promise<void>;
  termResize(id: string, cols: number, rows: number): Promise<void>;
  termClose(id: string): Promise<void>;
  /** A lab was destroyed: its terminals close, its rate samples are forgotten. */
  labGone(lab: string): void;
  /** Closes the terminals a page opened (its window or WebSocket went away). */
  closeOwnedBy(owner: object): void;
}

/**
 * The live lab in this process (root, or tests with an injected runner).
 * Link edits go through `engine` like Apply.
 */
export function localLive(o: LiveOptions, engine: Engine): LiveBackend {
  const svc = () => liveServices(o);
  return {
    where: 'local',
    check: (req) => checkDocument(req.topology, o),
    activityCheck: (req) => checkActivityDocument(req.topology, req.prefix, o),
    ping: (req) => pingInLab(req.lab, req.from, req.to, { ...o, ...(req.count ? { count: req.count } : {}) }),
    traceroute: (req) => tracerouteInLab(req.lab, req.from, req.to, o),
    tables: (req) => readTables(req.lab, req.nodeId, o),
    sample: (req) => svc().rates.sample(req.lab),
    trace: (req, to = {}) =>
      traceDocument(req.topology, req.from, req.to, {
        ...o,
        ...(req.fresh !== undefined ? { fresh: req.fresh } : {}),
        ...(to.onProgress ? { onProgress: to.onProgress } : {}),
      }),
    linkState: (req, eo = {}) =>
      setLinkState(engine, req.topology, req.linkId, req.up, req.end, { ...o, ...eo }),
    netem: (req, eo = {}) => setNetem(engine, req.topology, req.linkId, req.end, req.netem, { ...o, ...eo }),
    importHost: async (req) => {
      const r = await importHost({
        ...(req.namespaces ? { namespaces: req.namespaces } : {}),
        ...(req.lab ? { lab: req.lab } : {}),
        ...(o.runner ? { runner: o.runner } : {}),
      });
      return { problems: r.problems, ...(r.text ? { text: r.text, topology: r.topology } : {}) };
    },
    adopt: async (req, ao = {}) => {
      // Why: marking hands objects to netplumb (destroy deletes them); only the list the user saw and confirmed is applied.
      if (req.confirm && !req.marks)
        throw new PlainError('adopting needs the list of marks that was shown and confirmed');
      if (!req.confirm) {
        const p = await planAdoption(req.topology, o);
        return { lab: p.lab, marks: p.marks, problems: p.problems, adopted: false };
      }
      const r = await adopt(req.topology, req.marks, { ...o, ...(ao.file ? { file: ao.file } : {}) });
      return {
        lab: r.plan.lab,
        marks: r.plan.marks,
        problems: r.plan.problems,
        adopted: r.ok,
        ...(r.error ? { error: r.error } : {}),
      };
    },
    captureStart: async (req, onStopped) => {
      const s = svc();
      const info = await s.captures.start(req.lab, req.linkId, req.end);
      s.captureListeners.set(info.id, onStopped);
      return info;
    },
    captureStop: (id) => svc().captures.stop(id),
    termOpen: (req, events, t = {}) =>
      svc().terminals.open(req.lab, req.nodeId, req.cols, req.rows, events, {
        ...(t.owner ? { owner: t.owner } : {}),
        ...(t.command ? { command: t.command } : {}),
        ...(t.echo !== undefined ? { echo: t.echo } : {}),
      }),
    termInput: async (id, data) => svc().terminals.input(id, data),
    termResize: async (id, cols, rows) => svc().terminals.resize(id, cols, rows),
    termClose: async (id) => svc().terminals.close(id),
    labGone: (lab) => {
      svc().terminals.closeLab(lab);
      svc().rates.forget(lab);
    },
    closeOwnedBy: (owner) => svc().terminals.closeOwnedBy(owner),
  };
}
