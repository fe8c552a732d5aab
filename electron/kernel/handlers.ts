/**
 * The one table from IPC channel to engine call, and `dispatch`, the one
 * validation path for every message from a page: Electron IPC (main's
 * validatedHandle) and the browser-mode WebSocket server both call it.
 *
 * dispatch refuses unknown channels, parses the request with the contract's
 * schema, runs the handler, checks the answer against the contract's response
 * schema, and returns the Result envelope with errors in plain words.
 */
import type { z } from 'zod';
import {
  contract,
  DESKTOP_CHANNELS,
  events,
  type Channel,
  type EventName,
  type EventPayload,
  type Response,
  type Result,
} from '../../shared/ipc/contract';
import type { Engine } from './engine-types';
import type { EngineOptions } from './engine-types';
import { listExamples, readExample } from './examples';
import { listActivities, readActivity } from './live/activities';
import { localLive, type LiveBackend } from './live/backend';
import { listLessons, readLesson } from './live/lessons';
import path from 'node:path';
import { runningAsRoot } from './privilege';
import { describeIssues, PlainError, plainMessage } from './plain-error';
import { execaRunner, type Runner } from './runner';
import { capturePackets, listCaptures } from './live/capture-files';
import { defaultCaptureDir } from './live/capture';
import {
  drawingLab,
  kernelLab,
  prefixDoc,
  readPrefix,
  unprefixDoc,
  withDoc,
  writePrefix,
} from './prefix-side';
import { userConfigFile } from './prefix-config';

/**
 * What a handler may use. Its base is built once per process (context.ts);
 * Electron main gives each window's contents its own copy, and the
 * browser-mode server each socket, adding the `emit` (and, on the desktop,
 * `desktop`) that reach that page only.
 */
export interface HandlerContext {
  mode: 'electron' | 'browser';
  version: string;
  engine: Engine;
  /** Where live lab work runs (the privileged helper for a normal user); default: this process. */
  live?: LiveBackend;
  /** Process runner for in-process kernel work (tests inject recorders). */
  runner?: Runner;
  /** Lab state directory for in-process kernel work. */
  runDir?: string;
  /** Where the shipped example topologies are. */
  examplesDir: string;
  /** Where the shipped lessons are (default: lessons/ next to examples/). */
  lessonsDir?: string;
  /** How kernel work gets its privileges, and the notice to show for it. */
  privilege: () => Promise<{ privilege: 'root' | 'helper' | 'none'; notice?: string }>;
  /** Which kernel features this machine has. */
  capabilities: () => Promise<{ capabilities: Record<string, boolean>; missing: string[] }>;
  /** Pushes an event to the page that sent the request. */
  emit?: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** Desktop-only channels (native dialogs, window title); absent in browser mode. */
  desktop?: DesktopHandlers;
  /** The config file holding the user's name prefix (default: ~/.config/netplumb/config.json of the user running this side, as the CLI reads it). */
  prefixFile?: string;
}

type Parsed<C extends Channel> = z.output<(typeof contract)[C]['request']>;
type Handler<C extends Channel> = (req: Parsed<C>, ctx: HandlerContext) => Promise<Response<C>>;
type DesktopChannel = (typeof DESKTOP_CHANNELS)[number];
/** The handlers Electron main supplies for the desktop-only channels. */
export type DesktopHandlers = { [C in DesktopChannel]: (req: Parsed<C>) => Promise<Response<C>> };

function engineOptions(ctx: HandlerContext, extra: Partial<EngineOptions> = {}): EngineOptions {
  const o: EngineOptions = { ...extra };
  if (ctx.runner) o.runner = ctx.runner;
  if (ctx.runDir) o.runDir = ctx.runDir;
  return o;
}

/** Options for the live lab modules (kernel/live/). */
function liveOptions(ctx: HandlerContext): { runner?: Runner; runDir?: string } {
  return { ...(ctx.runner ? { runner: ctx.runner } : {}), ...(ctx.runDir ? { runDir: ctx.runDir } : {}) };
}

/**
 * Where live lab work (shells, pings, captures, tables, import, adopt) runs:
 * the context's backend (the privileged helper for a normal user), else this
 * process, which needs root. Why a refusal rather than trying: without root
 * and without a helper, the kernel would only answer with confusing errors.
 */
