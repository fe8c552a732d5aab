/**
 * Veth peers of a live read: which namespace and interface each veth's other
 * end is, from iproute2's `link_index` / `link_netnsid` and the nsid tables
 * (see resolvePeers), and which namespaces need their nsid table at all
 * (needsIds).
 */
import { ROOT_NS, type KState } from '../../shared/plan/kstate';
import type { BridgeVlanPort, IpLink, IpRoute, TcQdisc } from './ip-json';

/** A raw read of one namespace, before peers are resolved. */
export interface RawNs {
  name: string;
  links: IpLink[];
  routes: IpRoute[];
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
  const rootByIndex = root ? new Map(root.links.map((l) => [l.ifindex, l])) : undefined;
  return raw.links.some((l) => {
    if (l.linkinfo?.info_kind !== 'veth' || l.link_netnsid === undefined || l.link_index === undefined)
      return false;
    const cand = rootByIndex?.get(l.link_index);
    const back = cand?.link_netnsid === undefined ? undefined : root!.nsids.get(cand.link_netnsid);
    return !(cand && cand.link_index === l.ifindex && back === raw.name);
  });
}

/** Wraps async jobs so that at most `limit` run at once. */
export function semaphore(limit: number): <T>(job: () => Promise<T>) => Promise<T> {
  const max = Math.max(1, limit);
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    // A finishing job hands its slot straight to the next waiter, so `active` never exceeds max.
    if (active >= max) await new Promise<void>((go) => waiting.push(go));
    else active++;
    try {
      return await job();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** A link table of a namespace that was not part of the read (for veth peers). */
export interface LinkTable {
  byIndex: Map<number, IpLink>;
  nsids: Map<number, string | undefined>;
}

export function tableOf(raw: { links: IpLink[]; nsids: Map<number, string | undefined> }): LinkTable {
  return { byIndex: new Map(raw.links.map((l) => [l.ifindex, l])), nsids: raw.nsids };
}

/**
 * Resolves veth peers. iproute2 names a peer in the same namespace in
 * `link`; for a peer in another namespace it gives `link_index` (the peer's
 * ifindex there) and `link_netnsid`, an id local to the reporting namespace
 * that `ip netns list-id` maps to a /run/netns name. An id without a name is
 * taken as the root namespace only when the root has a veth at that ifindex
 * whose own peer points back here; otherwise (e.g. a container's unnamed
 * namespace) the peer stays unknown. Namespaces outside the read are looked
 * up once each through `lookup` (called at most once per namespace).
 */
export async function resolvePeers(
  raws: Map<string, RawNs>,
  out: KState,
  peerNames: boolean,
  lookup: (ns: string) => Promise<LinkTable | undefined>,
): Promise<void> {
  const extra = new Map<string, Promise<LinkTable | undefined>>();
  const table = (ns: string): Promise<LinkTable | undefined> => {
    const have = raws.get(ns);
    if (have) return Promise.resolve(tableOf(have));
    let p = extra.get(ns);
    if (!p) {
      p = lookup(ns);
      extra.set(ns, p);
    }
    return p;
  };

  const jobs: Promise<void>[] = [];
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
      const peerIndex = link.link_index;
      const nsid = link.link_netnsid;
      jobs.push(
        (async () => {
          const peerNs = raw.nsids.get(nsid);
          if (peerNs !== undefined) {
            if (!peerNames && !raws.has(peerNs)) {
              iface.peer = { ns: peerNs };
              return;
            }
            const t = await table(peerNs);
            const peer = t?.byIndex.get(peerIndex);
            if (peer) iface.peer = { ns: peerNs, name: peer.ifname };
            return;
          }
          if (raw.name === ROOT_NS) return; // an unnamed namespace seen from the root: not ours to name
          const root = await table(ROOT_NS);
          const cand = root?.byIndex.get(peerIndex);
          const back = cand?.link_netnsid === undefined ? undefined : root!.nsids.get(cand.link_netnsid);
          if (cand && cand.link_index === link.ifindex && back === raw.name) {
            iface.peer = { ns: ROOT_NS, name: cand.ifname };
          }
        })(),
      );
    }
  }
  await Promise.all(jobs);
}
