/**
 * Pure IPv4/IPv6 address utilities: strict parsing, RFC 5952 canonical forms,
 * prefix arithmetic (BigInt for both families) and MAC address checks.
 * No dependencies, no Node built-ins: usable in the renderer and the kernel side.
 *
 * Strings that are not valid never throw: parsers return `null`, predicates
 * return `false`.
 */

/** An address family. */
export type Family = 4 | 6;

/** A parsed address: the family and the address as an unsigned integer. */
export interface IpAddr {
  family: Family;
  value: bigint;
}

/** A parsed CIDR: an address (host bits may be set) and a prefix length. */
export interface IpCidr extends IpAddr {
  prefix: number;
}

/** Number of address bits in a family. */
export const FAMILY_BITS: Record<Family, number> = { 4: 32, 6: 128 };

const DEC_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX_LEN = /^(0|[1-9][0-9]{0,2})$/;

function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  // A plain number up to 2^32 is exact, and much cheaper than a BigInt per octet.
  let v = 0;
  for (const p of parts) {
    // Strict: no leading zeros (010 would be octal to inet_aton), no signs or spaces.
    if (!DEC_OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return BigInt(v);
}

function parseGroups(s: string, allowV4Tail: boolean): bigint[] | null {
  if (s === '') return [];
  const parts = s.split(':');
  const out: bigint[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (allowV4Tail && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseV4(p);
      if (v4 === null) return null;
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else {
      if (!HEX_GROUP.test(p)) return null;
      out.push(BigInt(parseInt(p, 16)));
    }
  }
  return out;
}

function parseV6(s: string): bigint | null {
  if (s.length > 45 || s.includes('%')) return null; // zone ids are not addresses in a topology
  const dbl = s.indexOf('::');
  let groups: bigint[];
  if (dbl === -1) {
    const g = parseGroups(s, true);
    if (!g || g.length !== 8) return null;
    groups = g;
  } else {
    if (s.indexOf('::', dbl + 1) !== -1) return null; // at most one '::'
    const head = s.slice(0, dbl);
    const tail = s.slice(dbl + 2);
    const h = parseGroups(head, false);
    const t = parseGroups(tail, true);
    if (!h || !t) return null;
    // '::' stands for at least one group of zeros.
    if (h.length + t.length > 7) return null;
    groups = [...h, ...new Array<bigint>(8 - h.length - t.length).fill(0n), ...t];
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses a bare IPv4 or IPv6 address (no prefix). Returns null when invalid. */
export function parseIp(s: string): IpAddr | null {
  if (typeof s !== 'string') return null;
  if (s.includes(':')) {
    const v = parseV6(s);
    return v === null ? null : { family: 6, value: v };
  }
  const v = parseV4(s);
  return v === null ? null : { family: 4, value: v };
}

/**
 * Parsed CIDRs by text: validation and the live reader parse the same few
 * addresses many times. The results are frozen (shared, never changed);
 * the map is emptied when it grows large.
 */
const cidrs = new Map<string, Readonly<IpCidr> | null>();

/** Parses `address/prefix`. The prefix is required. Returns null when invalid. */
export function parseCidr(s: string): IpCidr | null {
  if (typeof s !== 'string') return null;
  const hit = cidrs.get(s);
  if (hit !== undefined) return hit;
  if (cidrs.size >= 4096) cidrs.clear();
  const c = parseCidrText(s);
  cidrs.set(s, c && Object.freeze(c));
  return c;
}

function parseCidrText(s: string): IpCidr | null {
  const slash = s.indexOf('/');
  if (slash === -1 || slash !== s.lastIndexOf('/')) return null;
  const addr = parseIp(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (!addr || !PREFIX_LEN.test(p)) return null;
  const prefix = Number(p);
  if (prefix > FAMILY_BITS[addr.family]) return null;
  return { ...addr, prefix };
}

/** Parses either a bare address or a CIDR (a bare address gets a full-length prefix). */
export function parseAddressOrCidr(s: string): IpCidr | null {
  if (typeof s !== 'string') return null;
  if (s.includes('/')) return parseCidr(s);
  const a = parseIp(s);
  return a ? { ...a, prefix: FAMILY_BITS[a.family] } : null;
}

function formatV4(v: bigint): string {
  const n = Number(v & 0xffffffffn);
  return `${Math.floor(n / 0x1000000)}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

function formatV6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted-quad tail.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatV4(v & 0xffffffffn)}`;
  }
  // RFC 5952 §4.2: compress the longest run (>= 2) of zero groups, the first on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Formats an address in canonical form (RFC 5952 for IPv6, dotted quad for IPv4). */
export function formatIp(a: IpAddr): string {
  return a.family === 4 ? formatV4(a.value) : formatV6(a.value);
}

/**
 * The canonical text of CIDRs parseCidr made (frozen, one object per text):
 * the live reader formats the same few addresses (each namespace's ::1/128)
 * once per namespace, 1000 times in a 1000-host lab.
 */
const formatted = new WeakMap<IpCidr, string>();

/** Formats a CIDR in canonical form (host bits are kept). */
export function formatCidr(c: IpCidr): string {
  const known = formatted.get(c);
  if (known !== undefined) return known;
  const text = `${formatIp(c)}/${c.prefix}`;
  // Only frozen ones: a caller's own object may be changed after.
  if (Object.isFrozen(c)) formatted.set(c, text);
  return text;
}

/** Canonical form of a bare address, or null when invalid. */
export function canonicalIp(s: string): string | null {
  const a = parseIp(s);
  return a ? formatIp(a) : null;
}

/** Canonical form of a CIDR, e.g. 'fd00:0::1/64' -> 'fd00::1/64'; null when invalid. */
export function canonicalCidr(s: string): string | null {
  const c = parseCidr(s);
  return c ? formatCidr(c) : null;
}

/** The mask of the network bits for a prefix length. */
export function prefixMask(family: Family, prefix: number): bigint {
  const m = MASKS[family][prefix];
  if (m !== undefined) return m;
  const bits = BigInt(FAMILY_BITS[family]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefix))) & all;
}
/** Every prefix's mask, made once: a read or a plan of a big lab asks for them by the thousand (a BigInt each). */
const MASKS: Record<Family, bigint[]> = {
  4: Array.from({ length: 33 }, (_, p) => ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - p)) - 1n)),
  6: Array.from({ length: 129 }, (_, p) => ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - p)) - 1n)),
};

