/**
 * The one IPC contract. Every channel is declared here once: its namespaced
 * name and the zod schemas of its request and response. Electron main
 * (validatedHandle), the preload API, and the browser-mode WebSocket server all
 * derive from this table, so a message the contract does not describe is
 * refused on every path.
 *
 * The renderer sends documents or intents, never command lines.
 */
import { z } from 'zod';
import { Change, DriftItem } from '../plan/change';

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
const Doc = z.unknown().refine((v) => JSON.stringify(v ?? null).length <= 8 * 1024 * 1024, 'document larger than 8 MiB');
const LabName = z.string().min(1).max(64);
/** File text as saved/opened by the desktop app (same 8 MiB cap as documents). */
const DocText = z.string().max(8 * 1024 * 1024, 'file larger than 8 MiB');

export const LabSummary = z.object({
  name: z.string(),
  state: z.enum(['applied', 'partial', 'rolling-back', 'unknown']),
  namespaces: z.array(z.string()),
  file: z.string().optional(),
  appliedAt: z.string().optional(),
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
    request: z.object({ topology: Doc }),
    response: z.object({ problems: z.array(ProblemSchema), result: ApplyResult.optional() }),
  },
  'topology:status': {
    request: z.object({ topology: Doc }),
    response: z.object({ problems: z.array(ProblemSchema), inSync: z.boolean(), applied: z.boolean(), drift: z.array(DriftItem) }),
  },
  'lab:destroy': {
    request: z.object({ lab: LabName }),
    response: z.object({ removed: z.array(z.string()) }),
  },
  'lab:list': {
    request: z.object({}),
    response: z.object({ labs: z.array(LabSummary) }),
  },
  'examples:list': {
    request: z.object({}),
    response: z.object({ examples: z.array(z.object({ id: z.string(), title: z.string(), description: z.string().optional() })) }),
  },
  'examples:get': {
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
  /** Show the native Open (or Import) dialog (the page has already asked about unsaved work). */
  'file:open': {
    request: z.object({ purpose: z.enum(['open', 'import']).default('open') }),
    response: z.object({ cancelled: z.boolean(), text: z.string().optional(), fileName: z.string().optional() }),
  },
  /** Save the document text to the current file (or ask where, for a new file or Save As / Export). */
  'file:save': {
    request: z.object({ text: DocText, suggestedName: z.string().max(255), mode: z.enum(['save', 'save-as', 'export']).default('save') }),
    response: z.object({ cancelled: z.boolean(), fileName: z.string().optional() }),
  },
} as const;

/** Channels only the desktop app answers. */
export const DESKTOP_CHANNELS = ['document:state', 'file:open', 'file:save'] as const;

/**
 * Intents the native menus send to the page (desktop only); the page carries
 * each out like its own button, including asking about unsaved work. Cut/Copy/
 * Paste are the native roles instead: they fire the page's cut/copy/paste DOM
 * events. Undo/Redo/Select All/Delete/Fit/Zoom keys are left to the page.
 */
export const MENU_COMMANDS = [
  'new', 'new-from-example', 'open', 'import', 'save', 'save-as', 'export',
  'undo', 'redo', 'select-all', 'delete',
  'fit', 'zoom-in', 'zoom-out', 'toggle-minimap',
  'validate', 'plan', 'apply', 'status', 'destroy',
  'shortcuts', 'about',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** Events pushed from the kernel side to the page (no request). */
export const events = {
  'apply:progress': z.object({ lab: z.string(), done: z.number(), total: z.number(), current: z.string().optional(), phase: z.enum(['apply', 'rollback']) }),
  /** A native menu item was chosen (desktop only); the page carries it out like the toolbar button. */
  'menu:command': z.object({ command: z.enum(MENU_COMMANDS), exampleId: z.string().optional() }),
  /** The main process opened a file (Open Recent, Import from the menu, a file given on the command line). */
  'file:opened': z.object({ text: z.string(), fileName: z.string(), purpose: z.enum(['open', 'import']) }),
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
