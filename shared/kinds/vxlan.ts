/**
 * The `vxlan` link kind: a VXLAN tunnel between two lab nodes that already
 * reach each other over the lab's own underlay. Each end is a VTEP (`ip link
 * add name X type vxlan id VNI local L remote R dstport P`) in its node's
 * namespace, sending to the other end's `local`; optionally enslaved to a
 * bridge of that namespace (the overlay addresses then sit on the bridge).
 *
 * What vxlan shares with the other tunnel kinds (checks, the device resolve
 * adds, defaults, MAC) is in ./tunnel.ts; here: its creation parameters, its
 * problem codes, live parameter reading, import, style, export. The planner
 * creates any interface with `params` generically (link-add).
 */
import { VXLAN_PORT, VxlanLink } from '../model';
import type { KLinkParam } from '../model/kstate';
import type { Problem } from '../model/problem';
import { checkTunnel, ip, other, resolveTunnel, str, tunnelDefaults, type TunnelWords } from './tunnel';
import type { LinkCheckView, LinkKindDescriptor } from './types';
import { adoptVxlanLinks } from './vxlan-adopt';

export { nodeAddresses, VNI_MAX, VNI_MIN, vtepMac } from './tunnel';

/** The creation parameters of end `k`'s VTEP, in the order `ip link add` writes them. */
function vxlanParams(link: VxlanLink, k: 'a' | 'b'): KLinkParam[] {
  return [
    { key: 'id', value: String(link.vni) },
    { key: 'local', value: ip(link[k].local) },
    // Why the remote is always the other end's local: traffic stays between
    // the lab's own namespaces (a remote outside the lab cannot be written).
    { key: 'remote', value: ip(link[other(k)].local) },
    { key: 'dstport', value: String(link.port) },
  ];
}

const WORDS: TunnelWords = {
  title: 'VXLAN',
  dev: 'VTEP',
  port: VXLAN_PORT,
  codes: {
    vniRange: { code: 'vxlan-vni-range', severity: 'error' },
    portRange: { code: 'vxlan-port-range', severity: 'error' },
    endNode: { code: 'vxlan-end-node', severity: 'error' },
    local: { code: 'vxlan-local', severity: 'error' },
    localSame: { code: 'vxlan-local-same', severity: 'error' },
    bridge: { code: 'vxlan-bridge', severity: 'error' },
  },
};

/** The kind-specific checks of a VXLAN link (located messages; see ./tunnel.ts). */
function checkVxlan(link: VxlanLink, i: number, view: LinkCheckView): Problem[] {
  return checkTunnel(link, i, view, WORDS);
}

export const vxlanKind: LinkKindDescriptor<'vxlan'> = {
  kind: 'vxlan',
  schema: VxlanLink,
  label: 'VXLAN link',
  needs: ['vxlan'],
  kernelKinds: ['vxlan'],
  make: (base, topology) => ({
    ...base,
    kind: 'vxlan',
    port: VXLAN_PORT,
    ...tunnelDefaults(base, topology, 'vxlan', 42),
  }),
  resolve: (link, sink) =>
    resolveTunnel(link as VxlanLink, sink, 'vxlan', (k) => vxlanParams(link as VxlanLink, k)),
  check: (link, i, view) => checkVxlan(link as VxlanLink, i, view),
  readParams: (d) => [
    { key: 'id', value: str(d.id) },
    { key: 'local', value: ip(str(d.local ?? d.local6)) },
    { key: 'remote', value: ip(str(d.remote ?? d.remote6)) },
    { key: 'dstport', value: str(d.port) },
  ],
  adoptLinks: adoptVxlanLinks,
  paramNames: { id: 'VNI', local: 'local address', remote: 'remote address', dstport: 'UDP port' },
  style: { className: 'np-link--vxlan', dash: '6 4', label: (link) => `VNI ${(link as VxlanLink).vni}` },
  export: { clab: 'exec' },
};
