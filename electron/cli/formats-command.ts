/** `netplumb export` and `netplumb import`: convert between netplumb files and other formats. */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  checkPrefix,
  FORMATS,
  formatById,
  formatForFile,
  prefixTopology,
  serializeTopology,
} from '../../shared/formats';
import { isNetnsNode } from '../../shared/model';
import type { Problem } from '../../shared/validate/problem';
import { listNetns } from '../kernel/netns';
import { readKatharaFiles } from './kathara-files';
import { fsReason, readTextFile } from './read-text';
import { EXPORT_HELP, IMPORT_HELP } from './formats-help';
import { hasErrors } from '../../shared/validate';
import type { ParsedArgs } from './args';
import { EXIT, err, json } from './command';
import { loadFile } from './load';
import { formatProblem, printProblems, red } from './output';
import { visible } from '../../shared/util/visible';

/** Writes to `out` (standard output when undefined); false, with the reason printed, when it cannot. */
function write(out: string | undefined, text: string): boolean {
  if (!out) return (process.stdout.write(text), true);
  try {
    writeFileSync(out, text);
    return true;
  } catch (e) {
    err(red(`cannot write ${out}: ${fsReason(e, 'its folder does not exist')}; nothing was written.`));
    return false;
  }
}

export async function exportCommand(args: ParsedArgs): Promise<number> {
  const to = typeof args.flags.to === 'string' ? args.flags.to : undefined;
  const file = args.positionals[0];
  if (!to || !file) return (err(EXPORT_HELP), EXIT.invalid);
  const f = formatById(to);
  if (!f?.export)
    return (
      err(
        red(
          `"${to}" is not a format netplumb can export. Choose one of: ${FORMATS.filter((x) => x.export)
            .map((x) => x.id)
            .join(', ')}.`,
        ),
      ),
      EXIT.invalid
    );
  const l = await loadFile(file);
  printProblems(l.problems, file);
  if (!l.topology || hasErrors(l.problems))
    return (err(red(`${file} is not valid; nothing was exported.`)), EXIT.invalid);
  const out =
    typeof args.flags.o === 'string'
      ? args.flags.o
      : typeof args.flags.output === 'string'
        ? args.flags.output
        : undefined;
  const r = f.export(l.topology, {
    image: typeof args.flags.image === 'string' ? args.flags.image : undefined,
    fileName: out ?? basename(file),
    source: basename(file),
    original: l.format === 'yaml' ? l.text : undefined,
  });
  printProblems(r.problems);
  return write(out, r.text) ? EXIT.ok : EXIT.invalid;
}

export async function importCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  if (!file) return (err(IMPORT_HELP), EXIT.invalid);
  const from =
    typeof args.flags.from === 'string' ? formatById(args.flags.from) : formatForFile(file, 'import');
  if (!from?.import)
    return (
      err(
        red(
          `cannot tell which format ${file} is: give --from (${FORMATS.filter((x) => x.import)
            .map((x) => x.id)
            .join(', ')}).`,
        ),
      ),
      EXIT.invalid
    );
  const prefix = typeof args.flags.prefix === 'string' ? args.flags.prefix : undefined;
  const bad = prefix === undefined ? null : checkPrefix(prefix);
  if (bad) return (err(red(`--prefix: ${bad}.`)), EXIT.invalid);
  const read = readTextFile(file);
  if ('error' in read) return (err(red(read.error)), EXIT.invalid);
  const { text } = read;
  // The absolute path names the lab after the file and its folder, even for "lab.conf" in the current folder.
  const path = resolve(file);
  let extra = {};
  try {
    if (from.id === 'kathara') extra = readKatharaFiles(dirname(path), text);
  } catch (e) {
    // A folder that cannot be imported as a whole (its files hold more than netplumb imports).
    const why = visible((e as Error).message);
    if (args.flags.json) json({ ok: false, format: from.id, file, error: why, problems: [] });
    else err(red(why));
    return EXIT.invalid;
  }
  const labName = typeof args.flags.name === 'string' ? args.flags.name : undefined;
  const r = from.import(text, { fileName: path, labName, ...extra });
  // Problems in other files of the lab (a Kathará r1.startup) name that file beside the one given.
  const where = (p: Problem) => (p.file ? join(dirname(file), p.file) : file);
  const asJson = !!args.flags.json;
  const located = r.problems.map((p) => ({ ...p, file: where(p) }));
  const refuse = (why: string, problems: Problem[] = located) => {
    if (asJson) json({ ok: false, format: from.id, file, error: why, problems });
    else err(red(why));
    return EXIT.invalid;
  };
  if (!asJson) for (const p of r.problems) err(formatProblem(p, where(p)));
  if (!r.topology) return refuse(`${file} could not be read as ${from.label}; nothing was written.`);
  // A lab with errors would be refused by validate and apply: nothing is written, the errors say what to fix.
  if (hasErrors(r.problems))
    return refuse(
      `${file} imports as a lab with errors (above); nothing was written. Fix them in the source file and import again.`,
    );
  let topology = r.topology;
  if (prefix !== undefined) {
    const p = prefixTopology(topology, prefix);
    if (!asJson) printProblems(p.problems);
    if (hasErrors(p.problems))
      return refuse(`--prefix ${prefix} does not fit every name; nothing was written.`, [
        ...located,
        ...p.problems,
      ]);
    topology = p.topology;
  }
  // Read-only look at the host: namespaces the lab would take that already exist (another lab's h1…).
  const taken = new Set(await listNetns());
  const clash = topology.nodes.filter((n) => isNetnsNode(n) && taken.has(n.name)).map((n) => n.name);
  if (clash.length && !asJson)
    err(
      `note: namespace${clash.length > 1 ? 's' : ''} ${clash.slice(0, 5).join(', ')}${clash.length > 5 ? ', …' : ''} already exist${clash.length > 1 ? '' : 's'} on this host; to run this lab beside them, import with --prefix (e.g. --prefix ${topology.name.slice(0, 6).replace(/[^a-z0-9]/g, '')}-)`,
    );
  const out =
    typeof args.flags.o === 'string'
      ? args.flags.o
      : typeof args.flags.output === 'string'
        ? args.flags.output
        : undefined;
  if (asJson) {
    if (out && !write(out, serializeTopology(topology, { format: out.endsWith('.json') ? 'json' : 'yaml' })))
      return EXIT.invalid;
    json({
      ok: true,
      format: from.id,
      file,
      lab: topology.name,
      problems: located,
      ...(clash.length ? { namespacesTaken: clash } : {}),
      ...(out ? { written: out } : { topology }),
    });
    return EXIT.ok;
  }
  if (!write(out, serializeTopology(topology, { format: out?.endsWith('.json') ? 'json' : 'yaml' })))
    return EXIT.invalid;
  if (out) err(`lab "${topology.name}" written to ${out}`);
  return EXIT.ok;
}
