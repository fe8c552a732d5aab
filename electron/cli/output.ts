/**
 * Human output of the CLI: problems located as file:line:column, plans as a
 * tree per namespace, drift per object.
 */
import type { Change, DriftItem } from '../../shared/plan';
import type { Problem } from '../../shared/validate';
import { err } from './command';
import { visible } from '../../shared/util/visible';

export { counted, listInWords } from '../../shared/util/words';

// Asked at each use, not once: the resident engine (engine-server.ts) runs commands for clients
// whose terminals differ.
const tty = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (s: string) => (tty() ? `\u001b[${code}m${s}\u001b[0m` : s);
export const red = paint('31');
export const green = paint('32');
export const yellow = paint('33');
export const dim = paint('2');
export const bold = paint('1');

/** `lab.yaml:12:7: error: …  [code]` (file and position when known). */
export function formatProblem(p: Problem, file?: string): string {
  // A file's name and the text it quotes can hold control characters: printed escaped, one line each.
  const where = file
    ? `${visible(file)}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: `
    : '';
  const sev = p.severity === 'error' ? red('error') : yellow('warning');
  return `${where}${sev}: ${visible(p.message)}  ${dim(`[${p.code}]`)}`;
}

/** Each problem on standard error, located in `file` when given. */
export function printProblems(problems: readonly Problem[], file?: string): void {
  for (const p of problems) err(formatProblem(p, file));
}

const SIGN: Record<Change['action'], string> = { create: '+', delete: '-', modify: '~' };
const nsTitle = (ns: string) => (ns === '' ? 'root namespace' : `namespace ${ns}`);

/** The plan as a tree: one branch per namespace, one line per command with its reason. */
export function formatPlan(lab: string, changes: readonly Change[]): string {
  if (!changes.length) return `${green('✓')} Lab "${lab}" is in sync with the file: nothing to do.`;
  const lines = [bold(`Plan for lab "${lab}": ${changes.length} change${changes.length === 1 ? '' : 's'}`)];
  let current: string | undefined;
  for (const c of changes) {
    const key = `${c.phase}|${c.ns}`;
    if (key !== current) {
      current = key;
      lines.push(
        `  ${bold(nsTitle(c.ns))}${c.phase === 'delete' || c.phase === 'free' ? dim(' (removals)') : ''}`,
      );
    }
    const sign =
      c.action === 'create'
        ? green(SIGN.create)
        : c.action === 'delete'
          ? red(SIGN.delete)
          : yellow(SIGN.modify);
    lines.push(`    ${sign} ${c.argv.join(' ')}`);
    lines.push(`      ${dim(c.reason)}`);
  }
  const count = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  lines.push(`${count('create')} to create, ${count('modify')} to change, ${count('delete')} to delete.`);
  return lines.join('\n');
}

/** Drift items, one line each. */
export function formatDrift(lab: string, drift: readonly DriftItem[]): string {
  if (!drift.length) return `${green('✓')} Lab "${lab}" is in sync with the file.`;
  const tag = { missing: red('missing'), extra: yellow('extra  '), changed: yellow('changed') };
  return [
    bold(`Lab "${lab}" differs from the file (${drift.length}):`),
    ...drift.map((d) => `  ${tag[d.state]} ${d.name}: ${d.detail}`),
  ].join('\n');
}