function hostMask(family: Family, prefix: number): bigint {
  return ((1n << BigInt(FAMILY_BITS[family])) - 1n) ^ prefixMask(family, prefix);
}

/** The network part of a parsed CIDR (host bits cleared). */
export function networkValue(c: IpCidr): bigint {
  return c.value & prefixMask(c.family, c.prefix);
}

/** The canonical network prefix of a CIDR: '10.0.0.7/24' -> '10.0.0.0/24'; null when invalid. */
export function networkOf(cidr: string): string | null {
  const c = parseCidr(cidr);
  return c ? formatCidr({ ...c, value: networkValue(c) }) : null;
}

/** True when the CIDR has host bits set (it is an interface address, not a prefix). */
export function hasHostBits(cidr: string): boolean {
  const c = parseCidr(cidr);
  return !!c && (c.value & hostMask(c.family, c.prefix)) !== 0n;
}

/** The family of an address or CIDR, or null when it is neither. */
export function family(x: string): Family | null {
  return parseAddressOrCidr(x)?.family ?? null;
}

/** The address part of a CIDR (or a bare address) in canonical form; null when invalid. */
export function addressOf(x: string): string | null {
  const c = parseAddressOrCidr(x);
  return c ? formatIp(c) : null;
}

/**
 * True when two interface addresses (CIDRs) are in the same subnet: same
 * family, same prefix length and same network.
 */
export function sameSubnet(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y || x.family !== y.family || x.prefix !== y.prefix) return false;
  return networkValue(x) === networkValue(y);
}

/** True when two prefixes share at least one address (one contains the other). */
export function prefixesOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y || x.family !== y.family) return false;
  const p = Math.min(x.prefix, y.prefix);
  const m = prefixMask(x.family, p);
  return (x.value & m) === (y.value & m);
}

/** True when `address` (bare, or the address part of a CIDR) lies inside `prefixCidr`. */
export function contains(prefixCidr: string, address: string): boolean {
  const p = parseCidr(prefixCidr);
  const a = parseAddressOrCidr(address);
  return !!p && !!a && cidrContains(p, a);
}

/** `contains` on parsed values (no string parsing, for hot loops). */
export function cidrContains(p: IpCidr, a: IpAddr): boolean {
  if (p.family !== a.family) return false;
  const m = prefixMask(p.family, p.prefix);
  return (p.value & m) === (a.value & m);
}

/**
 * True for the network address of an IPv4 prefix shorter than /31 (host bits
 * all zero), e.g. 10.0.0.0/24. /31 and /32 have no network address (RFC 3021).
 */
export function isNetworkAddress(cidr: string): boolean {
  const c = parseCidr(cidr);
  if (!c || c.family !== 4 || c.prefix >= 31) return false;
  return (c.value & hostMask(4, c.prefix)) === 0n;
}

/** True for the broadcast address of an IPv4 prefix shorter than /31 (host bits all one). */
export function isBroadcast(cidr: string): boolean {
  const c = parseCidr(cidr);
  if (!c || c.family !== 4 || c.prefix >= 31) return false;
  const hm = hostMask(4, c.prefix);
  return (c.value & hm) === hm;
}

const V6_LINK_LOCAL = { family: 6 as const, value: 0xfe80n << 112n, prefix: 10 };
const V4_LINK_LOCAL = { family: 4 as const, value: 0xa9fe0000n, prefix: 16 };

/** True for a link-local address or CIDR (169.254.0.0/16, fe80::/10). */
export function isLinkLocal(x: string): boolean {
  const a = parseAddressOrCidr(x);
  if (!a) return false;
  const ll = a.family === 4 ? V4_LINK_LOCAL : V6_LINK_LOCAL;
  const m = prefixMask(a.family, ll.prefix);
  return (a.value & m) === ll.value;
}

export { checkMac, normalizeMac, type MacResult } from './mac';
