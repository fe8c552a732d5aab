/**
 * Veth peers of a live read: which namespace and interface each veth's other
 * end is, from iproute2's `link_index` / `link_netnsid` and the nsid tables
 * (see resolvePeers), and which namespaces need their nsid table at all
 * (needsIds).
 */
import { ROOT_NS, type KIface, type KState } from '../../shared/plan/kstate';
import { mapLimit } from '../../shared/util/map-limit';
import type { BridgeVlanPort, IpLink, IpNeigh, IpRoute, IpRule, TcQdisc } from './ip-json';

/** A raw read of one namespace, before peers are resolved. */
export interface RawNs {
  name: string;
  links: IpLink[];
  routes: IpRoute[];
  rules: IpRule[];
  neighs: IpNeigh[];
  /** Peer namespace ids seen from this namespace → name (undefined: no name, e.g. the root). */
  nsids: Map<number, string | undefined>;
  vlans: BridgeVlanPort[];
  qdiscs: TcQdisc[];
  sysctls: Record<string, string>;
}

/**
 * True when a namespace's nsid table is needed: it has a veth in another
 * namespace that the root's own table does not prove to be the root's
 * (a root veth whose peer, by the root's nsid table, is this namespace at
 * this ifindex, pointing back). resolvePeers makes the same proof.
 */
export function needsIds(raw: RawNs, root: RawNs | undefined): boolean {
  if (raw.name === ROOT_NS) return false;
  const rootByIndex = root ? byIndexOf(root.links) : undefined;
  return raw.links.some((l) => {
    if (l.linkinfo?.info_kind !== 'veth' || l.link_netnsid === undefined || l.link_index === undefined)
      return false;
    const cand = rootByIndex?.get(l.link_index);
    const back = cand?.link_netnsid === undefined ? undefined : root!.nsids.get(cand.link_netnsid);
    return !(cand && cand.link_index === l.ifindex && back === raw.name);
  });
}

/** The root's links by ifindex, made once per link list (needsIds runs once per namespace). */
const byIndexCache = new WeakMap<readonly IpLink[], Map<number, IpLink>>();
function byIndexOf(links: readonly IpLink[]): Map<number, IpLink> {
  let m = byIndexCache.get(links);
  if (!m) byIndexCache.set(links, (m = new Map(links.map((l) => [l.ifindex, l]))));
  return m;
}

/** A link table of a namespace that was not part of the read (for veth peers). */
export interface LinkTable {
  byIndex: Map<number, IpLink>;
  nsids: Map<number, string | undefined>;
}

export function tableOf(raw: { links: IpLink[]; nsids: Map<number, string | undefined> }): LinkTable {
  return { byIndex: byIndexOf(raw.links), nsids: raw.nsids };
}

/**
 * Resolves veth peers. iproute2 names a peer in the same namespace in
 * `link`; for a peer in another namespace it gives `link_index` (the peer's
 * ifindex there) and `link_netnsid`, an id local to the reporting namespace
 * that `ip netns list-id` maps to a /run/netns name. An id without a name is
 * taken as the root namespace only when the root has a veth at that ifindex
 * whose own peer points back here; otherwise (e.g. a container's unnamed
 * namespace) the peer stays unknown. Namespaces outside the read whose
 * tables are needed are looked up once each through `lookup`, at most
 * `concurrency` at a time, before any peer is named.
 */
export async function resolvePeers(
  raws: Map<string, RawNs>,
  out: KState,
  peerNames: boolean,
  lookup: (ns: string) => Promise<LinkTable | undefined>,
  concurrency = 8,
): Promise<void> {
  /** A veth whose peer is in another namespace, known by `nsid` there and `peerIndex`. */
  const pending: { raw: RawNs; link: IpLink; iface: KIface; peerIndex: number; peerNs?: string }[] = [];
  const needed = new Set<string>();
  for (const raw of raws.values()) {
    for (const link of raw.links) {
      if (link.linkinfo?.info_kind !== 'veth') continue;
      const iface = out.namespaces[raw.name].ifaces[link.ifname];
      if (link.link_netnsid === undefined) {
        // Peer in the same namespace: iproute2 prints its name as "link".
        if (typeof link.link === 'string' && out.namespaces[raw.name].ifaces[link.link])
          iface.peer = { ns: raw.name, name: link.link };
        continue;
      }
      if (link.link_index === undefined) continue;
      const peerNs = raw.nsids.get(link.link_netnsid);
      if (peerNs !== undefined) {
        if (!raws.has(peerNs)) {
          if (!peerNames) {
            iface.peer = { ns: peerNs };
            continue;
          }
          needed.add(peerNs);
        }
      } else {
        if (raw.name === ROOT_NS) continue; // an unnamed namespace seen from the root: not ours to name
        if (!raws.has(ROOT_NS)) needed.add(ROOT_NS);
      }
      pending.push({ raw, link, iface, peerIndex: link.link_index, peerNs });
    }
  }
  const names = [...needed];
  const looked = await mapLimit(names, concurrency, lookup);
  const tables = new Map<string, LinkTable | undefined>(names.map((n, i) => [n, looked[i]]));
  for (const [name, raw] of raws) tables.set(name, tableOf(raw));

  for (const { raw, link, iface, peerIndex, peerNs } of pending) {
    if (peerNs !== undefined) {
      const peer = tables.get(peerNs)?.byIndex.get(peerIndex);
      if (peer) iface.peer = { ns: peerNs, name: peer.ifname };
      continue;
    }
    const root = tables.get(ROOT_NS);
    const cand = root?.byIndex.get(peerIndex);
    const back = cand?.link_netnsid === undefined ? undefined : root!.nsids.get(cand.link_netnsid);
    if (cand && cand.link_index === link.ifindex && back === raw.name) {
      iface.peer = { ns: ROOT_NS, name: cand.ifname };
    }
  }
}
