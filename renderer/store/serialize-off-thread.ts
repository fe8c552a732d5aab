/**
 * The document's file text for autosave, written by a worker so that the
 * page never freezes for it: keeping the opened file's comments and layout
 * means reading that file's YAML, ~180 ms for 1000 nodes the first time and
 * ~30 ms after (a freeze after each edit when done on the main thread).
 * Where a worker cannot be started (or fails), the text is written here, as
 * before.
 */
import type { Topology } from '../../shared/model';
import { writeDocumentText } from './document-io';
import type { SerializeAnswer, SerializeRequest } from './serialize-worker';

/** A request sent to the worker and not answered yet, with its promise's ends. */
type Pending = { request: SerializeRequest; resolve: (text: string) => void; reject: (e: Error) => void };

let worker: Worker | null | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();

/** Gives up on the worker: the pending requests and every later one are written on the main thread. */
function dropWorker() {
  worker?.terminate();
  worker = null;
  for (const { request: r, resolve, reject } of pending.values()) {
    try {
      resolve(writeDocumentText(r.doc, r.fileName, r.original));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
  pending.clear();
}

function startWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  try {
    const w = new Worker(new URL('./serialize-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<SerializeAnswer>) => {
      const a = e.data;
      const p = pending.get(a.id);
      pending.delete(a.id);
      if (!p) return;
      if ('text' in a) p.resolve(a.text);
      else p.reject(new Error(a.error));
    };
    w.onerror = (e) => {
      e.preventDefault();
      dropWorker();
    };
    return w;
  } catch {
    return null;
  }
}

/** The file text of `doc` (as editorStore's toDocument writes it), written off the main thread when it can be. */
export function documentTextOffThread(
  doc: Topology,
  fileName: string | null,
  original: string | null,
): Promise<string> {
  if (worker === undefined) worker = startWorker();
  if (!worker) return Promise.resolve().then(() => writeDocumentText(doc, fileName, original));
  const request: SerializeRequest = { id: nextId++, doc, fileName, original };
  return new Promise<string>((resolve, reject) => {
    pending.set(request.id, { request, resolve, reject });
    try {
      worker!.postMessage(request);
    } catch {
      // Not cloneable (never expected of plain document data): written here instead.
      dropWorker();
    }
  });
}
