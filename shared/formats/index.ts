/**
 * The file formats netplumb reads and writes, in one registry that the CLI
 * (`netplumb import/export`, and `validate/plan/apply` on any importable
 * file) and the app's File > Import / Export menus list. Every entry is pure:
 * text in, `{ topology, problems }` or `{ text, problems }` out.
 */
import type { Topology } from '../model';
import type { Problem } from '../validate/problem';
import { fromClab, toClab } from './clab';
import { fromCore } from './core';
import { loadTopologyText } from './document';
import { FORMAT_TABLE, formatEntryForFile, importFormatId } from './format-table';
import type { ImportResult } from './import-result';
import { fromKathara } from './kathara';
import { toMermaid } from './mermaid';
import { fromMiniEdit } from './miniedit';
import { serializeTopology } from './serialize';
import { toSvg } from './svg';
import { toShellScript } from './shell';

export type { ImportResult } from './import-result';
export type { ExportResult } from './clab-export';
export {
  loadTopologyText,
  parseDocumentText,
  type LoadResult,
  type ParsedText,
  type TextFormat,
} from './document';
export { serializeTopology, type SerializeOptions } from './serialize';
export { fromClab, toClab, DEFAULT_CLAB_IMAGE } from './clab';
export { FORMAT_TABLE } from './format-table';
export { fromKathara } from './kathara';
export { fromMiniEdit } from './miniedit';
export { fromCore } from './core';
export { toMermaid } from './mermaid';
export { toSvg } from './svg';
export { toShellScript, shellWord } from './shell';
export { autoLayout, withPositions } from './layout';
export { kstateToTopology, type KStateImportOptions } from './from-kstate';
export { prefixTopology, checkPrefix } from './prefix';
export { labNameFromPath, sanitizeLabName } from './import-names';
export { topologyJsonSchema, topologyJsonSchemaText, SCHEMA_ID, SCHEMA_RELATIVE_PATH } from './json-schema';

/** Inputs an importer may use besides the main text. */
export interface ImportOptions {
  /** The file's name or path (picks JSON vs YAML; the lab is named after the file and its folder). */
  fileName?: string;
  /** Lab name to use instead of the one made from the file and folder. */
  labName?: string;
  /** Kathará: `<machine>.startup` texts keyed by machine name (`shared` for shared.startup). */
  startups?: Record<string, string>;
  /** Kathará: the text of lab.ext. */
  labExt?: string;
  /** Kathará: files in machine folders, keyed by folder (machine name or `shared`), paths relative to it. */
  machineFiles?: Record<string, string[]>;
  /** Kathará: texts of machine-folder files the importer reads (`etc/network/interfaces`), by machine, then path. */
  machineTexts?: Record<string, Record<string, string>>;
  /** Kathará: problems found reading the lab's files (a file not read: a link out of the lab folder), located. */
  problems?: Problem[];
}

/** Options an exporter may use. */
export interface ExportOptions {
  /** containerlab: image of the linux nodes. */
  image?: string;
  /** YAML: the text the document was opened from (comments and order are kept). */
  original?: string;
  /** Mermaid: wrap in a ```mermaid fence (default: when fileName ends in .md). */
  fenced?: boolean;
  /** The file being written; picks details such as fencing for Markdown. */
  fileName?: string;
  /** The file the lab was read from, named in generated headers (shell script). */
  source?: string;
}

/** One format: how it is called, which files it goes with, and what it can do. */
export interface FormatInfo {
  id: string;
  label: string;
  /** File name endings, most specific first (e.g. ".clab.yml"); "lab.conf" matches the whole name. */
  extensions: readonly string[];
  /** MIME type for save dialogs and downloads. */
  mediaType: string;
  import?(text: string, opts?: ImportOptions): ImportResult;
  export?(topology: Topology, opts?: ExportOptions): { text: string; problems: Problem[] };
}

const native = (format: 'yaml' | 'json') => ({
  import: (text: string, opts: ImportOptions = {}) => {
    const r = loadTopologyText(text, opts.fileName ?? `lab.${format}`);
    return { topology: r.topology, problems: r.problems };
  },
  export: (t: Topology, opts: ExportOptions = {}) => ({
    text: serializeTopology(t, { format, original: format === 'yaml' ? opts.original : undefined }),
    problems: [],
  }),
});

/** The readers and writers of each format of FORMAT_TABLE, by id. */
const IO: Record<string, Pick<FormatInfo, 'import' | 'export'>> = {
  yaml: native('yaml'),
  json: native('json'),
  clab: {
    import: (text, opts = {}) => fromClab(text, opts.fileName, { labName: opts.labName }),
    export: (t, opts = {}) => toClab(t, { image: opts.image }),
  },
  kathara: {
    import: (text, opts = {}) =>
      fromKathara(text, {
        startups: opts.startups,
        labName: opts.labName,
        fileName: opts.fileName,
        labExt: opts.labExt,
        machineFiles: opts.machineFiles,
        machineTexts: opts.machineTexts,
        problems: opts.problems,
      }),
  },
  miniedit: {
    import: (text, opts = {}) => fromMiniEdit(text, opts.fileName ?? 'topology.mn', opts.labName),
  },
  core: {
    import: (text, opts = {}) => fromCore(text, opts.fileName, opts.labName),
  },
  mermaid: {
    export: (t, opts = {}) => ({
      text: toMermaid(t, { fenced: opts.fenced ?? /\.md$/i.test(opts.fileName ?? '') }),
      problems: [],
    }),
  },
  sh: {
    export: (t, opts = {}) => ({ text: toShellScript(t, { source: opts.source }), problems: [] }),
  },
  svg: {
    export: (t) => ({ text: toSvg(t), problems: [] }),
  },
};

/** Every format, in menu order (FORMAT_TABLE with its readers and writers). */
export const FORMATS: readonly FormatInfo[] = FORMAT_TABLE.map(({ reads: _r, writes: _w, ...entry }) => ({
  ...entry,
  ...IO[entry.id],
}));

/** The format with this id. */
export function formatById(id: string): FormatInfo | undefined {
  return FORMATS.find((f) => f.id === id);
}

/** The format a file name belongs to for importing or exporting (most specific ending wins). */
export function formatForFile(fileName: string, direction: 'import' | 'export'): FormatInfo | undefined {
  const entry = formatEntryForFile(fileName, direction);
  return entry && formatById(entry.id);
}

/**
 * Reads any importable file into a topology, choosing the format by name
 * (native YAML/JSON when nothing else matches). What `validate/plan/apply`
 * call on a file, so a `.clab.yml` works directly.
 */
export function loadAnyTopologyText(
  text: string,
  fileName: string,
  opts: Omit<ImportOptions, 'fileName'> = {},
): ImportResult & { format: string } {
  const f = formatById(importFormatId(fileName))!;
  return { ...f.import!(text, { ...opts, fileName }), format: f.id };
}
