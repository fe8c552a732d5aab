/** `netplumb import-host` (read the live host into a file) and `netplumb adopt` (mark hand-made objects as a lab). */
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { hasErrors } from '../../shared/validate';
import { where } from '../../shared/plan/argv';
import type { AdoptMark } from '../kernel/adopt';
import { DEFAULT_IMPORT_LAB } from '../kernel/import-host';
import type { LiveBackend } from '../kernel/live/backend';
import type { ParsedArgs } from './args';
import { EXIT, err, json, out, type Command } from './command';
import { live } from './live-session';
import { loadFile } from './load';
import { bold, dim, green, printProblems, red } from './output';

const NEED_ROOT =
  'netplumb needs root or the privileged helper to read or mark objects inside network namespaces. Install the helper once with "sudo npx netplumb helper install" (see README: "Running without root"), or run it with sudo.';

export const IMPORT_HOST_HELP = `usage: netplumb import-host [--namespaces a,b] [--lab NAME] [-o FILE] [--json]

Reads the running kernel and writes what it finds as a netplumb YAML file (to
FILE, or to standard output): named namespaces (routers when IPv4 forwarding
is on), bridges and their ports, veth pairs resolved across namespaces,
addresses, routes and default gateways, forwarding and other allowlisted
sysctls, VLANs, MTU, MAC, netem. It changes nothing on the host.

  --namespaces a,b  only these namespaces, and the bridges and links that touch them
  --lab NAME        the lab name written to the file (default "${DEFAULT_IMPORT_LAB}")

What a file cannot express (other device types, veths into unnamed namespaces
such as containers, ...) is left out with a warning naming it. The imported
objects stay unmanaged: "netplumb apply" refuses to touch them until you run
"netplumb adopt FILE".`;

export const ADOPT_HELP = `usage: netplumb adopt FILE [--yes] [--json]

Makes existing objects that FILE describes (e.g. written by import-host) a
netplumb lab: sets netplumb's ownership marks (the alias of each namespace's
lo, the ifalias of each veth end and bridge) and records the lab, so that
"netplumb status", "apply" and "destroy" manage it. Nothing is created or
deleted. The list of objects to mark is printed first; you are asked to
confirm (--yes confirms; without a terminal, --yes is required).

Refused (nothing changed) when an object is missing, of another kind, a veth
whose peer differs from the file, or marked by another lab, or when the host
differs from the file in any other way.`;

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
      `${green('✓')} Wrote ${file}: lab "${t.name}", ${t.nodes.length} nodes, ${t.links.length} links (unmanaged until "netplumb adopt ${file}").`,
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
  const l = loadFile(file);
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
    printProblems(p.problems.filter((x) => x.line === undefined));
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

/** import-host and adopt. */
export const HOST_COMMANDS: Record<string, Command> = {
  'import-host': {
    section: 'lab',
    synopsis: [
      { usage: 'import-host', summary: "write the live host's namespaces, bridges and veths as a file" },
    ],
    help: IMPORT_HOST_HELP,
    valued: ['namespaces', 'lab', 'o', 'output'],
    run: (args) => importHostCommand(args),
  },
  adopt: {
    section: 'lab',
    synopsis: [
      { usage: 'adopt FILE', summary: 'mark hand-made objects as a netplumb lab (after showing them)' },
    ],
    help: ADOPT_HELP,
    run: (args) => adoptCommand(args),
  },
};
