/**
 * containerlab interface aliases: for many kinds a link may name an interface
 * as the network OS does (`ethernet-1/1` on Nokia SR Linux, `ge-0/0/2` on
 * Juniper vMX, `Ethernet0/1` on Cisco IOL…) and containerlab maps it to the
 * Linux name the container has (`e1-1`, `eth3`, `eth1`). Every kind in
 * containerlab's nodes/ that declares an interface alias regexp is here, each
 * with the file its rule comes from (srl-labs/containerlab at 39ff2b7c,
 * nodes/<kind>/…: `InterfaceRegexp`, `InterfaceOffset`, `FirstDataIfIndex`,
 * `GetMappedInterfaceName`, `CalculateInterfaceIndex`, `AddEndpoint`,
 * `CheckInterfaceName`). The regexps are containerlab's own, unanchored where
 * containerlab's are (Go's leftmost-first match is JavaScript's).
 *
 * A name containerlab refuses on a kind (its deploy stops there) is said so:
 * the caller keeps the name as written, with a warning.
 */

/** What containerlab makes of an interface name written on a node of some kind. */
export type ClabIfname =
  /** Not an alias: the interface is called as written. */
  | { kind: 'kept'; ifname: string }
  /** An alias: the Linux name containerlab gives it. */
  | { kind: 'mapped'; ifname: string }
  /** containerlab refuses the name on this kind and stops the deploy (`ifname` is the name as written). */
  | { kind: 'refused'; ifname: string; why: string }
  /** containerlab maps it from node settings netplumb does not read (`ifname` is the name as written). */
  | { kind: 'unmapped'; ifname: string; why: string };

/** What a rule may read of the node besides its kind. */
export interface AliasNode {
  /** The node's `components:` (Nokia SR OS line cards), when set. */
  components?: unknown;
}

type Rule = (name: string, node: AliasNode) => ClabIfname;

const kept = (ifname: string): ClabIfname => ({ kind: 'kept', ifname });
const mapped = (ifname: string): ClabIfname => ({ kind: 'mapped', ifname });
const refused = (ifname: string, why: string): ClabIfname => ({ kind: 'refused', ifname, why });

/** A decimal capture as containerlab's strconv.Atoi reads it (undefined past the integers a number holds exactly). */
const int = (s: string | undefined): number | undefined => {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
};

/** nodes/vr_node.go VMInterfaceRegexp: the ethN names of a VM-based (vrnetlab) node, which need no mapping. */
const VM_IFNAME = /eth[1-9]\d*$/;

/**
 * A VM-based kind (nodes/vr_node.go VRNode.AddEndpoint with
 * DefaultNode.CalculateInterfaceIndex/GetMappedInterfaceName): a name that is
 * not ethN goes through the kind's regexp and becomes
 * eth(port − InterfaceOffset + FirstDataIfIndex), FirstDataIfIndex being 1
 * (eth0 is the VM's management); anything else, or an index below eth1, is
 * refused. `index` replaces the port arithmetic where the kind has its own
 * CalculateInterfaceIndex (it returns the index, or why there is none).
 */
function vm(
  re: RegExp,
  offset: number,
  help: string,
  index?: (m: RegExpExecArray, node: AliasNode) => number | ClabIfname,
): Rule {
  return (name, node) => {
    if (VM_IFNAME.test(name)) return kept(name);
    const m = re.exec(name);
    if (!m) return refused(name, `the kind's interfaces are ${help}`);
    const got = index ? index(m, node) : vmIndex(int(m.groups?.port), offset);
    if (typeof got !== 'number') return { ...got, ifname: name };
    if (got < 1)
      return refused(name, `it maps to interface index ${got}, below eth1, the kind's first data interface`);
    return mapped(`eth${got}`);
  };
}

const vmIndex = (port: number | undefined, offset: number): number | ClabIfname =>
  port === undefined ? refused('', 'its number is not a number containerlab reads') : port - offset + 1;

