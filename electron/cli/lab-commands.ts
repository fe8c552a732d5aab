/**
 * The commands on a lab file as a whole, as the registry lists them: validate,
 * plan, apply, status, destroy, list. Their work is in lab-run.ts, loaded only
 * when one of them runs (so `netplumb --help` does not load it, and a command
 * loads only what it uses).
 */
import type { Command } from './command';

const lab = () => import('./lab-run');

/** validate, plan, apply, status, destroy, list. */
export const LAB_COMMANDS: Record<string, Command> = {
  validate: {
    section: 'lab',
    synopsis: [{ usage: 'validate FILE', summary: 'check a topology file (no kernel access)' }],
    help: `usage: netplumb validate FILE [--prefix P | --no-prefix] [--json]

Checks a topology file (YAML or JSON) without touching the kernel. Problems are
printed as FILE:LINE:COLUMN. With a prefix (--prefix, or "prefix" in
~/.config/netplumb/config.json, as apply uses it), also that every name still
fits with it in front. Exit 0 when valid, 1 when not.`,
    positionals: ['FILE'],
    valued: ['prefix'],
    run: (args) => lab().then((m) => m.validateCommand(args)),
  },
  plan: {
    section: 'lab',
    synopsis: [{ usage: 'plan FILE', summary: 'show the exact commands apply would run, with reasons' }],
    help: `usage: netplumb plan FILE [--json]

Reads the kernel and prints the exact commands that "apply" would run, each
with its reason, grouped by namespace. Changes nothing. Exit 0 when the lab is
in sync, 3 when there are changes to apply, 1 when the file is invalid or a
name collides with an object netplumb does not own.`,
    positionals: ['FILE'],
    valued: ['prefix'],
    run: (args) => lab().then((m) => m.planCommand(args)),
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

A lab is known by its name: a file with the name of a lab running from
another file replaces that lab (its next version in a new file), removing
what this file lacks, and apply warns, naming the other file and what went.

Exit 0 applied, 1 invalid or refused (nothing changed), 2 a kernel step failed
(rolled back).`,
    positionals: ['FILE'],
    valued: ['prefix'],
    run: (args) => lab().then((m) => m.applyCommand(args)),
  },
  status: {
    section: 'lab',
    synopsis: [
      { usage: 'status FILE', summary: 'compare the kernel with the file: missing, extra, changed' },
    ],
    help: `usage: netplumb status FILE [--json]

Reads the kernel and compares it with the file, object by object: missing,
extra (made by netplumb for this lab but not in the file), or changed.
Exit 0 in sync, 3 drift found (or not applied), 1 invalid file or refused (a
name the file uses is held by an object netplumb did not make: nothing to
compare it with).`,
    positionals: ['FILE'],
    valued: ['prefix'],
    run: (args) => lab().then((m) => m.statusCommand(args)),
  },
  destroy: {
    section: 'lab',
    synopsis: [{ usage: 'destroy FILE|LAB', summary: 'remove everything netplumb made for the lab' }],
    help: `usage: netplumb destroy FILE|LAB [--json]

Removes everything netplumb made for the lab (namespaces, bridges, veth pairs),
checking the ownership mark of each object right before deleting it. Works on
half-applied labs. Objects netplumb did not make are never touched.`,
    positionals: ['FILE|LAB'],
    valued: ['prefix'],
    run: (args) => lab().then((m) => m.destroyCommand(args)),
  },
  list: {
    section: 'lab',
    synopsis: [{ usage: 'list', summary: 'labs on this host' }],
    help: `usage: netplumb list [--json]

Lists the labs applied on this host, with their state and namespaces, and
the owner of each lab that is not yours (only a lab's owner or root may
change, destroy or work inside it).`,
    run: (args) => lab().then((m) => m.listCommand(args)),
  },
};
