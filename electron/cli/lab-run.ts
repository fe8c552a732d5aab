/**
 * What the commands on a lab file as a whole do (their help and flags are in
 * lab-commands.ts): validate, plan, apply, status, destroy, list. All but
 * validate go through the engine: this process's when root, else the
 * installed privileged helper.
 */
import { resolve } from 'node:path';
import { hasErrors } from '../../shared/validate';
import type { Engine } from '../kernel/engine-types';
import { runningAsRoot } from '../kernel/root-check';
import { whileStoppable } from '../kernel/interrupt';
import type { ParsedArgs } from './args';
import { EXIT, err, json, out } from './command';
import { loadFile, placeProblems } from './load';
import { labTarget } from './lab-target';
import { loadFileArg } from './load-arg';
import { applyPrefix, prefixSetting } from './prefix-config';
import {
  bold,
  counted,
  dim,
  formatDrift,
  formatPlan,
  green,
  listInWords,
  printProblems,
  red,
} from './output';

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

/** `netplumb validate`. */
export async function validateCommand(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  if (!file) return (err('usage: netplumb validate FILE [--prefix P] [--json]'), EXIT.invalid);
  // With the prefix apply would use (--prefix, or the user's config): a name it makes too long is an error here too.
  const px = prefixSetting(args);
  if (px.error) return (err(red(px.error)), EXIT.invalid);
  const own = await loadFile(file);
  const l = px.prefix ? await applyPrefix(own, px.prefix) : own;
  const ok = !!l.topology && !hasErrors(l.problems);
  if (args.flags.json) json({ file, ok, ...(px.prefix ? { prefix: px.prefix } : {}), problems: l.problems });
  else {
    printProblems(l.problems, file);
    const withPrefix = px.prefix
      ? ` with the prefix "${px.prefix}"${px.source === 'config' ? ' (from your netplumb config; --no-prefix leaves it out)' : ''}`
      : '';
    out(
      ok
        ? `${green('✓')} ${file} is valid${withPrefix} (lab "${l.topology!.name}", ${counted(l.topology!.nodes.length, 'node')}, ${counted(l.topology!.links.length, 'link')}).`
        : red(`${file} is not valid${withPrefix}.`),
    );
  }
  return ok ? EXIT.ok : EXIT.invalid;
}

/** `netplumb plan`. */
export async function planCommand(args: ParsedArgs): Promise<number> {
  const { loaded, code } = await loadFileArg(args, 'netplumb plan FILE [--json]');
  if (!loaded) return code!;
  return withEngine(args, async (engine) => {
    const r = await engine.planDocument(loaded.doc, { onNotice: notices(!!args.flags.json) });
    const lab = loaded.topology!.name;
    if (hasErrors(r.problems)) {
      const problems = await placeProblems(loaded, r.problems);
      if (args.flags.json) json({ lab, ok: false, problems, changes: [] });
      else {
        printProblems(notYetPrinted(loaded, problems), args.positionals[0]);
        err(red('Refused: nothing was changed.'));
      }
      return EXIT.invalid;
    }
    if (args.flags.json) json({ lab, ok: true, inSync: r.changes.length === 0, changes: r.changes });
    else out(formatPlan(lab, r.changes));
    return r.changes.length ? EXIT.drift : EXIT.ok;
  });
}

/**
 * The engine's problems that loading the file did not print already: the
 * engine validates the file again, and its warnings are the loader's.
 */
function notYetPrinted<P extends { code: string; message: string }>(
  loaded: { problems: readonly { code: string; message: string }[] },
  problems: readonly P[],
): P[] {
  return problems.filter((p) => !loaded.problems.some((q) => q.code === p.code && q.message === p.message));
}

