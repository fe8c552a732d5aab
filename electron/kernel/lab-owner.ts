/**
 * Whose lab is it. On a shared machine every member of the `netplumb` group
 * reaches the same root helper, and ownership marks say which *lab* an object
 * belongs to, not which *user*. So a lab's record keeps the uid of the user who
 * first applied it (the helper's caller: `PKEXEC_UID`/`SUDO_UID`, see
 * helper-caller.ts), and only that user or root may change it, destroy it or
 * work inside it (terminals, captures, pings, link state, netem). Reading
 * (plan, status, the Labs list) stays open to every member: a teacher's or a
 * neighbour's lab is visible, never theirs to take.
 *
 * A record without an owner (written before owners were kept) is open to
 * anyone who may use netplumb, as before.
 */
import { readFileSync } from 'node:fs';
import type { EngineOptions } from './engine-types';
import { callerIds, parsePasswd } from './helper-caller';
import type { LabRecord } from './lab-store';
import { PlainError } from './plain-error';

/**
 * The uid whose rights count: the one given in the options (the helper passes
 * its caller's, from the elevation tool), else this process's own. A root
 * process started with `sudo netplumb …` is root: sudo gave its user every
 * right, unlike the helper's narrow sudo rule.
 */
export function callerOf(o: Pick<EngineOptions, 'caller'>): number {
  return o.caller ?? process.getuid?.() ?? 0;
}

/**
 * The uid a new lab is recorded as belonging to: the caller given, else the
 * user behind sudo/pkexec (so `sudo netplumb apply` gives the lab to the user
 * who typed it, who can then work in it without sudo), else this process's
 * uid. Malformed elevation variables are refused (callerIds fails closed).
 */
export function ownerOf(o: Pick<EngineOptions, 'caller'>): number {
  return o.caller ?? callerIds(process.env, process.getuid?.() ?? 0).uid;
}

/** True when `caller` may change the lab `record` describes (no record, no owner, its owner, or root). */
export function mayChange(record: Pick<LabRecord, 'owner'> | null, caller: number): boolean {
  return caller === 0 || record?.owner === undefined || record.owner === caller;
}

/** uid -> login name from the user database file (empty without one). */
function userNames(passwd = '/etc/passwd'): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const p = parsePasswd(line);
      if (p && !names.has(p.uid)) names.set(p.uid, p.user);
    }
  } catch {
    // no user database: the uid alone names the owner
  }
  return names;
}

/** The login name of `uid` from the user database file, or undefined. */
export const userName = (uid: number, passwd = '/etc/passwd'): string | undefined =>
  userNames(passwd).get(uid);

/**
 * Words for owners, the user database read once for all of them (a labs
 * list names many): "alice (uid 1001)", "uid 1001" without a passwd entry, or "root".
 */
export function ownerNamer(passwd = '/etc/passwd'): (uid: number) => string {
  let names: Map<number, string> | undefined;
  return (uid) => {
    if (uid === 0) return 'root';
    const name = (names ??= userNames(passwd)).get(uid);
    return name ? `${name} (uid ${uid})` : `uid ${uid}`;
  };
}

/** Words for one owner (see ownerNamer). */
export const ownerWords = (uid: number): string => ownerNamer()(uid);

/**
 * Refuses, in plain words, when `caller` may not `action` (e.g. "apply", "destroy",
 * "open a terminal in") the lab `lab` whose record is `record`.
 */
export function assertMayChange(
  lab: string,
  record: Pick<LabRecord, 'owner'> | null,
  caller: number,
  action: string,
): void {
  // Why: the helper is shared by every member of the group; without this a
  // student could destroy, re-apply or open a shell in a neighbour's lab.
  if (mayChange(record, caller)) return;
  throw new PlainError(
    `the lab "${lab}" belongs to ${ownerWords(record!.owner!)}: only that user or root may ${action} it. ` +
      'Nothing was changed. (Use a name prefix or another lab name for your own lab.)',
  );
}
