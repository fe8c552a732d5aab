/**
 * Who holds a lab's lock, in words: the lock file records the holder's pid
 * and what it is (the command line, netplumb serve, the privileged helper,
 * the desktop app), so a refused user knows what to wait for or stop.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

let override: string | undefined;

/** Entry points may name themselves explicitly (otherwise it is read from argv). */
export function setLockHolderRole(role: string): void {
  override = role;
}

/** What a process with this argv is, in words. */
export function roleFromArgv(argv: readonly string[], electron = false): string {
  if (electron || /electron/i.test(basename(argv[0] ?? ''))) return 'the netplumb desktop app';
  const script = argv[1] ?? '';
  if (/helper/i.test(basename(script))) return "netplumb's privileged helper";
  if (/netplumb/i.test(script) || /cli[\\/]main\.(ts|js)$/.test(script)) {
    const cmd = argv.slice(2).find((a) => !a.startsWith('-'));
    if (cmd === 'serve') return 'netplumb serve (browser mode)';
    return `the netplumb command line${cmd ? ` ("netplumb ${cmd.slice(0, 20)}")` : ''}`;
  }
  return `a netplumb process (${basename(script).slice(0, 40) || 'node'})`;
}

/** What this process is, for its lock files. */
export function lockHolderRole(): string {
  return override ?? roleFromArgv(process.argv, process.versions.electron !== undefined);
}

/** "netplumb serve (browser mode), pid 123, since ..." for a lock file's content. */
export function describeHolder(h: { pid?: number; what?: string; since?: string }): string {
  let what = typeof h.what === 'string' ? h.what.slice(0, 80) : undefined;
  if (!what && h.pid !== undefined && h.pid > 0) {
    try {
      what = roleFromArgv(readFileSync(`/proc/${h.pid}/cmdline`, 'utf8').split('\0'));
    } catch {
      // The process is gone or not readable: say what is known.
    }
  }
  const pid = h.pid !== undefined && h.pid > 0 ? `pid ${h.pid}` : 'a process that is starting';
  return `${what ?? 'another netplumb process'} (${pid}${typeof h.since === 'string' ? `, since ${h.since.slice(0, 40)}` : ''})`;
}
