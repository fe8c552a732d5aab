/**
 * plan(desired, live): the ordered, minimal list of changes that turns the
 * live kernel state into the desired one, touching only what this lab owns.
 * Pure: no I/O. Conflicts with objects netplumb does not own come back as
 * Problems, and then the plan is empty (nothing may run).
 */
import type { Problem } from '../validate/problem';
import type { Change } from './change';
import { PlanBuilder, RANK } from './builder';
import { type KIface, type KNamespace, type KState, makeMark, markLab, ROOT_NS } from './kstate';
import { type Resolved, ifaceKey } from './resolve';
import { planRulesAndNeighs } from './plan-rules';
import {
  planForeignPorts,
  planForeignUp,
  planIfaceSettings,
  planNewIface,
  planRoutes,
  recreateReason,
  type NsContext,
} from './plan-iface';
import { planNeighbourFlush, type PreviousAddresses } from './plan-neigh';
import { planNetem } from './plan-netem';
import { lostMarks, planLostMarks, withMarks } from './plan-remark';
import { planSysctls } from './plan-sysctls';
import { planVlans } from './plan-vlans';
import { clip } from '../util/words';
import { FALLBACK_TUNNEL_IFNAMES } from '../validate/names';
import type { VethEnd } from './op';
import { where } from './argv';

export interface PlanOptions {
  /** Namespaces that exist on the host (from /run/netns). */
  existingNamespaces?: ReadonlySet<string>;
  /**
   * Where the last apply put each address (its record), asked only when the
   * plan adds an address: when it goes on a new interface or another one, the
   * lab's other namespaces forget their neighbour entries for it (plan-neigh.ts).
   */
  previousAddresses?: () => PreviousAddresses | undefined;
}

export interface PlanResult {
  changes: Change[];
  conflicts: Problem[];
}

const isOurs = (lab: string, mark?: string) => markLab(mark) === lab;
/**
 * Why an interface with an alias is not ours: netplumb knows what it made only
 * by the mark it writes there, so an alias changed by hand (or another tool's)
 * makes the interface foreign; saying so tells the user what happened.
 */
const aliasNote = (mark?: string) =>
  mark ? ` (its alias ${JSON.stringify(clip(mark))} is not netplumb's mark)` : '';

/** True for a veth whose peer is `peer` (a live read without the peer's name matches by namespace). */
const peerIs = (l: KIface | undefined, peer: { ns: string; name?: string }): boolean =>
  l?.kind === 'veth' &&
  (!l.peer || (l.peer.ns === peer.ns && (l.peer.name === undefined || l.peer.name === peer.name)));

/**
 * For an object without a netplumb mark, of the kind the file wants: how to
 * mark it again if it is the lab's and only its mark was cleared (netplumb
 * cannot prove that itself here: plan-remark.ts), as one command.
 */
function remarkHint(ns: string, want: KIface, l: KIface, peerMark: string | undefined, lab: string): string {
  if (l.kind !== want.kind || !want.mark) return '';
  // A veth whose peer is not the file's other end is no lost mark of this lab's: marking it would
  // have apply re-create the pair, deleting that peer, which netplumb never made.
  const pair = l.kind === 'veth' && !!l.peer && !!want.peer && peerIs(l, want.peer);
  if (l.kind === 'veth' && !pair) return '';
  // Another lab's mark is never taken over on a guess: only an end whose peer, the file's other
  // end, still carries this lab's mark is shown how (a lab renamed keeps the old name's marks on
  // both ends: those are the other lab's).
  if (markLab(l.mark) && !(pair && isOurs(lab, peerMark))) return '';
  return ` If it is this lab's and its mark was cleared or written over by hand, mark it again: ip ${ns === ROOT_NS ? '' : `-n ${ns} `}link set dev ${want.name} alias ${want.mark}`;
}

/** The mark of a veth end's peer, from the end's own (`…:a` <-> `…:b`); undefined for another form. */
const peerMarkOf = (mark: string): string | undefined =>
  mark.endsWith(':a') ? `${mark.slice(0, -1)}b` : mark.endsWith(':b') ? `${mark.slice(0, -1)}a` : undefined;

/** An interface's kind in parentheses, as the kernel names it (` (macvlan)`), or nothing when unknown. */
const kindWord = (i: KIface): string => {
  const k = i.kind === 'other' ? i.otherKind : i.kind;
  return k ? ` (${k})` : '';
};

