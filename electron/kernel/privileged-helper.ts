/**
 * netplumb's privileged helper: a separate process, started as root by the
 * unprivileged app through `pkexec` (polkit action org.netplumb.helper) or
 * `sudo -n`, that performs kernel operations for it.
 *
 * It reads JSON-lines requests on stdin and answers on stdout (see
 * helper-protocol.ts). Only the typed operations of helper-protocol.ts exist; each request's
 * arguments are parsed again here, and the engine re-validates the topology
 * itself before planning anything.
 *
 * Run: node node_modules/tsx/dist/cli.mjs electron/kernel/privileged-helper.ts
 */
import { detectCapabilities } from './capabilities';
import { localEngine, type Engine } from './engine-facade';
import type { EngineOptions } from './engine';
import { HELPER_OPS, HelperRequestLine, LineSplitter, type HelperOp } from './helper-protocol';
import { describeIssues, plainMessage } from './plain-error';
import { execaRunner } from './runner';

type Write = (line: string) => void;

/**
 * Handles one request line and returns the answer object. Events (progress)
 * are written through `write` while the operation runs.
 */
export async function handleHelperLine(line: string, engine: Engine, write: Write, base: EngineOptions = {}): Promise<object> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { id: null, error: 'the request is not valid JSON' };
  }
  const req = HelperRequestLine.safeParse(raw);
  if (!req.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
    return { id, error: `the request is malformed: ${describeIssues(req.error.issues)}` };
  }
  const { id, op } = req.data;
  // Why Object.hasOwn: only the listed operations, never an inherited key.
  if (!Object.hasOwn(HELPER_OPS, op)) {
    return { id, error: `unknown operation "${op.slice(0, 32)}": the helper only does ${Object.keys(HELPER_OPS).join(', ')}` };
  }
  const args = HELPER_OPS[op as HelperOp].safeParse(req.data.args ?? {});
  if (!args.success) return { id, error: `the arguments of ${op} are malformed: ${describeIssues(args.error.issues)}` };
  // Why the options are built here and not taken from the request: the
  // unprivileged side must not choose the runner or where root writes state.
  const opts: EngineOptions = {
    ...base,
    onProgress: (p) => write(JSON.stringify({ id, event: 'progress', payload: p })),
  };
  try {
    const a = args.data as Record<string, unknown>;
    let result: unknown;
    switch (op as HelperOp) {
      case 'validate': {
        const r = await engine.validateDocument(a.topology);
        result = { problems: r.problems };
        break;
      }
      case 'plan':
        result = await engine.planDocument(a.topology, opts);
        break;
      case 'apply':
        result = await engine.applyDocument(a.topology, opts);
        break;
      case 'status':
        result = await engine.statusDocument(a.topology, opts);
        break;
      case 'destroy':
        result = await engine.destroyLab(String(a.lab), opts);
        break;
      case 'list':
        result = await engine.listLabs(opts);
        break;
      case 'capabilities':
        result = await detectCapabilities(base.runner ?? execaRunner);
        break;
    }
    return { id, result: result ?? null };
  } catch (e) {
    process.stderr.write(`netplumb-helper: ${op} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return { id, error: plainMessage(e) };
  }
}

/** Serves requests from `input` until it ends; one operation at a time. */
export function serveHelper(input: NodeJS.ReadableStream, write: Write, engine: Engine = localEngine, base: EngineOptions = {}): Promise<void> {
  let queue = Promise.resolve();
  const splitter = new LineSplitter(
    (line) => {
      // Why sequential: two applies racing as root would interleave kernel changes.
      queue = queue.then(async () => write(JSON.stringify(await handleHelperLine(line, engine, write, base))));
    },
    () => write(JSON.stringify({ id: null, error: 'the request line is too long' })),
  );
  input.setEncoding('utf8');
  input.on('data', (c: string) => splitter.push(c));
  return new Promise((resolve) => input.on('end', () => void queue.then(resolve)));
}

const isMain = process.argv[1] !== undefined && /privileged-helper\.(ts|js|mjs|cjs)$/.test(process.argv[1]);
if (isMain) {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    process.stderr.write('netplumb-helper: warning: not running as root; kernel changes will fail\n');
  }
  const write: Write = (line) => void process.stdout.write(`${line}\n`);
  void serveHelper(process.stdin, write).then(() => process.exit(0));
}
