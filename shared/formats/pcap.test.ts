import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPcap } from './pcap';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/\s+/g, '')
      .match(/../g)!
      .map((x) => parseInt(x, 16)),
  );

/** A pcap file around the frames, written as libpcap does (little or big endian, µs or ns). */
function pcap(frames: Uint8Array[], o: { le?: boolean; nano?: boolean; linkType?: number } = {}): Uint8Array {
  const le = o.le ?? true;
  const head = new DataView(new ArrayBuffer(24));
  head.setUint32(0, o.nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  head.setUint16(4, 2, le);
  head.setUint16(6, 4, le);
  head.setUint32(16, 262144, le);
  head.setUint32(20, o.linkType ?? 1, le);
  const parts: Uint8Array[] = [new Uint8Array(head.buffer)];
  frames.forEach((f, i) => {
    const r = new DataView(new ArrayBuffer(16));
    r.setUint32(0, 1795613742 + i, le);
    r.setUint32(4, o.nano ? 250_000_000 : 250_000, le);
    r.setUint32(8, f.length, le);
    r.setUint32(12, f.length, le);
    parts.push(new Uint8Array(r.buffer), f);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const ETH = (dst: string, src: string, type: string) => `${dst} ${src} ${type}`;
// ARP who-has 10.0.0.2 tell 10.0.0.1.
const arp = hex(
  `${ETH('ffffffffffff', '862201 4db16b', '0806')} 0001 0800 06 04 0001 862201 4db16b 0a000001 000000000000 0a000002`,
);
// IPv4 ICMP echo request 10.0.0.1 -> 10.0.0.2, id 0x3795, seq 1, ttl 64.
const echo = hex(
  `${ETH('16f0c984e4d7', '8622014db16b', '0800')} 4500 0054 0000 4000 40 01 0000 0a000001 0a000002 08 00 0000 3795 0001`,
);
// IPv6 neighbour solicitation fe80::1 -> ff02::1:ff00:2 for fd01::2.
const ns6 = hex(
  `${ETH('3333ff000002', '8622014db16b', '86dd')} 6000 0000 0020 3a ff fe800000000000000000000000000001 ff0200000000000000000001ff000002 87 00 0000 00000000 fd010000000000000000000000000002`,
);
// IPv4 TCP SYN 10.0.0.1:40000 -> 10.0.0.2:80.
const syn = hex(
  `${ETH('16f0c984e4d7', '8622014db16b', '0800')} 4500 0028 0000 4000 40 06 0000 0a000001 0a000002 9c40 0050 00000000 00000000 50 02 ffff 0000 0000`,
);

describe('readPcap', () => {
  it('reads ARP, ICMP echo, IPv6 neighbour discovery and TCP, with times from the first packet', () => {
    const r = readPcap(pcap([arp, echo, ns6, syn]));
    expect(r).toMatchObject({ linkType: 1, more: false });
    expect(r.note).toBeUndefined();
    expect(r.packets).toEqual([
      {
        n: 1,
        t: 0,
        length: 42,
        src: '86:22:01:4d:b1:6b',
        dst: 'ff:ff:ff:ff:ff:ff',
        protocol: 'ARP',
        summary: 'who has 10.0.0.2? tell 10.0.0.1',
      },
      {
        n: 2,
        t: 1,
        length: 42,
        src: '10.0.0.1',
        dst: '10.0.0.2',
        protocol: 'ICMP',
        summary: 'echo request, id 14229, seq 1 (ttl 64)',
      },
      {
        n: 3,
        t: 2,
        length: ns6.length,
        src: 'fe80::1',
        dst: 'ff02::1:ff00:2',
        protocol: 'ICMPv6',
        summary: 'neighbour solicitation for fd01::2',
      },
      {
        n: 4,
        t: 3,
        length: syn.length,
        src: '10.0.0.1',
        dst: '10.0.0.2',
        protocol: 'TCP',
        summary: '40000 → 80 [SYN] (ttl 64)',
      },
    ]);
  });

  it('reads big-endian and nanosecond files the same way', () => {
    const base = readPcap(pcap([arp, echo])).packets;
    expect(readPcap(pcap([arp, echo], { le: false })).packets).toEqual(base);
    expect(readPcap(pcap([arp, echo], { nano: true })).packets).toEqual(base);
  });

  it('stops at max, at a cut-off packet, and refuses what is not pcap, in plain words', () => {
    expect(readPcap(pcap([arp, echo, syn]), 2)).toMatchObject({ more: true, packets: [{ n: 1 }, { n: 2 }] });
    const whole = pcap([arp, echo]);
    const cut = readPcap(whole.subarray(0, whole.length - 5));
    expect(cut.packets).toHaveLength(1);
    expect(cut.note).toMatch(/packet 2 is cut off/);
    expect(readPcap(hex('0a0d0d0a 00000000 00000000 00000000 00000000 00000000')).note).toMatch(
      /not a pcap file/,
    );
    expect(readPcap(new Uint8Array(3)).note).toMatch(/shorter than a pcap header/);
    expect(readPcap(pcap([arp], { linkType: 113 })).packets[0]).toMatchObject({
      protocol: 'link type 113',
      summary: 'not decoded',
    });
  });

  it('never throws and never reads past the end, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 6 }), fc.nat(40), (frames, cut) => {
        const whole = pcap(frames);
        const r = readPcap(whole.subarray(0, Math.max(0, whole.length - cut)));
        expect(r.packets.length).toBeLessThanOrEqual(frames.length);
        if (cut === 0) expect(r.packets.map((p) => p.length)).toEqual(frames.map((f) => f.length));
      }),
    );
  });
});
