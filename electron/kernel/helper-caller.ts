/**
 * Who asked the privileged helper for work: the user whose shells, commands
 * and files the helper hands back. The helper runs as root, but a terminal or
 * `netplumb exec` runs **as the caller** (uid, gid, supplementary groups),
 * never as root.
 *
 * The caller's uid comes from the variables the elevation tool sets itself:
 * `PKEXEC_UID` (pkexec, which also clears the rest of the environment) or
 * `SUDO_UID`/`SUDO_GID` (sudo overwrites them; with its default env_reset a
 * user cannot pass their own). Everything else — name, home, shell, groups —
 * is read from the user database (getent), never from the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { PlainError } from './plain-error';
import { execaRunner, type Runner } from './runner';

/** The calling user, as the user database describes them. */
export interface Caller {
  uid: number;
  gid: number;
  /** Login name; undefined when the uid has no passwd entry (then no supplementary groups). */
  user?: string;
  home: string;
  /** The shell a terminal starts (see pickShell). */
  shell: string;
}

const ID = /^\d{1,10}$/;
const idOf = (v: string | undefined): number | undefined =>
  v !== undefined && ID.test(v) && Number(v) <= 0xfffffffe ? Number(v) : undefined;

/**
 * The caller's uid (and gid when sudo gave it) from the elevation tool's
 * variables; `selfUid` when neither is set (a root process started the helper
 * itself, so the caller is root). Conflicting answers are refused.
 */
export function callerIds(env: NodeJS.ProcessEnv, selfUid: number): { uid: number; gid?: number } {
  const pk = idOf(env.PKEXEC_UID);
  const su = idOf(env.SUDO_UID);
  // Why refuse malformed values rather than ignore them: falling back to root
  // would hand out a root shell on a typo or a tampered launcher.
  if (env.PKEXEC_UID !== undefined && pk === undefined)
    throw new PlainError('PKEXEC_UID is not a number: cannot tell who is asking');
  if (env.SUDO_UID !== undefined && su === undefined)
    throw new PlainError('SUDO_UID is not a number: cannot tell who is asking');
  // Why: two tools disagreeing about the caller means one value was planted; fail closed.
  if (pk !== undefined && su !== undefined && pk !== su)
    throw new PlainError('PKEXEC_UID and SUDO_UID disagree: cannot tell who is asking');
  if (pk !== undefined) return { uid: pk };
  if (su !== undefined) {
    const gid = idOf(env.SUDO_GID);
    return gid === undefined ? { uid: su } : { uid: su, gid };
  }
  return { uid: selfUid };
}

/** Parses one `getent passwd` line. */
export function parsePasswd(
  line: string,
): { user: string; uid: number; gid: number; home: string; shell: string } | undefined {
  const f = line.trim().split(':');
  if (f.length < 7) return undefined;
  const uid = idOf(f[2]);
  const gid = idOf(f[3]);
  if (uid === undefined || gid === undefined || !f[0]) return undefined;
  return { user: f[0], uid, gid, home: f[5] || '/', shell: f[6] || '' };
}

/** The login shell when /etc/shells lists it (nologin is not a shell), else bash, else sh. */
export function pickShell(shell: string, shells = readShells()): string {
  if (shell && shells.includes(shell) && existsSync(shell)) return shell;
  return existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
}

function readShells(): string[] {
  try {
    return readFileSync('/etc/shells', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/'));
  } catch {
    return [];
  }
}

/** Looks the caller up in the user database (getent, so NSS/LDAP users work too). */
export async function lookupCaller(
  env: NodeJS.ProcessEnv = process.env,
  selfUid = process.getuid?.() ?? 0,
  runner: Runner = execaRunner,
): Promise<Caller> {
  const ids = callerIds(env, selfUid);
  const r = await runner(['getent', 'passwd', String(ids.uid)], { timeoutMs: 5000 });
  const pw = r.exitCode === 0 ? parsePasswd(r.stdout.split('\n')[0] ?? '') : undefined;
  if (pw && pw.uid === ids.uid) {
    return { uid: pw.uid, gid: ids.gid ?? pw.gid, user: pw.user, home: pw.home, shell: pickShell(pw.shell) };
  }
  // A uid without an entry (e.g. a container's): its own uid and gid, no groups.
  return { uid: ids.uid, gid: ids.gid ?? ids.uid, home: '/', shell: pickShell('') };
}

/**
 * The argv that runs `command` as `caller` inside namespace `ns`:
 * `ip netns exec NS setpriv --reuid U --regid G --init-groups -- CMD...`.
 * setpriv drops root before exec, so the command never runs with root's
 * uid, groups or capabilities. `ns` must already be checked as owned.
 */
export function asCallerArgv(caller: Caller, ns: string, command: readonly string[]): string[] {
  // Why --init-groups only with a name: initgroups needs the passwd entry; without one the caller gets no extra groups.
  const groups = caller.user ? ['--init-groups'] : ['--clear-groups'];
  return [
    'ip',
    'netns',
    'exec',
    ns,
    'setpriv',
    `--reuid=${caller.uid}`,
    `--regid=${caller.gid}`,
    ...groups,
    '--inh-caps=-all',
    '--',
    ...command,
  ];
}

/** A clean environment for the caller's process (nothing of root's is passed on). */
export function callerEnv(caller: Caller, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    HOME: caller.home,
    SHELL: caller.shell,
    PATH:
      caller.uid === 0
        ? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        : '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    TERM: 'xterm-256color',
    LANG: process.env.LANG && /^[A-Za-z0-9_.@-]{1,64}$/.test(process.env.LANG) ? process.env.LANG : 'C.UTF-8',
  };
  if (caller.user) Object.assign(env, { USER: caller.user, LOGNAME: caller.user });
  return { ...env, ...extra };
}

/** The directory a terminal starts in: the caller's home when it exists, else /. */
export function callerCwd(caller: Caller): string {
  return caller.home && existsSync(caller.home) ? caller.home : '/';
}
