/**
 * VLAN rules for bridge ports.
 *
 * PVID choice: the kernel's `bridge vlan add vid X pvid untagged` makes the
 * port a member of X. netplumb treats `pvid` as implying membership: a pvid
 * that is in neither list is applied as an untagged member (`pvid untagged`);
 * a pvid listed in `tagged` is applied as `vid X pvid` (tagged egress). So a
 * pvid never needs to be repeated in the lists, and never is an error.
 */
import { nodeLabel, type Ctx } from './context';

/** Rule: vlans only on VLAN-filtering bridge ports; tagged/untagged consistency; defaultPvid. */
export function checkVlans(ctx: Ctx): void {
  for (const e of ctx.ends) {
    const v = e.end.vlans;
    if (!v || !e.node) continue;
    const base = { nodeId: e.node.id, linkId: e.link.id };
    const at = (...rest: (string | number)[]) => ['links', e.li, e.key, 'vlans', ...rest];
    if (e.node.kind !== 'bridge' || !e.node.vlanFiltering) {
      const why =
        e.node.kind === 'bridge'
          ? `bridge ${e.node.id} does not have VLAN filtering on (set vlanFiltering: true)`
          : `${e.node.id} is a ${e.node.kind}, not a bridge`;
      ctx.add({
        ...base,
        code: 'vlan-not-filtering',
        severity: 'error',
        message: `Link ${ctx.linkName(e.link)}: interface "${e.end.ifname}" has VLAN settings, but ${why}.`,
        path: at(),
      });
      continue;
    }
    const tagged = v.tagged ?? [];
    const untagged = v.untagged ?? [];
    for (const [list, name] of [
      [tagged, 'tagged'],
      [untagged, 'untagged'],
    ] as const) {
      const seen = new Set<number>();
      list.forEach((id, k) => {
        if (seen.has(id))
          ctx.add({
            ...base,
            code: 'vlan-listed-twice',
            severity: 'warning',
            message: `Link ${ctx.linkName(e.link)}: port "${e.end.ifname}" lists VLAN ${id} twice in ${name}.`,
            path: at(name, k),
          });
        seen.add(id);
      });
    }
    untagged.forEach((id, k) => {
      if (tagged.includes(id)) {
        ctx.add({
          ...base,
          code: 'vlan-tagged-and-untagged',
          severity: 'error',
          message: `Link ${ctx.linkName(e.link)}: port "${e.end.ifname}" on bridge ${e.node!.id} has VLAN ${id} both tagged and untagged; a VLAN leaves a port either tagged or untagged.`,
          path: at('untagged', k),
        });
      }
    });
    const distinctUntagged = new Set(untagged);
    if (v.pvid !== undefined && !tagged.includes(v.pvid)) distinctUntagged.add(v.pvid);
    if (distinctUntagged.size > 1) {
      ctx.add({
        ...base,
        code: 'vlan-multiple-untagged',
        severity: 'warning',
        message: `Link ${ctx.linkName(e.link)}: port "${e.end.ifname}" sends VLANs ${[...distinctUntagged].sort((a, b) => a - b).join(', ')} untagged (the pvid counts as untagged); the device on it cannot tell them apart.`,
        path: at('untagged'),
      });
    }
  }
  ctx.topo.nodes.forEach((n, i) => {
    if (n.kind === 'bridge' && !n.vlanFiltering && n.defaultPvid !== undefined) {
      ctx.add({
        code: 'vlan-default-pvid-ignored',
        severity: 'warning',
        message: `${nodeLabel(n)}: defaultPvid ${n.defaultPvid} has no effect without vlanFiltering.`,
        path: ['nodes', i, 'defaultPvid'],
        nodeId: n.id,
      });
    }
  });
}