function live(ctx: HandlerContext, check = true): LiveBackend {
  if (ctx.live) return ctx.live;
  if (check && !ctx.runner && !runningAsRoot()) {
    throw new PlainError(
      'live lab tools (terminals, ping, tables, captures, step mode, import, adopt) need root or the privileged helper: install it once with "sudo npx netplumb helper install" (see README: "Running without root")',
    );
  }
  return localLive(liveOptions(ctx), ctx.engine);
}

/** The user's name prefix, read at each request (the CLI or another window may have changed it). */
const prefixOf = (ctx: HandlerContext) => readPrefix(ctx.prefixFile ?? userConfigFile());
/** Progress events carry the drawing's lab name: the page matches them against its document. */
const progressTo = (ctx: HandlerContext, prefix?: string): EngineOptions =>
  engineOptions(ctx, {
    onProgress: (p) => ctx.emit?.('apply:progress', { ...p, lab: drawingLab(p.lab, prefix) }),
  });
/** A request whose `lab` is a drawing name, with the kernel's lab name instead. */
const withLab = <R extends { lab: string }>(req: R, ctx: HandlerContext): R => ({
  ...req,
  lab: kernelLab(req.lab, prefixOf(ctx)),
});

function desktopOnly<C extends DesktopChannel>(channel: C): Handler<C> {
  return async (req, ctx) => {
    const h = ctx.desktop?.[channel] as ((r: Parsed<C>) => Promise<Response<C>>) | undefined;
    if (!h)
      throw new PlainError(
        "this needs the desktop app; in the browser, Open and Save use the browser's file picker and downloads",
      );
    return h(req);
  };
}

const lessonsDir = (ctx: HandlerContext) =>
  ctx.lessonsDir ?? path.join(path.dirname(ctx.examplesDir), 'lessons');
const activitiesDir = (ctx: HandlerContext) =>
  path.join(
    path.dirname(ctx.lessonsDir ?? path.join(path.dirname(ctx.examplesDir), 'lessons')),
    'activities',
  );

