/**
 * The one IPC contract. Every channel is declared here once: its namespaced
 * name and the zod schemas of its request and response. Electron main
 * (validatedHandle), the preload API, and the browser-mode WebSocket server all
 * derive from this table, so a message the contract does not describe is
 * refused on every path.
 *
 * The renderer sends documents or intents, never command lines.
 */
import * as z from 'zod';
import { Change, DriftItem } from '../plan/change';
import { Netem } from '../model/link';
import { MARKED_IFACE_KINDS } from '../model/kstate';
import { LabName } from '../model/lab-name';
import { checkPrefix } from '../model/prefix';

/** Problems travel as plain data (see validate/problem.ts). */
export const ProblemSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  nodeId: z.string().optional(),
  linkId: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  file: z.string().optional(),
});

/**
 * A topology document as sent by the renderer. It is `unknown` on purpose:
 * the kernel side parses and validates it itself (never trusting the sender).
 * The size cap stops a hostile page from exhausting memory.
 */
const Doc = z.unknown().refine((v) => {
  // Why the try: JSON.stringify recurses; a value nested thousands deep would
  // throw out of safeParse (and out of whoever called it) instead of failing.
  try {
    return JSON.stringify(v ?? null).length <= 8 * 1024 * 1024;
  } catch {
    return false;
  }
}, 'document larger than 8 MiB or nested too deeply');
/** File text as saved/opened by the desktop app (same 8 MiB cap as documents). */
const DocText = z.string().max(8 * 1024 * 1024, 'file larger than 8 MiB');

export const LabSummary = z.object({
  name: z.string(),
  state: z.enum(['applied', 'partial', 'rolling-back', 'unknown']),
  namespaces: z.array(z.string()),
  file: z.string().optional(),
  appliedAt: z.string().optional(),
  /** Who applied it first ("alice (uid 1001)", "root"); only they or root may change it. */
  owner: z.string().optional(),
  /** False when the asking user may not change, destroy or work in the lab. */
  yours: z.boolean().optional(),
});

export const ApplyResult = z.object({
  ok: z.boolean(),
  lab: z.string(),
  steps: z.number(),
  changes: z.array(Change),
  /** Plain words, when ok is false: which step failed and what the kernel said. */
  error: z.string().optional(),
  failedStep: z.number().optional(),
  rolledBack: z.boolean().optional(),
  durationMs: z.number(),
});

// ---- Live lab (issue 6): schemas shared by the channels below. ----
/** A node or link id of the document (never a kernel name: the kernel side maps it and checks ownership). */
const DocId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'an id of the document');
const EndKey = z.enum(['a', 'b']);
/** Terminal/capture handles are random hex issued by the kernel side. */
const Handle = z.string().regex(/^[0-9a-f]{8,32}$/, 'a handle issued by netplumb');
const Counters = z.object({ bytes: z.number(), packets: z.number() });

/** One scored activity check (shared/activity/score.ts CheckRow). */
export const ActivityCheckRowSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  points: z.number(),
  earned: z.number(),
  status: z.enum(['pass', 'fail', 'error', 'skipped', 'not run']),
  detail: z.string(),
  hidden: z.boolean(),
  breakIt: z.boolean(),
  graded: z.boolean(),
  hint: z.string().optional(),
  at: z.string().optional(),
});

export const CheckResultSchema = z.object({
  index: z.number(),
  from: z.string(),
  to: z.string(),
  reach: z.boolean(),
  label: z.string(),
  status: z.enum(['pass', 'fail', 'error']),
  reached: z.boolean().optional(),
  detail: z.string(),
});

export const PingResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  sent: z.number(),
  received: z.number(),
  lossPercent: z.number(),
  rtt: z.object({ min: z.number(), avg: z.number(), max: z.number() }).optional(),
  reached: z.boolean(),
  summary: z.string(),
  output: z.string(),
});

export const NodeTablesSchema = z.object({
  lab: z.string(),
  nodeId: z.string(),
  kind: z.enum(['namespace', 'router', 'bridge']),
  ns: z.string(),
  at: z.number(),
  interfaces: z.array(
    z.object({
      name: z.string(),
      up: z.boolean(),
      operstate: z.string(),
      mac: z.string().optional(),
      mtu: z.number().optional(),
      master: z.string().optional(),
      addresses: z.array(z.string()),
      rx: Counters,
      tx: Counters,
    }),
  ),
  routes: z.array(
    z.object({
      dst: z.string(),
      family: z.union([z.literal(4), z.literal(6)]),
      via: z.string().optional(),
      dev: z.string().optional(),
      protocol: z.string().optional(),
      scope: z.string().optional(),
      metric: z.number().optional(),
    }),
  ),
  neighbours: z.array(
    z.object({
      address: z.string(),
      mac: z.string().optional(),
      dev: z.string(),
      state: z.array(z.string()),
    }),
  ),
  fdb: z.array(z.object({ mac: z.string(), port: z.string(), vlan: z.number().optional() })),
});

