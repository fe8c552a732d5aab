/** `netplumb export` and `netplumb import`: convert between netplumb files and other formats. */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { FORMATS, formatById, formatForFile, serializeTopology } from '../../shared/formats';
import { EXPORT_HELP, IMPORT_HELP } from './formats-help';
import { hasErrors } from '../../shared/validate';
import type { ParsedArgs } from './args';
import { loadFile } from './load';
import { formatProblem, red } from './output';

const err = (s: string) => process.stderr.write(s + '\n');
function write(out: string | undefined, text: string) {
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

export async function exportCommand(args: ParsedArgs): Promise<number> {
  const to = typeof args.flags.to === 'string' ? args.flags.to : undefined;
  const file = args.positionals[0];
  if (!to || !file) return err(EXPORT_HELP), 1;
  const f = formatById(to);
  if (!f?.export) return err(red(`"${to}" is not a format netplumb can export. Choose one of: ${FORMATS.filter((x) => x.export).map((x) => x.id).join(', ')}.`)), 1;
  const l = loadFile(file);
  for (const p of l.problems) err(formatProblem(p, file));
  if (!l.topology || hasErrors(l.problems)) return err(red(`${file} is not valid; nothing was exported.`)), 1;
  const out = typeof args.flags.o === 'string' ? args.flags.o : typeof args.flags.output === 'string' ? args.flags.output : undefined;
  const r = f.export(l.topology, { image: typeof args.flags.image === 'string' ? args.flags.image : undefined, fileName: out ?? basename(file), source: basename(file), original: l.format === 'yaml' ? l.text : undefined });
  for (const p of r.problems) err(formatProblem(p));
  write(out, r.text);
  return 0;
}

export async function importCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  if (!file) return err(IMPORT_HELP), 1;
  const from = typeof args.flags.from === 'string' ? formatById(args.flags.from) : formatForFile(file, 'import');
  if (!from?.import) return err(red(`cannot tell which format ${file} is: give --from (${FORMATS.filter((x) => x.import).map((x) => x.id).join(', ')}).`)), 1;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(red(`cannot read ${file}: ${(e as Error).message}`)), 1;
  }
  const startups: Record<string, string> = {};
  if (from.id === 'kathara') {
    // Kathará keeps one <machine>.startup per machine beside lab.conf.
    for (const m of text.matchAll(/^\s*([A-Za-z0-9_-]+)\[/gm)) {
      const p = join(dirname(file), `${m[1]}.startup`);
      if (existsSync(p)) startups[m[1]] = readFileSync(p, 'utf8');
    }
  }
  const r = from.import(text, { fileName: file, startups, labName: basename(dirname(file)) || undefined });
  for (const p of r.problems) err(formatProblem(p, p.file ?? file));
  if (!r.topology) return err(red(`${file} could not be read as ${from.label}.`)), 1;
  const out = typeof args.flags.o === 'string' ? args.flags.o : typeof args.flags.output === 'string' ? args.flags.output : undefined;
  write(out, serializeTopology(r.topology, { format: out?.endsWith('.json') ? 'json' : 'yaml' }));
  return hasErrors(r.problems) ? 1 : 0;
}
