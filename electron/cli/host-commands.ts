/** `netplumb import-host` (read the live host into a file) and `netplumb adopt` (mark hand-made objects as a lab). */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { hasErrors } from '../../shared/validate';
import { where } from '../../shared/plan/argv';
import type { AdoptMark } from '../kernel/adopt';
import type { LiveBackend } from '../kernel/live/backend';
import type { ParsedArgs } from './args';
import { EXIT, err, json, out } from './command';
import { ADOPT_HELP } from './host-help';
import { live } from './live-session';
import { loadFile, placeProblems } from './load';
import { bold, counted, dim, green, printProblems, red } from './output';

const NEED_ROOT =
  'netplumb needs root or the privileged helper to read or mark objects inside network namespaces. Install the helper once with "sudo npx netplumb helper install" (see README: "Running without root"), or run it with sudo.';

export async function importHostCommand(args: ParsedArgs): Promise<number> {
  return live(args, (b) => importWith(b, args), NEED_ROOT);
}

async function importWith(b: LiveBackend, args: ParsedArgs): Promise<number> {
  const ns =
    typeof args.flags.namespaces === 'string'
      ? args.flags.namespaces
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  const lab = typeof args.flags.lab === 'string' ? args.flags.lab : undefined;
  const file =
    typeof args.flags.o === 'string'
      ? args.flags.o
      : typeof args.flags.output === 'string'
        ? args.flags.output
        : undefined;
  let r;
  try {
    r = await b.importHost({ ...(ns ? { namespaces: ns } : {}), ...(lab ? { lab } : {}) });
  } catch (e) {
    return (err(red((e as Error).message)), EXIT.kernel);
  }
  if (file && r.text) writeFileSync(file, r.text);
  if (args.flags.json) {
    json({
      ok: !!r.text && !hasErrors(r.problems),
      problems: r.problems,
      ...(file ? { file } : { text: r.text }),
    });
    return r.text && !hasErrors(r.problems) ? 0 : 1;
  }
  printProblems(r.problems);
  if (!r.text) return (err(red('nothing could be imported.')), EXIT.invalid);
  const t = r.topology as { name: string; nodes: unknown[]; links: unknown[] };
  if (file)
    err(
      `${green('✓')} Wrote ${file}: lab "${t.name}", ${counted(t.nodes.length, 'node')}, ${counted(t.links.length, 'link')} (unmanaged until "netplumb adopt ${file}").`,
    );
  else process.stdout.write(r.text);
  return hasErrors(r.problems) ? 1 : 0;
}

const describe = (m: AdoptMark) =>
  `${m.kind === 'namespace' ? `namespace ${m.ns}` : `${m.kind} ${where(m.ns, m.name)}`}: alias ${m.previous === undefined ? dim('(none)') : JSON.stringify(m.previous)} -> ${m.mark}`;

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function adoptCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  if (!file) return (err(ADOPT_HELP), EXIT.invalid);
  return live(args, (b) => adoptWith(b, file, args), NEED_ROOT);
}

async function adoptWith(b: LiveBackend, file: string, args: ParsedArgs): Promise<number> {
  const l = await loadFile(file);
  if (!l.doc || hasErrors(l.problems)) {
    printProblems(l.problems, file);
    return (err(red(`${file} is not valid; nothing was changed.`)), EXIT.invalid);
  }
  const p = await b.adopt({ topology: l.doc, confirm: false });
  const refused = hasErrors(p.problems);
  if (args.flags.json && (refused || !args.flags.yes)) {
    json({ lab: p.lab, ok: !refused, adopted: false, marks: p.marks, problems: p.problems });
    return EXIT.invalid;
  }
  if (!args.flags.json) {
    printProblems(
      await placeProblems(
        l,
        p.problems.filter((x) => x.line === undefined),
      ),
      file,
    );
    if (refused) return (err(red('Adoption refused: nothing was changed.')), EXIT.invalid);
    if (!p.marks.length)
      return (
        out(`Every object of lab "${p.lab}" already carries its mark; recording the lab.`),
        finish(b, file, l.doc, p.marks, !!args.flags.json)
      );
    out(
      bold(
        `netplumb adopt will mark ${p.marks.length} object${p.marks.length === 1 ? '' : 's'} as lab "${p.lab}":`,
      ),
    );
    for (const m of p.marks) out(`  ${describe(m)}`);
  }
  if (!args.flags.yes) {
    // Why: adoption hands these objects to netplumb (destroy will delete them); it needs an explicit yes.
    if (!process.stdin.isTTY)
      return (
        err(red('No terminal to ask for confirmation: run again with --yes to adopt. Nothing was changed.')),
        1
      );
    if (!(await confirm('Mark these objects? [y/N] '))) return (err('Nothing was changed.'), EXIT.invalid);
  }
  return finish(b, file, l.doc, p.marks, !!args.flags.json);
}

async function finish(
  b: LiveBackend,
  file: string,
  doc: unknown,
  marks: AdoptMark[],
  asJson: boolean,
): Promise<number> {
  const r = await b.adopt({ topology: doc, confirm: true, marks }, { file });
  const ok = r.adopted;
  if (asJson)
    json({
      lab: r.lab,
      ok,
      adopted: ok,
      marks: r.marks,
      problems: r.problems,
      ...(r.error ? { error: r.error } : {}),
    });
  else if (ok)
    out(
      `${green('✓')} Adopted lab "${r.lab}": ${r.marks.length} mark${r.marks.length === 1 ? '' : 's'} set. "netplumb status ${file}" compares it with the file; "netplumb destroy ${r.lab}" removes it.`,
    );
  else {
    printProblems(r.problems.filter((x) => x.line === undefined));
    err(red(r.error ?? 'adoption failed'));
  }
  return ok ? 0 : r.error?.startsWith('setting the marks failed') ? 2 : 1;
}
