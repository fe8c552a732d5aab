/**
 * `netplumb grade ACTIVITY KEY SUBMISSIONS…`: grades students' topology files
 * on the real kernel, each in its own prefixed lab (kernel/live/grade.ts),
 * and writes grades.csv, grades.json and one HTML report per student.
 *
 * Exit codes (the CLI's table): 0 every submission graded (whatever the
 * scores; refused submissions score 0 with the reason); 1 invalid activity,
 * key or arguments, or not root (nothing changed); 2 a kernel error while
 * grading (that student's row says which).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gradesCsv, loadActivityText, reportHtml, type StudentReport } from '../../shared/activity';
import { parseDocumentText } from '../../shared/formats/document';
import { checkPrefix } from '../../shared/model';
import type { ParsedArgs } from './args';
import { EXIT, err, out } from './command';
import { readTextFile } from './read-text';
import { bold, dim, formatProblem, green, red, yellow } from './output';

/**
 * Student names from file names: the base name without .yaml/.yml/.json,
 * with only letters, digits, "-", "_" and "." (it names the report file too),
 * made unique with -2, -3, … (also against names another file has).
 */
export function studentNames(files: readonly string[]): string[] {
  const taken = new Set<string>();
  return files.map((f) => {
    const base =
      basename(f)
        .replace(/\.(ya?ml|json)$/i, '')
        .replace(/[^A-Za-z0-9_.-]+/g, '_')
        .replace(/^\.+/, '_') || 'student';
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

/** A file name for a student's report (names are already safe and unique, see studentNames). */
const reportName = (student: string) => `${student}.html`;

function readText(file: string): { text?: string; error?: string } {
  return readTextFile(file);
}

/** A progress bar on a terminal, one plain line per finished student otherwise. */
function progress(quiet: boolean) {
  const tty = !!process.stderr.isTTY;
  return (p: { done: number; total: number; student: string; phase: string }) => {
    if (quiet) return;
    if (!tty) {
      if (p.phase === 'done') err(`[${p.done}/${p.total}] ${p.student} graded`);
      return;
    }
    const width = 24;
    const filled = Math.round((p.done / p.total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${p.student}: ${p.phase}`;
    process.stderr.write(`\r\u001b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
    if (p.done >= p.total && p.phase === 'done') process.stderr.write('\r\u001b[K');
  };
}

const strip = (r: StudentReport) => {
  const { topology: _t, ...rest } = r;
  return rest;
};

/** `netplumb grade` (its help and flags are in grade-help.ts). */
export async function gradeCommand(args: ParsedArgs): Promise<number> {
  const [activityFile, keyFile, ...subFiles] = args.positionals;
  const asJson = !!args.flags.json;
  const fail = (message: string, code: number = EXIT.invalid) => {
    if (asJson) out(JSON.stringify({ ok: false, error: message }, null, 2));
    else err(red(message));
    return code;
  };
  if (!activityFile || !keyFile || !subFiles.length)
    return fail('usage: netplumb grade ACTIVITY KEY SUBMISSION... (see netplumb grade --help)');
  const jobs = args.flags.jobs === undefined ? 2 : Number(args.flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 16)
    return fail(`--jobs must be a whole number from 1 to 16, not "${String(args.flags.jobs)}"`);
  const tag = typeof args.flags.prefix === 'string' ? args.flags.prefix : undefined;
  if (args.flags.prefix === true) return fail('--prefix needs a value, e.g. --prefix g1');
  if (tag !== undefined && (checkPrefix(tag) || tag.length > 6))
    return fail(
      `--prefix: ${checkPrefix(tag) ?? `"${tag}" is longer than 6 characters; keep it short, it goes in front of 15-byte interface names`}`,
    );

  const { runningAsRoot } = await import('../kernel/privilege');
  if (!runningAsRoot())
    return fail('netplumb grade builds each submission as a lab and needs root: run it with sudo.');

  const a = readText(activityFile);
  const k = readText(keyFile);
  if (a.error || k.error) return fail((a.error ?? k.error)!);
  const loaded = loadActivityText(a.text!, activityFile, k.text!, keyFile);
  const problems = [
    ...loaded.problems.map((p) => ({ p, f: activityFile })),
    ...loaded.keyProblems.map((p) => ({ p, f: keyFile })),
  ];
  const errors = problems.filter((x) => x.p.severity === 'error');
  if (!asJson) for (const x of problems) err(formatProblem(x.p, x.f));
  if (!loaded.topology || !loaded.key || errors.length) {
    if (asJson)
      out(JSON.stringify({ ok: false, problems: problems.map((x) => ({ ...x.p, file: x.f })) }, null, 2));
    else err(red('The activity or its key is not valid: nothing was graded.'));
    return EXIT.invalid;
  }
  const start = loaded.topology;

  const names = studentNames(subFiles);
  const subs = subFiles.map((file, i) => {
    const r = readText(file);
    if (r.error) return { student: names[i], file, readError: r.error };
    const parsed = parseDocumentText(r.text!, file);
    const e = parsed.problems.find((p) => p.severity === 'error');
    // Plain text (no colours): the reason goes into the CSV and the HTML report.
    if (parsed.doc === undefined || e)
      return {
        student: names[i],
        file,
        readError: `not valid: ${file}${e?.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e?.message ?? 'unreadable'}`,
      };
    return { student: names[i], file, doc: parsed.doc };
  });

  const outDir = resolve(typeof args.flags.out === 'string' ? args.flags.out : `grades-${start.name}`);
  mkdirSync(outDir, { recursive: true });
  const { gradeSubmissions } = await import('../kernel/live/grade');
  const r = await gradeSubmissions(start, loaded.key, subs, {
    jobs,
    ...(tag ? { runTag: tag } : {}),
    onProgress: progress(asJson),
  });

  const csvFile = join(outDir, 'grades.csv');
  writeFileSync(
    csvFile,
    gradesCsv(
      r.reports,
      r.checks.map((c) => c.id),
    ),
  );
  writeFileSync(
    join(outDir, 'grades.json'),
    JSON.stringify(
      { activity: start.name, checks: r.checks, assignments: r.assignments, reports: r.reports.map(strip) },
      null,
      2,
    ) + '\n',
  );
  const pages = r.reports.map((rep) => {
    const file = join(outDir, reportName(rep.student));
    writeFileSync(file, reportHtml(rep));
    return file;
  });

  if (asJson)
    out(
      JSON.stringify(
        {
          ok: r.failures.length === 0,
          activity: start.name,
          out: outDir,
          csv: csvFile,
          reports: r.reports.map((rep, i) => ({ ...strip(rep), html: pages[i] })),
          assignments: r.assignments,
          failures: r.failures,
        },
        null,
        2,
      ),
    );
  else {
    for (const rep of r.reports) {
      const tagText = rep.status === 'graded' ? (rep.score === rep.max ? green('✓') : yellow('•')) : red('✗');
      out(
        `${tagText} ${bold(rep.student)}  ${rep.score}/${rep.max}${rep.reason ? `  ${dim(rep.reason)}` : ''}`,
      );
    }
    const short = r.assignments.filter((x) => x.short);
    if (short.length > 6)
      out(
        dim(
          `${short.length} students got a short prefix (names would pass 15 bytes with the readable one); the mapping is in grades.json.`,
        ),
      );
    else if (short.length)
      out(
        dim(
          `Short prefixes (names would pass 15 bytes with the readable one): ${short.map((x) => `${x.student} → ${x.prefix}`).join(', ')}`,
        ),
      );
    for (const f of r.failures) err(red(f));
    out(`Wrote ${csvFile} and ${pages.length} report${pages.length === 1 ? '' : 's'} in ${outDir}.`);
  }
  return r.failures.length || r.reports.some((x) => x.status === 'error') ? EXIT.kernel : EXIT.ok;
}
