/**
 * Sysctls, bridge port VLANs and netem: the parts of a plan run by other tools
 * (sysctl inside the namespace, `bridge -batch`, `tc -batch`).
 */
import { PlanBuilder } from './builder';
import { where } from './argv';
import type { KIface, KNamespace, KNetem, KPortVlans } from './kstate';
import type { Op } from './op';
import { netemArgs, netemSpec } from './render-argv';
import type { Resolved } from './resolve';

/** One sysctl command per namespace with only the keys that differ. */
export function planSysctls(
  b: PlanBuilder,
  desired: Resolved,
  ns: string,
  d: KNamespace,
  l: KNamespace | undefined,
): void {
  const diff: Record<string, string> = {};
  const undo: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.sysctls)) {
    const cur = l?.sysctls[k];
    if (cur === v) continue;
    diff[k] = v;
    if (cur !== undefined) undo[k] = cur;
  }
  const keys = Object.keys(diff);
  if (!keys.length) return;
  const write = (values: Record<string, string>): Op => ({
    op: 'sysctl-write',
    values: Object.entries(values).map(([key, value]) => ({ key, value })),
  });
  b.add('sysctl', ns, write(diff), {
    action: 'modify',
    reason: l
      ? `sysctl ${keys.map((k) => `${k} is ${l.sysctls[k] ?? 'unknown'}, the file says ${diff[k]}`).join('; ')}`
      : `sysctl ${keys.map((k) => `${k}=${diff[k]}`).join(', ')} in the new ${where(ns)}`,
    target: { kind: 'sysctl', name: `${keys.join(', ')} in ${where(ns)}`, nodeId: desired.nsNodes.get(ns) },
    // A new namespace needs no undo: deleting it undoes its sysctls.
    ...(Object.keys(undo).length ? { undoOp: write(undo) } : {}),
  });
}

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
  const o = desired.origins.get(`${ns}/${i.name}`);
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

const near = (x?: number, y?: number) => (x ?? 0) === (y ?? 0) || Math.abs((x ?? 0) - (y ?? 0)) < 0.001;
export function netemEqual(a?: KNetem, b?: KNetem): boolean {
  if (!a || !b) return !a === !b;
  return (
    near(a.delayMs, b.delayMs) &&
    near(a.jitterMs, b.jitterMs) &&
    near(a.lossPercent, b.lossPercent) &&
    near(a.rateKbit, b.rateKbit)
  );
}

/** netem on an interface's egress: replace when it differs, delete when the file drops it. */
export function planNetem(
  b: PlanBuilder,
  desired: Resolved,
  ns: string,
  i: KIface,
  l: KIface | undefined,
): void {
  if (netemEqual(i.netem, l?.netem)) return;
  const o = desired.origins.get(`${ns}/${i.name}`);
  const target = {
    kind: 'netem' as const,
    name: `netem on ${where(ns, i.name)}`,
    nodeId: o?.nodeId,
    linkId: o?.linkId,
  };
  const replace = (n: KNetem, from?: KNetem): Op => ({
    op: 'qdisc-replace',
    dev: i.name,
    netem: netemSpec(n, from),
  });
  const remove: Op = { op: 'qdisc-delete', dev: i.name };
  if (i.netem) {
    b.add('tc', ns, replace(i.netem, l?.netem), {
      action: l?.netem ? 'modify' : 'create',
      reason: `link emulation on ${where(ns, i.name)}: ${netemArgs(i.netem).slice(1).join(' ')}`,
      target,
      undoOp: l?.netem ? replace(l.netem, i.netem) : remove,
    });
  } else if (l?.netem) {
    b.add('tc', ns, remove, {
      action: 'modify',
      reason: `link emulation on ${where(ns, i.name)} is not in the file`,
      target,
      undoOp: replace(l.netem),
    });
  }
}
