/**
 * Crash recovery, the pure part: which objects an interrupted apply left
 * behind *without* the lab's mark (killed after creating them and before the
 * line that marks them), decided from recorded facts and what the kernel
 * shows now. Never from stored command lines: a journal's argv is not read.
 *
 * Marked objects need nothing here: planning the previously applied lab
 * against the host removes every object marked for the lab that the previous
 * lab does not have (see electron/kernel/recovery.ts).
 *
 * An unmarked object is removed only when the kernel proves it is exactly
 * what the recorded step made and that nothing else has used it yet:
 * - a namespace: only its own lo (down, no addresses, no mark), no routes,
 *   (and the kernel's fallback tunnels), otherwise only interfaces recorded
 *   as created in it or marked for the lab;
 * - a veth end: its live peer is the recorded peer, and one of the two ends
 *   lives in a namespace marked for the lab or in such a bare namespace;
 * - a bridge, or an interface a link kind makes on its own (`link`, e.g. a
 *   vxlan): of the recorded kind, down, no addresses, no ports, no master.
 * A recorded fact naming another lab's mark, or an object that fails these
 * tests (a foreign interface, a namespace in use), is left alone and reported.
 */
import { checkIfName, checkNetnsName, FALLBACK_TUNNEL_IFNAMES } from '../validate/names';
import { PlanBuilder } from './builder';
import type { Change, CreatedObject } from './change';
import { type KNamespace, type KState, markLab, ROOT_NS } from './kstate';
import { where } from './argv';

export interface Leftovers {
  /** Deletions to run (unmarked objects proven to be the interrupted apply's). */
  changes: Change[];
  /** Recorded facts that were not acted on, in plain words. */
  ignored: string[];
}

const key = (ns: string, name: string) => `${ns}/${name}`;

/** A recorded fact is usable only if it names this lab's mark and plain kernel names. */
function usable(lab: string, f: CreatedObject): string | null {
  // Why: the journal is a file; a fact is only a claim. It must at least be
  // about this lab and use names the validator would accept.
  if (markLab(f.mark) !== lab) return `${f.kind} ${f.name}: the recorded mark is not lab "${lab}"'s`;
  if (f.kind === 'namespace')
    return f.ns === ROOT_NS && !checkNetnsName(f.name)
      ? null
      : `namespace ${f.name}: not a valid namespace name`;
  if (f.ns !== ROOT_NS && checkNetnsName(f.ns)) return `${f.name}: not a valid namespace name "${f.ns}"`;
  if (checkIfName(f.name)) return `${where(f.ns, f.name)}: not a valid interface name`;
  if (
    f.kind === 'veth' &&
    (!f.peer || checkIfName(f.peer.name) || (f.peer.ns !== ROOT_NS && checkNetnsName(f.peer.ns)))
  )
    return `${where(f.ns, f.name)}: no valid peer recorded`;
  return null;
}

/** The KIface kind a recorded interface has. */
const kernelKind = (f: CreatedObject): string => (f.kind === 'link' ? (f.type ?? '') : f.kind);

/** Removes what an interrupted apply created but had not marked yet (see the file comment). */
export function unmarkedLeftovers(lab: string, facts: readonly CreatedObject[], live: KState): Leftovers {
  const ignored: string[] = [];
  const ok: CreatedObject[] = [];
  for (const f of facts) {
    const why = usable(lab, f);
    if (why) ignored.push(why);
    else ok.push(f);
  }
  const recordedIfaces = new Map(
    ok.filter((f) => f.kind !== 'namespace').map((f) => [key(f.ns, f.name), kernelKind(f)]),
  );
  const labNs = (ns: string) => ns !== ROOT_NS && markLab(live.namespaces[ns]?.mark) === lab;

  const bare = (n: KNamespace) =>
    n.mark === undefined &&
    n.routes.length === 0 &&
    Object.values(n.ifaces).every((i) =>
      i.name === 'lo' || FALLBACK_TUNNEL_IFNAMES.includes(i.name)
        ? !i.up && i.addresses.length === 0 && i.mark === undefined
        : markLab(i.mark) === lab ||
          (i.mark === undefined && recordedIfaces.get(key(n.name, i.name)) === i.kind),
    );
  const b = new PlanBuilder();
  const dropNs = new Set<string>();
  for (const f of ok) {
    if (f.kind !== 'namespace') continue;
    const n = live.namespaces[f.name];
    if (!n || n.mark !== undefined) continue; // gone, or marked (the re-plan handles it)
    if (!bare(n)) {
      ignored.push(
        `namespace ${f.name} carries no mark and is not empty: it may not be netplumb's, so it was left alone`,
      );
      continue;
    }
    dropNs.add(f.name);
    b.add(
      'delete',
      ROOT_NS,
      { op: 'netns-delete', name: f.name },
      {
        action: 'delete',
        reason: `namespace ${f.name} was created by the interrupted apply (still bare, not yet marked)`,
        target: { kind: 'namespace', name: f.name },
      },
    );
  }
  const dead = (ns: string) => dropNs.has(ns) || (ns !== ROOT_NS && !live.namespaces[ns]);
  const gone = new Set<string>();
  for (const f of ok) {
    if (f.kind === 'namespace' || dead(f.ns) || gone.has(key(f.ns, f.name))) continue;
    const n = live.namespaces[f.ns];
    const i = n?.ifaces[f.name];
    if (!i || i.mark !== undefined) continue;
    let proven = false;
    if (f.kind === 'veth' && i.kind === 'veth' && f.peer && i.peer) {
      const samePeer = i.peer.ns === f.peer.ns && i.peer.name === f.peer.name;
      const anchored = labNs(f.ns) || labNs(f.peer.ns) || dropNs.has(f.peer.ns);
      proven = samePeer && anchored;
    } else if ((f.kind === 'bridge' || f.kind === 'link') && i.kind === kernelKind(f)) {
      proven =
        !i.up &&
        i.addresses.length === 0 &&
        i.master === undefined &&
        !Object.values(n.ifaces).some((p) => p.master === f.name);
    }
    if (!proven) {
      ignored.push(
        `${where(f.ns, f.name)} carries no mark and is not provably the one the interrupted apply created, so it was left alone`,
      );
      continue;
    }
    gone.add(key(f.ns, f.name));
    if (f.kind === 'veth' && f.peer) gone.add(key(f.peer.ns, f.peer.name));
    if (dead(f.peer?.ns ?? ROOT_NS) && f.kind === 'veth') continue; // dies with the namespace
    b.add(
      'delete',
      f.ns,
      { op: 'link-delete', dev: f.name },
      {
        action: 'delete',
        reason: `${where(f.ns, f.name)} was created by the interrupted apply (not yet marked)`,
        target: { kind: f.kind === 'bridge' ? 'bridge' : 'link', name: where(f.ns, f.name) },
      },
    );
  }
  return { changes: b.build(), ignored };
}
