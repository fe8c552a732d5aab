/**
 * Reading and writing the document text (YAML or JSON, chosen by file name).
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { CURRENT_VERSION, parseTopology, type Topology } from '../../shared/model';
import type { Problem } from '../../shared/validate/problem';

/** The result of reading a file: a topology, or problems saying why not. */
export type ReadResult = { ok: true; topology: Topology } | { ok: false; problems: Problem[] };

/** Parses file text (YAML or JSON) into a topology. Never throws. */
export function readDocumentText(text: string, _fileName?: string): ReadResult {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (e) {
    const err = e as { message?: string; linePos?: { line: number; col: number }[] };
    const pos = err.linePos?.[0];
    return { ok: false, problems: [{ code: 'syntax', severity: 'error', message: `the file is not valid YAML or JSON: ${String(err.message ?? e).split('\n')[0]}`, path: [], line: pos?.line, column: pos?.col }] };
  }
  return parseTopology(data);
}

/** Drops empty defaults so saved files stay short and readable. */
function compact(doc: Topology): Record<string, unknown> {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        if (Array.isArray(x) && x.length === 0 && k !== 'nodes' && k !== 'links') continue;
        out[k] = clean(x);
      }
      return out;
    }
    return v;
  };
  return clean({ ...doc, version: CURRENT_VERSION }) as Record<string, unknown>;
}

/** The document as file text: JSON for *.json names, YAML otherwise. */
export function writeDocumentText(doc: Topology, fileName?: string | null): string {
  const data = compact(doc);
  if (fileName && /\.json$/i.test(fileName)) return `${JSON.stringify(data, null, 2)}\n`;
  return stringifyYaml(data, { lineWidth: 0 });
}
