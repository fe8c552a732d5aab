/**
 * The names of the kernel and tool features netplumb offers or relies on.
 * The detection lives in electron/kernel/capabilities.ts; the names live here
 * so a kind descriptor can say which features its objects need (`needs`) and
 * the capability check reads that instead of a table of its own.
 */
export const FEATURES = [
  'ipCommand',
  'bridgeCommand',
  'tcCommand',
  'veth',
  'bridge',
  'bridgeStp',
  'bridgeVlanFiltering',
  'vlan8021q',
  'netem',
  'tbf',
  'htb',
  'dummy',
  'bond',
  'vrf',
  'macvlan',
  'vxlan',
  'geneve',
  'gre',
  'ipvlan',
  'nftables',
  'tcpdump',
] as const;

/** One feature (see FEATURES). */
export type Feature = (typeof FEATURES)[number];