const Rate = z.object({ bytesPerSec: z.number(), packetsPerSec: z.number() });
export const LiveSampleSchema = z.object({
  lab: z.string(),
  at: z.number(),
  intervalSec: z.number(),
  links: z.array(
    z.object({
      linkId: z.string(),
      up: z.boolean(),
      aToB: Rate,
      bToA: Rate,
      totals: z.object({ aTxBytes: z.number(), bTxBytes: z.number() }),
    }),
  ),
});

/** Answer of lab:link-state and lab:netem: the changed document (keep it) and the apply outcome. */
const LinkEditResponse = z.object({
  topology: z.unknown(),
  problems: z.array(ProblemSchema),
  result: ApplyResult.optional(),
});

export const CaptureInfoSchema = z.object({
  id: z.string(),
  lab: z.string(),
  linkId: z.string(),
  end: EndKey,
  iface: z.string(),
  ns: z.string(),
  path: z.string(),
});
export const CaptureStoppedSchema = CaptureInfoSchema.extend({
  bytes: z.number(),
  packets: z.number().optional(),
  reason: z.enum(['stopped', 'limit', 'failed']),
  message: z.string().optional(),
});

/** A saved capture file's name (one plain name in the capture directory; the kernel side checks it again). */
const CaptureName = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}\.pcap$/, 'the name of a capture file');
export const CaptureFileSchema = z.object({
  name: z.string(),
  linkId: z.string().optional(),
  end: EndKey.optional(),
  bytes: z.number(),
  at: z.string(),
});
export const PacketRowSchema = z.object({
  n: z.number(),
  t: z.number(),
  src: z.string(),
  dst: z.string(),
  protocol: z.string(),
  length: z.number(),
  summary: z.string(),
});

export const TraceResultSchema = z.object({
  lab: z.string(),
  from: z.string(),
  to: z.string(),
  reached: z.boolean(),
  hops: z.array(
    z.object({
      step: z.number(),
      t: z.number(),
      nodeId: z.string(),
      iface: z.string(),
      linkId: z.string(),
      direction: z.enum(['in', 'out']),
      kind: z.string(),
      srcMac: z.string(),
      dstMac: z.string(),
      frame: z.string(),
      explanation: z.string(),
      decidedBy: z.string().optional(),
    }),
  ),
  learned: z.array(z.string()),
  notes: z.array(z.string()),
});

export const TracerouteResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  reached: z.boolean(),
  method: z.string(),
  hops: z.array(
    z.object({
      ttl: z.number(),
      address: z.string().optional(),
      nodeId: z.string().optional(),
      rttMs: z.number().optional(),
      kind: z.enum(['time-exceeded', 'reply', 'none', 'unreachable']),
    }),
  ),
});

/** One object `lab:adopt` marks (see electron/kernel/adopt.ts). */
export const AdoptMarkSchema = z.object({
  kind: z.enum(['namespace', ...MARKED_IFACE_KINDS]),
  ns: z.string().max(255),
  name: z.string().max(255),
  mark: z.string().max(255),
  previous: z.string().max(255).optional(),
  nodeId: z.string().optional(),
  linkId: z.string().optional(),
});

