/**
 * The `bridge` node kind: a Linux bridge in the root namespace or inside a
 * namespace/router node (`namespace`). Link ends on it are its ports.
 */
import { BridgeNode, isNetnsNode } from '../model';
import { makeMark } from '../model/kstate';
import { normalizeMac } from '../util/ip';
import { BRIDGE_ICON } from './icons';
import { canonicalAddresses } from './kernel-values';
import type { NodeKindDescriptor } from './types';

export const bridgeKind: NodeKindDescriptor<'bridge'> = {
  kind: 'bridge',
  schema: BridgeNode,
  label: 'Bridge',
  help: 'a Linux bridge (a switch)',
  namePrefix: 'br',
  firstIndex: 0,
  ifnames: 'port',
  netns: false,
  endIsPort: true,
  namespaceOf(node, lookup) {
    if (node.namespace === undefined) return { at: 'root' };
    const holder = lookup(node.namespace);
    return holder && isNetnsNode(holder) ? { at: 'netns', node: holder } : { at: 'unknown', holder };
  },
  resolveIfaces(node, sink) {
    const ns = sink.nsOf(node);
    sink.addIface(
      ns,
      {
        name: node.name,
        kind: 'bridge',
        mark: makeMark(sink.lab, 'bridge', node.id),
        up: true,
        addresses: canonicalAddresses(node.addresses),
        ...(node.mtu !== undefined ? { mtu: node.mtu } : {}),
        ...(node.mac ? { mac: normalizeMac(node.mac) ?? node.mac.toLowerCase() } : {}),
        bridge: { stp: node.stp, vlanFiltering: node.vlanFiltering, defaultPvid: node.defaultPvid ?? 1 },
      },
      { nodeId: node.id },
    );
  },
  checkRefs(n, i, view) {
    if (n.namespace === undefined) return [];
    const target = view.lookup(n.namespace);
    if (!target)
      return [
        {
          code: 'bridge-namespace-unknown',
          severity: 'error',
          message: `${bridgeKind.label} "${n.id}": namespace "${n.namespace}" does not exist; name a namespace or router node, or leave it empty for the root namespace.`,
          path: ['nodes', i, 'namespace'],
          nodeId: n.id,
        },
      ];
    if (!isNetnsNode(target))
      return [
        {
          code: 'bridge-namespace-not-netns',
          severity: 'error',
          message: `${bridgeKind.label} "${n.id}": namespace "${n.namespace}" is a ${target.kind}; a bridge can only live inside a namespace or router node.`,
          path: ['nodes', i, 'namespace'],
          nodeId: n.id,
        },
      ];
    return [];
  },
  palette: { colorVar: '--bridge', icon: BRIDGE_ICON, box: { 'border-radius': '4px' } },
  export: {
    mermaidShape: ['{{', '}}'],
    mermaidClass: 'fill:#dcfce7,stroke:#16a34a,color:#111827',
    svg: { fill: '#d1fae5', stroke: '#0f8a5f', text: 'bridge', rx: 8 },
  },
};
