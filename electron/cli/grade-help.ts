/**
 * `netplumb grade` as the registry lists it: help text and flags. The work
 * (kernel/live/grade.ts and the reports) is in grade-command.ts, loaded only
 * when it runs.
 */
import type { Command } from './command';

const GRADE_HELP = `usage: netplumb grade ACTIVITY KEY SUBMISSION... [--out DIR] [--jobs N] [--prefix TAG] [--json]

Grades students' files for an activity on this machine's kernel. Each
submission is validated, refused with score 0 (and the reason) when it is not
valid, changes a locked part of the activity or puts anything on the host;
otherwise it is applied as its own lab, with a prefix in front of every kernel
name (namespaces, bridges, interfaces, the lab name) so that labs never
collide, every check of the activity and of its answer key runs, and the lab
is destroyed. Break-it checks are practice and are not counted; checks this
kernel cannot run (VLAN isolation, netem delays) are skipped and not counted.

  --out DIR     where to write grades.csv, grades.json and STUDENT.html
                (default: ./grades-<activity>)
  --jobs N      labs at the same time (default 2, at most 16)
  --prefix TAG  start of every kernel-name prefix of this run (default: random,
                e.g. "g7k"); each student gets TAG-student- or, when names
                would pass 15 bytes, a short TAGn- (shown in the output)
  --json        print the results as JSON

Needs root. Exit 0 all graded, 1 invalid activity/key/arguments, 2 a kernel
error while grading.`;

/** grade. */
export const GRADE_COMMAND: Command = {
  section: 'live',
  synopsis: [
    {
      usage: 'grade ACTIVITY KEY FILE...',
      summary: "grade students' files, each in its own lab: CSV + HTML",
    },
  ],
  help: GRADE_HELP,
  valued: ['out', 'jobs', 'prefix'],
  run: (args) => import('./grade-command').then((m) => m.gradeCommand(args)),
};
