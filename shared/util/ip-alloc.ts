/**
 * Address allocation for the canvas' auto-addressing: the next free host
 * address in a prefix, the next free subnet in a pool. Pure; BigInt for both
 * families.
 */
import {
  FAMILY_BITS,
  formatCidr,
  networkValue,
  parseAddressOrCidr,
  parseCidr,
  prefixMask,
  type IpCidr,
} from './ip';

/**
 * The next unused host address in `prefixCidr`, in CIDR form with the
 * prefix's length (for the canvas' auto-addressing), or null when the prefix
 * is full or invalid. `used` may hold bare addresses or CIDRs of any family.
 * IPv4 skips the network and broadcast addresses (except /31 and /32); IPv6
 * skips the subnet-router anycast address (host part zero) when the prefix is
 * shorter than /127.
 */
export function nextFreeAddress(prefixCidr: string, used: readonly string[]): string | null {
  const p = parseCidr(prefixCidr);
  if (!p) return null;
  const bits = FAMILY_BITS[p.family];
  const net = networkValue(p);
  const size = 1n << BigInt(bits - p.prefix);
  const short = p.family === 4 ? p.prefix < 31 : p.prefix < 127;
  const first = short ? 1n : 0n;
  const last = p.family === 4 && short ? size - 2n : size - 1n;
  const taken = new Set<bigint>();
  for (const u of used) {
    const a = parseAddressOrCidr(u);
    if (a && a.family === p.family) taken.add(a.value);
  }
  // At most used.length + 1 candidates need to be tried, so huge IPv6 prefixes are cheap.
  for (let off = first; off <= last; off++) {
    const v = net + off;
    if (!taken.has(v)) return formatCidr({ family: p.family, value: v, prefix: p.prefix });
  }
  return null;
}

/**
 * The first subnet of length `prefixLen` inside `pool` that overlaps none of
 * `used` (CIDRs or bare addresses; other families are ignored), e.g.
 * nextFreeSubnet('10.0.0.0/16', 24, ['10.0.0.1/24']) -> '10.0.1.0/24'.
 * For the canvas: a fresh subnet for a new link. Null when the pool is full
 * or the arguments are invalid.
 */
export function nextFreeSubnet(pool: string, prefixLen: number, used: readonly string[]): string | null {
  const p = parseCidr(pool);
  if (!p) return null;
  const bits = FAMILY_BITS[p.family];
  if (!Number.isInteger(prefixLen) || prefixLen < p.prefix || prefixLen > bits) return null;
  const taken = used
    .map((u) => parseAddressOrCidr(u))
    .filter((u): u is IpCidr => !!u && u.family === p.family);
  const step = 1n << BigInt(bits - prefixLen);
  const start = networkValue(p);
  const end = start + (1n << BigInt(bits - p.prefix));
  let v = start;
  // Each pass either returns or jumps past one used prefix, so this ends after at most used.length + 1 passes.
  while (v < end) {
    const cand: IpCidr = { family: p.family, value: v, prefix: prefixLen };
    const hit = taken.find((u) => {
      const m = prefixMask(p.family, Math.min(u.prefix, prefixLen));
      return (u.value & m) === (v & m);
    });
    if (!hit) return formatCidr(cand);
    const hitEnd = networkValue(hit) + (1n << BigInt(bits - hit.prefix));
    const next = hitEnd > v + step ? hitEnd : v + step;
    v = ((next + step - 1n) / step) * step;
  }
  return null;
}
