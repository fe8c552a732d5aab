import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpCommand } from './ip-commands';
import { bitsNetmask, modernize, netmaskBits } from './netkit-lines';

/** What a Netkit line means once rewritten, as exec-config reads it. */
const meaning = (line: string) => parseIpCommand(modernize(line));

const octet = fc.nat(255);
const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const dev = fc.stringMatching(/^(eth|ens|veth)[0-9]{1,2}$/);
/** A dotted netmask of `bits` set bits. */
const maskOf = (bits: number) =>
  [0, 1, 2, 3].map((i) => (0xff00 >> Math.min(8, Math.max(0, bits - 8 * i))) & 0xff).join('.');
/** The network address of `ip` under a prefix of `bits`. */
const network = (ip: string, bits: number) => {
  const n = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const v = (n & m) >>> 0;
  return [24, 16, 8, 0].map((s) => (v >>> s) & 0xff).join('.');
};

describe('net-tools ifconfig alias labels (ethX:N)', () => {
  it('give ethX a further address, labelled as net-tools does, instead of making an interface', () => {
    expect(modernize('ifconfig eth1:1 10.0.0.3 netmask 255.255.255.0 up')).toBe(
      'ip addr add 10.0.0.3/24 dev eth1 label eth1:1',
    );
    expect(meaning('ifconfig eth1:1 10.0.0.3 netmask 255.255.255.0 up')).toEqual({
      kind: 'addr',
      dev: 'eth1',
      cidr: '10.0.0.3/24',
    });
    expect(meaning('ip addr add 10.0.0.7/24 dev eth1 label eth1:web')).toEqual({
      kind: 'addr',
      dev: 'eth1',
      cidr: '10.0.0.7/24',
    });
  });

  it('any alias of any device with any prefix lands on the device before the colon', () => {
    fc.assert(
      fc.property(
        dev,
        fc.integer({ min: 0, max: 99 }),
        v4,
        fc.integer({ min: 1, max: 32 }),
        (d, n, ip, bits) => {
          expect(meaning(`ifconfig ${d}:${n} ${ip} netmask ${maskOf(bits)} up`)).toEqual({
            kind: 'addr',
            dev: d,
            cidr: `${ip}/${bits}`,
          });
        },
      ),
    );
  });

  it('keeps the lines it cannot read as they are: taking an alias down, a label of another device', () => {
    expect(meaning('ifconfig eth1:1 down')).toBeNull();
    // "up" on an alias changes nothing in the kernel: no line to read, nothing to warn about
    expect(modernize('ifconfig eth1:1 up')).toBe('');
    // iproute2: "dev" (eth1) must match "label" (eth2:1)
    expect(parseIpCommand('ip addr add 10.0.0.7/24 dev eth1 label eth2:1')).toBeNull();
  });
});

describe('net-tools route add (route(8))', () => {
  it.each([
    ['route add -host 10.8.0.1 dev eth0', { to: '10.8.0.1/32', dev: 'eth0' }],
    ['route add -host 10.8.0.6 gw 10.0.0.2 dev eth1', { to: '10.8.0.6/32', via: '10.0.0.2', dev: 'eth1' }],
    ['route add -host 10.8.0.6 gw 10.0.0.2', { to: '10.8.0.6/32', via: '10.0.0.2' }],
    ['route add -net 20.0.0.0 netmask 255.255.255.0 dev eth1', { to: '20.0.0.0/24', dev: 'eth1' }],
    [
      'route add -net 20.0.0.0 netmask 255.255.255.0 gw 10.0.0.2 dev eth1  ',
      { to: '20.0.0.0/24', via: '10.0.0.2', dev: 'eth1' },
    ],
    ['route add -net 10.9.0.0/16 eth2', { to: '10.9.0.0/16', dev: 'eth2' }],
    ['route add -net 10.9.0.0/16 gw 10.0.0.1 metric 5', { to: '10.9.0.0/16', via: '10.0.0.1', metric: 5 }],
    ['route add default gw 192.168.4.10 dev eth0', { to: 'default', via: '192.168.4.10', dev: 'eth0' }],
    ['route add default gw 192.168.4.10', { to: 'default', via: '192.168.4.10' }],
    ['route add -net default gw 192.168.4.10', { to: 'default', via: '192.168.4.10' }],
    ['route add default dev eth0', { to: 'default', dev: 'eth0' }],
  ])('%s', (line, route) => {
    expect(meaning(line)).toEqual({ kind: 'route', ...route, v6: false });
  });

  it.each([
    // a classful network without its netmask: netplumb does not guess the class
    'route add -net 10.0.0.0 dev eth0',
    // route(8) refuses a host route with a netmask other than /32
    'route add -host 10.8.0.1 netmask 255.255.255.0 dev eth0',
    'route add -net 10.0.0.0 netmask 255.0.255.0 dev eth0',
    'route add -net 10.0.0.0 netmask 255.0.0.0 reject',
    'route add -net 10.0.0.0 netmask 255.0.0.0 gw 10.0.0.1 mss 1400',
    'route add -host 10.8.0.1',
    'route add -host vpn.example gw 10.0.0.2',
    'route del -host 10.8.0.1 dev eth0',
  ])('does not guess: %s', (line) => {
    expect(meaning(line)).toBeNull();
  });

  it('a host route is always TARGET/32 and a network route TARGET/bits, with or without a gateway', () => {
    fc.assert(
      fc.property(
        v4,
        fc.integer({ min: 1, max: 32 }),
        fc.option(v4, { nil: undefined }),
        dev,
        fc.boolean(),
        (ip, bits, gw, d, host) => {
          const via = gw === undefined ? '' : ` gw ${gw}`;
          const line = host
            ? `route add -host ${ip}${via} dev ${d}`
            : `route add -net ${network(ip, bits)} netmask ${maskOf(bits)}${via} dev ${d}`;
          expect(meaning(line)).toEqual({
            kind: 'route',
            to: host ? `${ip}/32` : `${network(ip, bits)}/${bits}`,
            ...(gw === undefined ? {} : { via: gw }),
            dev: d,
            v6: false,
          });
        },
      ),
    );
  });
});

describe('netmasks: dotted quad and prefix length', () => {
  it('each prefix length is the dotted quad of that many leading bits, and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }), (bits) => {
        expect(bitsNetmask(bits)).toBe(maskOf(bits));
        expect(netmaskBits(bitsNetmask(bits))).toBe(bits);
        expect(netmaskBits(String(bits))).toBe(bits);
      }),
    );
  });

  it('a dotted quad is a netmask only when its set bits lead', () => {
    fc.assert(
      fc.property(v4, (q) => {
        const n = q.split('.').reduce((a, o) => a * 256 + Number(o), 0);
        const leading = [...Array(33).keys()].some(
          (b) => (b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0) === n,
        );
        expect(netmaskBits(q) !== null).toBe(leading);
      }),
    );
    expect(netmaskBits('33')).toBeNull();
    expect(netmaskBits('255.0.255.0')).toBeNull();
  });
});
