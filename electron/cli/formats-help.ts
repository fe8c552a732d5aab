/**
 * `netplumb export` and `netplumb import` as the registry lists them: help
 * texts and flags. The work is in formats-command.ts, loaded only when one of
 * them runs.
 */
import { FORMAT_TABLE } from '../../shared/formats/format-table';
import type { Command } from './command';

const list = (dir: 'import' | 'export') =>
  FORMAT_TABLE.filter((f) => (dir === 'import' ? f.reads : f.writes))
    .map((f) => `  ${f.id.padEnd(9)} ${f.label} (${f.extensions.join(', ')})`)
    .join('\n');

export const EXPORT_HELP = `usage: netplumb export --to FORMAT FILE [-o OUT] [--image IMAGE]

Writes the lab in FILE in another format (to OUT, or to standard output).
FORMAT is one of:
${list('export')}

  --image IMAGE   containerlab: the image of linux nodes that keep none from an
                  import (default alpine:3.20); imported kinds and images are kept

"--to sh" writes a bash script (./lab.sh up|down|status) that builds the lab
with iproute2 alone and carries netplumb's ownership marks.`;

export const IMPORT_HELP = `usage: netplumb import FILE [--from FORMAT] [-o OUT] [--name LAB] [--prefix P]

Reads a lab from another tool and writes it as a netplumb YAML file (to OUT,
or to standard output). Anything the other format has that namespaces, veth
pairs and bridges cannot express is dropped with a warning naming it at its
FILE:LINE. FORMAT (default: from the file name) is one of:
${list('import')}

The lab is named after the file and its folder (tutorial1/scenario.xml is
"tutorial1-scenario", 02-add-one-router/lab.conf is "02-add-one-router"); a
folder with a generic name such as lab/ is skipped for the one above it
(02-add-one-router/lab/lab.conf is "02-add-one-router"), so two imported
files never share a lab.

  --name LAB    use this lab name instead
  --prefix P    put P in front of every kernel name of the lab (namespaces,
                bridges, host-side interfaces) and of the lab name, so a lab
                whose node names (h1, pc1…) are taken by a running lab can run
                beside it, e.g. --prefix t2-

For Kathará, FILE is the lab.conf; the <machine>.startup and shared.startup
files, lab.ext and the machine folders beside it are read too.`;

/** export and import. */
export const FORMAT_COMMANDS: Record<string, Command> = {
  export: {
    section: 'lab',
    synopsis: [
      { usage: 'export --to FMT FILE', summary: 'write the lab as sh, clab, mermaid, svg, yaml or json' },
    ],
    help: EXPORT_HELP,
    valued: ['to', 'o', 'output', 'image'],
    positionals: ['FILE'],
    async run(args) {
      return (await import('./formats-command')).exportCommand(args);
    },
  },
  import: {
    section: 'lab',
    synopsis: [{ usage: 'import FILE', summary: 'read a containerlab, Kathará, MiniEdit or CORE file' }],
    help: IMPORT_HELP,
    valued: ['from', 'o', 'output', 'prefix', 'name'],
    positionals: ['FILE'],
    async run(args) {
      return (await import('./formats-command')).importCommand(args);
    },
  },
};
