/**
 * Reading and writing the document text, with the shared formats code (the
 * same reader the CLI and the kernel side use): native YAML/JSON, and the
 * importable formats (containerlab, Kathará, MiniEdit, CORE) by file name.
 */
import { loadAnyTopologyText, serializeTopology } from '../../shared/formats';
import type { Topology } from '../../shared/model';
import type { Problem } from '../../shared/validate/problem';

/** The result of reading a file: a topology (maybe with problems to fix), or problems saying why not. */
export type ReadResult = { ok: true; topology: Topology; problems: Problem[]; native: boolean } | { ok: false; problems: Problem[] };

/** Parses file text into a topology. Never throws. */
export function readDocumentText(text: string, fileName?: string | null): ReadResult {
  let r: ReturnType<typeof loadAnyTopologyText>;
  try {
    r = loadAnyTopologyText(text, fileName || 'lab.yaml');
  } catch (e) {
    return { ok: false, problems: [{ code: 'unreadable', severity: 'error', message: `the file could not be read: ${e instanceof Error ? e.message : String(e)}`, path: [] }] };
  }
  if (!r.topology) return { ok: false, problems: r.problems };
  return { ok: true, topology: r.topology, problems: r.problems, native: r.format === 'yaml' || r.format === 'json' };
}

/** The document as file text: JSON for *.json names, YAML otherwise (keeping the opened file's comments and layout). */
export function writeDocumentText(doc: Topology, fileName?: string | null, original?: string | null): string {
  const json = !!fileName && /\.json$/i.test(fileName);
  return serializeTopology(doc, { format: json ? 'json' : 'yaml', original: json ? undefined : (original ?? undefined) });
}
