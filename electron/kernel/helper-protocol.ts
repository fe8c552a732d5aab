/**
 * The privileged helper's wire format: JSON lines over stdio.
 *
 *   request  {"id": 1, "op": "plan", "args": {"topology": {...}}}
 *   answer   {"id": 1, "result": {...}}  or  {"id": 1, "error": "plain words"}
 *   event    {"id": 1, "event": "progress", "payload": {...}}   (apply/destroy progress)
 *
 *   session  {"event": "term-output", "payload": {"session": "0a1b2c3d", …}}
 *            (term-output, term-exit, capture-data, capture-stopped; see
 *            HelperSessionEvent: they outlive the request that opened them,
 *            so instead of its id they carry the session id the client chose
 *            in term-open / capture-start)
 *
 * Why a closed list of typed operations: the helper runs as root, so the
 * unprivileged side may only ask for these things, each with arguments
 * parsed here (the same schemas as the IPC contract). No operation takes a
 * command line to run as root, a path or a runner: live work names a lab and
 * document ids, and the helper maps them to namespaces carrying the lab's
 * mark (live/owned.ts). The one command an operation carries (term-open's
 * `command`, for `netplumb exec`) runs as the calling user, never as root.
 */
import * as z from 'zod';
import { contract } from '../../shared/ipc/contract';
import { LabName } from '../../shared/model/lab-name';

/** A session id: chosen by the client, random hex (same shape as the page's handles). */
export const SessionId = z.string().regex(/^[0-9a-f]{8,32}$/, 'a session id (hex)');

/**
 * A lab name: the one rule of shared/model/lab-name.ts (the lab store, the
 * validator and the IPC contract use it too).
 * Why checked here again: it is the root boundary; a path-like name is refused
 * before any lookup, with a clear message, whatever the contract allows.
 */
export const HelperLabName = LabName;
/** Why strict: at the root boundary an unexpected key is refused, not silently dropped. */
const strict = <T extends z.ZodRawShape>(o: z.ZodObject<T>) => o.strict();
const withLab = <T extends z.ZodRawShape>(o: z.ZodObject<T>) => o.extend({ lab: HelperLabName });

/** A command for term-open (`netplumb exec`): run as the caller, so only its size is bounded. */
const Command = z.array(z.string().min(1).max(4096)).min(1).max(256);

export const HELPER_OPS = {
  validate: strict(contract['topology:validate'].request),
  plan: strict(contract['topology:plan'].request),
  apply: strict(contract['topology:apply'].request),
  status: strict(contract['topology:status'].request),
  destroy: strict(withLab(contract['lab:destroy'].request)),
  list: strict(contract['lab:list'].request),
  /** Reads one lab's record (root-only under /run/netplumb). */
  open: strict(withLab(contract['lab:open'].request)),
  /** Kernel feature detection needs root too (it tries devices in a scratch namespace). */
  capabilities: z.object({}).strict(),
  check: strict(contract['lab:check'].request),
  /** "Check my work": the activity's visible checks on its applied lab (reads and pings only; applies nothing). */
  'activity-check': strict(contract['activity:check'].request),
  ping: strict(withLab(contract['lab:ping'].request)),
  traceroute: strict(withLab(contract['lab:traceroute'].request)),
  tables: strict(withLab(contract['lab:tables'].request)),
  live: strict(withLab(contract['lab:live'].request)),
  trace: strict(contract['lab:trace'].request),
  'link-state': strict(contract['lab:link-state'].request),
  netem: strict(contract['lab:netem'].request),
  'import-host': strict(contract['host:import'].request.extend({ lab: HelperLabName.optional() })),
  adopt: strict(contract['lab:adopt'].request),
  'capture-start': strict(withLab(contract['lab:capture-start'].request).extend({ session: SessionId })),
  'capture-stop': strict(z.object({ session: SessionId })),
  'term-open': strict(
    withLab(contract['term:open'].request).extend({
      session: SessionId,
      command: Command.optional(),
      echo: z.boolean().optional(),
    }),
  ),
  'term-input': strict(z.object({ session: SessionId, data: z.string().max(64 * 1024) })),
  'term-resize': strict(
    z.object({
      session: SessionId,
      cols: z.number().int().min(2).max(500),
      rows: z.number().int().min(2).max(300),
    }),
  ),
  'term-close': strict(z.object({ session: SessionId })),
} as const;
export type HelperOp = keyof typeof HELPER_OPS;
export const HELPER_OP_NAMES = Object.keys(HELPER_OPS) as HelperOp[];
/** The parsed arguments of one operation. */
export type HelperArgs<O extends HelperOp> = z.output<(typeof HELPER_OPS)[O]>;

/**
 * Operations that change the kernel or the lab store: one at a time, in
 * order (two applies racing as root would interleave kernel changes). The
 * others (reads, pings, terminals) run beside them, so typing in a terminal
 * never waits for an apply.
 */