/** Every contract channel, once, mapped to what it does. */
export const handlers: { [C in Channel]: Handler<C> } = {
  'app:info': async (_req, ctx) => {
    const [priv, caps] = await Promise.all([ctx.privilege(), ctx.capabilities()]);
    return { mode: ctx.mode, version: ctx.version, ...priv, ...caps };
  },
  'topology:validate': async (req, ctx) => {
    const r = await ctx.engine.validateDocument(req.topology);
    return { problems: r.problems };
  },
  // Plans, applies and status run on the prefixed document: names in changes and drift are the kernel's (what
  // the user finds with `ip`); ids are unchanged, so the canvas attaches them to the same nodes and links.
  'topology:plan': async (req, ctx) => {
    const p = prefixDoc(req.topology, prefixOf(ctx));
    return p.problems
      ? { problems: p.problems, changes: [] }
      : ctx.engine.planDocument(p.doc, engineOptions(ctx));
  },
  'topology:apply': async (req, ctx) => {
    const prefix = prefixOf(ctx);
    const p = prefixDoc(req.topology, prefix);
    return p.problems ? { problems: p.problems } : ctx.engine.applyDocument(p.doc, progressTo(ctx, prefix));
  },
  'topology:status': async (req, ctx) => {
    const p = prefixDoc(req.topology, prefixOf(ctx));
    return p.problems
      ? { problems: p.problems, inSync: false, applied: false, drift: [] }
      : ctx.engine.statusDocument(p.doc, engineOptions(ctx));
  },
  'lab:destroy': async (req, ctx) => {
    const lab = req.kernelName ? req.lab : kernelLab(req.lab, prefixOf(ctx));
    const r = await ctx.engine.destroyLab(lab, engineOptions(ctx));
    // Terminals must not outlive their lab (the namespace watcher would catch it within a second too).
    live(ctx, false).labGone(lab);
    return r;
  },
  'lab:list': async (_req, ctx) => ({ labs: await ctx.engine.listLabs(engineOptions(ctx)) }),
  'lab:open': async (req, ctx) => {
    // The name comes from lab:list: a kernel name, used as it is.
    const prefix = prefixOf(ctx);
    const r = await ctx.engine.openLab(req.lab, engineOptions(ctx));
    if (!r)
      throw new PlainError(
        `there is no record of a lab called "${req.lab}" on this host (it was destroyed, or never applied here)`,
      );
    // A lab applied with the user's prefix opens in drawing names; applying it again puts the prefix back.
    return prefix && req.lab.startsWith(prefix) ? { ...r, topology: unprefixDoc(r.topology, prefix) } : r;
  },
  'host:import': async (req, ctx) => live(ctx).importHost(req),
  // Adoption takes objects that exist under the names the import read: no prefix is put on them.
  'lab:adopt': async (req, ctx) => live(ctx).adopt(req),
  'examples:list': async (_req, ctx) => ({
    examples: (await listExamples(ctx.examplesDir)).map(({ id, title, description }) => ({
      id,
      title,
      ...(description ? { description } : {}),
    })),
  }),
  'examples:get': async (req, ctx) => {
    // Why: the id is looked up in the listing, never joined into a path (see examples.ts).
    const ex = await readExample(ctx.examplesDir, req.id);
    if (!ex) throw new PlainError(`there is no example called "${req.id}"`);
    return ex;
  },
  'lab:check': async (req, ctx) => live(ctx).check(withDoc(req, prefixOf(ctx))),
  // In this process when it is root, else as the helper's typed operation (re-validated, bounded in time there).
  // Why the user's prefix and not the page's: the prefix is a setting of the user on this side, never the page's say.
  'activity:check': async (req, ctx) => {
    const prefix = prefixOf(ctx);
    const { prefix: _fromPage, ...rest } = req;
    return live(ctx).activityCheck({ ...rest, ...(prefix ? { prefix } : {}) });
  },
  'lab:ping': async (req, ctx) => live(ctx).ping(withLab(req, ctx)),
  'lab:traceroute': async (req, ctx) => live(ctx).traceroute(withLab(req, ctx)),
  'lab:tables': async (req, ctx) => live(ctx).tables(withLab(req, ctx)),
  'lab:live': async (req, ctx) => live(ctx).sample(withLab(req, ctx)),
  // Link edits are applies: in process they go through the engine; through the helper, as typed operations.
  'lab:link-state': async (req, ctx) => {
    const prefix = prefixOf(ctx);
    const r = await (ctx.live ?? localLive(liveOptions(ctx), ctx.engine)).linkState(
      withDoc(req, prefix),
      progressTo(ctx, prefix),
    );
    return { ...r, topology: unprefixDoc(r.topology, prefix) };
  },
  'lab:netem': async (req, ctx) => {
    const prefix = prefixOf(ctx);
    const r = await (ctx.live ?? localLive(liveOptions(ctx), ctx.engine)).netem(
      withDoc(req, prefix),
      progressTo(ctx, prefix),
    );
    return { ...r, topology: unprefixDoc(r.topology, prefix) };
  },
  'lab:capture-start': async (req, ctx) =>
    live(ctx).captureStart(withLab(req, ctx), (s) => ctx.emit?.('capture:stopped', s)),
  'lab:capture-stop': async (req, ctx) => live(ctx).captureStop(req.id),
  // Saved captures are the user's files, read here (never through the helper).
  'capture:list': async (req, ctx) => ({
    dir: defaultCaptureDir(),
    captures: listCaptures(kernelLab(req.lab, prefixOf(ctx)), req.linkId),
  }),
  'capture:packets': async (req, ctx) =>
    capturePackets(req.name, req.max ?? 200, ctx.runner ? { runner: ctx.runner } : { runner: execaRunner }),
  'lab:trace': async (req, ctx) =>
    live(ctx).trace(withDoc(req, prefixOf(ctx)), { onProgress: (p) => ctx.emit?.('trace:progress', p) }),
  'term:open': async (req, ctx) =>
    live(ctx).termOpen(
      withLab(req, ctx),
      {
        output: (id, data) => ctx.emit?.('term:output', { id, data }),
        exit: (id, code, reason) => ctx.emit?.('term:exit', { id, code, ...(reason ? { reason } : {}) }),
      },
      { owner: ctx },
    ),
  'term:input': async (req, ctx) => (await live(ctx).termInput(req.id, req.data), {}),
  'term:resize': async (req, ctx) => (await live(ctx).termResize(req.id, req.cols, req.rows), {}),
  'term:close': async (req, ctx) => (await live(ctx).termClose(req.id), {}),
  'lessons:list': async (_req, ctx) => ({
    lessons: (await listLessons(lessonsDir(ctx))).map(({ id, title, description, steps }) => ({
      id,
      title,
      steps,
      ...(description ? { description } : {}),
    })),
  }),
  'lessons:get': async (req, ctx) => {
    // Why: the id is looked up in the listing, never joined into a path (see live/lessons.ts).
    const l = await readLesson(lessonsDir(ctx), req.id);
    if (!l) throw new PlainError(`there is no lesson called "${req.id}"`);
    return l;
  },
  'activities:list': async (_req, ctx) => ({
    activities: (await listActivities(activitiesDir(ctx))).map(
      ({ id, title, description, steps, checks, points }) => ({
        id,
        title,
        steps,
        checks,
        points,
        ...(description ? { description } : {}),
      }),
    ),
  }),
  'activities:get': async (req, ctx) => {
    // Why: the id is looked up in the listing, never joined into a path; keys and solutions are not in the listing.
    const a = await readActivity(activitiesDir(ctx), req.id);
    if (!a) throw new PlainError(`there is no activity called "${req.id}"`);
    return a;
  },
  // Why a channel and not a page-side setting: the kernel side reads the prefix from the user's config file
  // (the CLI's too); the page may only read it, or set a value that passes the CLI's own rule.
  'settings:prefix': async (req, ctx) => {
    const file = ctx.prefixFile ?? userConfigFile();
    if (req.set !== undefined) writePrefix(req.set || null, file);
    const prefix = readPrefix(file);
    return { file, ...(prefix ? { prefix } : {}) };
  },
  'document:state': desktopOnly('document:state'),
  'file:open': desktopOnly('file:open'),
  'file:save': desktopOnly('file:save'),
  'recovery:load': desktopOnly('recovery:load'),
  'recovery:save': desktopOnly('recovery:save'),
  'capture:save': desktopOnly('capture:save'),
};

