/**
 * Importing Geneve links from the host (the `adoptLinks` hook of the geneve
 * descriptor). A Geneve device has no local address, only a remote, so two
 * devices cannot be matched by address the way VTEPs are (the hook sees the
 * tunnel devices only, not which namespace holds an address). They pair by
 * VNI and port instead: exactly two devices with the same VNI and port, in two
 * imported namespaces, make one link, and each end's `local` is the other
 * device's remote (the address it sends to). Any other device is left out
 * with a warning naming it and why; validation then checks each local is an
 * address of its node.
 */
import { GENEVE_PORT, type GeneveEnd, type GeneveLink } from '../model';
import { ROOT_NS } from '../model/kstate';
import type { LinkAdoptView, LinkAdoption, LiveIface } from './types';

interface Dev {
  live: LiveIface;
  node: string;
  vni: number;
  port: number;
  remote: string;
}

const param = (l: LiveIface, key: string) => l.iface.params?.find((p) => p.key === key)?.value ?? '';
const where = (l: LiveIface) => `Geneve device ${l.iface.name} in namespace ${l.ns}`;

/** The device of a live interface, or why it cannot be a Geneve link end. */
function readDev(live: LiveIface, view: LinkAdoptView): Dev | string {
  if (live.ns === ROOT_NS)
    return `Geneve device ${live.iface.name} in the root namespace is left out: a Geneve link joins two lab namespaces, and the host is not one.`;
  const node = view.nodeOf(live.ns);
  if (node === undefined) return `${where(live)} is left out: its namespace is not imported.`;
  const vni = Number(param(live, 'id'));
  const remote = param(live, 'remote');
  if (!remote)
    return `${where(live)} (VNI ${vni}) is left out: it has no remote address (an external/metadata device); a netplumb Geneve link is point to point.`;
  return { live, node, vni, port: Number(param(live, 'dstport') || GENEVE_PORT), remote };
}

/** The link end of a device, whose local is its partner's remote. */
function devEnd(d: Dev, partner: Dev, view: LinkAdoptView): GeneveEnd | string {
  const master = d.live.iface.master;
  const bridge = master !== undefined ? view.bridgeOf(d.live.ns, master) : undefined;
  if (master !== undefined && bridge === undefined)
    return `${where(d.live)} is left out (with its partner): it is enslaved to ${master}, which is not a bridge netplumb can model.`;
  return {
    ...view.end(d.live, d.node, { port: bridge !== undefined }),
    local: partner.remote,
    ...(bridge !== undefined ? { bridge } : {}),
  };
}

/** Pairs the live Geneve devices into Geneve links (see the module comment). */
export function adoptGeneveLinks(ifaces: readonly LiveIface[], view: LinkAdoptView): LinkAdoption<'geneve'> {
  const out: LinkAdoption<'geneve'> = { links: [], dropped: [] };
  const groups = new Map<string, Dev[]>();
  for (const live of ifaces) {
    const d = readDev(live, view);
    if (typeof d === 'string') out.dropped.push({ at: live, why: d });
    else groups.set(`${d.vni}/${d.port}`, [...(groups.get(`${d.vni}/${d.port}`) ?? []), d]);
  }
  for (const group of groups.values()) {
    // In a stable order (namespace, then name), so the same host gives the same file.
    group.sort(
      (x, y) => x.live.ns.localeCompare(y.live.ns) || x.live.iface.name.localeCompare(y.live.iface.name),
    );
    const [a, b] = group;
    if (group.length !== 2 || a.live.ns === b.live.ns || a.remote === b.remote) {
      const why =
        group.length === 1
          ? 'no Geneve device in another imported namespace has the same VNI and port. A netplumb Geneve link joins two lab nodes; import the namespace of the other end too, or draw it as a lab node.'
          : `${group.length === 2 ? 'its partner is in the same namespace or sends to the same address' : `${group.length} devices share this VNI and port`}, and a Geneve device has no local address to tell which two belong together.`;
      for (const d of group)
        out.dropped.push({
          at: d.live,
          why: `${where(d.live)} (VNI ${d.vni}, remote ${d.remote}, port ${d.port}) is left out: ${why}`,
        });
      continue;
    }
    const [ea, eb] = [devEnd(a, b, view), devEnd(b, a, view)];
    if (typeof ea === 'string' || typeof eb === 'string') {
      for (const [d, e] of [
        [a, ea],
        [b, eb],
      ] as const)
        out.dropped.push({
          at: d.live,
          why: typeof e === 'string' ? e : `${where(d.live)} is left out: its partner could not be imported.`,
        });
      continue;
    }
    const link: Omit<GeneveLink, 'id'> = { kind: 'geneve', vni: a.vni, port: a.port, a: ea, b: eb };
    out.links.push({ ifaces: [a.live, b.live], link });
  }
  return out;
}
