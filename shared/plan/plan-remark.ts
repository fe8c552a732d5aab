/**
 * Marks lost by hand. netplumb knows what it made by the mark it writes (the
 * alias of an interface, of a namespace's `lo`); `ip link set dev X alias ""`
 * takes it away, and the object then looks foreign: plan refused the whole
 * lab ("already exists and was not made by netplumb") and left the user to
 * delete the lab's own veth or namespace by hand.
 *
 * An object whose mark is gone is marked again only when the host proves it
 * is the lab's, never on a name alone:
 *   - a namespace, when it holds an interface that carries this lab's mark
 *     for the interface the file puts there at that name: netplumb makes
 *     each end inside its namespace, and a namespace deleted takes its
 *     interfaces with it, so one made again by name holds none of ours (its
 *     inode would prove nothing: the kernel reuses inode numbers);
 *   - a veth end, when its peer is exactly the other end the file describes
 *     (names of both ends known) and either that end still carries this
 *     lab's mark for the same link, or one end of the pair is in one of the
 *     lab's own namespaces: deleting that namespace (destroy) deletes the
 *     pair anyway, so marking it gives the lab nothing it did not hold;
 *   - another interface (a bridge, a vxlan) of the kind the file describes,
 *     in one of the lab's own namespaces (not the root), for the same reason.
 * An alias written over the mark (`alias "uplink"`) counts as a lost mark
 * (the undo writes it back); another lab's mark does not: the object is
 * that lab's, and the plan refuses as before.
 */
import { PlanBuilder, RANK } from './builder';
import { where } from './argv';
import { type KIface, type KState, markLab, ROOT_NS } from './kstate';
import { ifaceKey, type Resolved } from './resolve';
import { clip } from '../util/words';

/** One lost mark, proven: where, the mark to write, and why it is known to be the lab's. */
export interface LostMark {
  ns: string;
  /** The interface ("lo" for a namespace). */
  name: string;
  mark: string;
  /** The alias it has now ("" when none). */
  previous: string;
  why: string;
  nodeId?: string;
  linkId?: string;
}

/** No netplumb mark: none, or an alias someone wrote over it. Another lab's mark is not lost: that lab's object. */
const unmarked = (mark?: string) => markLab(mark) === undefined;
/** How the mark was lost, for the reason. */
const lostHow = (previous?: string) =>
  previous ? `its alias ${JSON.stringify(clip(previous))} replaced the lab's mark` : 'its mark is gone';

/** The lost marks `live` shows, proven as above. */
export function lostMarks(desired: Resolved, live: KState): LostMark[] {
  const out: LostMark[] = [];
  const nsMarked = new Set<string>();
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    const l = live.namespaces[ns];
    if (ns === ROOT_NS || !l || !unmarked(l.mark)) continue;
    const mark = d.ifaces.lo?.mark ?? d.mark;
    const holds = Object.values(d.ifaces).find(
      (i) => i.kind !== 'loopback' && i.mark && l.ifaces[i.name]?.mark === i.mark,
    );
    if (!mark || !holds) continue;
    nsMarked.add(ns);
    out.push({
      ns,
      name: 'lo',
      mark,
      previous: l.mark ?? '',
      why: `namespace ${ns} holds ${holds.name}, which carries this lab's mark, but on its lo ${lostHow(l.mark)}`,
      nodeId: desired.nsNodes.get(ns),
    });
  }
  const ours = (ns: string) =>
    ns === ROOT_NS || nsMarked.has(ns) || markLab(live.namespaces[ns]?.mark) === desired.lab;
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    if (ns === ROOT_NS || !ours(ns)) continue;
    for (const di of Object.values(d.ifaces)) {
      const l = live.namespaces[ns]?.ifaces[di.name];
      if (!l || !di.mark || di.kind === 'loopback' || di.kind === 'veth' || !unmarked(l.mark)) continue;
      if (l.kind !== di.kind) continue;
      const o = desired.origins.get(ifaceKey(ns, di.name));
      out.push({
        ns,
        name: di.name,
        mark: di.mark,
        previous: l.mark ?? '',
        why: `${where(ns, di.name)} is the ${di.kind} the file describes, in the lab's own namespace, but ${lostHow(l.mark)}`,
        nodeId: o?.nodeId,
        linkId: o?.linkId,
      });
    }
  }
  for (const link of desired.links) {
    for (const [end, other] of [
      [link.a, link.b],
      [link.b, link.a],
    ] as const) {
      const l: KIface | undefined = live.namespaces[end.ns]?.ifaces[end.name];
      const lo: KIface | undefined = live.namespaces[other.ns]?.ifaces[other.name];
      const dOther = desired.state.namespaces[other.ns]?.ifaces[other.name];
      const mark = desired.state.namespaces[end.ns]?.ifaces[end.name]?.mark;
      if (!l || !lo || !dOther?.mark || !mark || l.kind !== 'veth' || !unmarked(l.mark)) continue;
      if (!ours(end.ns) || !ours(other.ns)) continue;
      const pairs =
        l.peer?.ns === other.ns &&
        l.peer.name === other.name &&
        lo.kind === 'veth' &&
        lo.peer?.ns === end.ns &&
        lo.peer.name === end.name;
      if (!pairs) continue;
      const inLabNs = end.ns !== ROOT_NS || other.ns !== ROOT_NS;
      if (lo.mark === dOther.mark)
        out.push({
          ns: end.ns,
          name: end.name,
          mark,
          previous: l.mark ?? '',
          why: `${where(end.ns, end.name)} is the peer of ${where(other.ns, other.name)}, which carries this lab's mark for link ${link.id}, but ${lostHow(l.mark)}`,
          linkId: link.id,
        });
      else if (unmarked(lo.mark) && inLabNs)
        out.push({
          ns: end.ns,
          name: end.name,
          mark,
          previous: l.mark ?? '',
          why: `${where(end.ns, end.name)} and its peer ${where(other.ns, other.name)} are the pair of link ${link.id}, with an end in the lab's own namespace, but their marks are gone (${lostHow(l.mark)})`,
          linkId: link.id,
        });
    }
  }
  return out;
}

/** `live` with the lost marks written back (what the kernel will show once the plan has run). */
export function withMarks(live: KState, marks: readonly LostMark[]): KState {
  if (!marks.length) return live;
  const namespaces = { ...live.namespaces };
  for (const m of marks) {
    const n = { ...namespaces[m.ns], ifaces: { ...namespaces[m.ns].ifaces } };
    if (m.name === 'lo') n.mark = m.mark;
    if (n.ifaces[m.name]) n.ifaces[m.name] = { ...n.ifaces[m.name], mark: m.mark };
    namespaces[m.ns] = n;
  }
  return { ...live, namespaces };
}

/** One change per lost mark: the alias written again, first in its namespace (the undo clears it again). */
export function planLostMarks(b: PlanBuilder, marks: readonly LostMark[]): void {
  for (const m of marks)
    b.add(
      m.ns === ROOT_NS ? 'root' : 'ns',
      m.ns,
      { op: 'link-set', dev: m.name, alias: m.mark },
      {
        action: 'modify',
        rank: RANK.routeDel,
        reason: `${m.why}: it is marked again`,
        target: {
          kind: m.name === 'lo' ? 'namespace' : 'interface',
          name: m.name === 'lo' ? m.ns : where(m.ns, m.name),
          nodeId: m.nodeId,
          linkId: m.linkId,
        },
        undoOp: { op: 'link-set', dev: m.name, alias: m.previous },
      },
    );
}