export const contract = {
  'app:info': {
    request: z.object({}),
    response: z.object({
      mode: z.enum(['electron', 'browser']),
      version: z.string(),
      /** How the kernel side gets its privileges: running as root, through the helper, or not at all. */
      privilege: z.enum(['root', 'helper', 'none']),
      /** Plain words shown in the window, e.g. "running as root: Chromium's sandbox is off". */
      notice: z.string().optional(),
      capabilities: z.record(z.string(), z.boolean()),
      missing: z.array(z.string()),
    }),
  },
  'topology:validate': {
    request: z.object({ topology: Doc }),
    response: z.object({ problems: z.array(ProblemSchema) }),
  },
  'topology:plan': {
    request: z.object({ topology: Doc }),
    response: z.object({ problems: z.array(ProblemSchema), changes: z.array(Change) }),
  },
  'topology:apply': {
    request: z.object({
      topology: Doc,
      /** The file it came from (an absolute path, a label only: lab-file.ts). */
      file: z.string().max(4096).optional(),
    }),
    response: z.object({ problems: z.array(ProblemSchema), result: ApplyResult.optional() }),
  },
  'topology:status': {
    request: z.object({ topology: Doc }),
    response: z.object({
      problems: z.array(ProblemSchema),
      inSync: z.boolean(),
      applied: z.boolean(),
      drift: z.array(DriftItem),
    }),
  },
  /** The user's name prefix (shared machines): read it, or set it (null or "": none) in the config file the CLI reads. */
  'settings:prefix': {
    request: z.object({
      set: z
        .union([
          z
            .string()
            .max(64)
            .superRefine((v, c) => {
              // Why: the same rule as the CLI's --prefix, checked before anything is written.
              const bad = v === '' ? null : checkPrefix(v);
              if (bad) c.addIssue({ code: 'custom', message: bad });
            }),
          z.null(),
        ])
        .optional(),
    }),
    response: z.object({ prefix: z.string().optional(), file: z.string() }),
  },
  'lab:destroy': {
    /** kernelName: `lab` is a kernel lab name (from lab:list) rather than a drawing's name, which gets the user's prefix. */
    request: z.object({ lab: LabName, kernelName: z.boolean().optional() }),
    response: z.object({ removed: z.array(z.string()) }),
  },
  'lab:list': {
    request: z.object({}),
    response: z.object({ labs: z.array(LabSummary) }),
  },
  /** A lab's record: the document it was last applied from (to open it as a drawing). */
  'lab:open': {
    /** `lab`: a kernel lab name, as lab:list gives it. */
    request: z.object({ lab: LabName }),
    response: z.object({
      lab: z.string(),
      topology: z.unknown(),
      appliedAt: z.string(),
      file: z.string().optional(),
    }),
  },
  /** Reads the live host into a topology file (read-only); what a file cannot express comes back as warnings. */
  'host:import': {
    request: z.object({
      namespaces: z.array(z.string().min(1).max(255)).max(4096).optional(),
      lab: LabName.optional(),
    }),
    response: z.object({
      text: z.string().optional(),
      topology: z.unknown().optional(),
      problems: z.array(ProblemSchema),
    }),
  },
  /**
   * Adopts hand-made objects the document describes by setting netplumb's marks.
   * confirm false: only lists the marks (and refusals); confirm true with that
   * list: sets them (refused if the host changed since).
   */
  'lab:adopt': {
    request: z.object({
      topology: Doc,
      confirm: z.boolean().default(false),
      marks: z.array(AdoptMarkSchema).max(100_000).optional(),
    }),
    response: z.object({
      lab: z.string(),
      marks: z.array(AdoptMarkSchema),
      problems: z.array(ProblemSchema),
      adopted: z.boolean(),
      error: z.string().optional(),
    }),
  },
  'examples:list': {
    request: z.object({}),
    response: z.object({
      examples: z.array(z.object({ id: z.string(), title: z.string(), description: z.string().optional() })),
    }),
  },
  'examples:get': {
    request: z.object({ id: z.string().regex(/^[a-z0-9-]+$/) }),
    response: z.object({ text: z.string(), fileName: z.string() }),
  },
  // ---- Live lab (issue 6). Every request names a lab and document ids; the
  // kernel side maps them to namespaces the lab owns and refuses the rest. ----
  /** Runs the document's expectations against its applied lab (2 bounded pings per line). */
  'lab:check': {
    request: z.object({ topology: Doc }),
    response: z.object({
      lab: z.string(),
      results: z.array(CheckResultSchema),
      passed: z.number(),
      failed: z.number(),
      errors: z.number(),
      ok: z.boolean(),
    }),
  },
  /** "Check my work": the document's visible activity checks on its applied lab, scored (applies nothing). */
  'activity:check': {
    request: z.object({ topology: Doc, prefix: z.string().max(12).optional() }),
    response: z.object({
      lab: z.string(),
      score: z.number(),
      max: z.number(),
      checks: z.array(ActivityCheckRowSchema),
    }),
  },
  /** Pings from a namespace/router node to a node id or an address inside the lab. */
  'lab:ping': {
    request: z.object({
      lab: LabName,
      from: DocId,
      to: z.string().min(1).max(64),
      count: z.number().int().min(1).max(20).optional(),
    }),
    response: PingResultSchema,
  },
  /** TTL walk (ping -t) from a node to a node or lab address, at most 8 hops. */
  'lab:traceroute': {
    request: z.object({ lab: LabName, from: DocId, to: z.string().min(1).max(64) }),
    response: TracerouteResultSchema,
  },
  /** A node's live tables (addresses, routes, neighbours, learned FDB, counters); cheap enough to poll every second. */
  'lab:tables': {
    request: z.object({ lab: LabName, nodeId: DocId }),
    response: NodeTablesSchema,
  },
  /** Link traffic rates per direction since the previous call (for the link animation; poll about once a second). */
  'lab:live': {
    request: z.object({ lab: LabName }),
    response: LiveSampleSchema,
  },
  /** Sets a link (or one end) down/up in the document and applies just that. */
  'lab:link-state': {
    request: z.object({ topology: Doc, linkId: DocId, end: EndKey.optional(), up: z.boolean() }),
    response: LinkEditResponse,
  },
  /** Replaces netem on one end (null: removed) in the document and applies just that. */
  'lab:netem': {
    request: z.object({ topology: Doc, linkId: DocId, end: EndKey, netem: Netem.nullable() }),
    response: LinkEditResponse,
  },
  /** Starts a pcap capture on one end of a link; `capture:stopped` follows. */
  'lab:capture-start': {
    request: z.object({ lab: LabName, linkId: DocId, end: EndKey }),
    response: CaptureInfoSchema,
  },
  'lab:capture-stop': {
    request: z.object({ id: Handle }),
    response: CaptureStoppedSchema,
  },
  /** The saved captures of a lab (of one link when given), newest first, with sizes. */
  'capture:list': {
    request: z.object({ lab: LabName, linkId: DocId.optional() }),
    response: z.object({ dir: z.string(), captures: z.array(CaptureFileSchema) }),
  },
  /** The first packets of one saved capture, decoded for the packet table. */
  'capture:packets': {
    request: z.object({ name: CaptureName, max: z.number().int().min(1).max(1000).optional() }),
    response: z.object({
      name: z.string(),
      bytes: z.number(),
      packets: z.array(PacketRowSchema),
      more: z.boolean(),
      note: z.string().optional(),
    }),
  },
  /** Desktop only: saves a copy of a capture where the user picks (Save as). Browser mode downloads /captures/NAME. */
  'capture:save': {
    request: z.object({ name: CaptureName }),
    response: z.object({ cancelled: z.boolean(), path: z.string().optional() }),
  },
  /** Step mode: one ping, captured on the interfaces of its path, explained hop by hop. */
  'lab:trace': {
    request: z.object({
      topology: Doc,
      from: DocId,
      to: z.string().min(1).max(64),
      fresh: z.boolean().optional(),
    }),
    response: TraceResultSchema,
  },
  /** Opens a shell in a namespace the lab owns; output arrives as `term:output` events. */
  'term:open': {
    request: z.object({
      lab: LabName,
      nodeId: DocId,
      cols: z.number().int().min(2).max(500),
      rows: z.number().int().min(2).max(300),
    }),
    // notice: set when the terminal runs without node-pty (optional), shown in its tab.
    response: z.object({ id: z.string(), ns: z.string(), notice: z.string().max(1000).optional() }),
  },
  'term:input': {
    request: z.object({ id: Handle, data: z.string().max(64 * 1024) }),
    response: z.object({}),
  },
  'term:resize': {
    request: z.object({
      id: Handle,
      cols: z.number().int().min(2).max(500),
      rows: z.number().int().min(2).max(300),
    }),
    response: z.object({}),
  },
  'term:close': {
    request: z.object({ id: Handle }),
    response: z.object({}),
  },
  'lessons:list': {
    request: z.object({}),
    response: z.object({
      lessons: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          description: z.string().optional(),
          steps: z.number(),
        }),
      ),
    }),
  },
  'lessons:get': {
    request: z.object({ id: z.string().regex(/^[a-z0-9-]+$/) }),
    response: z.object({ text: z.string(), fileName: z.string() }),
  },
  /** Shipped activities (students' files only; answer keys are never listed or served). */
  'activities:list': {
    request: z.object({}),
    response: z.object({
      activities: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          description: z.string().optional(),
          steps: z.number(),
          checks: z.number(),
          points: z.number(),
        }),
      ),
    }),
  },
  'activities:get': {
    request: z.object({ id: z.string().regex(/^[a-z0-9-]+$/) }),
    response: z.object({ text: z.string(), fileName: z.string() }),
  },
  // Desktop-only channels (native dialogs and the window); browser mode answers
  // them with a plain-words refusal and uses the browser's pickers/downloads.
  /** Tell the window what is open, for its title and the "unsaved changes" prompt. */
  'document:state': {
    request: z.object({ fileName: z.string().max(255).nullable(), dirty: z.boolean() }),
    response: z.object({}),
  },
  /**
   * The recovery file (desktop): drawings autosaved while unsaved, offered
   * again on the next start. Browser mode keeps them in the browser's storage.
   */
  'recovery:load': {
    request: z.object({}),
    response: z.object({ text: z.string().nullable() }),
  },
  'recovery:save': {
    request: z.object({ text: z.string().max(16 * 1024 * 1024, 'recovery data larger than 16 MiB') }),
    response: z.object({}),
  },
  /** Show the native Open (or Import) dialog (the page has already asked about unsaved work). */
  'file:open': {
    request: z.object({ purpose: z.enum(['open', 'import']).default('open') }),
    response: z.object({
      cancelled: z.boolean(),
      text: z.string().optional(),
      fileName: z.string().optional(),
    }),
  },
  /** Save the document text to the current file (or ask where, for a new file or Save As / Export). */
  'file:save': {
    request: z.object({
      text: DocText,
      suggestedName: z.string().max(255),
      mode: z.enum(['save', 'save-as', 'export']).default('save'),
    }),
    response: z.object({ cancelled: z.boolean(), fileName: z.string().optional() }),
  },
} as const;