/**
 * Closes the terminals a page opened through `ctx`. Call it when that page
 * goes away (browser mode: its WebSocket closed; desktop: its window closed),
 * so no shell is left running without a reader.
 */
export function releaseContext(ctx: HandlerContext): void {
  live(ctx, false).closeOwnedBy(ctx);
}

/** True when `channel` is one of the contract's channels (own keys only). */
export function isChannel(channel: unknown): channel is Channel {
  // Why Object.hasOwn and not `in`: "__proto__", "toString" and friends are
  // in every object; a page must not reach them as channels.
  return typeof channel === 'string' && Object.hasOwn(contract, channel);
}

/**
 * Runs one request from a page. Never throws; never returns a stack trace.
 * `log` receives the full error for the console of the privileged side.
 */
export async function dispatch(
  channel: unknown,
  rawRequest: unknown,
  ctx: HandlerContext,
  log: (msg: string, err?: unknown) => void = (m, e) => console.error(m, e ?? ''),
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    const shown = typeof channel === 'string' ? `"${channel.slice(0, 64)}"` : 'without a name';
    return { ok: false, error: `unknown request ${shown}: netplumb does not offer it` };
  }
  const spec = contract[channel];
  // Why: everything from the page is untrusted, so it is parsed here even
  // though the page was built from the same contract.
  const parsed = spec.request.safeParse(rawRequest ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: `the ${channel} request is malformed: ${describeIssues(parsed.error.issues)}`,
    };
  }
  let value: unknown;
  try {
    value = await (handlers[channel] as Handler<typeof channel>)(parsed.data as never, ctx);
  } catch (e) {
    // One line per failed request (the page shows the same words); the stack only with NETPLUMB_DEBUG=1.
    const debug = !!process.env.NETPLUMB_DEBUG;
    log(
      `netplumb: ${channel} ${e instanceof PlainError ? 'refused' : 'failed'}: ${plainMessage(e)}`,
      debug ? e : undefined,
    );
    return { ok: false, error: plainMessage(e) };
  }
  const checked = spec.response.safeParse(value);
  if (!checked.success) {
    log(`netplumb: ${channel} answered outside the contract`, checked.error);
    return {
      ok: false,
      error: `internal error: the answer to ${channel} does not match the contract (${describeIssues(checked.error.issues)})`,
    };
  }
  return { ok: true, value: checked.data };
}

/** Checks an event payload against the contract before it is pushed to a page. */
export function checkEvent<E extends EventName>(event: E, payload: unknown): EventPayload<E> | undefined {
  const r = events[event].safeParse(payload);
  return r.success ? (r.data as EventPayload<E>) : undefined;
}
