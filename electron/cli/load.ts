/** Reading a topology file for the CLI, with problems located in the file. */
import { readFileSync } from 'node:fs';
import { loadTopologyText } from '../../shared/formats/document';
import type { Topology } from '../../shared/model';
import type { Problem } from '../../shared/validate';

export interface Loaded {
  /** The parsed document (plain data) to hand to the engine, which validates again. */
  doc?: unknown;
  topology?: Topology;
  problems: Problem[];
}

/** Reads and validates FILE (YAML or JSON). Never throws for bad content. */
export function loadFile(file: string): Loaded {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return { problems: [{ code: 'file-unreadable', severity: 'error', message: `cannot read ${file}: ${why}`, path: [] }] };
  }
  const r = loadTopologyText(text, file);
  return { doc: r.topology, topology: r.topology, problems: r.problems };
}
