/**
 * A tiny pcap reader for the capture panel's packet table: the classic
 * libpcap file format (both byte orders, micro- and nanosecond stamps) with
 * Ethernet frames, decoded far enough for one line per packet — ARP, IPv4,
 * IPv6, ICMP/ICMPv6, TCP and UDP. Pure: bytes in, rows out; a truncated or
 * foreign file gives the rows read so far and a plain-words note.
 */

/** One packet as the table shows it. */
export interface PacketRow {
  /** 1-based packet number in the file. */
  n: number;
  /** Seconds since the first packet. */
  t: number;
  src: string;
  dst: string;
  protocol: string;
  /** Length on the wire. */
  length: number;
  summary: string;
}

export interface PcapRead {
  /** 1 = Ethernet; others are not decoded. */
  linkType: number;
  packets: PacketRow[];
  /** More packets follow than were read (`max`). */
  more: boolean;
  /** Why reading stopped early, in plain words. */
  note?: string;
}

/** The first four bytes of a pcap file, as a little-endian read gives them. */
const PCAP_MAGICS = { micro: 0xa1b2c3d4, nano: 0xa1b23c4d } as const;

const mac = (b: Uint8Array, o: number) =>
  Array.from(b.subarray(o, o + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
const ip4 = (b: Uint8Array, o: number) => Array.from(b.subarray(o, o + 4)).join('.');
function ip6(b: Uint8Array, o: number): string {
  const words = Array.from({ length: 8 }, (_, i) => ((b[o + 2 * i] << 8) | b[o + 2 * i + 1]).toString(16));
  // Longest run of zero words becomes "::".
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0] < 0) return words.join(':');
  return `${words.slice(0, best[0]).join(':')}::${words.slice(best[0] + best[1]).join(':')}`;
}

const ICMP4: Record<number, string> = {
  0: 'echo reply',
  3: 'destination unreachable',
  8: 'echo request',
  11: 'time exceeded',
};
const ICMP6: Record<number, string> = {
  1: 'destination unreachable',
  3: 'time exceeded',
  128: 'echo request',
  129: 'echo reply',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbour solicitation',
  136: 'neighbour advertisement',
  143: 'multicast listener report v2',
};
const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];

type L4 = Pick<PacketRow, 'protocol' | 'summary'>;

/** Transport part, from byte `o` of `b` (protocol number `p`, IPv6 when v6). */
function transport(b: Uint8Array, o: number, p: number, v6: boolean): L4 {
  const u16 = (x: number) => (b[x] << 8) | b[x + 1];
  if (o >= b.length) return { protocol: v6 ? 'IPv6' : 'IPv4', summary: 'headers cut off' };
  if ((p === 1 && !v6) || (p === 58 && v6)) {
    const type = b[o];
    const name = (v6 ? ICMP6 : ICMP4)[type] ?? `type ${type}`;
    const echo = /echo/.test(name) && o + 8 <= b.length ? `, id ${u16(o + 4)}, seq ${u16(o + 6)}` : '';
    const target = v6 && (type === 135 || type === 136) && o + 24 <= b.length ? ` for ${ip6(b, o + 8)}` : '';
    return { protocol: v6 ? 'ICMPv6' : 'ICMP', summary: `${name}${target}${echo}` };
  }
  if ((p === 6 || p === 17) && o + 4 <= b.length) {
    const ports = `${u16(o)} → ${u16(o + 2)}`;
    if (p === 17) return { protocol: 'UDP', summary: ports };
    const flags = o + 14 <= b.length ? TCP_FLAGS.filter((_, i) => b[o + 13] & (1 << i)).join(',') : '';
    return { protocol: 'TCP', summary: `${ports}${flags ? ` [${flags}]` : ''}` };
  }
  return { protocol: v6 ? 'IPv6' : 'IPv4', summary: `protocol ${p}` };
}

