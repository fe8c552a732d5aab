import { describe, expect, it } from 'vitest';
import { frameKey, isGroupMac, parseTcpdumpLine } from './trace-parse';

// Lines as printed by tcpdump 4.99 (-l -n -e -tt) on this machine.
const L = {
  req: '1795613742.381976 86:22:01:4d:b1:6b > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1, length 28',
  rep: '1795613742.382003 16:f0:c9:84:e4:d7 > 86:22:01:4d:b1:6b, ethertype ARP (0x0806), length 42: Reply 10.0.0.2 is-at 16:f0:c9:84:e4:d7, length 28',
  echo: '1795613742.382005 86:22:01:4d:b1:6b > 16:f0:c9:84:e4:d7, ethertype IPv4 (0x0800), length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 14229, seq 1, length 64',
  echoRep:
    '1795613742.382067 16:f0:c9:84:e4:d7 > 86:22:01:4d:b1:6b, ethertype IPv4 (0x0800), length 98: 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 14229, seq 1, length 64',
};

describe('parseTcpdumpLine', () => {
  it('reads ARP requests and replies', () => {
    expect(parseTcpdumpLine(L.req)).toMatchObject({
      kind: 'arp-request',
      src: '10.0.0.1',
      dst: '10.0.0.2',
      dstMac: 'ff:ff:ff:ff:ff:ff',
      t: 1795613742.381976,
    });
    expect(parseTcpdumpLine(L.rep)).toMatchObject({
      kind: 'arp-reply',
      src: '10.0.0.2',
      isAt: '16:f0:c9:84:e4:d7',
    });
  });
  it('reads ICMP echo requests and replies', () => {
    expect(parseTcpdumpLine(L.echo)).toMatchObject({
      kind: 'echo-request',
      src: '10.0.0.1',
      dst: '10.0.0.2',
      seq: 1,
    });
    expect(parseTcpdumpLine(L.echoRep)).toMatchObject({
      kind: 'echo-reply',
      src: '10.0.0.2',
      dst: '10.0.0.1',
    });
  });
  it('ignores tcpdump messages', () => {
    expect(
      parseTcpdumpLine('listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes'),
    ).toBeUndefined();
    expect(parseTcpdumpLine('4 packets captured')).toBeUndefined();
  });
  it('gives the same key to one frame seen on two ports, and different keys to different frames', () => {
    const a = parseTcpdumpLine(L.req)!;
    const b = parseTcpdumpLine(L.req.replace('1795613742.381976', '1795613742.381990'))!;
    expect(frameKey(a)).toBe(frameKey(b));
    expect(frameKey(a)).not.toBe(frameKey(parseTcpdumpLine(L.rep)!));
  });
  it('knows group MACs', () => {
    expect(isGroupMac('ff:ff:ff:ff:ff:ff')).toBe(true);
    expect(isGroupMac('33:33:ff:00:00:01')).toBe(true);
    expect(isGroupMac('86:22:01:4d:b1:6b')).toBe(false);
  });
});
