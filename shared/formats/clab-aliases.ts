/**
 * containerlab interface aliases: for some kinds a link may name an
 * interface as the network OS does (`ethernet-1/1` on Nokia SR Linux,
 * `ge-0/0/2` on Juniper vMX…) and containerlab maps it to the Linux name the
 * container has (`e1-1`, `eth3`). The rules follow containerlab's node
 * packages (nodes/srl, nodes/vr_*: InterfaceRegexp, InterfaceOffset and the
 * first data interface eth1 of vrnetlab nodes).
 */

interface AliasRule {
  re: RegExp;
  map: (m: RegExpExecArray) => string;
}

/** vrnetlab kinds: the "port" number, minus the kind's offset, plus the first data interface (eth1). */
const vr = (re: RegExp, offset: number): AliasRule => ({ re, map: (m) => `eth${Number(m[1]) - offset + 1}` });

const SRL: AliasRule = {
  re: /^ethernet-(\d+)\/(\d+)(?:\/(\d+))?$/,
  map: (m) => `e${m[1]}-${m[2]}${m[3] ? `-${m[3]}` : ''}`,
};
/** Nokia SR-SIM (nodes/sros): 1/2/3, 1/2/c3/4, 1/x2/3/4 become e1-2-3, e1-2-c3-4, e1-x2-3-4. */
const SRSIM: AliasRule = {
  re: /^(\d+)\/(?:x(\d+)\/)?(\d+)(?:\/c(\d+))?\/(\d+)$/,
  map: (m) => `e${m[1]}-${m[2] ? `x${m[2]}-` : ''}${m[3]}${m[4] ? `-c${m[4]}` : ''}-${m[5]}`,
};
const JUNOS = vr(/^(?:et|xe|ge)-0\/0\/(\d+)$/, 0);
const IOS_GI = vr(/^(?:Gi|GigabitEthernet)\s?(\d+)$/, 2);
const EOS_1 = vr(/^(?:Et|Ethernet)1\/(\d+)$/, 1);

/** Alias rules by containerlab kind (long and short kind names). */
const RULES: Record<string, AliasRule> = {
  srl: SRL,
  nokia_srlinux: SRL,
  nokia_srsim: SRSIM,
  'vr-sros': vr(/^1\/1\/(\d+)$/, 1),
  'vr-nokia_sros': vr(/^1\/1\/(\d+)$/, 1),
  'vr-vmx': JUNOS,
  'vr-juniper_vmx': JUNOS,
  juniper_vmx: JUNOS,
  'vr-vqfx': JUNOS,
  juniper_vqfx: JUNOS,
  'vr-vsrx': JUNOS,
  juniper_vsrx: JUNOS,
  juniper_vjunosrouter: JUNOS,
  juniper_vjunosswitch: JUNOS,
  juniper_vjunosevolved: JUNOS,
  'vr-csr': IOS_GI,
  cisco_csr1000v: IOS_GI,
  cisco_c8000v: IOS_GI,
  'vr-n9kv': vr(/^(?:Ethernet|Et)\s?1\/(\d+)$/, 1),
  cisco_n9kv: vr(/^(?:Ethernet|Et)\s?1\/(\d+)$/, 1),
  'vr-veos': EOS_1,
  arista_veos: EOS_1,
  'vr-xrv': vr(/^(?:Gi|GigabitEthernet)\s?0\/0\/0\/(\d+)$/, 0),
  cisco_xrv: vr(/^(?:Gi|GigabitEthernet)\s?0\/0\/0\/(\d+)$/, 0),
  'vr-ros': vr(/^ether(\d+)$/, 2),
  mikrotik_ros: vr(/^ether(\d+)$/, 2),
  'vr-pan': vr(/^Ethernet1\/(\d+)$/, 1),
  paloalto_panos: vr(/^Ethernet1\/(\d+)$/, 1),
};

/** The Linux interface name containerlab gives `ifname` on a node of `kind`, or undefined when it is not an alias. */
export function clabInterfaceAlias(kind: string, ifname: string): string | undefined {
  const rule = RULES[kind];
  const m = rule?.re.exec(ifname);
  if (!m) return undefined;
  const out = rule.map(m);
  return out === 'eth0' || /eth-/.test(out) ? undefined : out;
}