export const SEQUENTIAL_OPS: ReadonlySet<HelperOp> = new Set<HelperOp>([
  'validate',
  'plan',
  'apply',
  'status',
  'destroy',
  'list',
  'capabilities',
  'link-state',
  'netem',
  'import-host',
  'adopt',
]);

/**
 * Operations that only write into a terminal the caller already has: no
 * process starts, nothing waits. They are not counted against
 * MAX_CONCURRENT, because a paste or fast typing arrives as many term-input
 * lines in one chunk, read before any of them finishes: counted, every
 * keystroke past the 32nd was refused as "busy" and lost.
 */
export const UNCAPPED_OPS: ReadonlySet<HelperOp> = new Set<HelperOp>(['term-input', 'term-resize']);

/** How long the helper lets each operation run before answering with an error (ms). */
export const OP_TIMEOUT_MS: Record<HelperOp, number> = {
  validate: 30_000,
  plan: 120_000,
  apply: 600_000,
  status: 120_000,
  destroy: 300_000,
  list: 60_000,
  open: 30_000,
  capabilities: 60_000,
  check: 600_000,
  'activity-check': 600_000,
  ping: 30_000,
  traceroute: 60_000,
  tables: 30_000,
  live: 30_000,
  trace: 90_000,
  'link-state': 300_000,
  netem: 300_000,
  'import-host': 120_000,
  adopt: 300_000,
  'capture-start': 20_000,
  'capture-stop': 20_000,
  'term-open': 20_000,
  'term-input': 10_000,
  'term-resize': 10_000,
  'term-close': 10_000,
};

/** The largest answer line the helper sends (under the client's line cap, MAX_LINE_BYTES). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/** The most requests running beside the sequential queue at once. */
export const MAX_CONCURRENT = 32;

/** Session events (terminal and capture streams), as the client reads them. */
export const HelperSessionEvent = z.discriminatedUnion('event', [
  z
    .object({ event: z.literal('term-output'), payload: z.object({ session: SessionId, data: z.string() }) })
    .strict(),
  z
    .object({
      event: z.literal('term-exit'),
      payload: z.object({ session: SessionId, code: z.number(), reason: z.string().optional() }),
    })
    .strict(),
  /** pcap bytes, base64. */
  z
    .object({ event: z.literal('capture-data'), payload: z.object({ session: SessionId, data: z.string() }) })
    .strict(),
  z
    .object({
      event: z.literal('capture-stopped'),
      payload: z.object({ session: SessionId, stopped: z.unknown() }),
    })
    .strict(),
]);
export type HelperSessionEvent = z.infer<typeof HelperSessionEvent>;

/** One request line (before its args are parsed for its op). */
export const HelperRequestLine = z
  .object({
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    op: z.string().max(32),
    args: z.unknown(),
  })
  .strict();

/** Answer and event lines, as the client reads them. */
export const HelperAnswerLine = z.union([
  z.object({ id: z.number(), result: z.unknown() }).strict(),
  z.object({ id: z.number().nullable(), error: z.string() }).strict(),
  z.object({ id: z.number(), event: z.literal('progress'), payload: z.unknown() }).strict(),
  ...HelperSessionEvent.options,
]);
export type HelperAnswerLine = z.infer<typeof HelperAnswerLine>;

/** Longest request line the helper accepts, in bytes (a document is capped at 8 MiB). */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

/** What LineSplitter reports for a line longer than its cap. */
export const LINE_TOO_LONG = 'the request line is too long';
/** What LineSplitter reports for a line that is not UTF-8. */
export const LINE_NOT_UTF8 = 'the request line is not valid UTF-8';

/**
 * Splits a byte stream into UTF-8 lines of at most `max` bytes. A longer
 * line is dropped as it arrives (never buffered whole) and reported once; a
 * line that is not valid UTF-8 is reported instead of being guessed at.
 *
 * Why bytes and not decoded text: the cap must hold for what is buffered,
 * and a multi-byte character split across two chunks must still decode.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onRefused: (reason: string) => void,
    private readonly max = MAX_LINE_BYTES,
  ) {}
  push(chunk: string | Uint8Array): void {
    let rest =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (;;) {
      const nl = rest.indexOf(0x0a);
      if (nl < 0) break;
      const piece = rest.subarray(0, nl);
      rest = rest.subarray(nl + 1);
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      const total = this.size + piece.length;
      const line = this.parts.length > 0 ? Buffer.concat([...this.parts, piece]) : piece;
      this.parts = [];
      this.size = 0;
      if (total > this.max) this.onRefused(LINE_TOO_LONG);
      else this.emit(line);
    }
    if (this.skipping || rest.length === 0) return;
    if (this.size + rest.length > this.max) {
      // Why: without a cap, a sender that never writes a newline grows this
      // buffer until the root process runs out of memory.
      this.parts = [];
      this.size = 0;
      this.skipping = true;
      this.onRefused(LINE_TOO_LONG);
      return;
    }
    this.parts.push(Buffer.from(rest));
    this.size += rest.length;
  }
  private emit(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      this.onRefused(LINE_NOT_UTF8);
      return;
    }
    if (text.trim() !== '') this.onLine(text);
  }
}
