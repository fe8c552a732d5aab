/**
 * containerlab's interface aliases, kind by kind: the names each kind's help
 * text documents map to the Linux name containerlab computes
 * (eth(port − offset + first data index), IOL's eth(slot×4 + port), SR Linux's
 * eL-P[-C]…), over generated numbers; what containerlab refuses is refused.
 * The expectations are written here from the rules, not from the table.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALIAS_KINDS, clabIfname, clabInterfaceAlias } from './clab-aliases';

const n = fc.nat({ max: 300 });
const eth = (i: number) => (i >= 1 ? { kind: 'mapped', ifname: `eth${i}` } : { kind: 'refused' });

/**
 * VM-based kinds: documented alias forms (X is the number written), the
 * InterfaceOffset, and the kind names that share the rule. Linux name:
 * eth(X − offset + 1), refused below eth1.
 */
const VM_KINDS: { kinds: string[]; forms: ((x: number) => string)[]; offset: number }[] = [
  { kinds: ['ciena_saos', 'vr-ciena_saos'], forms: [(x) => `${x}`], offset: 1 },
  { kinds: ['f5_bigip-ve'], forms: [(x) => `1.${x}`], offset: 1 },
  {
    kinds: ['cisco_asav', 'cisco_ftdv'],
    forms: [(x) => `Gi0/${x}`, (x) => `GigabitEthernet0/${x}`, (x) => `GigabitEthernet 0/${x}`],
    offset: 0,
  },
  {
    kinds: ['cisco_vios'],
    forms: [(x) => `Gi${x}`, (x) => `GigabitEthernet${x}`, (x) => `GigabitEthernet ${x}`],
    offset: 0,
  },
  {
    kinds: ['cisco_csr1000v', 'vr-csr', 'vr-cisco_csr1000v', 'cisco_c8000v'],
    forms: [(x) => `Gi${x}`, (x) => `GigabitEthernet${x}`, (x) => `Gi ${x}`],
    offset: 2,
  },
  { kinds: ['cisco_cat9kv'], forms: [(x) => `Gi1/0/${x}`, (x) => `GigabitEthernet1/0/${x}`], offset: 1 },
  {
    kinds: ['cisco_xrv', 'vr-xrv', 'vr-cisco_xrv'],
    forms: [(x) => `Gi0/0/0/${x}`, (x) => `GigabitEthernet0/0/0/${x}`],
    offset: 0,
  },
  {
    kinds: ['cisco_xrv9k', 'vr-xrv9k', 'vr-cisco_xrv9k', 'cisco_xrd_vrouter'],
    forms: [
      (x) => `Gi0/0/0/${x}`,
      (x) => `Te0/0/0/${x}`,
      (x) => `TenGigE0/0/0/${x}`,
      (x) => `TenGigabitEthernet 0/0/0/${x}`,
    ],
    offset: 0,
  },
  {
    kinds: ['cisco_n9kv', 'vr-n9kv', 'vr-cisco_n9kv'],
    forms: [(x) => `Ethernet1/${x}`, (x) => `Et1/${x}`, (x) => `Ethernet 1/${x}`],
    offset: 1,
  },
  {
    kinds: ['arista_veos', 'vr-veos', 'vr-arista_veos'],
    forms: [(x) => `Et1/${x}`, (x) => `Ethernet1/${x}`],
    offset: 1,
  },
  { kinds: ['paloalto_panos', 'vr-pan', 'vr-paloalto_panos'], forms: [(x) => `Ethernet1/${x}`], offset: 1 },
  { kinds: ['mikrotik_ros', 'vr-ros', 'vr-mikrotik_ros'], forms: [(x) => `ether${x}`], offset: 2 },
  { kinds: ['aruba_aoscx', 'vr-aoscx', 'vr-aruba_aoscx'], forms: [(x) => `1/1/${x}`], offset: 1 },
  {
    kinds: [
      'juniper_vmx',
      'vr-vmx',
      'vr-juniper_vmx',
      'juniper_vqfx',
      'vr-vqfx',
      'vr-juniper_vqfx',
      'juniper_vsrx',
      'vr-vsrx',
      'vr-juniper_vsrx',
      'juniper_vjunosrouter',
      'juniper_vjunosswitch',
      'juniper_vjunosevolved',
    ],
    forms: [(x) => `ge-0/0/${x}`, (x) => `xe-0/0/${x}`, (x) => `et-0/0/${x}`],
    offset: 0,
  },
  { kinds: ['cjunosevolved', 'juniper_cjunosevolved'], forms: [(x) => `et-0/0/${x}`], offset: -3 },
  { kinds: ['fortinet_fortigate'], forms: [(x) => `port${x}`], offset: 2 },
  { kinds: ['nvidia_cumulusvx'], forms: [(x) => `swp${x}`], offset: 1 },
  { kinds: ['freebsd'], forms: [(x) => `vtnet${x}`], offset: 1 },
  { kinds: ['openbsd'], forms: [(x) => `vio${x}`], offset: 1 },
];

