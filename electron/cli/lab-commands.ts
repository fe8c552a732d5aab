/**
 * The commands on a lab file as a whole: validate, plan, apply, status,
 * destroy, list. All but validate go through the engine: this process's when
 * root, else the installed privileged helper.
 */
import { existsSync, statSync } from 'node:fs';
import { labNameProblem } from '../../shared/model/lab-name';
import { hasErrors } from '../../shared/validate';
import type { Engine } from '../kernel/engine-types';
import { runningAsRoot } from '../kernel/root-check';
import type { ParsedArgs } from './args';
import { EXIT, err, json, out, type Command } from './command';
import { loadFile } from './load';
import { loadFileArg } from './load-arg';
import { bold, dim, formatDrift, formatPlan, green, printProblems, red } from './output';
import { prefixedLab, prefixSetting } from './prefix-config';

/** The engine in this process when root, else the installed privileged helper; else why neither is possible. */
async function kernelEngine(): Promise<{ engine: Engine; close?: () => void } | { why: string }> {
  // Loaded on demand: `netplumb --help` or `validate` should not pay for the
  // kernel side, nor a command run as root for the helper's client.
  if (runningAsRoot()) return { engine: (await import('../kernel/engine')).localEngine };
  const { chooseEngine } = await import('../kernel/privilege');
  const c = await chooseEngine('browser');
  // The helper is a child process: it must be closed for the command to exit.
  return c.privilege === 'none'
    ? { why: c.notice ?? NEED_ROOT }
    : { engine: c.engine, ...(c.helper ? { close: c.helper.close } : {}) };
}

const NEED_ROOT =
  'netplumb needs root to read or change network namespaces: run `sudo npx netplumb helper install` once (see README: "Running without root")';

const progressLine = (quiet: boolean) => {
  let last = 0;
  return (p: { done: number; total: number; phase: string; current?: string }) => {
    if (quiet || !process.stderr.isTTY) return;
    const now = Date.now();
    if (now - last < 80 && p.done < p.total) return;
    last = now;
    const text = `${p.phase === 'rollback' ? 'rolling back' : 'applying'} [${p.done}/${p.total}] ${p.current ?? ''}`;
    process.stderr.write(`\r\u001b[K${text.slice(0, (process.stderr.columns ?? 100) - 1)}`);
    if (p.done >= p.total) process.stderr.write('\r\u001b[K');
  };
};

async function withEngine(args: ParsedArgs, fn: (e: Engine) => Promise<number>): Promise<number> {
  const chosen = await kernelEngine();
  if (!('engine' in chosen)) {
    if (args.flags.json) json({ ok: false, error: chosen.why });
    else err(chosen.why);
    return EXIT.invalid;
  }
  const { engine } = chosen;
  try {
    return await fn(engine);
  } catch (e) {
    const message = (e as Error).message;
    if (args.flags.json) json({ ok: false, error: message });
    else err(red(message));
    return /being changed by|locked by another|not a valid|Nothing was changed/.test(message)
      ? EXIT.invalid
      : EXIT.kernel;
  } finally {
    chosen.close?.();
  }
}

const notices = (quiet: boolean) => (m: string) => !quiet && err(bold('note: ') + m);

