/**
 * The `geneve` link kind: a Geneve tunnel between two lab nodes that already
 * reach each other over the lab's own underlay. Each end is a Geneve device
 * (`ip link add name X type geneve id VNI remote R dstport P`) in its node's
 * namespace, sending to the other end's `local`; optionally enslaved to a
 * bridge of that namespace.
 *
 * Unlike VXLAN, iproute2's geneve has no `local` parameter (ip/iplink_geneve.c):
 * the kernel sends from the source address its route to the remote picks, and
 * the receiving device accepts only packets whose source is its `remote`. So
 * each end's `local` is written in the file (the other end's remote, checked
 * as for VXLAN) but is not a creation parameter; an interface holding other
 * addresses of its family next to it gets a warning, since the route may pick one.
 * What geneve shares with vxlan lives in ./tunnel.ts.
 */
import { GENEVE_PORT, GeneveLink } from '../model';
import type { KLinkParam } from '../model/kstate';
import type { Problem } from '../model/problem';
import { family } from '../util/ip';
import { checkTunnel, ip, other, resolveTunnel, str, tunnelDefaults, type TunnelWords } from './tunnel';
import { adoptGeneveLinks } from './geneve-adopt';
import type { LinkCheckView, LinkKindDescriptor } from './types';

/** The creation parameters of end `k`'s Geneve device, in the order `ip link add` writes them. */
function geneveParams(link: GeneveLink, k: 'a' | 'b'): KLinkParam[] {
  return [
    { key: 'id', value: String(link.vni) },
    // Why the remote is always the other end's local: traffic stays between the lab's own namespaces.
    { key: 'remote', value: ip(link[other(k)].local) },
    { key: 'dstport', value: String(link.port) },
  ];
}

const WORDS: TunnelWords = {
  title: 'Geneve',
  dev: 'Geneve device',
  port: GENEVE_PORT,
  codes: {
    vniRange: { code: 'geneve-vni-range', severity: 'error' },
    portRange: { code: 'geneve-port-range', severity: 'error' },
    endNode: { code: 'geneve-end-node', severity: 'error' },
    local: { code: 'geneve-local', severity: 'error' },
    localSame: { code: 'geneve-local-same', severity: 'error' },
    bridge: { code: 'geneve-bridge', severity: 'error' },
  },
};

/**
 * The other addresses of the family of `local` on the interface that holds it
 * (a link end of the node or a bridge in its namespace): the kernel picks its
 * source among an outgoing interface's addresses, so these are the ones that
 * can stand in for `local`.
 */
function rivals(view: LinkCheckView, nodeId: string, skip: string, local: string): string[] {
  const holders: string[][] = [];
  for (const l of view.topology.links)
    if (l.id !== skip) for (const e of [l.a, l.b]) if (e.node === nodeId) holders.push(e.addresses);
  for (const n of view.topology.nodes)
    if (n.kind === 'bridge' && n.namespace === nodeId) holders.push(n.addresses);
  const bare = (cidr: string) => ip(cidr.split('/')[0]);
  const holder = holders.find((h) => h.some((c) => bare(c) === local)) ?? [];
  return holder.map(bare).filter((x) => x !== local && family(x) === family(local));
}

/** The checks of a Geneve link: the tunnel checks, and a warning where the source address is not certain. */
function checkGeneve(link: GeneveLink, i: number, view: LinkCheckView): Problem[] {
  const out = checkTunnel(link, i, view, WORDS);
  if (out.some((p) => p.severity === 'error')) return out;
  for (const k of ['a', 'b'] as const) {
    const local = ip(link[k].local);
    const others = rivals(view, link[k].node, link.id, local);
    if (others.length)
      out.push({
        code: 'geneve-source',
        severity: 'warning',
        message: `Geneve link ${link.id}: the interface of "${link[k].node}" with ${local} also has ${others.join(', ')}; Geneve has no local address, so the kernel sends from the address its route to ${ip(link[other(k)].local)} picks, and the other end accepts only ${local} (its remote). Make sure that route leaves from ${local}, or move the other addresses.`,
        path: ['links', i, k, 'local'],
        linkId: link.id,
        nodeId: link[k].node,
      });
  }
  return out;
}

export const geneveKind: LinkKindDescriptor<'geneve'> = {
  kind: 'geneve',
  schema: GeneveLink,
  label: 'Geneve link',
  needs: ['geneve'],
  kernelKinds: ['geneve'],
  make: (base, topology) => ({
    ...base,
    kind: 'geneve',
    port: GENEVE_PORT,
    ...tunnelDefaults(base, topology, 'geneve', 7),
  }),
  resolve: (link, sink) =>
    resolveTunnel(link as GeneveLink, sink, 'geneve', (k) => geneveParams(link as GeneveLink, k)),
  check: (link, i, view) => checkGeneve(link as GeneveLink, i, view),
  // `ip -d -j link` prints the remote as remote (IPv4) or remote6, the port as port.
  readParams: (d) => [
    { key: 'id', value: str(d.id) },
    { key: 'remote', value: ip(str(d.remote ?? d.remote6)) },
    { key: 'dstport', value: str(d.port) },
  ],
  adoptLinks: adoptGeneveLinks,
  paramNames: { id: 'VNI', remote: 'remote address', dstport: 'UDP port' },
  style: { className: 'np-link--geneve', dash: '2 3', label: (link) => `VNI ${(link as GeneveLink).vni}` },
  export: { clab: 'exec' },
};
