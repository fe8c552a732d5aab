/**
 * Where `netplumb helper install` puts things. The real install always uses
 * the root of the file system; `prefix` exists for tests, which install into
 * a temporary directory and inspect the result (like DESTDIR for packagers).
 */
import path from 'node:path';

/** The helper's directory on a real system (root-owned). */
export const HELPER_DIR = '/usr/lib/netplumb';
/** The launcher that sudo and pkexec run (the polkit action names this path). */
export const LAUNCHER = `${HELPER_DIR}/netplumb-helper`;
/** The bundled helper the launcher runs. */
export const HELPER_JS = `${HELPER_DIR}/privileged-helper.mjs`;
/** The native namespace reader, next to the helper (the helper looks for it there). */
export const NSREAD = `${HELPER_DIR}/nsread`;
/** The group whose members may start the helper without a password. */
export const GROUP = 'netplumb';

/** Every path the install touches, under `prefix` ("/" for the real system). */
export interface InstallPaths {
  prefix: string;
  dir: string;
  launcher: string;
  helper: string;
  reader: string;
  manifest: string;
  nodePty: string;
  policy: string;
  sudoersDir: string;
  sudoers: string;
}

/** The install layout under `prefix` (default: the real root). */
export function installPaths(prefix = '/'): InstallPaths {
  const at = (p: string) => path.join(prefix, p);
  return {
    prefix,
    dir: at(HELPER_DIR),
    launcher: at(LAUNCHER),
    helper: at(HELPER_JS),
    reader: at(NSREAD),
    manifest: at(`${HELPER_DIR}/install-manifest.json`),
    nodePty: at(`${HELPER_DIR}/node_modules/node-pty`),
    policy: at('/usr/share/polkit-1/actions/org.netplumb.helper.policy'),
    sudoersDir: at('/etc/sudoers.d'),
    sudoers: at('/etc/sudoers.d/netplumb'),
  };
}

/**
 * The sudoers drop-in: members of the group may run exactly the launcher,
 * with no arguments (the `""`), as root, without a password.
 */
export function sudoersRule(): string {
  return [
    '# Written by `netplumb helper install`; removed by `netplumb helper uninstall`.',
    `# Members of the ${GROUP} group may start netplumb's privileged helper without a`,
    '# password (like the wireshark group for dumpcap). The helper takes only typed',
    '# operations on objects netplumb marked; it never runs a command it is sent.',
    `%${GROUP} ALL=(root) NOPASSWD: ${LAUNCHER} ""`,
    '',
  ].join('\n');
}
