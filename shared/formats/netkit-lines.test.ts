import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIpCommand } from './ip-commands';
import {
  bitsNetmask,
  ifupdownAction,
  modernize,
  netmaskBits,
  readInterfaces,
  stanzaLines,
} from './netkit-lines';

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

/** The ip lines and notes ifup brings up for `iface` from an interfaces file (every stanza of that name). */
const ifup = (text: string, iface = 'eth0') => {
  const ifs = readInterfaces(text);
  const r = ifs.stanzas.filter((st) => st.name === iface).map(stanzaLines);
  return {
    lines: r.flatMap((x) => x.lines.map((l) => `${l.line}: ${l.text}`)),
    notes: r.flatMap((x) => x.notes.map((n) => `${n.line}: ${n.why}`)),
  };
};

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

describe('ifupdown: /etc/network/interfaces as ifup brings it up', () => {
  it('inet static: address and netmask, MAC, MTU, gateway, then the up commands of the stanza', () => {
    const text = [
      'auto eth0',
      'iface eth0 inet static',
      '    hwaddress ether 02:00:00:00:00:0A',
      '    address 10.1.0.5',
      '    netmask 255.255.255.0',
      '    mtu 1400',
      '    gateway 10.1.0.1',
      '',
      '# a blank line does not end the stanza',
      'up route add -net 10.2.0.0 netmask 255.255.0.0 gw 10.1.0.2',
      'post-up ip route add 10.3.0.0/16 via 10.1.0.3; ip link set dev eth0 up',
      'pre-up ip link set dev eth0 mtu 1400',
      'down ip route del 10.3.0.0/16',
    ].join('\n');
    expect(ifup(text)).toEqual({
      lines: [
        '12: ip link set dev eth0 mtu 1400',
        '4: ip addr add 10.1.0.5/24 dev eth0',
        '6: ip link set dev eth0 mtu 1400 address 02:00:00:00:00:0A up',
        '7: ip route add default via 10.1.0.1',
        '10: ip route add 10.2.0.0/16 via 10.1.0.2',
        '11: ip route add 10.3.0.0/16 via 10.1.0.3',
        '11: ip link set dev eth0 up',
      ],
      notes: [],
    });
    expect(readInterfaces(text).allow.get('auto')).toEqual(['eth0']);
  });

  it('the same address in any of its three forms: a /len, a dotted netmask, a netmask length', () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 1, max: 32 }), (ip, bits) => {
        const forms = [
          `address ${ip}/${bits}`,
          `address ${ip}\n netmask ${bitsNetmask(bits)}`,
          `address ${ip}\n netmask ${bits}`,
          // an explicit netmask wins over the address's /len (ifupdown's "=netmask?")
          `address ${ip}/${bits === 32 ? 8 : 32}\n netmask ${bitsNetmask(bits)}`,
        ];
        for (const f of forms)
          expect(ifup(`iface eth0 inet static\n ${f}`).lines[0]).toBe(
            `2: ip addr add ${ip}/${bits} dev eth0`,
          );
      }),
    );
  });

  it('an IPv4 address without a netmask takes its class, as ifupdown computes it', () => {
    const first = (a: string) => ifup(`iface eth0 inet static\n address ${a}`).lines[0];
    expect(first('10.0.0.1')).toBe('2: ip addr add 10.0.0.1/8 dev eth0');
    expect(first('172.16.0.1')).toBe('2: ip addr add 172.16.0.1/16 dev eth0');
    expect(first('192.168.0.1')).toBe('2: ip addr add 192.168.0.1/24 dev eth0');
  });

  it('inet6 static, an alias stanza, manual, loopback and several stanzas of one interface', () => {
    const text = [
      'iface lo inet loopback',
      'iface eth0 inet manual',
      '  mtu 9000',
      'iface eth0 inet6 static',
      '  address 2001:db8::5/64',
      '  gateway 2001:db8::1',
      'iface eth0:1 inet static',
      '  address 10.9.0.1/24',
    ].join('\n');
    expect(ifup(text, 'lo').lines).toEqual([]);
    expect(ifup(text).lines).toEqual([
      '3: ip link set dev eth0 mtu 9000 up',
      '5: ip link set dev eth0 up',
      '5: ip -6 addr add 2001:db8::5/64 dev eth0',
      '6: ip -6 route add default via 2001:db8::1',
    ]);
    expect(ifup(text, 'eth0:1').lines).toEqual([
      '8: ip addr add 10.9.0.1/24 dev eth0 label eth0:1',
      '8: ip link set dev eth0 up',
    ]);
  });

  it('says what it does not carry, at its line', () => {
    const text = [
      'iface eth0 inet dhcp',
      'iface eth1 inet static',
      '  address 10.0.0.1/24',
      '  gateway 10.9.0.1',
      '  dns-nameservers 10.0.0.53',
      '  address 10.0.0.2/24',
      'iface eth2 inet static',
      '  netmask 255.255.255.0',
      'iface eth3 inet static',
      '  address 10.0.0.1',
      '  netmask 255.0.255.0',
      'iface eth4 inet ppp',
      'iface eth5 inet6 static',
      '  address fd00::1/64',
      '  mtu 1400',
    ].join('\n');
    expect(ifup(text, 'eth0').notes).toEqual([
      '1: eth0 gets its IPv4 address by DHCP; netplumb runs no DHCP client, so it has no address here (give it a static one)',
    ]);
    expect(ifup(text, 'eth1')).toEqual({
      lines: ['3: ip addr add 10.0.0.1/24 dev eth1', '3: ip link set dev eth1 up'],
      notes: [
        '5: option dns-nameservers of inet static has no netplumb form and is not imported',
        '4: the gateway 10.9.0.1 is outside 10.0.0.1/24: ifupdown adds it "onlink", which netplumb does not model',
      ],
    });
    expect(ifup(text, 'eth2').notes).toEqual([
      '7: an inet static stanza needs an address: ifup refuses it, so nothing of it is applied',
    ]);
    expect(ifup(text, 'eth3')).toEqual({
      lines: [],
      notes: ['11: "255.0.255.0" is not a netmask ip takes; the address is not applied, and ifup stops here'],
    });
    expect(ifup(text, 'eth4').notes).toEqual([
      "12: ifupdown's inet ppp method is not one netplumb carries; the stanza is not imported",
    ]);
    expect(ifup(text, 'eth5').notes[0]).toMatch(/^15: ifupdown's inet6 mtu raises the link's MTU only/);
    expect(readInterfaces(text).notes).toEqual([
      {
        line: 6,
        text: 'address 10.0.0.2/24',
        why: 'address is given twice in one stanza (line 3 first): ifupdown joins the two values with a newline into one broken command; use a second iface stanza for a second address',
      },
    ]);
  });

  it('a file ifup refuses brings up nothing', () => {
    for (const [text, line, why] of [
      ['address 10.0.0.1/24\niface eth0 inet static', 1, /outside any iface stanza/],
      ['iface eth0 inet static\n address', 2, /option address has no value/],
      ['iface eth0 inet fancy', 1, /unknown or no method "fancy"/],
      ['auto eth0\niface eth0 static', 2, /unknown or no address family "static"/],
      ['auto eth0\n  gateway 10.0.0.1', 2, /outside any iface stanza/],
    ] as const)
      expect(readInterfaces(text).refused).toMatchObject({ line, why: expect.stringMatching(why) });
  });

  it('reads auto, allow-hotplug and allow-auto lines, and `auto` alone inside a stanza', () => {
    const ifs = readInterfaces(
      [
        'auto lo eth0',
        'allow-hotplug eth1',
        'iface eth2 inet manual',
        'auto',
        'allow-auto eth3',
        'auto /eth*',
      ].join('\n'),
    );
    expect([...ifs.allow]).toEqual([
      ['auto', ['lo', 'eth0', 'eth2', 'eth3']],
      ['hotplug', ['eth1']],
    ]);
    expect(ifs.notes.map((n) => n.line)).toEqual([6]);
  });

  it.each([
    ['systemctl restart networking', { up: true, classes: ['auto', 'hotplug'] }],
    ['systemctl start networking.service', { up: true, classes: ['auto'] }],
    ['/etc/init.d/networking start', { up: true, classes: ['auto', 'hotplug'] }],
    ['/etc/init.d/networking restart', { up: true, classes: ['auto', 'hotplug'] }],
    ['service networking restart', { up: true, classes: ['auto', 'hotplug'] }],
    ['invoke-rc.d networking force-reload', { up: true, classes: ['auto', 'hotplug'] }],
    ['/etc/init.d/networking stop', { up: false, classes: ['auto', 'hotplug'] }],
    ['ifup -a', { up: true, classes: ['auto'] }],
    ['/sbin/ifup --force eth0 eth1', { up: true, ifaces: ['eth0', 'eth1'] }],
    ['ifdown eth0', { up: false, ifaces: ['eth0'] }],
  ])('%s', (line, action) => {
    expect(ifupdownAction(line)).toEqual(action);
  });

  it.each([
    'systemctl status networking',
    'systemctl restart frr',
    'ifup',
    'ifup --allow=hotplug eth0',
    'ifup eth0=home',
  ])('is no ifupdown action: %s', (line) => {
    expect(ifupdownAction(line)).toBeNull();
  });
});
