/**
 * The privileged helper's wire format: JSON lines over stdio.
 *
 *   request  {"id": 1, "op": "plan", "args": {"topology": {...}}}
 *   answer   {"id": 1, "result": {...}}  or  {"id": 1, "error": "plain words"}
 *   event    {"id": 1, "event": "progress", "payload": {...}}   (apply/destroy progress)
 *
 * Why a closed list of typed operations: the helper runs as root, so the
 * unprivileged side may only ask for these six things, each with arguments
 * parsed here (the same schemas as the IPC contract). No operation takes a
 * command line, a path or a runner.
 */
import { z } from 'zod';
import { contract } from '../../shared/ipc/contract';

export const HELPER_OPS = {
  validate: contract['topology:validate'].request,
  plan: contract['topology:plan'].request,
  apply: contract['topology:apply'].request,
  status: contract['topology:status'].request,
  destroy: contract['lab:destroy'].request,
  list: contract['lab:list'].request,
  /** Kernel feature detection needs root too (it tries devices in a scratch namespace). */
  capabilities: z.object({}).strict(),
} as const;
export type HelperOp = keyof typeof HELPER_OPS;
export const HELPER_OP_NAMES = Object.keys(HELPER_OPS) as HelperOp[];

/** One request line (before its args are parsed for its op). */
export const HelperRequestLine = z
  .object({ id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), op: z.string().max(32), args: z.unknown() })
  .strict();

/** Answer and event lines, as the client reads them. */
export const HelperAnswerLine = z.union([
  z.object({ id: z.number(), result: z.unknown() }).strict(),
  z.object({ id: z.number().nullable(), error: z.string() }).strict(),
  z.object({ id: z.number(), event: z.literal('progress'), payload: z.unknown() }).strict(),
]);
export type HelperAnswerLine = z.infer<typeof HelperAnswerLine>;

/** Longest request line the helper accepts (a document is capped at 8 MiB). */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

/** Splits a byte stream into lines, refusing lines longer than `max`. */
export class LineSplitter {
  private buf = '';
  private skipping = false;
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: () => void,
    private readonly max = MAX_LINE_BYTES,
  ) {}
  push(chunk: string): void {
    let rest = chunk;
    for (;;) {
      const nl = rest.indexOf('\n');
      if (nl < 0) break;
      const piece = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (this.skipping) {
        this.skipping = false;
        this.buf = '';
        continue;
      }
      const line = this.buf + piece;
      this.buf = '';
      if (line.length > this.max) this.onTooLong();
      else if (line.trim() !== '') this.onLine(line);
    }
    if (this.skipping) return;
    this.buf += rest;
    if (this.buf.length > this.max) {
      // Why: without a cap, a sender that never writes a newline grows this
      // buffer until the root process runs out of memory.
      this.buf = '';
      this.skipping = true;
      this.onTooLong();
    }
  }
}
