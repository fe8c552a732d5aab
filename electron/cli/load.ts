/** Reading a topology file for the CLI, with problems located in the file. */
import { importFormatId } from '../../shared/formats/format-table';
import type { ImportResult } from '../../shared/formats/import-result';
import { jsonLocator } from '../../shared/formats/json-locate';
import { loadJsonTopologyText, type LoadResult, type Locator } from '../../shared/formats/text-load';
import type { Topology } from '../../shared/model';
import { validateDocument, type Problem } from '../../shared/validate';
import { readTextFile } from './read-text';

export interface Loaded {
  /** The parsed document (plain data) to hand to the engine, which validates again. */
  doc?: unknown;
  topology?: Topology;
  problems: Problem[];
  /** The format it was read as (yaml, json, clab, kathara, ...). */
  format?: string;
  text?: string;
  /** Positions in `text` by document path (a netplumb file's), from its reading: placeProblems. */
  locate?: Locator;
}

/**
 * Reads and validates FILE: netplumb YAML/JSON, or any importable format
 * (a .clab.yml works directly), as loadAnyTopologyText (shared/formats)
 * does. Never throws for bad content. A netplumb file loads only its own
 * reader (JSON never the YAML parser: its problems are placed by
 * json-locate.ts); the importers of the other formats are loaded when a file
 * needs one. The `locate` returned with a netplumb file is its reading's own:
 * a YAML file's holds the parsed document (with its source tokens, ~10x the
 * text) for as long as the caller keeps the result, a command's length.
 * `seal`: a netplumb file's topology comes back frozen, so that the engine
 * in this process need not validate it again (validateDocument's `seal`).
 */
export async function loadFile(file: string, opts: { seal?: boolean } = {}): Promise<Loaded> {
  const read = readTextFile(file);
  if ('error' in read)
    return { problems: [{ code: 'file-unreadable', severity: 'error', message: read.error, path: [] }] };
  const { text } = read;
  const format = importFormatId(file);
  const native = ({ topology, problems, locate }: LoadResult & { locate?: Locator }) => ({
    topology,
    problems,
    format,
    locate,
  });
  // A JSON file never loads the YAML parser: its problems are placed by its own index (json-locate.ts),
  // made once, when a position is first asked. Only a text that passed the strict syntax check is
  // asked about (parseJsonText), and the index answers every such text.
  const jsonLocate = lazy(() => jsonLocator(text) ?? (() => undefined));
  const r: ImportResult & { format: string; locate?: Locator } =
    format === 'json'
      ? native(await loadJsonTopologyText(text, () => Promise.resolve(() => jsonLocate), opts))
      : format === 'yaml'
        ? native((await import('../../shared/formats/document')).loadTopologyTextLocated(text, file, opts))
        : (await import('../../shared/formats')).loadAnyTopologyText(text, file);
  if (!r.topology) return { problems: r.problems, format: r.format, text };
  // Imported formats are validated here too (native files were validated while loading).
  const extra = r.format === 'yaml' || r.format === 'json' ? [] : validateDocument(r.topology).problems;
  return {
    doc: r.topology,
    topology: r.topology,
    problems: [...r.problems, ...extra],
    format: r.format,
    text,
    locate: format === 'json' ? jsonLocate : r.locate,
  };
}

/** A locator made when a position is first asked. */
function lazy(make: () => Locator): Locator {
  let made: Locator | undefined;
  return (path) => (made ??= make())(path);
}

/**
 * The engine's problems (a name taken on the host, a kernel feature missing)
 * placed in the file they came from: by their path, else by the node or link
 * they name. Why here: the engine gets plain data, not the text, so its
 * problems carry no line; a person fixes the file, and the line says where.
 * Only netplumb's own files are placed (an imported file's nodes and links
 * are not laid out as the topology is); problems already placed are kept.
 */
export async function placeProblems(loaded: Loaded, problems: readonly Problem[]): Promise<Problem[]> {
  const t = loaded.topology;
  const unplaced = (p: Problem) => p.line === undefined && (p.path.length > 0 || p.nodeId || p.linkId);
  if (!t || loaded.text === undefined || (loaded.format !== 'yaml' && loaded.format !== 'json'))
    return [...problems];
  if (!problems.some(unplaced)) return [...problems];
  const locate = loaded.locate ?? (await import('../../shared/formats/document')).locatorFor(loaded.text);
  const pathOf = (p: Problem): (string | number)[] | undefined => {
    if (p.path.length) return p.path;
    const link = p.linkId === undefined ? -1 : t.links.findIndex((l) => l.id === p.linkId);
    if (link >= 0) return ['links', link];
    const node = p.nodeId === undefined ? -1 : t.nodes.findIndex((n) => n.id === p.nodeId);
    return node >= 0 ? ['nodes', node] : undefined;
  };
  return problems.map((p) => {
    const path = unplaced(p) ? pathOf(p) : undefined;
    const at = path && locate(path);
    return at ? { ...p, line: at.line, column: at.column } : p;
  });
}
