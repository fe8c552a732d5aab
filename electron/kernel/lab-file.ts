/**
 * Which file a running lab came from. A lab is known by its name, and two
 * files can carry the same `name:` (two students' "lab1", two imported labs
 * from folders of the same name): applying the second turns the first lab
 * into it, removing every namespace, bridge and link the second lacks. That
 * is also how a lab's next version in a new file is applied (lab-v2.yaml),
 * so it is not refused: apply says so in a warning that names the file the
 * lab ran from and what this apply removes, and the record then names the
 * new file.
 *
 * Only absolute paths are compared (the CLI records them; a relative one, or
 * none — the app's drawing, a record from an older netplumb — proves nothing).
 * A file that changes nothing gets no warning: the lab is already as it says.
 */
import { isAbsolute } from 'node:path';
import type { Problem } from '../../shared/validate';
import type { Change } from '../../shared/plan/change';
import { where } from '../../shared/plan/argv';
import type { LabRecord } from './lab-store';

/** How many removed objects the warning names. */
const NAMED = 5;

/** The warning when `file` is not the file the running lab (`record`) was applied from; undefined otherwise. */
export function otherFileWarning(
  record: Pick<LabRecord, 'lab' | 'file' | 'appliedAt'> | null | undefined,
  file: string | undefined,
  changes: readonly Change[],
): Problem | undefined {
  const was = record?.file;
  if (!changes.length || !file || !was || !isAbsolute(file) || !isAbsolute(was) || was === file)
    return undefined;
  const removed = changes.flatMap((c) =>
    c.deletes ? [c.deletes.kind === 'namespace' ? c.deletes.name : where(c.ns, c.deletes.name)] : [],
  );
  const lose = removed.length
    ? `, removing ${removed.slice(0, NAMED).join(', ')}${removed.length > NAMED ? ` and ${removed.length - NAMED} more` : ''}`
    : '';
  return {
    code: 'lab-from-other-file',
    severity: 'warning',
    path: ['name'],
    message:
      `lab "${record!.lab}" was running from another file, ${was} (applied ${record!.appliedAt}); ` +
      `this file replaced it (${changes.length} change${changes.length === 1 ? '' : 's'}${lose}). ` +
      `If it is another lab, give it a "name:" of its own.`,
  };
}
