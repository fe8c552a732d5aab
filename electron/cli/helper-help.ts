/** Help texts of `netplumb helper` and `netplumb doctor` (kept apart so --help loads nothing else). */
import { GROUP, HELPER_DIR } from '../kernel/install/paths';

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
