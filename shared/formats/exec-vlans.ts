/**
 * The VLANs of the ports of a bridge a node's lines make, followed as the
 * kernel keeps them through the `bridge vlan add|del` lines. Kept apart from
 * exec-config, which reads every kind of line, because this is the one part
 * with state of its own (each port's VLANs from when it joins a bridge), and
 * the kernel's rules for it (net/bridge/br_vlan.c) are a subject of their own.
 */
import type { PortVlans } from '../model';
import type { IpCommand } from './ip-commands';

/**
 * The VLANs of a bridge port as the kernel holds them (net/bridge/br_vlan.c):
 * each VLAN with its untagged flag, the PVID (at most one), and the first
 * `bridge vlan` line that changed them.
 */
export interface VlanState {
  vids: Map<number, boolean>;
  pvid?: number;
  first?: { index: number; text: string };
}

/** A new port's VLANs: the bridge's default PVID (1 unless vlan_default_pvid changed it), untagged (nbp_vlan_init). */
export const joinedVlans = (): VlanState => ({ vids: new Map([[1, true]]), pvid: 1 });

/** True when a port holds just the kernel's default (PVID 1, untagged): what netplumb assumes for a port without `vlans`. */
export const isDefaultVlans = (v: VlanState): boolean =>
  v.pvid === 1 && v.vids.size === 1 && v.vids.get(1) === true;

/** The model's form of a port's VLANs (lists sorted). */
export function portVlans(v: VlanState): PortVlans {
  const sorted = (untagged: boolean) =>
    [...v.vids]
      .filter(([, u]) => u === untagged)
      .map(([id]) => id)
      .sort((a, b) => a - b);
  return { ...(v.pvid !== undefined ? { pvid: v.pvid } : {}), untagged: sorted(true), tagged: sorted(false) };
}

/**
 * `bridge vlan add|del` on a port of a bridge these lines make, as the
 * kernel does it (br_vlan.c): `add` makes each VLAN of the range a member,
 * untagged only with `untagged`, and the PVID with `pvid` (an `add` without
 * `pvid` of the PVID clears the PVID); `del` removes each VLAN the port has
 * and silently skips the others (br_vlan_info ignores nbp_vlan_delete's
 * ENOENT), so it never refuses. Returns why
 * the line is not carried, or undefined.
 *
 * `bridges` and `masters`: the bridges the lines made and their ports so
 * far (NodeConfig's); `vlanOf`: the VLANs of each port, changed in place.
 */
export function vlanRefused(
  c: Extract<IpCommand, { kind: 'vlan' }>,
  text: string,
  index: number,
  bridges: ReadonlyMap<string, { dropped?: readonly string[] }>,
  masters: ReadonlyMap<string, { bridge: string }>,
  vlanOf: Map<string, VlanState>,
): string | undefined {
  if (c.refused) return c.refused;
  const port = masters.get(c.dev);
  if (c.self)
    return bridges.has(c.dev)
      ? `the VLANs of the bridge ${c.dev} itself (\`self\`) have no netplumb form; netplumb sets VLANs on bridge ports`
      : `\`self\` names a bridge's own VLANs, and ${c.dev} is not a bridge these lines make`;
  if (!port)
    return bridges.has(c.dev)
      ? `${c.dev} is a bridge: its own VLANs are set with \`self\`, and netplumb sets VLANs on bridge ports only`
      : `${c.dev} is not a port of a bridge these lines make`;
  const pvidOption = bridges.get(port.bridge)?.dropped?.find((d) => d.startsWith('vlan_default_pvid '));
  if (pvidOption)
    return `bridge ${port.bridge} has ${pvidOption}, which netplumb does not carry, so the VLANs its ports start with are not known`;
  const v = vlanOf.get(c.dev) ?? joinedVlans();
  vlanOf.set(c.dev, v);
  for (let vid = c.vid; vid <= (c.end ?? c.vid); vid++) {
    if (c.del) {
      // The kernel ignores nbp_vlan_delete's ENOENT (br_netlink.c br_vlan_info, RTM_DELLINK):
      // a VLAN the port lacks is skipped, and the rest of the range is still deleted.
      if (!v.vids.has(vid)) continue;
      v.vids.delete(vid);
      if (v.pvid === vid) v.pvid = undefined;
    } else {
      v.vids.set(vid, c.untagged);
      if (c.pvid) v.pvid = vid;
      else if (v.pvid === vid) v.pvid = undefined;
    }
    v.first ??= { index, text };
  }
  return undefined;
}
