/**
 * Bridge port VLANs: the `bridge vlan` lines that give each port of a
 * VLAN-filtering bridge the VLANs the file says (run with `bridge -batch`).
 */
import { ifaceKey } from './resolve';
import { PlanBuilder } from './builder';
import { where } from './argv';
import type { KIface, KNamespace, KPortVlans } from './kstate';
import type { Op } from './op';
import type { Resolved } from './resolve';

type VlanFlags = { pvid: boolean; untagged: boolean };
function vlanMap(v: KPortVlans): Map<number, VlanFlags> {
  const m = new Map<number, VlanFlags>();
  for (const id of v.tagged) m.set(id, { pvid: v.pvid === id, untagged: false });
  for (const id of v.untagged) m.set(id, { pvid: v.pvid === id, untagged: true });
  if (v.pvid !== undefined && !m.has(v.pvid)) m.set(v.pvid, { pvid: true, untagged: false });
  return m;
}
const vlanAdd = (vid: number, dev: string, f: VlanFlags): Op => ({ op: 'vlan-add', dev, vid, ...f });
const vlanDel = (vid: number, dev: string): Op => ({ op: 'vlan-delete', dev, vid });

/**
 * Port VLANs on a VLAN-filtering bridge. A new port (or one whose live VLANs
 * are unknown) starts from the kernel default: the bridge's default PVID, untagged.
 */
export function planVlans(
  b: PlanBuilder,
  desired: Resolved,
  ns: string,
  d: KNamespace,
  i: KIface,
  l: KIface | undefined,
): void {
  if (!i.vlans || !i.master) return;
  const br = d.ifaces[i.master]?.bridge;
  const pvid = br?.defaultPvid ?? 1;
  const baseline: KPortVlans = l?.vlans ?? { pvid, untagged: [pvid], tagged: [] };
  const want = vlanMap(i.vlans);
  const have = vlanMap(baseline);
  const o = desired.origins.get(ifaceKey(ns, i.name));
  const target = {
    kind: 'vlan' as const,
    name: `VLANs of ${where(ns, i.name)}`,
    nodeId: o?.nodeId,
    linkId: o?.linkId,
  };
  for (const [vid, f] of want) {
    const h = have.get(vid);
    if (h && h.pvid === f.pvid && h.untagged === f.untagged) continue;
    b.add('vlan', ns, vlanAdd(vid, i.name, f), {
      action: h ? 'modify' : 'create',
      reason: h
        ? `VLAN ${vid} on ${where(ns, i.name)} should be${f.pvid ? ' the PVID,' : ''} ${f.untagged ? 'untagged' : 'tagged'}`
        : `VLAN ${vid} on ${where(ns, i.name)} is in the file but not on the port`,
      target,
      undoOp: h ? vlanAdd(vid, i.name, h) : vlanDel(vid, i.name),
    });
  }
  for (const [vid, h] of have) {
    if (want.has(vid)) continue;
    b.add('vlan', ns, vlanDel(vid, i.name), {
      action: 'modify',
      reason: `VLAN ${vid} on ${where(ns, i.name)} is not in the file`,
      target,
      undoOp: vlanAdd(vid, i.name, h),
    });
  }
}