const JUNOS_RE = /(?:et|xe|ge)-0\/0\/(?<port>\d+)$/;
const JUNOS_HELP = 'et-0/0/X, xe-0/0/X or ge-0/0/X (X ≥ 0) or ethX (X ≥ 1)';
/** nodes/vr_vmx, vr_vqfx, vr_vsrx, vr_vjunosswitch (vJunos-router and -switch), vr_vjunosevolved. */
const JUNOS = vm(JUNOS_RE, 0, JUNOS_HELP);
/** nodes/cjunosevolved/cjunosevolved.go: InterfaceOffset −3, so et-0/0/0 is eth4. */
const CJUNOS = vm(/et-0\/0\/(?<port>\d+)$/, -3, 'et-0/0/X (X ≥ 0) or ethX (X ≥ 4)');
/** nodes/vr_csr/vr-csr.go and nodes/vr_c8000v/vr-c8000v.go: Gi2 is the first data port. */
const IOSXE = vm(
  /(?:Gi|GigabitEthernet)\s?(?<port>\d+)$/,
  2,
  'GiX or GigabitEthernetX (X ≥ 2) or ethX (X ≥ 1)',
);
/** nodes/vr_xrv/vr-xrv.go. */
const XRV = vm(/(?:Gi|GigabitEthernet)\s?0\/0\/0\/(?<port>\d+)$/, 0, 'Gi0/0/0/X (X ≥ 0) or ethX (X ≥ 1)');
/** nodes/vr_xrv9k/vr-xrv9k.go and nodes/cisco_xrd_vrouter/cisco_xrd_vrouter.go (the same regexp). */
const XR_TE = vm(
  /(?:Gi|GigabitEthernet|Te|TenGigE|TenGigabitEthernet)\s?0\/0\/0\/(?<port>\d+)/,
  0,
  'Gi0/0/0/X, Te0/0/0/X, TenGigE0/0/0/X (X ≥ 0) or ethX (X ≥ 1)',
);
/** nodes/vr_n9kv/vr-n9kv.go. */
const N9KV = vm(/(?:Ethernet|Et)\s?1\/(?<port>\d+)/, 1, 'Ethernet1/X or Et1/X (X ≥ 1) or ethX (X ≥ 1)');
/** nodes/vr_veos/vr-veos.go. */
const VEOS = vm(/(?:Et|Ethernet)1\/(?<port>\d+)/, 1, 'Et1/X or Ethernet1/X (X ≥ 1) or ethX (X ≥ 1)');
/** nodes/vr_pan/vr-pan.go. */
const PAN = vm(/Ethernet1\/(?<port>\d+)/, 1, 'Ethernet1/X (X ≥ 1) or ethX (X ≥ 1)');
/** nodes/vr_ros/vr-ros.go: ether1 is the management port. */
const ROS = vm(/ether(?<port>\d+)/, 2, 'etherX (X ≥ 2) or ethX (X ≥ 1)');
/** nodes/vr_aoscx/vr-aoscx.go. */
const AOSCX = vm(/1\/1\/(?<port>\d+)/, 1, '1/1/X (X ≥ 1) or ethX (X ≥ 1)');
/** nodes/ciena_saos/ciena_saos.go. */
const SAOS = vm(/^(?<port>[1-9]\d*)$/, 1, 'X (X ≥ 1) or ethX (X ≥ 1)');

/** nodes/vr_sros/interface_map.go componentIfaceRegexp. */
const VR_SROS_RE = /^(?<slot>\d+)\/(?:x(?<xiom>\d+)\/)?(?<mda>\d+)\/(?:c(?<conn>\d+)\/)?(?<port>\d+)$/;
/**
 * nodes/vr_sros/interface_map.go CalculateInterfaceIndex without `components`
 * (simpleInterfaceIndex): 1/1/X is ethX, 1/1/cX/1 (a connector's first port)
 * is ethX; other slots, MDAs and breakout ports are refused. With
 * `components` containerlab counts the ports of each card's MDAs, by type.
 */
const VR_SROS = vm(VR_SROS_RE, 1, '1/1/X, 1/1/cX/1 (X ≥ 1) or ethX (X ≥ 1)', (m, node) => {
  const g = m.groups!;
  const cs = node.components;
  if (Array.isArray(cs) ? cs.length > 0 : cs !== undefined && cs !== null)
    return {
      kind: 'unmapped',
      ifname: '',
      why: "on a node with components containerlab numbers the ports by the cards' and MDAs' types, which netplumb does not read (write the ethX name)",
    };
  const port = int(g.port);
  if (port === undefined || port < 1) return refused('', 'its port number is below 1');
  if (g.conn !== undefined && port !== 1)
    return refused('', 'it is a breakout port, which containerlab does not map (write the ethX name)');
  if (int(g.slot) !== 1 || int(g.mda) !== 1)
    return refused('', 'without components only slot 1, MDA 1 ports map (write the ethX name)');
  return g.conn !== undefined ? (int(g.conn) ?? 0) : port;
});