/** `netplumb apply`. */
export async function applyCommand(args: ParsedArgs): Promise<number> {
  const { loaded, file, code } = await loadFileArg(args, 'netplumb apply FILE');
  if (!loaded) return code!;
  return withEngine(args, async (engine) => {
    const quiet = !!args.flags.json || !!args.flags.quiet;
    // Ctrl-C (or SIGTERM, SIGHUP) stops the apply before its next step and rolls back what it did.
    const r = await whileStoppable(
      () =>
        engine.applyDocument(loaded.doc, {
          onProgress: progressLine(quiet),
          onNotice: notices(quiet),
          // Absolute: the lab's record says which file it runs from (lab-file.ts).
          ...(file !== undefined ? { file: resolve(file) } : {}),
        }),
      (why) =>
        err(
          `\n${why}: stopping before the next step and rolling back what this apply did (${why === 'Ctrl-C' ? 'press Ctrl-C again' : 'send it again'} to quit at once; the next netplumb command on the lab then rolls it back)`,
        ),
    );
    const lab = loaded.topology!.name;
    if (!r.result) {
      const problems = await placeProblems(loaded, r.problems);
      if (args.flags.json) json({ lab, ok: false, problems });
      else {
        printProblems(notYetPrinted(loaded, problems), file);
        err(red('Refused: nothing was changed.'));
      }
      return EXIT.invalid;
    }
    // The engine's own warnings (lab-file.ts), placed; the file's were printed when it was loaded.
    const fresh = notYetPrinted(loaded, r.problems);
    if (args.flags.json) json({ ...r.result, problems: await placeProblems(loaded, r.problems) });
    else if (fresh.length) printProblems(await placeProblems(loaded, fresh), file);
    if (args.flags.json) return r.result.ok ? EXIT.ok : EXIT.kernel;
    if (r.result.ok) {
      out(
        r.result.steps
          ? `${green('✓')} Applied lab "${lab}": ${r.result.steps} change${r.result.steps === 1 ? '' : 's'} in ${r.result.durationMs} ms.`
          : `${green('✓')} Lab "${lab}" is already in sync: nothing to do.`,
      );
    } else err(red(r.result.error ?? 'apply failed'));
    return r.result.ok ? EXIT.ok : EXIT.kernel;
  });
}

/** `netplumb status`. */
export async function statusCommand(args: ParsedArgs): Promise<number> {
  const { loaded, code } = await loadFileArg(args, 'netplumb status FILE');
  if (!loaded) return code!;
  return withEngine(args, async (engine) => {
    const r = await engine.statusDocument(loaded.doc, { onNotice: notices(!!args.flags.json) });
    const lab = loaded.topology!.name;
    if (hasErrors(r.problems)) {
      const problems = await placeProblems(loaded, r.problems);
      if (args.flags.json) json({ lab, ok: false, problems });
      else printProblems(notYetPrinted(loaded, problems), args.positionals[0]);
      return EXIT.invalid;
    }
    if (args.flags.json) json({ lab, applied: r.applied, inSync: r.inSync, drift: r.drift });
    else if (!r.applied)
      out(`Lab "${lab}" is not applied on this host. Run: netplumb apply ${args.positionals[0]}`);
    else out(formatDrift(lab, r.drift));
    return r.inSync ? EXIT.ok : EXIT.drift;
  });
}

/** `netplumb destroy`. */
export async function destroyCommand(args: ParsedArgs): Promise<number> {
  const target = args.positionals[0];
  if (!target) return (err('usage: netplumb destroy FILE|LAB'), EXIT.invalid);
  const t = await labTarget(args, target, { prefixError: 'fail' });
  if ('code' in t) return t.code;
  const lab = t.lab;
  return withEngine(args, async (engine) => {
    const r = await engine.destroyLab(lab, { onNotice: notices(!!args.flags.json) });
    if (args.flags.json) json({ lab, ok: true, removed: r.removed });
    else
      out(
        r.removed.length
          ? `${green('✓')} Destroyed lab "${lab}": removed ${listInWords(r.removed, 12, 'more (--json lists them all)')}.`
          : `Lab "${lab}" had nothing on this host.`,
      );
    return EXIT.ok;
  });
}

/** `netplumb list`. */
export async function listCommand(args: ParsedArgs): Promise<number> {
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
}
