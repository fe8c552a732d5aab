/**
 * The document's file text, written off the page's main thread (see
 * serialize-off-thread.ts). Keeps its own parse of the opened file between
 * requests (shared/formats/serialize.ts), so only the first write after an
 * open parses it.
 */
import type { Topology } from '../../shared/model';
import { writeDocumentText } from './document-io';

/** A request: the document, its file name and the text it was opened from. */
export interface SerializeRequest {
  id: number;
  doc: Topology;
  fileName: string | null;
  original: string | null;
}
/** The answer: the text, or why it could not be written. */
export type SerializeAnswer = { id: number; text: string } | { id: number; error: string };

self.onmessage = (e: MessageEvent<SerializeRequest>) => {
  const { id, doc, fileName, original } = e.data;
  let answer: SerializeAnswer;
  try {
    answer = { id, text: writeDocumentText(doc, fileName, original) };
  } catch (err) {
    answer = { id, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(answer);
};