/** Channels only the desktop app answers. */
export const DESKTOP_CHANNELS = [
  'document:state',
  'file:open',
  'file:save',
  'recovery:load',
  'recovery:save',
  'capture:save',
] as const;

/**
 * Intents the native menus send to the page (desktop only); the page carries
 * each out like its own button, including asking about unsaved work. Cut/Copy/
 * Paste are the native roles instead: they fire the page's cut/copy/paste DOM
 * events. Undo/Redo/Select All/Delete/Fit/Zoom keys are left to the page.
 */
export const MENU_COMMANDS = [
  'new',
  'new-from-example',
  'new-from-lesson',
  'activities',
  'new-activity',
  'open',
  'open-running-lab',
  'import',
  'save',
  'save-as',
  'export',
  'undo',
  'redo',
  'select-all',
  'delete',
  'fit',
  'zoom-in',
  'zoom-out',
  'toggle-minimap',
  'validate',
  'plan',
  'apply',
  'status',
  'destroy',
  'shortcuts',
  'about',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** Events pushed from the kernel side to the page (no request). */
export const events = {
  'apply:progress': z.object({
    lab: z.string(),
    done: z.number(),
    total: z.number(),
    current: z.string().optional(),
    phase: z.enum(['apply', 'rollback']),
  }),
  /** What a running step-mode trace is doing (finding the path, starting captures N/M, pinging, collecting). */
  'trace:progress': z.object({
    phase: z.enum(['path', 'captures', 'ping', 'collect']),
    done: z.number(),
    total: z.number(),
    message: z.string(),
  }),
  /** A native menu item was chosen (desktop only); the page carries it out like the toolbar button. */
  'menu:command': z.object({ command: z.enum(MENU_COMMANDS), exampleId: z.string().optional() }),
  /** The main process opened a file (Open Recent, Import from the menu, a file given on the command line). */
  'file:opened': z.object({ text: z.string(), fileName: z.string(), purpose: z.enum(['open', 'import']) }),
  /** Terminal output (UTF-8 text as the pty produced it). */
  'term:output': z.object({ id: z.string(), data: z.string() }),
  /** A terminal ended: the shell exited (its code) or netplumb closed it (code -1, reason). */
  'term:exit': z.object({ id: z.string(), code: z.number(), reason: z.string().optional() }),
  /** A capture ended (stopped, limit reached, or tcpdump failed); the pcap file is at `path`. */
  'capture:stopped': CaptureStoppedSchema,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type Request<C extends Channel> = z.input<Contract[C]['request']>;
export type Response<C extends Channel> = z.infer<Contract[C]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** Every call returns this envelope: a value, or an error in plain words. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** The API object the renderer sees (preload in Electron, WebSocket in browser mode). */
export type NetplumbApi = {
  [C in Channel]: (req: Request<C>) => Promise<Result<Response<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export const CHANNELS = Object.keys(contract) as Channel[];