/**
 * A kind built on DefaultNode (nodes/default_node.go AddEndpoint): a name the
 * kind's regexp matches is mapped (an error refuses it), any other is kept;
 * then the kind's CheckInterfaceName (`check`: why a final name is refused).
 */
function dflt(
  re: RegExp,
  map: (g: Groups) => string | { error: string },
  check: (n: string) => string | undefined,
): Rule {
  return (name) => {
    const m = re.exec(name);
    let out: ClabIfname = kept(name);
    if (m) {
      const ifname = map(m.groups ?? {});
      if (typeof ifname !== 'string') return refused(name, ifname.error);
      out = mapped(ifname);
    }
    const why = check(out.ifname);
    return why ? refused(name, why) : out;
  };
}

type Groups = Record<string, string | undefined>;

/** The indices present among `keys` (each must be at least 1, as containerlab checks), or why not. */
const atLeast1 = (g: Groups, keys: string[]): number[] | { error: string } => {
  const out: number[] = [];
  for (const k of keys) {
    if (g[k] === undefined || g[k] === '') continue;
    const n = int(g[k]);
    if (n === undefined || n < 1) return { error: `its ${k} number ${g[k]} is below 1` };
    out.push(n);
  }
  return out;
};

/**
 * nodes/srl/srl.go: ethernet-L/P and ethernet-L/P/C become eL-P and eL-P-C
 * (GetMappedInterfaceName, every index ≥ 1); CheckInterfaceName then wants
 * eL-P[-C] or mgmt0.
 */
const SRL = dflt(
  /ethernet-(?<linecard>\d+)\/(?<port>\d+)(?:\/(?<channel>\d+))?/,
  (g) => {
    const n = atLeast1(g, ['linecard', 'port', 'channel']);
    return Array.isArray(n) ? `e${n.join('-')}` : n;
  },
  (n) =>
    /(:?e|ethernet)\d+-\d+(-\d+)?|mgmt0/.test(n)
      ? undefined
      : 'SR Linux interfaces are ethernet-L/P, ethernet-L/P/C, eL-P, eL-P-C (L, P, C ≥ 1) or mgmt0',
);

/**
 * nodes/sros/sros.go (Nokia SR-SIM): 1/2/3, 1/2/c3/4, 1/x2/3/4 and
 * 1/x2/3/c4/5 become e1-2-3, e1-2-c3-4, e1-x2-3-4 and e1-x2-3-c4-5
 * (every index ≥ 1); CheckInterfaceName then wants those or ethN.
 */
const SRSIM = dflt(
  /^(?<card>\d+)\/(?:x(?<xiom>\d+)\/)?(?<mda>\d+)(?:\/c(?<connector>\d+))?\/(?<port>\d+)$/,
  (g) => {
    const bad = atLeast1(g, ['card', 'xiom', 'mda', 'connector', 'port']);
    if (!Array.isArray(bad)) return bad;
    const x = g.xiom !== undefined ? `x${int(g.xiom)}-` : '';
    const c = g.connector !== undefined ? `-c${int(g.connector)}` : '';
    return `e${int(g.card)}-${x}${int(g.mda)}${c}-${int(g.port)}`;
  },
  (n) =>
    /^(?:e(?<card>\d+)-(?:x(?<xiom>\d+)-)?(?<mda>\d+)(?:-c(?<connector>\d+))?-(?<port>\d+)|eth(?<mgmtPort>\d+))$/.test(
      n,
    )
      ? undefined
      : 'SR-SIM interfaces are card/mda/port (1/2/3, 1/2/c3/4, 1/x2/3/4, 1/x2/3/c4/5) or their e1-2-3… names',
);

/** nodes/spirent_stc/stc.go: AddEndpoint refuses anything but portX (X 1–9); DefaultNode maps portX to ethX. */
const STC_RE = /port(?<port>[1-9])/;
const STC: Rule = (name) =>
  STC_RE.test(name)
    ? mapped(`eth${STC_RE.exec(name)!.groups!.port}`)
    : refused(name, 'Spirent STC interfaces are portX (X 1–9)');

