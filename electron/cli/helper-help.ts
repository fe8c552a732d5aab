/**
 * `netplumb helper` and `netplumb doctor` as the registry lists them: help
 * texts and flags. The work is in helper-commands.ts, loaded only when one of
 * them runs.
 */
import { GROUP, HELPER_DIR } from '../kernel/install/paths';
import type { Command } from './command';

export const HELPER_HELP = `usage: sudo npx netplumb helper install [--user NAME] [--node PATH]
       sudo npx netplumb helper uninstall

install    copies the bundled privileged helper to ${HELPER_DIR} (root-owned),
           installs its launcher and polkit action, creates the "${GROUP}" group
           and a sudo rule (/etc/sudoers.d/${GROUP}, checked with visudo) that
           lets the group start the helper without a password. The user who ran
           sudo (or --user NAME) is added to the group. Running it again updates
           the helper. Log out and in again afterwards for the group to count.
           --node PATH: the node the launcher runs (default: this node's real
           path; it must be root's and writable by root only).
uninstall  removes exactly what install made (the group only if install made it).

Then, as the normal user: npx netplumb doctor`;

export const DOCTOR_HELP = `usage: netplumb doctor [--json]

Says what is present or missing for netplumb to work as a normal user (the
privileged helper and its version, the ${GROUP} group, the sudo rule, kernel
features, node-pty for terminals, a browser for browser mode), and the exact
command that fixes each. Exit 0 when nothing needed is missing, 1 otherwise.`;

/** helper (install, uninstall) and doctor. */
export const HELPER_COMMANDS: Record<string, Command> = {
  helper: {
    section: 'setup',
    synopsis: [
      {
        usage: 'helper install',
        summary: [
          '(with sudo, once) let normal users use netplumb: installs the',
          'privileged helper, the netplumb group and its sudo rule',
        ],
      },
      { usage: 'helper uninstall', summary: '(with sudo) removes exactly what install made' },
    ],
    help: HELPER_HELP,
    valued: ['user', 'node'],
    async run(args) {
      return (await import('./helper-commands')).helperCommand(args);
    },
  },
  doctor: {
    section: 'setup',
    synopsis: [{ usage: 'doctor', summary: 'what is present or missing, and the command that fixes each' }],
    help: DOCTOR_HELP,
    async run(args) {
      return (await import('./helper-commands')).doctorCommand(args);
    },
  },
};