/** Decodes one Ethernet frame into a row (without number and time). */
function decodeEthernet(b: Uint8Array): Omit<PacketRow, 'n' | 't' | 'length'> {
  if (b.length < 14) return { src: '', dst: '', protocol: 'Ethernet', summary: 'frame cut off' };
  let type = (b[12] << 8) | b[13];
  let o = 14;
  if (type === 0x8100 && b.length >= 18) {
    type = (b[16] << 8) | b[17];
    o = 18;
  }
  const l2 = { src: mac(b, 6), dst: mac(b, 0) };
  if (type === 0x0806 && o + 28 <= b.length) {
    const op = (b[o + 6] << 8) | b[o + 7];
    const sender = ip4(b, o + 14);
    const target = ip4(b, o + 24);
    const summary =
      op === 1
        ? `who has ${target}? tell ${sender}`
        : op === 2
          ? `${sender} is at ${mac(b, o + 8)}`
          : `operation ${op}`;
    return { ...l2, protocol: 'ARP', summary };
  }
  if (type === 0x0800 && o + 20 <= b.length) {
    const ihl = (b[o] & 0x0f) * 4;
    const ttl = b[o + 8];
    const l4 = transport(b, o + ihl, b[o + 9], false);
    return {
      src: ip4(b, o + 12),
      dst: ip4(b, o + 16),
      protocol: l4.protocol,
      summary: `${l4.summary} (ttl ${ttl})`,
    };
  }
  if (type === 0x86dd && o + 40 <= b.length) {
    const l4 = transport(b, o + 40, b[o + 6], true);
    return { src: ip6(b, o + 8), dst: ip6(b, o + 24), ...l4 };
  }
  return { ...l2, protocol: `0x${type.toString(16).padStart(4, '0')}`, summary: 'not decoded' };
}

/** Reads at most `max` packets of a pcap file. */
export function readPcap(bytes: Uint8Array, max = 200): PcapRead {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24)
    return {
      linkType: 0,
      packets: [],
      more: false,
      note: 'the file is shorter than a pcap header (24 bytes)',
    };
  const magicLe = dv.getUint32(0, true);
  const magicBe = dv.getUint32(0, false);
  const le = magicLe === PCAP_MAGICS.micro || magicLe === PCAP_MAGICS.nano;
  if (!le && magicBe !== PCAP_MAGICS.micro && magicBe !== PCAP_MAGICS.nano) {
    return {
      linkType: 0,
      packets: [],
      more: false,
      note: 'not a pcap file (unknown magic number; pcapng is not read here)',
    };
  }
  const nano = (le ? magicLe : magicBe) === PCAP_MAGICS.nano;
  const linkType = dv.getUint32(20, le);
  const packets: PacketRow[] = [];
  let o = 24;
  let first: number | undefined;
  while (o + 16 <= bytes.length) {
    if (packets.length >= max) return { linkType, packets, more: true };
    const sec = dv.getUint32(o, le);
    const frac = dv.getUint32(o + 4, le);
    const incl = dv.getUint32(o + 8, le);
    const orig = dv.getUint32(o + 12, le);
    if (o + 16 + incl > bytes.length)
      return {
        linkType,
        packets,
        more: false,
        note: `packet ${packets.length + 1} is cut off (the capture may still be running)`,
      };
    const t = sec + frac / (nano ? 1e9 : 1e6);
    first ??= t;
    const data = bytes.subarray(o + 16, o + 16 + incl);
    const row =
      linkType === 1
        ? decodeEthernet(data)
        : { src: '', dst: '', protocol: `link type ${linkType}`, summary: 'not decoded' };
    packets.push({ n: packets.length + 1, t: Math.round((t - first) * 1e6) / 1e6, length: orig, ...row });
    o += 16 + incl;
  }
  // A record header cut off after the last whole packet.
  if (o < bytes.length)
    return {
      linkType,
      packets,
      more: false,
      note: `packet ${packets.length + 1} is cut off (the capture may still be running)`,
    };
  return { linkType, packets, more: false };
}
