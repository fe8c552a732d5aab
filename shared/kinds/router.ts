/** The `router` node kind: a namespace with forwarding on. */
import { RouterNode } from '../model';
import { ROUTER_ICON } from './icons';
import { ownHome, resolveNetns } from './netns-resolve';
import type { NodeKindDescriptor } from './types';

const IPV4_FORWARDING = 'net.ipv4.ip_forward';
const IPV6_FORWARDING = 'net.ipv6.conf.all.forwarding';

export const routerKind: NodeKindDescriptor<'router'> = {
  kind: 'router',
  schema: RouterNode,
  label: 'Router',
  help: 'a namespace that forwards packets',
  namePrefix: 'r',
  firstIndex: 1,
  ifnames: 'eth',
  netns: true,
  endIsPort: false,
  namespaceOf: ownHome,
  resolveNamespace: (node, sink) =>
    resolveNetns(node, sink, {
      [IPV4_FORWARDING]: '1',
      ...(node.ipv6Forwarding ? { [IPV6_FORWARDING]: '1' } : {}),
    }),
  // A namespace that forwards IPv4 is a router; its IPv6 forwarding is a field of the node.
  adopt: (ns) =>
    ns.sysctls[IPV4_FORWARDING] === '1'
      ? {
          facts: 1,
          fields: { ipv6Forwarding: ns.sysctls[IPV6_FORWARDING] === '1' },
          implied: [IPV4_FORWARDING, IPV6_FORWARDING],
        }
      : undefined,
  palette: { colorVar: '--router', icon: ROUTER_ICON, box: { 'border-radius': '18px' } },
  export: {
    mermaidShape: ['((', '))'],
    mermaidClass: 'fill:#ffedd5,stroke:#ea580c,color:#111827',
    svg: { fill: '#f3e8ff', stroke: '#9333ea', text: 'router', rx: 28 },
  },
};
