/**
 * Mininet's own rules that a MiniEdit import must follow (mininet/util.py,
 * mininet/node.py, mininet/link.py, examples/miniedit.py):
 *
 * - a host without an `ip` gets `ipAdd(nodeNum, prefixLen, ipBase)`: the
 *   host number added to the ipBase network; an `ip` without "/" gets
 *   prefix length 8 (Node.setIP's default), whatever the ipBase;
 * - an ipBase without "/" has prefix length 24 (netParse);
 * - TCLink's `delay`/`jitter` strings go to tc unchanged, and tc reads a
 *   number without a unit as microseconds; `bw` is in Mbit/s and ignored
 *   outside 0..1000; a `loss` outside 0..100 makes Mininet skip netem
 *   (delay, jitter and loss) for that link.
 */

/** An IPv4 address as an unsigned 32-bit number, or undefined. */
export function ipv4Num(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** Dotted form of an unsigned 32-bit number. */
function ipv4Str(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Mininet's netParse: base address and prefix length of "10.0.0.0/8" (no "/" means /24); undefined when not IPv4. */
export function netParse(ipBase: string): { base: number; prefixLen: number } | undefined {
  const [ip, pf] = ipBase.trim().split('/');
  const base = ipv4Num(ip);
  const prefixLen = pf === undefined ? 24 : /^\d+$/.test(pf) ? Number(pf) : NaN;
  if (base === undefined || !(prefixLen >= 0 && prefixLen <= 32)) return undefined;
  return { base, prefixLen };
}

/** Mininet's ipAdd: host number `i` inside the network; undefined when `i` does not fit ("Not enough IP addresses in the subnet"). */
export function ipAdd(i: number, prefixLen: number, base: number): string | undefined {
  const imax = prefixLen >= 32 ? 0 : 2 ** (32 - prefixLen) - 1;
  if (!Number.isInteger(i) || i < 0 || i > imax) return undefined;
  const network = base - (base % (imax + 1));
  return ipv4Str(network + i);
}

/** The prefix length Mininet gives an `ip` option written without one. */
export const MININET_DEFAULT_PREFIX = 8;

/**
 * A tc time ("10ms", "1.5s", "250us", "100") in milliseconds, as tc reads it:
 * a number directly followed by s/sec/secs, ms/msec/msecs, us/usec/usecs, or
 * no unit (microseconds). Undefined when tc would refuse it.
 */
export function tcTimeMs(v: unknown): number | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : undefined;
  if (s === undefined) return undefined;
  const m = /^(\d+(?:\.\d*)?|\.\d+)(s|secs?|ms|msecs?|us|usecs?)?$/i.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'us').toLowerCase();
  return unit.startsWith('s') ? n * 1000 : unit.startsWith('ms') ? n : n / 1000;
}

/** Mininet's TCIntf bwParamMax: bandwidth limits above this many Mbit/s are ignored. */
export const MININET_BW_MAX = 1000;