/** Interfaces of a namespace that are not the lab's (its loopback and the kernel's fallback tunnels aside). */
function foreignIfaces(lab: string, ns: KNamespace | undefined): KIface[] {
  return Object.values(ns?.ifaces ?? {}).filter(
    (i) =>
      i.kind !== 'loopback' &&
      i.name !== 'lo' &&
      !FALLBACK_TUNNEL_IFNAMES.includes(i.name) &&
      !isOurs(lab, i.mark),
  );
}

/** Computes the plan. */
export function plan(desired: Resolved, liveIn: KState, opts: PlanOptions = {}): PlanResult {
  const { lab } = desired;
  const b = new PlanBuilder();
  // Marks cleared by hand on what is provably the lab's are written again; planned as if there.
  const lost = lostMarks(desired, liveIn);
  const live = withMarks(liveIn, lost);
  const conflicts: Problem[] = [];
  const existing = opts.existingNamespaces ?? new Set(Object.keys(live.namespaces));
  const conflict = (message: string, nodeId?: string, linkId?: string) =>
    conflicts.push({ code: 'foreign-object', severity: 'error', message, path: [], nodeId, linkId });

  // --- namespaces ---------------------------------------------------------
  const newNs = new Set<string>();
  const deletedNs = new Set<string>();
  for (const [name] of Object.entries(desired.state.namespaces)) {
    if (name === ROOT_NS) continue;
    const l = live.namespaces[name];
    const nodeId = desired.nsNodes.get(name);
    if (!l) {
      if (!existing.has(name)) newNs.add(name);
      else
        conflict(
          `Namespace "${name}" already exists on this host and was not made by netplumb for lab "${lab}". Rename the node or remove that namespace.`,
          nodeId,
        );
    } else if (!isOurs(lab, l.mark)) {
      const other = markLab(l.mark);
      conflict(
        other
          ? `Namespace "${name}" belongs to another netplumb lab ("${other}"). Rename the node or destroy that lab first.`
          : `Namespace "${name}" already exists on this host and was not made by netplumb. Rename the node or remove that namespace.${markLab(l.mark) ? '' : ` If it is this lab's and only its mark was cleared, mark it again: ip -n ${name} link set dev lo alias ${desired.state.namespaces[name].ifaces.lo?.mark ?? makeMark(lab)}`}`,
        nodeId,
      );
    }
  }
  for (const [name, l] of Object.entries(live.namespaces)) {
    if (name !== ROOT_NS && !desired.state.namespaces[name] && isOurs(lab, l.mark)) deletedNs.add(name);
  }
  // Deleting a namespace deletes every virtual interface in it (a veth's peer elsewhere too) and sends
  // physical ones back to the root: netplumb only ever deletes what it made, so a namespace holding
  // someone else's interface is not deleted.
  for (const ns of deletedNs) {
    // A veth of the lab's here takes its peer elsewhere with it: refused when that end carries
    // another lab's mark (it was not made for this lab, as far as the host can tell).
    for (const i of Object.values(live.namespaces[ns].ifaces)) {
      const p = i.kind === 'veth' && isOurs(lab, i.mark) ? i.peer : undefined;
      if (!p || p.name === undefined || deletedNs.has(p.ns)) continue;
      const other = markLab(live.namespaces[p.ns]?.ifaces[p.name]?.mark);
      if (other !== undefined && !isOurs(lab, live.namespaces[p.ns]!.ifaces[p.name]!.mark))
        conflict(
          `Namespace "${ns}" of lab "${lab}" holds ${i.name}, whose peer ${where(p.ns, p.name)} carries the mark of netplumb lab "${other}": deleting the namespace would delete that end too. If the pair is this lab's, mark it again${peerMarkOf(i.mark!) ? ` (ip ${p.ns === ROOT_NS ? '' : `-n ${p.ns} `}link set dev ${p.name} alias ${peerMarkOf(i.mark!)})` : ''}; otherwise delete it yourself, then run this again.`,
        );
    }
    for (const f of foreignIfaces(lab, live.namespaces[ns])) {
      const peer =
        f.kind === 'veth' && f.peer?.name !== undefined && f.peer.ns !== ns
          ? ` and its peer ${f.peer.name} in ${where(f.peer.ns)}`
          : '';
      conflict(
        `Namespace "${ns}" of lab "${lab}" holds ${f.name}${kindWord(f)}, which netplumb did not make${aliasNote(f.mark)}: deleting the namespace would delete it${peer}. Move it out or delete it yourself (ip -n ${ns} link delete ${f.name}), then run this again.`,
      );
    }
  }

  /** A live interface, or undefined when it does not exist (or its namespace is new/deleted). */
  const liveIface = (ns: string, name: string): KIface | undefined =>
    newNs.has(ns) ? undefined : live.namespaces[ns]?.ifaces[name];

  // Collisions with foreign interfaces of the same name.
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    for (const iface of Object.values(d.ifaces)) {
      if (iface.kind === 'loopback') continue;
      const l = liveIface(ns, iface.name);
      if (l && !isOurs(lab, l.mark)) {
        const o = desired.origins.get(ifaceKey(ns, iface.name));
        const other = markLab(l.mark);
        conflict(
          `Interface "${iface.name}" already exists in ${where(ns)}${other ? ` and belongs to netplumb lab "${other}"` : ` and was not made by netplumb${aliasNote(l.mark)}`}. ${other ? `Rename it in the file, or destroy lab "${other}" first.` : 'Rename it in the file (delete it from the host only if you made it and no longer need it).'}${remarkHint(ns, iface, l, l.peer?.name !== undefined ? live.namespaces[l.peer.ns]?.ifaces[l.peer.name]?.mark : undefined, lab)}`,
          o?.nodeId,
          o?.linkId,
        );
      }
    }
  }
  if (conflicts.length) return { changes: [], conflicts };
  planLostMarks(b, lost);

  for (const name of newNs) {
    b.add(
      'root',
      ROOT_NS,
      { op: 'netns-add', name },
      {
        action: 'create',
        rank: RANK.create,
        reason: `namespace ${name} is in the file but not on this host`,
        target: { kind: 'namespace', name, nodeId: desired.nsNodes.get(name) },
        undoOp: { op: 'netns-delete', name },
        creates: [
          {
            kind: 'namespace',
            ns: ROOT_NS,
            name,
            mark: desired.state.namespaces[name].ifaces.lo?.mark ?? '',
          },
        ],
      },
    );
  }

  // --- veth links ---------------------------------------------------------
  const ctx = new Map<string, NsContext>();
  const nsCtx = (ns: string): NsContext => {
    let c = ctx.get(ns);
    if (!c) {
      c = { ns, touchedL3: newNs.has(ns), fresh: newNs.has(ns), live: (name) => liveIface(ns, name) };
      ctx.set(ns, c);
    }
    return c;
  };
  /** Live interfaces (ns/name) that the plan deletes or that die with their peer. */
  const gone = new Set<string>();
  const keyOf = (ns: string, name: string) => `${ns}/${name}`;

  // --- interfaces made on their own: bridges, a link kind's (vxlan) -----------
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    for (const iface of Object.values(d.ifaces)) {
      if (iface.kind !== 'bridge' && !iface.params) continue;
      const l = liveIface(ns, iface.name);
      const c = nsCtx(ns);
      const why = l && recreateReason(iface, l);
      if (l && !why) planIfaceSettings(b, desired, c, iface, l);
      else {
        if (l) {
          const o = desired.origins.get(ifaceKey(ns, iface.name));
          b.add(
            'free',
            ns,
            { op: 'link-delete', dev: iface.name },
            {
              action: 'delete',
              reason: `${where(ns, iface.name)} must be re-created: ${why}`,
              target: {
                kind: iface.kind === 'bridge' ? 'bridge' : 'link',
                name: where(ns, iface.name),
                nodeId: o?.nodeId,
                linkId: o?.linkId,
              },
              requireMark: l.mark,
            },
          );
          gone.add(keyOf(ns, iface.name));
        }
        planNewIface(b, desired, c, iface);
      }
    }
  }

  for (const link of desired.links) {
    const { a, b: bEnd } = link;
    const da = desired.state.namespaces[a.ns].ifaces[a.name];
    const db = desired.state.namespaces[bEnd.ns].ifaces[bEnd.name];
    const la = liveIface(a.ns, a.name);
    const lb = liveIface(bEnd.ns, bEnd.name);
    if (peerIs(la, bEnd) && peerIs(lb, a)) {
      planIfaceSettings(b, desired, nsCtx(a.ns), da, la!);
      planIfaceSettings(b, desired, nsCtx(bEnd.ns), db, lb!);
      continue;
    }
    // Broken or missing: delete what is left of ours (freeing the names), then create.
    // A veth end of this lab whose peer is not (another lab's or nobody's): deleting the end deletes
    // the peer too, which is not this lab's to delete.
    const strayPeer = (l: KIface | undefined) => {
      const p = l?.kind === 'veth' && l.peer?.name !== undefined ? l.peer : undefined;
      const pl = p && !deletedNs.has(p.ns) ? live.namespaces[p.ns]?.ifaces[p.name!] : undefined;
      return pl && !isOurs(lab, pl.mark) ? { ns: p!.ns, iface: pl } : undefined;
    };
    const stray = [la, lb].map((l) =>
      l && !gone.has(keyOf(l === la ? a.ns : bEnd.ns, l.name)) ? strayPeer(l) : undefined,
    );
    if (stray.some((x) => x)) {
      for (const [i, x] of stray.entries())
        if (x) {
          const end = i === 0 ? a : bEnd;
          const other = markLab(x.iface.mark);
          conflict(
            `${where(end.ns, end.name)} must be re-created (it is not the veth pair the file describes), but its peer ${where(x.ns, x.iface.name)} ${other ? `belongs to netplumb lab "${other}"` : `was not made by netplumb${aliasNote(x.iface.mark)}`}, and deleting one end of a veth deletes the other. Remove that pair from the host, or rename the interface in the file.`,
            undefined,
            link.id,
          );
        }
      continue;
    }
    for (const [end, l] of [
      [a, la],
      [bEnd, lb],
    ] as const) {
      if (!l || gone.has(keyOf(end.ns, end.name))) continue;
      b.add(
        'free',
        end.ns,
        { op: 'link-delete', dev: end.name },
        {
          action: 'delete',
          reason: `${where(end.ns, end.name)} must be re-created: it is not the veth pair the file describes`,
          target: { kind: 'link', name: where(end.ns, end.name), linkId: link.id },
          requireMark: l.mark,
        },
      );
      gone.add(keyOf(end.ns, end.name));
      if (l.peer?.name !== undefined) gone.add(keyOf(l.peer.ns, l.peer.name));
    }
    planNewVeth(b, desired, link, da, db, nsCtx(a.ns), nsCtx(bEnd.ns));
  }

  // Foreign interfaces plugged into the lab's bridges, or up in the lab's namespaces (those that stay).
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    const l = newNs.has(ns) ? undefined : live.namespaces[ns];
    if (!l) continue;
    planForeignPorts(b, desired, nsCtx(ns), d, l, (m) => isOurs(lab, m));
    // The host's namespace is not the lab's: its interfaces are never set down.
    if (ns !== ROOT_NS) planForeignUp(b, desired, nsCtx(ns), foreignIfaces(lab, l));
  }

  // --- loopback, routes, sysctls, vlans, netem per namespace ----------------
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    if (ns === ROOT_NS) continue;
    const l: KNamespace | undefined = newNs.has(ns) ? undefined : live.namespaces[ns];
    const c = nsCtx(ns);
    if (l)
      planIfaceSettings(
        b,
        desired,
        c,
        d.ifaces.lo,
        l.ifaces.lo ?? { name: 'lo', kind: 'loopback', up: false, addresses: [] },
      );
    else planNewIface(b, desired, c, d.ifaces.lo);
    planSysctls(b, desired, ns, d, l);
    planRoutes(b, desired, c, d, l, (dev) => gone.has(keyOf(ns, dev)));
    planRulesAndNeighs(b, desired, ns, d, l, (dev) => gone.has(keyOf(ns, dev)));
  }
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    for (const iface of Object.values(d.ifaces)) {
      const l = gone.has(keyOf(ns, iface.name)) ? undefined : liveIface(ns, iface.name);
      planVlans(b, desired, ns, d, iface, l);
      planNetem(b, desired, ns, iface, l);
    }
  }

  // --- deletions of what the file no longer has ------------------------------
  for (const [ns, l] of Object.entries(live.namespaces)) {
    if (deletedNs.has(ns)) continue;
    const d = desired.state.namespaces[ns];
    for (const iface of Object.values(l.ifaces)) {
      if (iface.kind === 'loopback' || !isOurs(lab, iface.mark)) continue;
      if (d?.ifaces[iface.name] || gone.has(keyOf(ns, iface.name))) continue;
      if (
        iface.kind === 'veth' &&
        iface.peer &&
        (deletedNs.has(iface.peer.ns) ||
          (iface.peer.name !== undefined && gone.has(keyOf(iface.peer.ns, iface.peer.name))))
      )
        continue;
      b.add(
        'delete',
        ns,
        { op: 'link-delete', dev: iface.name },
        {
          action: 'delete',
          reason: `${where(ns, iface.name)} was made by netplumb for this lab but is no longer in the file`,
          target: { kind: iface.kind === 'bridge' ? 'bridge' : 'link', name: where(ns, iface.name) },
          requireMark: iface.mark,
        },
      );
      gone.add(keyOf(ns, iface.name));
      if (iface.peer?.name !== undefined) gone.add(keyOf(iface.peer.ns, iface.peer.name));
    }
  }
  for (const ns of deletedNs) {
    b.add(
      'delete',
      ROOT_NS,
      { op: 'netns-delete', name: ns },
      {
        action: 'delete',
        reason: `namespace ${ns} was made by netplumb for this lab but is no longer in the file`,
        target: { kind: 'namespace', name: ns },
        requireMark: live.namespaces[ns].mark,
      },
    );
  }
  // Deleting an interface deletes what sits on it (a macvlan, VLAN or tunnel with it as lower
  // device), in its namespace: refused when that is not the lab's, as a namespace holding it is.
  const dying = new Set(gone);
  for (const ns of deletedNs)
    for (const i of Object.values(live.namespaces[ns].ifaces))
      if (i.kind === 'veth' && i.peer?.name !== undefined) dying.add(keyOf(i.peer.ns, i.peer.name));
  for (const key of dying) {
    const cut = key.indexOf('/');
    const ns = key.slice(0, cut);
    const name = key.slice(cut + 1);
    for (const f of Object.values(live.namespaces[ns]?.ifaces ?? {})) {
      if (f.lower !== name || isOurs(lab, f.mark) || dying.has(keyOf(ns, f.name)) || deletedNs.has(ns))
        continue;
      conflict(
        `${where(ns, name)} is to be deleted (${desired.state.namespaces[ns]?.ifaces[name] ? 'to be made again' : 'it is no longer in the file, or goes with its peer'}), but ${f.name}${kindWord(f)}, which netplumb did not make${aliasNote(f.mark)}, sits on it, and the kernel deletes it with it. Delete or move it yourself (ip ${ns === ROOT_NS ? '' : `-n ${ns} `}link delete dev ${f.name}), then run this again.`,
        desired.origins.get(ifaceKey(ns, name))?.nodeId,
        desired.origins.get(ifaceKey(ns, name))?.linkId,
      );
    }
  }
  if (conflicts.length) return { changes: [], conflicts };
  if (opts.previousAddresses) planNeighbourFlush(b, desired, live, newNs, opts.previousAddresses);
  return { changes: b.build(), conflicts };
}

