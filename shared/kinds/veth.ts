/**
 * The `veth` link kind (the default): a veth pair, one end on each node. On a
 * bridge node the end is a bridge port (no addresses; VLANs on a filtering
 * bridge); elsewhere it is the node's interface.
 */
import { VethLink, type LinkEnd } from '../model';
import { makeMark, ROOT_NS, type KIface, type KPortVlans } from '../model/kstate';
import { normalizeMac } from '../util/ip';
import { canonicalAddresses } from './kernel-values';
import type { LinkKindDescriptor } from './types';

function portVlans(end: LinkEnd, defaultPvid: number): KPortVlans {
  if (!end.vlans) return { pvid: defaultPvid, untagged: [defaultPvid], tagged: [] };
  const untagged = new Set(end.vlans.untagged);
  const tagged = new Set(end.vlans.tagged);
  // A PVID implies membership; untagged unless listed as tagged.
  if (end.vlans.pvid !== undefined && !tagged.has(end.vlans.pvid)) untagged.add(end.vlans.pvid);
  return {
    pvid: end.vlans.pvid,
    untagged: [...untagged].sort((x, y) => x - y),
    tagged: [...tagged].filter((v) => !untagged.has(v)).sort((x, y) => x - y),
  };
}

export const vethKind: LinkKindDescriptor<'veth'> = {
  kind: 'veth',
  schema: VethLink,
  label: 'veth pair',
  needs: ['veth'],
  kernelKinds: ['veth'],
  // The default kind: written without `kind`, as older files are.
  make: (base) => ({ ...base }),
  resolve(link, sink) {
    const ends = { a: link.a, b: link.b } as const;
    const place = (k: 'a' | 'b') => {
      const node = sink.lookup(ends[k].node);
      return { node, ns: node ? sink.nsOf(node) : ROOT_NS, name: ends[k].ifname };
    };
    const pa = place('a');
    const pb = place('b');
    sink.addLinkEnds(link.id, { ns: pa.ns, name: pa.name }, { ns: pb.ns, name: pb.name });
    for (const [k, me, peer] of [
      ['a', pa, pb],
      ['b', pb, pa],
    ] as const) {
      const end = ends[k];
      const bridge = me.node?.kind === 'bridge' ? me.node : undefined;
      const iface: KIface = {
        name: me.name,
        kind: 'veth',
        mark: makeMark(sink.lab, link.id, k),
        peer: { ns: peer.ns, name: peer.name },
        up: end.up,
        addresses: bridge ? [] : canonicalAddresses(end.addresses),
        ...(bridge ? { master: bridge.name } : {}),
        ...(end.mtu !== undefined ? { mtu: end.mtu } : {}),
        ...(end.mac ? { mac: normalizeMac(end.mac) ?? end.mac.toLowerCase() } : {}),
        ...(bridge?.vlanFiltering ? { vlans: portVlans(end, bridge.defaultPvid ?? 1) } : {}),
        ...(end.netem && Object.values(end.netem).some((v) => v !== undefined)
          ? { netem: { ...end.netem } }
          : {}),
      };
      sink.addIface(me.ns, iface, { nodeId: end.node, linkId: link.id, end: k });
    }
  },
  style: { className: 'np-link--veth' },
  export: { clab: 'endpoints' },
};
