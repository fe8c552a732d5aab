/**
 * The bridge commands of a node's lines: the bridge a line makes or changes
 * and its options (`ip link add|set … type bridge`, `brctl addbr|stp`), the
 * ports `brctl addif|delif` adds and removes, and the port VLANs of
 * iproute2's `bridge vlan`. brctl and `bridge` are tools of their own, with
 * grammars of their own, so they are read here and ip-commands keeps to `ip`
 * and sysctl; `ip link … type bridge` is read there (it follows how `ip
 * link` reads its words) and hands its options to `bridgeOptions`.
 */

/** The bridge options of a line (iproute2 ip/iplink_bridge.c). */
export interface BridgeOptions {
  stp?: boolean;
  vlanFiltering?: boolean;
  /** Options netplumb has no field for, each as written (`forward_delay 0`). */
  dropped?: string[];
}

/** The commands about bridges, their ports and the ports' VLANs (a part of `IpCommand`). */
export type BridgeCommand =
  /**
   * `ip link add NAME type bridge [OPTIONS]`, `brctl addbr NAME`: `stp` and
   * `vlanFiltering` when the line sets them, `dropped` the other bridge
   * options as written (netplumb has no field for them).
   */
  | ({ kind: 'bridge'; name: string } & BridgeOptions)
  /** `ip link set NAME type bridge OPTIONS`, `brctl stp NAME on|off`. */
  | ({ kind: 'bridge-set'; name: string } & BridgeOptions)
  /** `brctl addif BRIDGE DEV…`, `brctl delif BRIDGE DEV…` (release). */
  | { kind: 'ports'; bridge: string; devs: string[]; release: boolean }
  /**
   * `bridge vlan add|del vid VID[-END] dev DEV [pvid] [untagged] [self] [master]`
   * (iproute2 bridge/vlan.c vlan_modify): the VLANs `vid`…`end` (one when no
   * `end`) of bridge port DEV, or of the bridge DEV itself with `self`.
   * `refused` says why iproute2 or the kernel would refuse the line (a VLAN id
   * outside 1…4094, a range with `pvid`, an empty range).
   */
  | {
      kind: 'vlan';
      del: boolean;
      dev: string;
      vid: number;
      end?: number;
      pvid: boolean;
      untagged: boolean;
      self: boolean;
      refused?: string;
    };

/** Options of `type bridge` (pairs `KEY VALUE`, `fdb_flush` alone): null when they do not pair up. */
export function bridgeOptions(opts: string[]): BridgeOptions | null {
  const out: BridgeOptions = {};
  const dropped: string[] = [];
  for (let i = 0; i < opts.length;) {
    const k = opts[i];
    if (k === 'fdb_flush') {
      dropped.push(k);
      i++;
      continue;
    }
    const v = opts[i + 1];
    if (v === undefined) return null;
    if (k === 'stp_state' && /^\d+$/.test(v)) out.stp = Number(v) !== 0;
    else if (k === 'vlan_filtering' && (v === '0' || v === '1')) out.vlanFiltering = v === '1';
    else dropped.push(`${k} ${v}`);
    i += 2;
  }
  if (dropped.length) out.dropped = dropped;
  return out;
}

/** brctl(8) of bridge-utils: addbr, addif, delif and stp; null for the rest (timers, priorities, show). */
export function brctlWords(w: string[]): BridgeCommand | null {
  const [cmd, bridge, ...rest] = w.slice(1);
  if (bridge === undefined || bridge.startsWith('-')) return null;
  if (cmd === 'addbr' && rest.length === 0) return { kind: 'bridge', name: bridge };
  if ((cmd === 'addif' || cmd === 'delif') && rest.length > 0 && rest.every((d) => !d.startsWith('-')))
    return { kind: 'ports', bridge, devs: rest, release: cmd === 'delif' };
  if (cmd === 'stp' && rest.length === 1) {
    const on = /^(on|yes|1)$/.test(rest[0]);
    return on || /^(off|no|0)$/.test(rest[0]) ? { kind: 'bridge-set', name: bridge, stp: on } : null;
  }
  return null;
}

/** `matches(word, full)` of iproute2: `word` is a non-empty prefix of `full` (`a` for `add`, `d` for `delete`). */
const abbreviates = (word: string | undefined, full: string): boolean =>
  word !== undefined && word !== '' && full.startsWith(word);

/**
 * `bridge vlan add|del …` (the words after `bridge`), as iproute2's
 * vlan_modify reads them; null for other `bridge` commands, for options it
 * would not take (`tunnel_info`) and for words netplumb does not know.
 */
export function bridgeVlanWords(w: string[]): BridgeCommand | null {
  // `vlan` may be abbreviated (`v` comes before `vni` in bridge's table of objects).
  if (!abbreviates(w[0], 'vlan')) return null;
  const del = abbreviates(w[1], 'delete');
  if (!del && !abbreviates(w[1], 'add')) return null;
  let dev: string | undefined;
  let vids: string | undefined;
  const flags = { pvid: false, untagged: false, self: false };
  for (let i = 2; i < w.length; i++) {
    const t = w[i];
    if (t === 'dev' && dev === undefined && w[i + 1] !== undefined) dev = w[++i];
    else if (t === 'vid' && vids === undefined && w[i + 1] !== undefined) vids = w[++i];
    else if (t === 'pvid' || t === 'untagged' || t === 'self') flags[t] = true;
    else if (t !== 'master') return null;
  }
  const m = vids === undefined ? null : /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(vids);
  if (dev === undefined || !m) return null;
  const vid = Number(m[1]);
  const end = m[2] !== undefined ? Number(m[2]) : undefined;
  // iproute2 refuses an id from 4096, an empty or reversed range, and a PVID for a range;
  // the kernel refuses VLAN 0 and 4095 (br_vlan_valid_id).
  const refused =
    end !== undefined && flags.pvid
      ? 'iproute2 refuses a PVID for a range of VLANs'
      : end !== undefined && vid >= end
        ? `iproute2 refuses the range ${vids}: its end must be above its start`
        : vid < 1 || vid > 4094 || (end !== undefined && end > 4094)
          ? 'the kernel takes VLAN ids 1 to 4094 only'
          : undefined;
  return {
    kind: 'vlan',
    del,
    dev,
    vid,
    ...(end !== undefined ? { end } : {}),
    ...flags,
    ...(refused ? { refused } : {}),
  };
}
