import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ifupdownAction, readInterfaces, stanzaLines } from './ifupdown';
import { bitsNetmask } from './netkit-lines';

const octet = fc.nat(255);
const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));

/** The ip lines and notes ifup brings up for `iface` from an interfaces file (every stanza of that name). */
const ifup = (text: string, iface = 'eth0') => {
  const ifs = readInterfaces(text);
  const r = ifs.stanzas.filter((st) => st.name === iface).map(stanzaLines);
  return {
    lines: r.flatMap((x) => x.lines.map((l) => `${l.line}: ${l.text}`)),
    notes: r.flatMap((x) => x.notes.map((n) => `${n.line}: ${n.why}`)),
  };
};

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
      '# (a second address would be line 6)',
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
    expect(readInterfaces(text).notes).toEqual([]);
  });

  it('an option given twice is imported from neither line (ifupdown joins them into one broken value)', () => {
    const text = [
      'auto eth0',
      'iface eth0 inet static',
      '  address 10.0.0.1/24',
      '  mtu 1400',
      '  address 10.0.0.2/24',
      '  up ip link set eth0 up',
      '  up ip link set eth0 up',
      '  address 10.0.0.3/24',
    ].join('\n');
    const ifs = readInterfaces(text);
    expect(ifs.stanzas[0].options.map((o) => `${o.line}: ${o.key}`)).toEqual(['4: mtu', '6: up', '7: up']);
    expect(ifs.notes.map((n) => `${n.line}: ${n.why}`)).toEqual([
      '5: address is given more than once in one stanza (line 3 first): ifupdown joins the values with a newline into one broken command, so none of them is applied; use a second iface stanza for a second address',
      '8: address is given more than once in one stanza: ifupdown joins the values with a newline into one broken command, so none of them is applied; use a second iface stanza for a second address',
    ]);
    expect(ifup(text).lines).not.toContainEqual(expect.stringMatching(/addr add/));
  });

  it('a file ifup refuses brings up nothing', () => {
    for (const [text, line, why] of [
      ['address 10.0.0.1/24\niface eth0 inet static', 1, /outside any iface stanza/],
      ['iface eth0 inet static\n address', 2, /option address has no value/],
      ['iface eth0 inet fancy', 1, /unknown or no method "fancy"/],
      ['auto eth0\niface eth0 static', 2, /unknown or no address family "static"/],
      ['auto eth0\n  gateway 10.0.0.1', 2, /outside any iface stanza/],
      // `auto`, `no-auto-down` and `no-scripts` end the stanza even alone (config.c read_interfaces_defn).
      ['iface eth0 inet static\n  auto\n  address 10.0.0.1/24', 3, /outside any iface stanza/],
      ['iface eth0 inet static\n  no-auto-down\n  address 10.0.0.1/24', 3, /outside any iface stanza/],
      ['iface eth0 inet static\n  no-scripts\n  address 10.0.0.1/24', 3, /outside any iface stanza/],
      ['mapping eth1\n  script /x\n  map a b\n  foo bar\nauto eth0', 4, /not an option of a mapping/],
    ] as const)
      expect(readInterfaces(text).refused).toMatchObject({ line, why: expect.stringMatching(why) });
  });

  it('reads auto, allow-hotplug and allow-auto lines; `auto` alone adds nothing', () => {
    const ifs = readInterfaces(
      [
        'auto lo eth0',
        'allow-hotplug eth1',
        'iface eth2 inet manual',
        'auto',
        'allow-auto eth3 eth0',
        'auto /eth*',
      ].join('\n'),
    );
    expect(ifs.refused).toBeUndefined();
    expect([...ifs.allow]).toEqual([
      ['auto', ['lo', 'eth0', 'eth3']],
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
    ["bash -c 'ifup -a'", { up: true, classes: ['auto'] }],
    ['ifup -a 2>/dev/null', { up: true, classes: ['auto'] }],
    ['ifup -a > /tmp/log 2>&1', { up: true, classes: ['auto'] }],
    ["/bin/sh -c 'ifup eth0 2>/dev/null' &>/dev/null", { up: true, ifaces: ['eth0'] }],
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
    'ifup -a >',
    "bash -c 'ifup -a; ip link set eth0 up'",
    'echo "ifup -a > x"',
  ])('is no ifupdown action: %s', (line) => {
    expect(ifupdownAction(line)).toBeNull();
  });

  // Guards against the quadratic work these inputs once took (tens of seconds), not speed targets:
  // each bound is many times what the linear code takes, and far below what the old code took.
  describe('in linear time', () => {
    const timed = (text: string) => {
      const t = performance.now();
      const ifs = readInterfaces(text);
      return { ifs, ms: performance.now() - t };
    };
    it('a long blank run inside a line (took 17.6 s)', () => {
      const { ifs, ms } = timed(`iface eth0 inet static\n  up a${' '.repeat(160000)}b  `);
      expect(ms).toBeLessThan(5000);
      expect(ifs.stanzas[0].options[0].value).toBe(`a${' '.repeat(160000)}b`);
    });
    it('many continued lines (took 51 s), joined as before', () => {
      const { ifs, ms } = timed('iface eth0 inet static\n' + '  up x\\\n'.repeat(160000));
      expect(ms).toBeLessThan(10000);
      expect(ifs.stanzas[0].options[0].value).toBe('x  up x'.repeat(1) + '  up x'.repeat(159998));
      // a continuation that ends in an empty line still joins on, as the joined text ends in `\\`
      expect(readInterfaces('iface eth0 inet static\n  up a\\\\\n\n  b').stanzas[0].options[0].value).toBe(
        'a  b',
      );
    });
    it('many auto names (took 29 s with the stanzas)', () => {
      const n = 80000;
      const { ifs, ms } = timed(Array.from({ length: n }, (_, i) => `auto e${i} e${i}`).join('\n'));
      expect(ms).toBeLessThan(8000);
      expect(ifs.allow.get('auto')).toHaveLength(n);
    });
  });
});
