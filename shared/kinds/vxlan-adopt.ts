/**
 * Importing VXLAN links from the host (the `adoptLinks` hook of the vxlan
 * descriptor): two live VTEPs in imported namespaces make one link when they
 * point at each other — a's local is b's remote and b's local is a's remote,
 * with the same VNI and UDP port. A VTEP with no such partner is left out
 * with a warning that names it and says why (a netplumb VXLAN link joins two
 * lab nodes; a tunnel to anywhere else cannot be written in a file).
 */
import { VXLAN_PORT, type VxlanEnd, type VxlanLink } from '../model';
import { ROOT_NS } from '../model/kstate';
import type { LinkAdoptView, LinkAdoption, LiveIface } from './types';

/** A VTEP's creation parameters as the live reader wrote them (vxlan descriptor's readParams). */
interface Vtep {
  live: LiveIface;
  node: string;
  vni: number;
  port: number;
  local: string;
  remote: string;
}

const param = (l: LiveIface, key: string) => l.iface.params?.find((p) => p.key === key)?.value ?? '';
const where = (l: LiveIface) => `VXLAN device ${l.iface.name} in namespace ${l.ns}`;

/** The VTEP of a live interface, or why it cannot be a VXLAN link end. */
function readVtep(live: LiveIface, view: LinkAdoptView): Vtep | string {
  if (live.ns === ROOT_NS)
    return `VXLAN device ${live.iface.name} in the root namespace is left out: a VXLAN link joins two lab namespaces, and the host is not one.`;
  const node = view.nodeOf(live.ns);
  if (node === undefined) return `${where(live)} is left out: its namespace is not imported.`;
  const vni = Number(param(live, 'id'));
  const port = Number(param(live, 'dstport') || VXLAN_PORT);
  const [local, remote] = [param(live, 'local'), param(live, 'remote')];
  if (!local || !remote)
    return `${where(live)} (VNI ${vni}) is left out: it has no ${local ? 'remote' : 'local'} address; a netplumb VXLAN link is point to point, each end sending to the other end's local address.`;
  return { live, node, vni, port, local, remote };
}

/** The link end of a VTEP: on its namespace node, with its local address and the bridge it is a port of. */
function vtepEnd(v: Vtep, view: LinkAdoptView): VxlanEnd | string {
  const master = v.live.iface.master;
  const bridge = master !== undefined ? view.bridgeOf(v.live.ns, master) : undefined;
  if (master !== undefined && bridge === undefined)
    return `${where(v.live)} is left out (with its partner): it is enslaved to ${master}, which is not a bridge netplumb can model.`;
  return {
    ...view.end(v.live, v.node, { port: bridge !== undefined }),
    local: v.local,
    ...(bridge !== undefined ? { bridge } : {}),
  };
}

/** Pairs the live VTEPs into VXLAN links (see the module comment). */
export function adoptVxlanLinks(ifaces: readonly LiveIface[], view: LinkAdoptView): LinkAdoption<'vxlan'> {
  const out: LinkAdoption<'vxlan'> = { links: [], dropped: [] };
  const vteps: Vtep[] = [];
  for (const live of ifaces) {
    const v = readVtep(live, view);
    if (typeof v === 'string') out.dropped.push({ at: live, why: v });
    else vteps.push(v);
  }
  // In a stable order (namespace, then name), so the same host gives the same file.
  vteps.sort(
    (x, y) => x.live.ns.localeCompare(y.live.ns) || x.live.iface.name.localeCompare(y.live.iface.name),
  );
  const paired = new Set<Vtep>();
  for (const a of vteps) {
    if (paired.has(a)) continue;
    const b = vteps.find(
      (o) =>
        o !== a &&
        !paired.has(o) &&
        o.live.ns !== a.live.ns &&
        o.vni === a.vni &&
        o.port === a.port &&
        o.local === a.remote &&
        o.remote === a.local,
    );
    if (!b) continue;
    paired.add(a).add(b);
    const [ea, eb] = [vtepEnd(a, view), vtepEnd(b, view)];
    if (typeof ea === 'string' || typeof eb === 'string') {
      for (const [v, e] of [
        [a, ea],
        [b, eb],
      ] as const)
        out.dropped.push({
          at: v.live,
          why: typeof e === 'string' ? e : `${where(v.live)} is left out: its partner could not be imported.`,
        });
      continue;
    }
    const link: Omit<VxlanLink, 'id'> = { kind: 'vxlan', vni: a.vni, port: a.port, a: ea, b: eb };
    out.links.push({ ifaces: [a.live, b.live], link });
  }
  for (const v of vteps) {
    if (paired.has(v)) continue;
    out.dropped.push({
      at: v.live,
      why: `${where(v.live)} (VNI ${v.vni}, local ${v.local}, remote ${v.remote}, port ${v.port}) is left out: no VXLAN device in another imported namespace has local ${v.remote} and remote ${v.local} with the same VNI and port. A netplumb VXLAN link joins two lab nodes; import the namespace of the other end too, or draw it as a lab node.`,
    });
  }
  return out;
}