/** validate, plan, apply, status, destroy, list. */
export const LAB_COMMANDS: Record<string, Command> = {
  validate: {
    section: 'lab',
    synopsis: [{ usage: 'validate FILE', summary: 'check a topology file (no kernel access)' }],
    help: `usage: netplumb validate FILE [--json]

Checks a topology file (YAML or JSON) without touching the kernel. Problems are
printed as FILE:LINE:COLUMN. Exit 0 when valid, 1 when not.`,
    async run(args) {
      const file = args.positionals[0];
      if (!file) return (err('usage: netplumb validate FILE [--json]'), EXIT.invalid);
      const l = loadFile(file);
      const ok = !!l.topology && !hasErrors(l.problems);
      if (args.flags.json) json({ file, ok, problems: l.problems });
      else {
        printProblems(l.problems, file);
        out(
          ok
            ? `${green('✓')} ${file} is valid (lab "${l.topology!.name}", ${l.topology!.nodes.length} nodes, ${l.topology!.links.length} links).`
            : red(`${file} is not valid.`),
        );
      }
      return ok ? EXIT.ok : EXIT.invalid;
    },
  },
  plan: {
    section: 'lab',
    synopsis: [{ usage: 'plan FILE', summary: 'show the exact commands apply would run, with reasons' }],
    help: `usage: netplumb plan FILE [--json]

Reads the kernel and prints the exact commands that "apply" would run, each
with its reason, grouped by namespace. Changes nothing. Exit 0 when the lab is
in sync, 3 when there are changes to apply, 1 when the file is invalid or a
name collides with an object netplumb does not own.`,
    valued: ['prefix'],
    async run(args) {
      const { loaded, code } = loadFileArg(args, 'netplumb plan FILE [--json]');
      if (!loaded) return code!;
      return withEngine(args, async (engine) => {
        const r = await engine.planDocument(loaded.doc, { onNotice: notices(!!args.flags.json) });
        const lab = loaded.topology!.name;
        if (hasErrors(r.problems)) {
          if (args.flags.json) json({ lab, ok: false, problems: r.problems, changes: [] });
          else {
            printProblems(r.problems.filter((p) => p.line === undefined));
            err(red('Refused: nothing was changed.'));
          }
          return EXIT.invalid;
        }
        if (args.flags.json) json({ lab, ok: true, inSync: r.changes.length === 0, changes: r.changes });
        else out(formatPlan(lab, r.changes));
        return r.changes.length ? EXIT.drift : EXIT.ok;
      });
    },
  },
  apply: {
    section: 'lab',
    synopsis: [{ usage: 'apply FILE', summary: 'make the kernel match the file (rolled back on failure)' }],
    help: `usage: netplumb apply FILE [--refresh] [--quiet] [--json]

Makes the kernel match the file: creates namespaces, bridges, veth pairs,
addresses, routes, sysctls; changes only what differs; removes what this lab
made and the file no longer has. Every step is journaled; on any failure the
steps already done are undone in reverse and the host is left as it was.

Every namespace of the lab is read from the kernel first, as plan and status
do, so drift made by hand (an address deleted, a link set down) is repaired.
--refresh is accepted for older scripts and changes nothing.

Exit 0 applied, 1 invalid or refused (nothing changed), 2 a kernel step failed
(rolled back).`,
    valued: ['prefix'],
    async run(args) {
      const { loaded, file, code } = loadFileArg(args, 'netplumb apply FILE');
      if (!loaded) return code!;
      return withEngine(args, async (engine) => {
        const quiet = !!args.flags.json || !!args.flags.quiet;
        const r = await engine.applyDocument(loaded.doc, {
          onProgress: progressLine(quiet),
          onNotice: notices(quiet),
          file,
        });
        const lab = loaded.topology!.name;
        if (!r.result) {
          if (args.flags.json) json({ lab, ok: false, problems: r.problems });
          else {
            printProblems(r.problems.filter((p) => p.line === undefined));
            err(red('Refused: nothing was changed.'));
          }
          return EXIT.invalid;
        }
        if (args.flags.json) json({ ...r.result, problems: r.problems });
        else if (r.result.ok) {
          out(
            r.result.steps
              ? `${green('✓')} Applied lab "${lab}": ${r.result.steps} change${r.result.steps === 1 ? '' : 's'} in ${r.result.durationMs} ms.`
              : `${green('✓')} Lab "${lab}" is already in sync: nothing to do.`,
          );
        } else err(red(r.result.error ?? 'apply failed'));
        return r.result.ok ? EXIT.ok : EXIT.kernel;
      });
    },
  },
  status: {
    section: 'lab',
    synopsis: [
      { usage: 'status FILE', summary: 'compare the kernel with the file: missing, extra, changed' },
    ],
    help: `usage: netplumb status FILE [--json]

Reads the kernel and compares it with the file, object by object: missing,
extra (made by netplumb for this lab but not in the file), or changed.
Exit 0 in sync, 3 drift found (or not applied), 1 invalid file.`,
    valued: ['prefix'],
    async run(args) {
      const { loaded, code } = loadFileArg(args, 'netplumb status FILE');
      if (!loaded) return code!;
      return withEngine(args, async (engine) => {
        const r = await engine.statusDocument(loaded.doc, { onNotice: notices(!!args.flags.json) });
        const lab = loaded.topology!.name;
        if (hasErrors(r.problems)) {
          if (args.flags.json) json({ lab, ok: false, problems: r.problems });
          else printProblems(r.problems.filter((p) => p.line === undefined));
          return EXIT.invalid;
        }
        if (args.flags.json) json({ lab, applied: r.applied, inSync: r.inSync, drift: r.drift });
        else if (!r.applied)
          out(`Lab "${lab}" is not applied on this host. Run: netplumb apply ${args.positionals[0]}`);
        else out(formatDrift(lab, r.drift));
        return r.inSync ? EXIT.ok : EXIT.drift;
      });
    },
  },
  destroy: {
    section: 'lab',
    synopsis: [{ usage: 'destroy FILE|LAB', summary: 'remove everything netplumb made for the lab' }],
    help: `usage: netplumb destroy FILE|LAB [--json]

Removes everything netplumb made for the lab (namespaces, bridges, veth pairs),
checking the ownership mark of each object right before deleting it. Works on
half-applied labs. Objects netplumb did not make are never touched.`,
    valued: ['prefix'],
    async run(args) {
      const target = args.positionals[0];
      if (!target) return (err('usage: netplumb destroy FILE|LAB'), EXIT.invalid);
      let lab = target;
      if (existsSync(target) && statSync(target).isFile()) {
        const l = loadFile(target);
        const name = (l.topology?.name ?? '') as string;
        if (!name) {
          printProblems(l.problems, target);
          return EXIT.invalid;
        }
        lab = name;
      }
      const px = prefixSetting(args);
      if (px.error) return (err(red(px.error)), EXIT.invalid);
      lab = prefixedLab(lab, px.prefix);
      // Why the shared rule: destroy refuses exactly the names apply refuses, in the same words (the name
      // becomes run-directory paths and ownership marks, so nothing apply could not have made is looked for).
      const problem = labNameProblem(lab);
      if (problem)
        return (err(red(`"${target}" is neither a readable file nor a lab name: ${problem}.`)), EXIT.invalid);
      return withEngine(args, async (engine) => {
        const r = await engine.destroyLab(lab, { onNotice: notices(!!args.flags.json) });
        if (args.flags.json) json({ lab, ok: true, removed: r.removed });
        else
          out(
            r.removed.length
              ? `${green('✓')} Destroyed lab "${lab}": removed ${r.removed.join(', ')}.`
              : `Lab "${lab}" had nothing on this host.`,
          );
        return EXIT.ok;
      });
    },
  },
  list: {
    section: 'lab',
    synopsis: [{ usage: 'list', summary: 'labs on this host' }],
    help: `usage: netplumb list [--json]

Lists the labs applied on this host, with their state and namespaces, and
the owner of each lab that is not yours (only a lab's owner or root may
change, destroy or work inside it).`,
    async run(args) {
      return withEngine(args, async (engine) => {
        const labs = await engine.listLabs();
        if (args.flags.json) json({ labs });
        else if (!labs.length) out('No labs on this host.');
        else
          for (const l of labs)
            out(
              `${bold(l.name)}  ${l.state}  ${dim(l.namespaces.join(' '))}${l.file ? dim(`  (${l.file})`) : ''}${l.yours === false ? `  owned by ${l.owner}: only they or root may change it` : ''}`,
            );
        return EXIT.ok;
      });
    },
  },
};