/**
 * nodes/iol/iol.go: AddEndpoint maps Ethernet<slot>/<port> and e<slot>/<port>
 * (slot 0 with ports 1–3, slots 1–9 with ports 0–3: AllowedIntfRegexp) to
 * eth(slot×4 + port), four ports a slot; CheckInterfaceName refuses the
 * management port (Ethernet0/0, e0/0, eth0) and every name not ethN.
 */
const IOL_CAPTURE = /(?:e|Ethernet)\s?(?<slot>\d+)\/(?<port>\d+)$/;
const IOL_DEFAULT = /eth[1-9]\d*$/;
const IOL_MGMT = /(eth0|e0\/0|Ethernet0\/0)$/;
const IOL_ALLOWED = /(e|Ethernet)((0\/[123])|([1-9]\/[0-3]))$|eth[1-9]\d*$/;
const IOL_HELP =
  'IOL interfaces are Ethernet<slot>/<port> or e<slot>/<port> (slot 0–9, port 0–3; not the management port 0/0) or ethX (X ≥ 1)';
const IOL: Rule = (name) => {
  let ifname = name;
  if (!IOL_DEFAULT.test(name) && IOL_ALLOWED.test(name)) {
    const g = IOL_CAPTURE.exec(name)?.groups;
    const slot = int(g?.slot);
    const port = int(g?.port);
    if (slot === undefined || port === undefined) return refused(name, IOL_HELP);
    ifname = `eth${slot * 4 + port}`;
  }
  if (IOL_MGMT.test(ifname))
    return refused(name, 'Ethernet0/0 is the management port, which links may not use');
  if (!IOL_DEFAULT.test(ifname)) return refused(name, IOL_HELP);
  return ifname === name ? kept(name) : mapped(ifname);
};

