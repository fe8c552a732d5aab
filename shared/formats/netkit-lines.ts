/**
 * The Netkit-era `ifconfig` and `route` lines that Kathará startup files
 * still use, rewritten as the `ip` commands they mean so that one reader
 * (exec-config) understands both.
 */

/** Prefix length of a dotted netmask such as 255.255.255.0 (counts the set bits). */
function maskBits(mask: string): number {
  return mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
}

/** Rewrites `ifconfig DEV ADDR [netmask M] [up]`, `ifconfig DEV up|down` and `route add …` as ip commands; other lines are returned as they are. */
export function modernize(line: string): string {
  const t = line.trim();
  const ifc =
    /^ifconfig\s+(\S+)\s+(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(?:\s+netmask\s+(\d+\.\d+\.\d+\.\d+))?(?:\s+broadcast\s+\S+)?(\s+up)?\s*$/.exec(
      t,
    );
  if (ifc) {
    const prefix = ifc[3] ?? (ifc[4] ? String(maskBits(ifc[4])) : undefined);
    return prefix === undefined ? line : `ip addr add ${ifc[2]}/${prefix} dev ${ifc[1]}`;
  }
  const ifup = /^ifconfig\s+(\S+)\s+(up|down)\s*$/.exec(t);
  if (ifup) return `ip link set ${ifup[1]} ${ifup[2]}`;
  const rt =
    /^route\s+add\s+(?:-net\s+(\S+)\s+netmask\s+(\S+)|-net\s+(\S+\/\d+)|-host\s+(\S+)|(default))\s+gw\s+(\S+)(?:\s+dev\s+(\S+))?\s*$/.exec(
      t,
    );
  if (rt) {
    const to = rt[5] ? 'default' : rt[3] ? rt[3] : rt[4] ? `${rt[4]}/32` : `${rt[1]}/${maskBits(rt[2])}`;
    return `ip route add ${to} via ${rt[6]}${rt[7] ? ` dev ${rt[7]}` : ''}`;
  }
  return line;
}
