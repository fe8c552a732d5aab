/**
 * Reading and writing the document text with the shared model and formats
 * code (the same the CLI and the kernel side use): native YAML/JSON, and the
 * importable formats (containerlab, Kathará, MiniEdit, CORE) by file name.
 */
import { parse as parseYaml } from 'yaml';
import { formatForFile, loadAnyTopologyText, serializeTopology } from '../../shared/formats';
import { parseTopology, type Topology } from '../../shared/model';
import type { Problem } from '../../shared/validate/problem';

/** The result of reading a file: a topology (validate it to list its problems), or problems saying why not. */
export type ReadResult =
  { ok: true; topology: Topology; native: boolean } | { ok: false; problems: Problem[] };

/** Plain data of a native file, fast (no positions); undefined when it does not parse. */
function quickParse(text: string, json: boolean): unknown {
  try {
    return json ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch {
    return undefined;
  }
}

/** Parses file text into a topology. Never throws. */
export function readDocumentText(text: string, fileName?: string | null): ReadResult {
  const name = fileName || 'lab.yaml';
  const fmt = formatForFile(name, 'import')?.id ?? 'yaml';
  if (fmt === 'yaml' || fmt === 'json') {
    // Fast path for a readable native file: a big lab opens without the position-keeping parser;
    // problems are found by the validator afterwards like after any edit.
    const data = quickParse(text, fmt === 'json' || /^\s*\{/.test(text));
    if (data !== undefined) {
      const parsed = parseTopology(data);
      if (parsed.ok) return { ok: true, topology: parsed.topology, native: true };
    }
  }
  // Unreadable native files (for located problems) and other formats: the full reader.
  let r: ReturnType<typeof loadAnyTopologyText>;
  try {
    r = loadAnyTopologyText(text, name);
  } catch (e) {
    return {
      ok: false,
      problems: [
        {
          code: 'unreadable',
          severity: 'error',
          message: `the file could not be read: ${e instanceof Error ? e.message : String(e)}`,
          path: [],
        },
      ],
    };
  }
  if (!r.topology) return { ok: false, problems: r.problems };
  return { ok: true, topology: r.topology, native: r.format === 'yaml' || r.format === 'json' };
}

/** The document as file text: JSON for *.json names, YAML otherwise (keeping the opened file's comments and layout). */
export function writeDocumentText(doc: Topology, fileName?: string | null, original?: string | null): string {
  const json = !!fileName && /\.json$/i.test(fileName);
  return serializeTopology(doc, {
    format: json ? 'json' : 'yaml',
    original: json ? undefined : (original ?? undefined),
  });
}
