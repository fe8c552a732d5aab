/**
 * The links of kinds that import themselves (kstateToTopology, from-kstate.ts):
 * every link kind with an `adoptLinks` hook (shared/kinds) gets the live
 * interfaces of its kernel kinds in the root and the imported namespaces and
 * says which make links and which are left out, and why. This module only
 * makes ids, records what each namespace keeps (for its routes) and turns
 * the left-out interfaces into warnings: nothing kind-specific lives here.
 */
import type { BridgeNode, Link, NetnsNode } from '../model';
import { linkKinds, type LinkAdoptView, type LinkKindDescriptor, type LiveIface } from '../kinds';
import { ROOT_NS } from '../plan/kstate';
import { endFields, type Kept } from './from-kstate-links';
import { type IdMaker, type ImportCtx, key, warn } from './from-kstate-parts';

/** Links of the self-importing kinds; what their ends keep is added to `kept`. */
export function kindLinks(
  c: ImportCtx,
  nsNode: ReadonlyMap<string, NetnsNode>,
  bridges: ReadonlyMap<string, BridgeNode>,
  linkIds: IdMaker,
  kept: Kept,
): Link[] {
  const view: LinkAdoptView = {
    nodeOf: (ns) => nsNode.get(ns)?.id,
    bridgeOf: (ns, name) => bridges.get(key(ns, name))?.id,
    end: (live, nodeId, o) => {
      const e = endFields(live.iface, nodeId, undefined);
      return o?.port ? { ...e, addresses: [] } : e;
    },
  };
  const links: Link[] = [];
  for (const d of Object.values(linkKinds) as LinkKindDescriptor[]) {
    if (!d.adoptLinks) continue;
    // With a namespace list the root namespace is not the import's to report on.
    const ifaces: LiveIface[] = [...(c.opts.namespaces ? [] : [ROOT_NS]), ...c.scope].flatMap((ns) =>
      Object.values(c.state.namespaces[ns]?.ifaces ?? {})
        .filter((iface) => d.kernelKinds.includes(iface.kind))
        .map((iface) => ({ ns, iface })),
    );
    if (!ifaces.length) continue;
    const r = d.adoptLinks(ifaces, view);
    for (const { link, ifaces: pair } of r.links) {
      const full = { ...link, id: linkIds.make(`${d.kind}-${link.a.node}-${link.b.node}`) } as Link;
      links.push(full);
      pair.forEach((live, i) => {
        const end = i === 0 ? full.a : full.b;
        kept.ifaces.get(live.ns)?.add(end.ifname);
        kept.addresses.get(live.ns)?.push(...end.addresses);
      });
    }
    for (const { at, why } of r.dropped)
      c.problems.push(warn('import-host-dropped', why, { nodeId: nsNode.get(at.ns)?.id }));
  }
  return links;
}
