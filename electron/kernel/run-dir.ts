/**
 * Where netplumb keeps per-lab state (records, journals, locks), and the
 * check made before using it.
 *
 * As root the directory is fixed (/run/netplumb) and must be a real
 * directory owned by root with mode 0700. Why: recovery acts as root on what
 * the journals there say, and the locks decide who may change a lab; if an
 * environment variable (kept through sudo's env_keep, or set by whoever
 * started the helper) could move it, or another user could write in it,
 * that user would steer root. Other locations are for code and tests only
 * (LabStore's constructor), or NETPLUMB_RUN_DIR when not root.
 */
import { lstatSync, mkdirSync } from 'node:fs';

/** The run directory of a root process: fixed. */
export const ROOT_RUN_DIR = '/run/netplumb';

/** The run directory exists but is not safe to use; the message says what to do. */
export class RunDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunDirError';
  }
}

const euid = (): number => (typeof process.geteuid === 'function' ? process.geteuid() : -1);

/** The default run directory: fixed as root; NETPLUMB_RUN_DIR only for an unprivileged process. */
export function defaultRunDir(): string {
  // Why: see the file comment; an environment variable never moves root's state.
  if (euid() === 0) return ROOT_RUN_DIR;
  return process.env.NETPLUMB_RUN_DIR || ROOT_RUN_DIR;
}

/**
 * Checks (and, when `create`, makes with mode 0700) the run directory.
 * Returns false when it does not exist and `create` is false; throws
 * RunDirError when it is a symlink, not a directory, owned by someone else,
 * or open to others.
 */
export function checkRunDir(dir: string, create: boolean): boolean {
  const me = euid();
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      throw new RunDirError(`netplumb cannot use its state directory ${dir}: ${(e as Error).message}`);
    if (!create) return false;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      st = lstatSync(dir);
    } catch (e2) {
      throw new RunDirError(
        `netplumb cannot create its state directory ${dir}: ${(e2 as Error).message}. Nothing was changed.`,
      );
    }
  }
  const fix =
    me === 0
      ? ` Remove it (rm -r ${dir}) or fix it (chown root:root ${dir} && chmod 700 ${dir}), then try again. Nothing was changed.`
      : ' Nothing was changed.';
  // Why each check: a symlink could point root's writes anywhere; another
  // owner, or group/other permissions, would let another user plant or
  // change journals and locks that root acts on.
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new RunDirError(
      `netplumb's state directory ${dir} is not a plain directory (it is a ${st.isSymbolicLink() ? 'symbolic link' : 'file'}), so it is not used.${fix}`,
    );
  const owners = me === 0 ? [0] : [me, 0];
  if (!owners.includes(st.uid))
    throw new RunDirError(
      `netplumb's state directory ${dir} is owned by uid ${st.uid}, not ${me === 0 ? 'root' : `root or uid ${me}`}, so it is not used.${fix}`,
    );
  const mode = st.mode & 0o777;
  if (me === 0 ? mode !== 0o700 : (mode & 0o022) !== 0) {
    throw new RunDirError(
      `netplumb's state directory ${dir} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0700 so that no other user can change journals or locks, so it is not used.${fix}`,
    );
  }
  return true;
}
