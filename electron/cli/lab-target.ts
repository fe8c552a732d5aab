/**
 * The lab a command names (destroy, and the commands inside an applied lab):
 * its name, or a topology file whose `name:` it takes, with the user's name
 * prefix in front (prefix-config.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { labNameProblem } from '../../shared/model/lab-name';
import type { ParsedArgs } from './args';
import { EXIT, err } from './command';
import { loadFile } from './load';
import { printProblems, red, yellow } from './output';
import { prefixedLab, prefixSetting } from './prefix-config';

/**
 * LAB or FILE as a lab name; `code` (after saying why) when it is neither.
 * A bad prefix setting fails the command, or with `prefixError: 'warn'` is
 * reported and left out. Why the shared name rule: a name apply would refuse
 * is refused here in the same words (the name becomes run-directory paths and
 * ownership marks), before anything is asked of the kernel side.
 */
export async function labTarget(
  args: ParsedArgs,
  target: string,
  o: { prefixError: 'fail' | 'warn' },
): Promise<{ lab: string } | { code: number }> {
  let lab = target;
  if (existsSync(target) && statSync(target).isFile()) {
    const l = await loadFile(target);
    const name = (l.topology?.name ?? '') as string;
    if (!name) {
      printProblems(l.problems, target);
      return { code: EXIT.invalid };
    }
    lab = name;
  }
  const px = prefixSetting(args);
  if (px.error) {
    if (o.prefixError === 'fail') return (err(red(px.error)), { code: EXIT.invalid });
    err(yellow(`${px.error} (no prefix used)`));
  }
  lab = prefixedLab(lab, px.prefix);
  const problem = labNameProblem(lab);
  if (problem) {
    err(red(`"${target}" is neither a readable file nor a lab name: ${problem}.`));
    return { code: EXIT.invalid };
  }
  return { lab };
}
