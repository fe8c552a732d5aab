/**
 * Every problem code the validator (and the schema step) can report, with its
 * severity and a one-line summary. Codes are stable: the CLI, the canvas and
 * tests match on them. A test checks that this list and the rules agree.
 */
export const PROBLEM_CODES = {
  // document
  schema: ['error', 'the document does not match the file format (wrong type, unknown field, missing field)'],
  'unsupported-version': ['error', 'the file was written by a newer netplumb'],
  'lab-too-large': ['error', 'more nodes or links than a lab may have (LAB_LIMITS)'],
  'internal-error': [
    'error',
    'a rule failed unexpectedly on this input (a bug; the rest of the rules still ran)',
  ],
  // names
  'lab-name-invalid': [
    'error',
    'lab name is empty, longer than 32, or uses characters other than a-z 0-9 - _ .',
  ],
  'ifname-too-long': ['error', 'interface or bridge name is longer than 15 UTF-8 bytes'],
  'ifname-invalid': [
    'error',
    "interface or bridge name is empty, '.', '..', starts with '-', or uses characters other than A-Z a-z 0-9 - _ .",
  ],
  'ifname-reserved': ['error', "interface name is 'lo', 'all', 'default' or 'bonding_masters'"],
  'ifname-fallback-tunnel': [
    'warning',
    'interface name of a tunnel device the kernel creates in every namespace when its module is loaded (tunl0, sit0, gre0, ...)',
  ],
  'netns-name-invalid': [
    'error',
    "namespace name is '.', '..', starts with '-', or uses characters other than A-Z a-z 0-9 - _ .",
  ],
  'netns-name-too-long': ['error', 'namespace name is longer than 64 characters'],
  // structure
  'duplicate-node-id': ['error', 'two nodes have the same id'],
  'duplicate-link-id': ['error', 'two links have the same id'],
  'duplicate-annotation-id': ['error', 'two canvas annotations have the same id'],
  'duplicate-netns-name': ['error', 'two namespace/router nodes have the same kernel name'],
  'duplicate-ifname': [
    'error',
    'two interfaces (link ends, bridge ports, bridges) have the same name in one kernel namespace',
  ],
  'link-unknown-node': ['error', 'a link end names a node that does not exist'],
  'link-self': ['error', 'both ends of a link are the same interface on the same node'],
  'vxlan-vni-range': ['error', 'a VXLAN link whose VNI is outside 1..16777215'],
  'vxlan-port-range': ['error', 'a VXLAN link whose UDP port is outside 1..65535'],
  'vxlan-end-node': ['error', 'a VXLAN end on a bridge or host node (a VTEP needs a namespace or router)'],
  'vxlan-local': [
    'error',
    "a VXLAN end's local is not an IP address of that node in the file, or the two ends' families differ",
  ],
  'vxlan-local-same': ['error', 'both ends of a VXLAN link use the same local address'],
  'vxlan-bridge': [
    'error',
    "a VXLAN end's bridge is missing, not in that end's namespace, or the end also has addresses",
  ],
  'geneve-vni-range': ['error', 'a Geneve link whose VNI is outside 1..16777215'],
  'geneve-port-range': ['error', 'a Geneve link whose UDP port is outside 1..65535'],
  'geneve-end-node': [
    'error',
    'a Geneve end on a bridge or host node (a Geneve device needs a namespace or router)',
  ],
  'geneve-local': [
    'error',
    "a Geneve end's local is not an IP address of that node in the file, or the two ends' families differ",
  ],
  'geneve-local-same': ['error', 'both ends of a Geneve link use the same local address'],
  'geneve-bridge': [
    'error',
    "a Geneve end's bridge is missing, not in that end's namespace, or the end also has addresses",
  ],
  'geneve-source': [
    'warning',
    "the interface holding a Geneve end's local has other addresses of its family: the kernel may send from one of them, which the other end drops",
  ],
  'bridge-namespace-unknown': ['error', 'bridge.namespace names a node that does not exist'],
  'bridge-namespace-not-netns': ['error', 'bridge.namespace names a node that is not a namespace or router'],
  'sysctls-not-allowed': ['error', 'sysctls on a host or bridge node'],
  'routes-not-allowed': ['error', 'routes or a gateway on a host or bridge node'],
  'sysctl-not-allowed': ['error', 'a sysctl key outside the allowlist'],
  'router-forwarding-off': [
    'warning',
    'a router whose sysctls turn IPv4 (or, with ipv6Forwarding, IPv6) forwarding off',
  ],
  'sysctl-value-out-of-range': ['error', 'a sysctl value outside the range the kernel gives meaning to'],
  'ipv6-disabled': [
    'error',
    'IPv6 disabled by sysctl on a node that has IPv6 addresses, routes or a gateway',
  ],
  'host-root-namespace': [
    'warning',
    "a link end on a host node creates an interface in the host's root namespace",
  ],
  // the host's own network (checked against the host's facts before apply, plan and status)
  'host-gateway-taken': ['error', "a root-namespace address or route contains the host's default gateway"],
  'host-address-taken': [
    'error',
    'a root-namespace address or route contains an address the host already has',
  ],
  'host-prefix-too-broad': [
    'error',
    "a root-namespace prefix is shorter than /8 (IPv4) or /32 (IPv6) and the machine's policy does not allow it",
  ],
  'host-route-taken': [
    'error',
    'a root-namespace address or route overlaps the destination of a route the lab does not own',
  ],
  // addresses
  'address-invalid': ['error', 'an address is not in CIDR form (address/prefix)'],
  'address-special': [
    'error',
    'an address is loopback, multicast, unspecified, IPv4-mapped or in 0/8 or 240/4',
  ],
  'address-network-address': [
    'error',
    'an address is the network address of its IPv4 prefix (shorter than /31)',
  ],
  'address-broadcast': ['error', 'an address is the broadcast address of its IPv4 prefix (shorter than /31)'],
  'address-link-local': [
    'error',
    'an explicit IPv6 link-local address (netplumb leaves those to the kernel)',
  ],
  'address-on-bridge-port': ['error', 'an address on a bridge-port end (it belongs on the bridge)'],
  'address-duplicate': ['error', 'the same address twice on one interface (the kernel refuses the second)'],
  'address-conflict': [
    'warning',
    'the same address on two interfaces of one namespace or one layer-2 segment (allowed by the kernel; replies may go to either)',
  ],
  'address-overlap': ['error', 'two interfaces of one namespace have different but overlapping subnets'],
  'subnet-on-two-interfaces': ['warning', 'two interfaces of one namespace are in the same subnet'],
  'root-namespace-address': [
    'warning',
    "an address on a root-namespace interface (host end or root bridge) adds a route to the machine's own table",
  ],
  'prefix-length-mismatch': ['warning', 'two addresses on one segment overlap with different prefix lengths'],
  // routes and gateways
  'route-invalid-prefix': ['error', "a route destination is neither 'default' nor a CIDR prefix"],
  'route-prefix-host-bits': [
    'error',
    'a route destination has host bits set (the canonical prefix is suggested)',
  ],
  'route-needs-via-or-dev': ['error', 'a route has neither a next hop nor an outgoing interface'],
  'route-unknown-dev': ['error', "a route's dev is not one of the node's interfaces (or is a bridge port)"],
  'route-interface-down': ['error', "a route's dev is set down"],
  'duplicate-route': ['error', 'two routes with the same destination and metric'],
  'duplicate-default-route': ['error', "a gateway and a 'default' route of the same family"],
  'gateway-invalid': ['error', 'a next hop or gateway is not an IP address'],
  'gateway-family-mismatch': ['error', 'a next hop or gateway of the wrong address family'],
  'gateway-is-self': ['error', "a next hop or gateway is the node's own address"],
  'gateway-unreachable': [
    'error',
    "a next hop or gateway is neither inside a subnet of the node's interfaces nor inside a route of the node through an interface without a next hop",
  ],
  'gateway-interface-down': ['error', 'a next hop is only reachable through an interface that is set down'],
  'gateway-link-local': ['warning', 'a link-local next hop without an outgoing interface'],
  // layer 2
  'vlan-not-filtering': ['error', 'VLAN settings on an end that is not a port of a VLAN-filtering bridge'],
  'vlan-tagged-and-untagged': ['error', 'a VLAN both tagged and untagged on one port'],
  'vlan-listed-twice': ['warning', 'a VLAN repeated in a tagged or untagged list'],
  'vlan-multiple-untagged': ['warning', 'a port sends several VLANs untagged (pvid included)'],
  'vlan-default-pvid-ignored': ['warning', 'defaultPvid on a bridge without VLAN filtering'],
  'bridge-loop-no-stp': ['warning', 'bridges form a loop and STP is off on at least one of them'],
  'mtu-mismatch': ['warning', 'the two ends of a veth have different MTUs'],
  'mtu-too-small-ipv6': ['error', 'an interface with IPv6 addresses has an MTU below 1280'],
  'mac-invalid': ['error', 'a MAC address is malformed, multicast or all zero'],
  'mac-duplicate': ['error', 'the same MAC address on two interfaces'],
  'netem-jitter-without-delay': ['error', 'netem jitter without a delay'],
  'netem-jitter-exceeds-delay': ['warning', 'netem jitter larger than the delay (packets get reordered)'],
  // expectations
  'expect-unknown-node': ['error', "an expectation's 'from' node does not exist"],
  'expect-from-not-netns': ['error', "an expectation's 'from' is not a namespace or router"],
  'expect-invalid-target': ['error', "an expectation's 'to' is neither a node id nor an IP address"],
  'expect-target-no-address': ['warning', "an expectation's target node has no addresses"],
} as const satisfies Record<string, readonly ['error' | 'warning', string]>;

/** A problem code. */
export type ProblemCode = keyof typeof PROBLEM_CODES;