/** Alias rules by containerlab kind, every name a kind registers (its `kindNames`). */
const RULES: Record<string, Rule> = {
  // nodes/srl/srl.go
  srl: SRL,
  nokia_srlinux: SRL,
  // nodes/sros/sros.go
  nokia_srsim: SRSIM,
  // nodes/vr_sros/vr-sros.go, interface_map.go
  nokia_sros: VR_SROS,
  'vr-sros': VR_SROS,
  'vr-nokia_sros': VR_SROS,
  // nodes/iol/iol.go
  cisco_iol: IOL,
  // nodes/spirent_stc/stc.go
  spirent_stc: STC,
  // nodes/vr_vmx/vr-vmx.go
  juniper_vmx: JUNOS,
  'vr-vmx': JUNOS,
  'vr-juniper_vmx': JUNOS,
  // nodes/vr_vqfx/vr-vqfx.go
  juniper_vqfx: JUNOS,
  'vr-vqfx': JUNOS,
  'vr-juniper_vqfx': JUNOS,
  // nodes/vr_vsrx/vr-vsrx.go
  juniper_vsrx: JUNOS,
  'vr-vsrx': JUNOS,
  'vr-juniper_vsrx': JUNOS,
  // nodes/vr_vjunosswitch/vr-vjunosswitch.go
  juniper_vjunosrouter: JUNOS,
  juniper_vjunosswitch: JUNOS,
  // nodes/vr_vjunosevolved/vr-vjunosevolved.go
  juniper_vjunosevolved: JUNOS,
  // nodes/cjunosevolved/cjunosevolved.go
  cjunosevolved: CJUNOS,
  juniper_cjunosevolved: CJUNOS,
  // nodes/vr_csr/vr-csr.go
  cisco_csr1000v: IOSXE,
  'vr-csr': IOSXE,
  'vr-cisco_csr1000v': IOSXE,
  // nodes/vr_c8000v/vr-c8000v.go
  cisco_c8000v: IOSXE,
  // nodes/vr_cat9kv/vr-cat9kv.go
  cisco_cat9kv: vm(/(?:Gi|GigabitEthernet)\s?1\/0\/(?<port>\d+)$/, 1, 'Gi1/0/X (X ≥ 1) or ethX (X ≥ 1)'),
  // nodes/cisco_vios/cisco-vios.go: Gi0 is the first data port
  cisco_vios: vm(
    /(?:Gi|GigabitEthernet)\s?(?<port>\d+)$/,
    0,
    'GiX or GigabitEthernetX (X ≥ 0) or ethX (X ≥ 1)',
  ),
  // nodes/cisco_asav/cisco_asav.go
  cisco_asav: vm(/(?:GigabitEthernet|Gi)\s?0\/(?<port>\d+)/, 0, 'Gi0/X (X ≥ 0) or ethX (X ≥ 1)'),
  // nodes/vr_ftdv/vr-ftdv.go
  cisco_ftdv: vm(/(?:GigabitEthernet|Gi)\s?0\/(?<port>\d+)/, 0, 'Gi0/X (X ≥ 0) or ethX (X ≥ 1)'),
  // nodes/cisco_sdwan/cisco_sdwan.go: ethX only (eth0 is refused)
  cisco_sdwan: vm(/eth(?<port>\d+)$/, 1, 'ethX (X ≥ 1)'),
  // nodes/vr_xrv/vr-xrv.go
  cisco_xrv: XRV,
  'vr-xrv': XRV,
  'vr-cisco_xrv': XRV,
  // nodes/vr_xrv9k/vr-xrv9k.go
  cisco_xrv9k: XR_TE,
  'vr-xrv9k': XR_TE,
  'vr-cisco_xrv9k': XR_TE,
  // nodes/cisco_xrd_vrouter/cisco_xrd_vrouter.go
  cisco_xrd_vrouter: XR_TE,
  // nodes/vr_n9kv/vr-n9kv.go
  cisco_n9kv: N9KV,
  'vr-n9kv': N9KV,
  'vr-cisco_n9kv': N9KV,
  // nodes/vr_veos/vr-veos.go
  arista_veos: VEOS,
  'vr-veos': VEOS,
  'vr-arista_veos': VEOS,
  // nodes/vr_pan/vr-pan.go
  paloalto_panos: PAN,
  'vr-pan': PAN,
  'vr-paloalto_panos': PAN,
  // nodes/vr_ros/vr-ros.go
  mikrotik_ros: ROS,
  'vr-ros': ROS,
  'vr-mikrotik_ros': ROS,
  // nodes/vr_aoscx/vr-aoscx.go
  aruba_aoscx: AOSCX,
  'vr-aoscx': AOSCX,
  'vr-aruba_aoscx': AOSCX,
  // nodes/ciena_saos/ciena_saos.go
  ciena_saos: SAOS,
  'vr-ciena_saos': SAOS,
  // nodes/f5_bigipve/f5_bigip-ve.go: its own AddEndpoint, as a VM node's (FirstDataIfIndex 1)
  'f5_bigip-ve': vm(/^1\.(?<port>\d+)$/, 1, '1.X (X ≥ 1) or ethX (X ≥ 1)'),
  // nodes/fortinet_fortigate/fortigate.go: port1 is the management port
  fortinet_fortigate: vm(/port(?<port>\d+)$/, 2, 'portX (X ≥ 2) or ethX (X ≥ 1)'),
  // nodes/nvidia_cumulusvx/cumulusvx.go
  nvidia_cumulusvx: vm(/swp(?<port>\d+)/, 1, 'swpX (X ≥ 1) or ethX (X ≥ 1)'),
  // nodes/vr_freebsd/vr-freebsd.go
  freebsd: vm(/vtnet(?<port>\d+)/, 1, 'vtnetX (X ≥ 1) or ethX (X ≥ 1)'),
  // nodes/vr_openbsd/vr-openbsd.go
  openbsd: vm(/vio(?<port>\d+)/, 1, 'vioX (X ≥ 1) or ethX (X ≥ 1)'),
};

/** The kinds with interface aliases (for tests and documentation). */
export const ALIAS_KINDS: readonly string[] = Object.keys(RULES);

/** What containerlab makes of interface `ifname` on a node of `kind` (kept as written for kinds without aliases). */
export function clabIfname(kind: string, ifname: string, node: AliasNode = {}): ClabIfname {
  const rule = Object.hasOwn(RULES, kind) ? RULES[kind] : undefined;
  return rule ? rule(ifname, node) : kept(ifname);
}

/** The Linux interface name containerlab gives `ifname` on a node of `kind`, or undefined when it is not an alias. */
export function clabInterfaceAlias(kind: string, ifname: string, node: AliasNode = {}): string | undefined {
  const r = clabIfname(kind, ifname, node);
  return r.kind === 'mapped' ? r.ifname : undefined;
}