/** Creates a veth pair from the root namespace, each end directly in its namespace. */
function planNewVeth(
  b: PlanBuilder,
  desired: Resolved,
  link: Resolved['links'][number],
  da: KIface,
  db: KIface,
  ca: NsContext,
  cb: NsContext,
) {
  const end = (ns: string, i: KIface): VethEnd => ({
    name: i.name,
    netns: ns,
    ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
    ...(i.mac ? { mac: i.mac } : {}),
  });
  const a = link.a;
  const bb = link.b;
  // Undo from a root end when there is one (one process fewer); else inside a's namespace.
  const undoNs = a.ns === ROOT_NS || bb.ns !== ROOT_NS ? a.ns : bb.ns;
  const undoName = undoNs === a.ns ? a.name : bb.name;
  b.add(
    'root',
    ROOT_NS,
    { op: 'veth-add', a: end(a.ns, da), b: end(bb.ns, db) },
    {
      action: 'create',
      rank: RANK.create,
      reason: `link ${link.id} (${where(a.ns, a.name)} <-> ${where(bb.ns, bb.name)}) is in the file but not on this host`,
      target: { kind: 'link', name: `${a.name} <-> ${bb.name}`, linkId: link.id },
      undoOp: { op: 'link-delete', dev: undoName },
      undoNs,
      creates: [
        { kind: 'veth', ns: a.ns, name: da.name, mark: da.mark ?? '', peer: { ns: bb.ns, name: db.name } },
        { kind: 'veth', ns: bb.ns, name: db.name, mark: db.mark ?? '', peer: { ns: a.ns, name: da.name } },
      ],
    },
  );
  planNewIface(b, desired, ca, da);
  planNewIface(b, desired, cb, db);
}
