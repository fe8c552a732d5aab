/**
 * Parsing `tcpdump -l -n -e -tt` lines into frames for step mode. Pure.
 *
 *   1795613742.381976 86:22:01:4d:b1:6b > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1, length 28
 *   1795613742.382005 86:22:.. > 16:f0:.., ethertype IPv4 (0x0800), length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 14229, seq 1, length 64
 */

export type FrameKind =
  | 'arp-request'
  | 'arp-reply'
  | 'echo-request'
  | 'echo-reply'
  | 'neighbour-solicitation'
  | 'neighbour-advertisement'
  | 'icmp-error'
  | 'other';

export interface Frame {
  /** Seconds since the epoch (display; a double loses the last digits). */
  t: number;
  /** Nanoseconds since the epoch, exact (tcpdump -tt --time-stamp-precision=nano; micro lines are scaled). */
  tn: bigint;
  srcMac: string;
  dstMac: string;
  kind: FrameKind;
  /** IP source/destination (for ARP: the sender and the address asked for). */
  src?: string;
  dst?: string;
  /** ARP reply: the MAC announced. */
  isAt?: string;
  /** ICMP echo id/seq, when present. */
  seq?: number;
  /** The protocol part of the line, as tcpdump printed it. */
  text: string;
}

const HEAD =
  /^(\d+\.\d+) ([0-9a-f:]{17}) > ([0-9a-f:]{17}), ethertype (\S+) \(0x[0-9a-f]+\), length \d+: (.*)$/i;

/** Parses one line; undefined for lines that are not frames (tcpdump's own messages). */
export function parseTcpdumpLine(line: string): Frame | undefined {
  const m = HEAD.exec(line.trim());
  if (!m) return undefined;
  const [, ts, srcMac, dstMac, , text] = m;
  const f: Frame = {
    t: Number(ts),
    tn: toNanos(ts),
    srcMac: srcMac.toLowerCase(),
    dstMac: dstMac.toLowerCase(),
    kind: 'other',
    text,
  };
  let x: RegExpExecArray | null;
  if ((x = /^Request who-has (\S+) (?:\([^)]*\) )?tell (\S+?),/.exec(text)))
    return { ...f, kind: 'arp-request', dst: x[1], src: x[2] };
  if ((x = /^Reply (\S+) is-at ([0-9a-f:]{17})/i.exec(text)))
    return { ...f, kind: 'arp-reply', src: x[1], isAt: x[2].toLowerCase() };
  if ((x = /^(\S+) > (\S+): ICMP(?:6)?,? echo (request|reply), id \d+, seq (\d+)/.exec(text))) {
    return {
      ...f,
      kind: x[3] === 'request' ? 'echo-request' : 'echo-reply',
      src: x[1],
      dst: x[2],
      seq: Number(x[4]),
    };
  }
  if (
    (x = /^(\S+) > (\S+): ICMP6, neighbor (solicitation|advertisement), (?:who has|tgt is) (\S+?),/.exec(
      text,
    ))
  ) {
    return {
      ...f,
      kind: x[3] === 'solicitation' ? 'neighbour-solicitation' : 'neighbour-advertisement',
      src: x[1],
      dst: x[4],
    };
  }
  if ((x = /^(\S+) > (\S+): ICMP6?,? .*(unreachable|time exceeded)/i.exec(text)))
    return { ...f, kind: 'icmp-error', src: x[1], dst: x[2] };
  return f;
}

/** `1795613742.381976123` (or a microsecond stamp) as exact nanoseconds. */
export function toNanos(ts: string): bigint {
  const [sec, frac = ''] = ts.split('.');
  return BigInt(sec) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
}

/** A key that is the same for one frame wherever it is seen on a bridge (MACs + payload). */
export function frameKey(f: Frame): string {
  return `${f.srcMac}>${f.dstMac}|${f.text}`;
}

export const BROADCAST = 'ff:ff:ff:ff:ff:ff';
/** Multicast MACs (IPv6 neighbour solicitation goes to 33:33:ff:...). */
export const isGroupMac = (mac: string) => (parseInt(mac.slice(0, 2), 16) & 1) === 1;
