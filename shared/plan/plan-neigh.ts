/**
 * Neighbour entries an apply would otherwise leave wrong. When a plan puts an
 * address the lab had before (in its last applied record) on an interface it
 * creates, or on another interface than before, the address gets a new MAC
 * address. The lab's other namespaces may still map it to the old one (ARP,
 * NDP) and send to a MAC nobody has until their entry times out, ~30 s or
 * more: after a repair that re-created a namespace or a veth pair, status
 * said "in sync" and a ping failed. So each of them forgets its entries for
 * that address, as the plan's last step; static (permanent) entries stay.
 *
 * Only for addresses the record had: a new address has no entry anywhere,
 * and adding a host to a 200-host lab must not touch the other 200.
 */
import { PlanBuilder } from './builder';
import { where } from './argv';
import { ROOT_NS, type KState } from './kstate';
import { ifaceKey, type Resolved } from './resolve';

/** Where the last apply put each address: bare IP -> `${ns}/${ifname}` (resolve.ts ifaceKey). */
export type PreviousAddresses = ReadonlyMap<string, string>;

/** Where each address of an applied lab lives, by bare IP (see PreviousAddresses). */
export function addressPlaces(state: KState): Map<string, string> {
  const places = new Map<string, string>();
  for (const [ns, n] of Object.entries(state.namespaces))
    for (const iface of Object.values(n.ifaces))
      for (const cidr of iface.addresses) places.set(bareIp(cidr), ifaceKey(ns, iface.name));
  return places;
}

const bareIp = (cidr: string) => cidr.split('/')[0];

/**
 * Adds the flushes to `b` (after every other change is in it): for each address
 * the plan adds that `previous()` places elsewhere, or places on an interface
 * the plan creates without a fixed MAC, one `ip neigh flush to ADDR` in every
 * other namespace of the lab that exists and stays (the root only when the
 * lab has addresses there). `previous` is asked only when the plan adds an
 * address.
 */
export function planNeighbourFlush(
  b: PlanBuilder,
  desired: Resolved,
  live: KState,
  newNs: ReadonlySet<string>,
  previous: () => PreviousAddresses | undefined,
): void {
  const built = b.added();
  const created = new Set<string>();
  for (const c of built)
    for (const o of c.creates ?? []) if (o.kind !== 'namespace') created.add(ifaceKey(o.ns, o.name));
  const added = built.flatMap((c) =>
    c.op.op === 'address-add' ? [{ ns: c.ns, dev: c.op.dev, ip: bareIp(c.op.cidr) }] : [],
  );
  if (!added.length) return;
  const before = previous();
  if (!before) return;
  const stale = added.flatMap(({ ns, dev, ip }) => {
    const key = ifaceKey(ns, dev);
    const was = before.get(ip);
    if (was === undefined) return [];
    if (was !== key) return [{ ns, dev, ip, moved: true }];
    // The same interface: its MAC is the same unless the plan creates it anew (with no MAC of the file's).
    return created.has(key) && !desired.state.namespaces[ns]?.ifaces[dev]?.mac
      ? [{ ns, dev, ip, moved: false }]
      : [];
  });
  if (!stale.length) return;
  const rootHasAddresses = Object.values(desired.state.namespaces[ROOT_NS]?.ifaces ?? {}).some(
    (i) => i.addresses.length > 0,
  );
  const keepers = Object.keys(desired.state.namespaces).filter(
    (ns) => live.namespaces[ns] && !newNs.has(ns) && (ns !== ROOT_NS || rootHasAddresses),
  );
  for (const { ns: holder, dev, ip, moved } of stale)
    for (const ns of keepers) {
      if (ns === holder) continue;
      b.add(
        'neigh',
        ns,
        { op: 'neigh-flush', addr: ip },
        {
          action: 'modify',
          reason: `${moved ? `${ip} moves to ${where(holder, dev)}` : `${where(holder, dev)} is made anew`}, with another MAC address: ${where(ns)} forgets its neighbour entry for ${ip}, which names the old one`,
          target: { kind: 'address', name: `neighbour entries for ${ip} in ${where(ns)}` },
        },
      );
    }
}
