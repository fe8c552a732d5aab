/**
 * `netplumb import-host` and `netplumb adopt` as the registry lists them: help
 * texts and flags. The work is in host-commands.ts, loaded only when one of
 * them runs.
 */
import { DEFAULT_IMPORT_LAB } from '../kernel/import-host-name';
import type { Command } from './command';

const host = () => import('./host-commands');

const IMPORT_HOST_HELP = `usage: netplumb import-host [--namespaces a,b] [--lab NAME] [-o FILE] [--json]

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

/** import-host and adopt. */
export const HOST_COMMANDS: Record<string, Command> = {
  'import-host': {
    section: 'lab',
    synopsis: [
      { usage: 'import-host', summary: "write the live host's namespaces, bridges and veths as a file" },
    ],
    help: IMPORT_HOST_HELP,
    valued: ['namespaces', 'lab', 'o', 'output'],
    run: (args) => host().then((m) => m.importHostCommand(args)),
  },
  adopt: {
    section: 'lab',
    synopsis: [
      { usage: 'adopt FILE', summary: 'mark hand-made objects as a netplumb lab (after showing them)' },
    ],
    help: ADOPT_HELP,
    run: (args) => host().then((m) => m.adoptCommand(args)),
  },
};
