/**
 * The file formats as a table without their readers and writers: ids, labels,
 * file endings, and whether netplumb reads and/or writes each. index.ts adds
 * the functions (FORMATS); this table alone lets `netplumb --help` list the
 * formats and the CLI pick a file's format without loading every importer.
 * Pure: no Node.
 */

/** One format's description. */
export interface FormatEntry {
  id: string;
  label: string;
  /** File name endings, most specific first (e.g. ".clab.yml"); "lab.conf" matches the whole name. */
  extensions: readonly string[];
  /** MIME type for save dialogs and downloads. */
  mediaType: string;
  /** netplumb can import it (FORMATS has `import`). */
  reads: boolean;
  /** netplumb can export it (FORMATS has `export`). */
  writes: boolean;
}

/** Every format, in menu order. */
export const FORMAT_TABLE: readonly FormatEntry[] = [
  {
    id: 'yaml',
    label: 'netplumb topology (YAML)',
    extensions: ['.yaml', '.yml'],
    mediaType: 'application/yaml',
    reads: true,
    writes: true,
  },
  {
    id: 'json',
    label: 'netplumb topology (JSON)',
    extensions: ['.json'],
    mediaType: 'application/json',
    reads: true,
    writes: true,
  },
  {
    id: 'clab',
    label: 'containerlab topology',
    extensions: ['.clab.yml', '.clab.yaml'],
    mediaType: 'application/yaml',
    reads: true,
    writes: true,
  },
  {
    id: 'kathara',
    label: 'Kathará lab (lab.conf)',
    extensions: ['lab.conf'],
    mediaType: 'text/plain',
    reads: true,
    writes: false,
  },
  {
    id: 'miniedit',
    label: 'Mininet MiniEdit (.mn)',
    extensions: ['.mn'],
    mediaType: 'application/json',
    reads: true,
    writes: false,
  },
  {
    id: 'core',
    label: 'CORE scenario (XML)',
    extensions: ['.xml'],
    mediaType: 'application/xml',
    reads: true,
    writes: false,
  },
  {
    id: 'mermaid',
    label: 'Mermaid diagram',
    extensions: ['.mmd', '.md'],
    mediaType: 'text/plain',
    reads: false,
    writes: true,
  },
  {
    id: 'sh',
    label: 'Shell script (bash + iproute2)',
    extensions: ['.sh'],
    mediaType: 'text/x-shellscript',
    reads: false,
    writes: true,
  },
  {
    id: 'svg',
    label: 'SVG picture',
    extensions: ['.svg'],
    mediaType: 'image/svg+xml',
    reads: false,
    writes: true,
  },
];

/**
 * Endings of files in an older form of a format that netplumb does not read,
 * sent to that format's importer so that it says what to do with them (CORE's
 * IMUNES `.imn`: save it as XML). Not in FORMAT_TABLE, whose endings are what
 * netplumb reads.
 */
const LEGACY_ENDINGS: Readonly<Record<string, string>> = { '.imn': 'core' };

/** The format a file name belongs to for importing or exporting (most specific ending wins). */
export function formatEntryForFile(
  fileName: string,
  direction: 'import' | 'export',
): FormatEntry | undefined {
  const base = fileName.replace(/^.*[\\/]/, '').toLowerCase();
  let best: { f: FormatEntry; len: number } | undefined;
  for (const f of FORMAT_TABLE) {
    if (!(direction === 'import' ? f.reads : f.writes)) continue;
    for (const ext of f.extensions) {
      const hit = ext.startsWith('.') ? base.endsWith(ext) : base === ext;
      if (hit && (!best || ext.length > best.len)) best = { f, len: ext.length };
    }
  }
  if (!best && direction === 'import')
    for (const [ext, id] of Object.entries(LEGACY_ENDINGS))
      if (base.endsWith(ext)) return FORMAT_TABLE.find((f) => f.id === id);
  return best?.f;
}

/**
 * The id of the format a file is read as by loadAnyTopologyText (index.ts):
 * by its name, containerlab for its file names, else netplumb YAML.
 */
export function importFormatId(fileName: string): string {
  return formatEntryForFile(fileName, 'import')?.id ?? 'yaml';
}
