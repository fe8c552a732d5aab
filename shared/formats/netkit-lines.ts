/**
 * The Netkit-era `ifconfig` and `route` lines that Kathará startup files
 * still use, rewritten as the `ip` commands they mean so that one reader
 * (exec-config) understands all; and the dotted netmasks these lines (and
 * ifupdown's files, read by ifupdown.ts) are written with.
 */

/** Prefix length of a dotted netmask such as 255.255.255.0 (counts the set bits). */
function maskBits(mask: string): number {
  return mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
}

/** True for a netmask whose set bits are contiguous from the left (255.255.254.0, not 255.0.255.0). */
function contiguous(mask: string): boolean {
  const bits = mask
    .split('.')
    .map((o) => (Number(o) >>> 0).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) && mask.split('.').every((o) => Number(o) <= 255);
}

/** route(8) words that are settings, never the bare interface name at the end of the line. */
const ROUTE_FLAGS = new Set([
  'reject',
  'mod',
  'dyn',
  'reinstate',
  'netmask',
  'gw',
  'metric',
  'mss',
  'window',
  'irtt',
  'dev',
]);

/** An IPv4 address in dotted form. */
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * net-tools route(8): `route add [-net|-host] TARGET [netmask NM] [gw GW]
 * [metric N] [[dev] IF]`, options in any order after the target and `dev`
 * optional before the last word. A host route is TARGET/32; a network route
 * takes its prefix from `netmask` or from TARGET/LEN; `default` is 0/0.
 * Returns the `ip route add` line it means, or null for any other form
 * (a classful network without a netmask, mss/window/irtt/reject, names).
 */
function routeLine(words: string[]): string | null {
  let i = 2;
  let kind: 'net' | 'host' | undefined;
  if (words[i] === '-net' || words[i] === '-host') kind = words[i++] === '-net' ? 'net' : 'host';
  const target = words[i++];
  if (target === undefined) return null;
  let netmask: string | undefined;
  let gw: string | undefined;
  let metric: string | undefined;
  let dev: string | undefined;
  while (i < words.length) {
    const w = words[i++];
    const arg = words[i];
    if (w === 'netmask' && arg !== undefined && netmask === undefined) netmask = words[i++];
    else if ((w === 'gw' || w === 'gateway') && arg !== undefined && gw === undefined) gw = words[i++];
    else if (w === 'metric' && /^\d+$/.test(arg ?? '') && metric === undefined) metric = words[i++];
    else if (w === 'dev' && arg !== undefined && dev === undefined) dev = words[i++];
    // "If dev If is the last option on the command line, the word dev may be omitted".
    else if (i === words.length && dev === undefined && !w.startsWith('-') && !ROUTE_FLAGS.has(w)) dev = w;
    else return null;
  }
  if (gw !== undefined && !IPV4.test(gw)) return null;
  let to: string;
  if (target === 'default' && kind !== 'host' && netmask === undefined) to = 'default';
  else if (kind === 'host') {
    // route(8) refuses a host route with any netmask but the full one.
    if (!IPV4.test(target) || (netmask !== undefined && netmask !== '255.255.255.255')) return null;
    to = `${target}/32`;
  } else {
    const slash = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(target);
    if (slash && netmask === undefined && kind === 'net') to = target;
    else if (
      IPV4.test(target) &&
      netmask !== undefined &&
      IPV4.test(netmask) &&
      contiguous(netmask) &&
      kind !== undefined
    )
      to = `${target}/${maskBits(netmask)}`;
    else return null;
  }
  if (gw === undefined && dev === undefined) return null;
  return [
    'ip route add',
    to,
    ...(gw ? ['via', gw] : []),
    ...(dev ? ['dev', dev] : []),
    ...(metric ? ['metric', metric] : []),
  ].join(' ');
}

/**
 * Rewrites `ifconfig DEV ADDR [netmask M] [up]`, `ifconfig DEV up|down` and
 * `route add …` as ip commands; other lines are returned as they are. An
 * alias label `ifconfig eth1:1 ADDR …` (net-tools' old way to give eth1 one
 * more address) becomes `ip addr add ADDR dev eth1 label eth1:1`: the address
 * belongs to eth1, which `ip addr` shows as a secondary address labelled eth1:1.
 */
export function modernize(line: string): string {
  const t = line.trim();
  const ifc =
    /^ifconfig\s+(\S+)\s+(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(?:\s+netmask\s+(\d+\.\d+\.\d+\.\d+))?(?:\s+broadcast\s+\S+)?(\s+up)?\s*$/.exec(
      t,
    );
  if (ifc) {
    const prefix = ifc[3] ?? (ifc[4] ? String(maskBits(ifc[4])) : undefined);
    if (prefix === undefined) return line;
    const alias = /^([^:]+):[^:]+$/.exec(ifc[1]);
    return alias
      ? `ip addr add ${ifc[2]}/${prefix} dev ${alias[1]} label ${ifc[1]}`
      : `ip addr add ${ifc[2]}/${prefix} dev ${ifc[1]}`;
  }
  const ifup = /^ifconfig\s+(\S+)\s+(up|down)\s*$/.exec(t);
  // On an alias label the kernel's SIOCSIFFLAGS only acts on "down" (it deletes the alias address, which
  // is left to the unsupported-line warning); "up" changes nothing, so it is no line at all.
  if (ifup && ifup[1].includes(':')) return ifup[2] === 'up' ? '' : line;
  if (ifup) return `ip link set ${ifup[1]} ${ifup[2]}`;
  const words = t.split(/\s+/);
  if (words[0] === 'route' && words[1] === 'add') return routeLine(words) ?? line;
  return line;
}

/**
 * `modernize`, as the lines it stands for: `ifconfig IF ADDR …` also brings
 * IF up (net-tools and busybox ifconfig set IFF_UP with the address; not on
 * an alias label), and `ifconfig IF 0.0.0.0 [up]`, the Netkit way to bring a
 * bridge port up without an address, is that up alone.
 */
export function modernizeLines(line: string): string[] {
  const t = line.trim();
  const zero = /^ifconfig\s+([^\s:]+)\s+0\.0\.0\.0(?:\s+up)?\s*$/.exec(t);
  if (zero) return [`ip link set ${zero[1]} up`];
  const m = modernize(line);
  const dev = /^ip addr add \S+ dev (\S+)$/.exec(m);
  return m !== line && dev && /^ifconfig\s/.test(t) ? [m, `ip link set ${dev[1]} up`] : [m];
}

/**
 * A netmask as ifupdown and iproute2 take it: a prefix length (0-32) or a
 * dotted quad whose set bits are contiguous from the left; null otherwise
 * (`ip` refuses 255.0.255.0).
 */
export function netmaskBits(mask: string): number | null {
  if (/^\d{1,2}$/.test(mask)) return Number(mask) <= 32 ? Number(mask) : null;
  return IPV4.test(mask) && contiguous(mask) ? maskBits(mask) : null;
}

/** The dotted quad of a prefix length (24 → 255.255.255.0). */
export function bitsNetmask(bits: number): string {
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 0xff).join('.');
}