/** The other kinds with aliases (rules of their own, checked below). */
const OWN_RULES = [
  'srl',
  'nokia_srlinux',
  'nokia_srsim',
  'nokia_sros',
  'vr-sros',
  'vr-nokia_sros',
  'cisco_iol',
  'spirent_stc',
  'cisco_sdwan',
];

describe('containerlab interface aliases', () => {
  it('every kind with an alias regexp in containerlab is covered here, and nothing else', () => {
    expect([...ALIAS_KINDS].sort()).toEqual([...VM_KINDS.flatMap((k) => k.kinds), ...OWN_RULES].sort());
  });

  it('maps the examples of containerlab’s own kind tests (nodes/<kind>/*_test.go)', () => {
    const cases: [string, string, string][] = [
      ['ciena_saos', '1', 'eth1'],
      ['ciena_saos', '5', 'eth5'],
      ['cisco_asav', 'GigabitEthernet0/0', 'eth1'],
      ['cisco_asav', 'Gi0/2', 'eth3'],
      ['cisco_asav', 'GigabitEthernet 0/4', 'eth5'],
      ['cisco_vios', 'Gi0', 'eth1'],
      ['cisco_vios', 'GigabitEthernet 2', 'eth3'],
      ['cisco_xrd_vrouter', 'GigabitEthernet0/0/0/0', 'eth1'],
      ['cisco_xrd_vrouter', 'TenGigabitEthernet0/0/0/3', 'eth4'],
      ['cisco_xrd_vrouter', 'Te0/0/0/5', 'eth6'],
      ['f5_bigip-ve', '1.1', 'eth1'],
      ['f5_bigip-ve', '1.3', 'eth3'],
      ['fortinet_fortigate', 'port2', 'eth1'],
      ['fortinet_fortigate', 'port6', 'eth5'],
      ['nokia_srlinux', 'ethernet-2/3/4', 'e2-3-4'],
      ['nokia_srlinux', 'ethernet-3/2', 'e3-2'],
      ['aruba_aoscx', '1/1/3', 'eth3'],
      ['cisco_c8000v', 'Gi2', 'eth1'],
      ['cisco_csr1000v', 'GigabitEthernet 6', 'eth5'],
      ['freebsd', 'vtnet3', 'eth3'],
      ['cisco_ftdv', 'Gi0/2', 'eth3'],
      ['cisco_n9kv', 'Ethernet 1/5', 'eth5'],
      ['openbsd', 'vio5', 'eth5'],
      ['paloalto_panos', 'Ethernet1/3', 'eth3'],
      ['mikrotik_ros', 'ether2', 'eth1'],
      ['nokia_sros', '1/1/5', 'eth5'],
      ['arista_veos', 'Et1/5', 'eth5'],
      ['juniper_vjunosevolved', 'ge-0/0/4', 'eth5'],
      ['juniper_vmx', 'ge-0/0/0', 'eth1'],
      ['cisco_xrv', 'Gi0/0/0/2', 'eth3'],
      ['cisco_xrv9k', 'TenGigE0/0/0/4', 'eth5'],
      // the survey's files (nodes/iol/iol.go, the kinds' docs)
      ['cisco_iol', 'Ethernet0/1', 'eth1'],
      ['cisco_iol', 'e0/2', 'eth2'],
      ['cisco_iol', 'Ethernet1/0', 'eth4'],
      ['juniper_cjunosevolved', 'et-0/0/0', 'eth4'],
      ['nokia_srsim', '1/2/c3/4', 'e1-2-c3-4'],
      ['nokia_srsim', '1/x2/3/c4/5', 'e1-x2-3-c4-5'],
      ['spirent_stc', 'port3', 'eth3'],
    ];
    expect(cases.map(([k, name]) => [k, name, clabInterfaceAlias(k, name)])).toEqual(cases);
  });

  it('VM-based kinds: every documented form of port X is eth(X − offset + 1); below eth1 it is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VM_KINDS), n, fc.nat(), (k, x, pick) => {
        const name = k.forms[pick % k.forms.length](x);
        for (const kind of k.kinds) expect(clabIfname(kind, name)).toMatchObject(eth(x - k.offset + 1));
      }),
      { numRuns: 500 },
    );
  });

  it('VM-based kinds keep ethX (X ≥ 1) as written, refuse eth0 (the management port) and names of no form', () => {
    for (const kind of VM_KINDS.flatMap((k) => k.kinds)) {
      expect(clabIfname(kind, 'eth7')).toEqual({ kind: 'kept', ifname: 'eth7' });
      expect(clabIfname(kind, 'eth0')).toMatchObject({ kind: 'refused', ifname: 'eth0' });
      expect(clabIfname(kind, 'mgmt')).toMatchObject({ kind: 'refused', ifname: 'mgmt' });
    }
    expect(clabIfname('cisco_sdwan', 'eth3')).toEqual({ kind: 'kept', ifname: 'eth3' });
    expect(clabIfname('cisco_sdwan', 'eth0')).toMatchObject({ kind: 'refused' });
  });

  it('Cisco IOL: Ethernet<slot>/<port> and e<slot>/<port> are eth(slot×4 + port) where allowed; the rest is refused', () => {
    fc.assert(
      fc.property(fc.nat({ max: 12 }), fc.nat({ max: 6 }), fc.boolean(), (slot, port, short) => {
        const name = `${short ? 'e' : 'Ethernet'}${slot}/${port}`;
        const allowed = (slot === 0 && port >= 1 && port <= 3) || (slot >= 1 && slot <= 9 && port <= 3);
        expect(clabIfname('cisco_iol', name)).toMatchObject(
          allowed ? { kind: 'mapped', ifname: `eth${slot * 4 + port}` } : { kind: 'refused', ifname: name },
        );
      }),
    );
    expect(clabIfname('cisco_iol', 'eth5')).toEqual({ kind: 'kept', ifname: 'eth5' });
    expect(clabIfname('cisco_iol', 'Ethernet0/0')).toMatchObject({
      kind: 'refused',
      why: 'Ethernet0/0 is the management port, which links may not use',
    });
  });

  it('SR Linux: ethernet-L/P[/C] is eL-P[-C] when every number is at least 1; other names but eL-P[-C] and mgmt0 are refused', () => {
    fc.assert(
      fc.property(n, n, fc.option(n, { nil: undefined }), (l, p, ch) => {
        const name = `ethernet-${l}/${p}${ch === undefined ? '' : `/${ch}`}`;
        const ok = l >= 1 && p >= 1 && (ch === undefined || ch >= 1);
        const want = ok
          ? { kind: 'mapped', ifname: `e${l}-${p}${ch === undefined ? '' : `-${ch}`}` }
          : { kind: 'refused' };
        expect(clabIfname('srl', name)).toMatchObject(want);
        expect(clabIfname('nokia_srlinux', name)).toMatchObject(want);
      }),
    );
    expect(clabIfname('srl', 'e1-5')).toEqual({ kind: 'kept', ifname: 'e1-5' });
    expect(clabIfname('srl', 'mgmt0')).toEqual({ kind: 'kept', ifname: 'mgmt0' });
    expect(clabIfname('srl', 'eth1')).toMatchObject({ kind: 'refused' });
  });

  it('SR-SIM: card/[xX/]mda/[cC/]port is e<card>-[xX-]<mda>[-cC]-<port> when every number is at least 1', () => {
    const opt = fc.option(n, { nil: undefined });
    fc.assert(
      fc.property(n, opt, n, opt, n, (card, x, mda, c, port) => {
        const name = `${card}/${x === undefined ? '' : `x${x}/`}${mda}${c === undefined ? '' : `/c${c}`}/${port}`;
        const ok = [card, x ?? 1, mda, c ?? 1, port].every((v) => v >= 1);
        const linux = `e${card}-${x === undefined ? '' : `x${x}-`}${mda}${c === undefined ? '' : `-c${c}`}-${port}`;
        expect(clabIfname('nokia_srsim', name)).toMatchObject(
          ok ? { kind: 'mapped', ifname: linux } : { kind: 'refused' },
        );
      }),
    );
    expect(clabIfname('nokia_srsim', 'e1-2-3')).toEqual({ kind: 'kept', ifname: 'e1-2-3' });
    expect(clabIfname('nokia_srsim', 'mgmt')).toMatchObject({ kind: 'refused' });
  });

  it('SR OS (vrnetlab): 1/1/X is ethX, 1/1/cX/1 is ethX; other slots, MDAs and breakouts are refused; components are not computed', () => {
    fc.assert(
      fc.property(n, n, (x, sub) => {
        for (const kind of ['nokia_sros', 'vr-sros', 'vr-nokia_sros']) {
          expect(clabIfname(kind, `1/1/${x}`)).toMatchObject(eth(x));
          expect(clabIfname(kind, `1/1/c${x}/${sub}`)).toMatchObject(
            sub === 1 ? eth(x) : { kind: 'refused' },
          );
          expect(clabIfname(kind, `2/1/${x}`)).toMatchObject({ kind: 'refused' });
        }
      }),
    );
    expect(clabIfname('nokia_sros', '1/1/3', { components: [{ slot: 'A' }] })).toMatchObject({
      kind: 'unmapped',
      ifname: '1/1/3',
    });
  });

  it('Spirent STC: portX (X 1–9) is ethX; anything else is refused', () => {
    for (let x = 1; x <= 9; x++)
      expect(clabIfname('spirent_stc', `port${x}`)).toEqual({ kind: 'mapped', ifname: `eth${x}` });
    expect(clabIfname('spirent_stc', 'eth1')).toMatchObject({ kind: 'refused' });
  });

  it('kinds without aliases keep every name as written', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('linux', 'ceos', 'bridge', 'host', 'crpd', 'unknown_kind', 'toString'),
        fc.string(),
        (kind, name) => {
          expect(clabIfname(kind, name)).toEqual({ kind: 'kept', ifname: name });
        },
      ),
    );
  });
});
