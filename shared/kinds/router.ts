/** The `router` node kind: a namespace with forwarding on. */
import { RouterNode } from '../model';
import { ROUTER_ICON } from './icons';
import { ownHome, resolveNetns } from './netns-resolve';
import type { NodeKindDescriptor } from './types';

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
      'net.ipv4.ip_forward': '1',
      ...(node.ipv6Forwarding ? { 'net.ipv6.conf.all.forwarding': '1' } : {}),
    }),
  palette: { colorVar: '--router', icon: ROUTER_ICON, box: { 'border-radius': '18px' } },
  export: {
    mermaidShape: ['((', '))'],
    mermaidClass: 'fill:#ffedd5,stroke:#ea580c,color:#111827',
    svg: { fill: '#f3e8ff', stroke: '#9333ea', text: 'router' },
  },
};
