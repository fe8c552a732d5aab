/** The `namespace` node kind: a network namespace (a host in the lab). */
import { NamespaceNode } from '../model';
import { NAMESPACE_ICON } from './icons';
import { ownHome, resolveNetns } from './netns-resolve';
import type { NodeKindDescriptor } from './types';

export const namespaceKind: NodeKindDescriptor<'namespace'> = {
  kind: 'namespace',
  schema: NamespaceNode,
  label: 'Namespace',
  help: 'a network namespace (a host in the lab)',
  namePrefix: 'ns',
  firstIndex: 1,
  ifnames: 'eth',
  netns: true,
  endIsPort: false,
  namespaceOf: ownHome,
  resolveNamespace: (node, sink) => resolveNetns(node, sink),
  // Every namespace is at least a plain one.
  adopt: () => ({ facts: 0, fields: {}, implied: [] }),
  palette: { colorVar: '--ns', icon: NAMESPACE_ICON },
  export: {
    mermaidShape: ['(', ')'],
    mermaidClass: 'fill:#dbeafe,stroke:#2563eb,color:#111827',
    svg: { fill: '#dbeafe', stroke: '#2563eb', text: 'namespace', rx: 8 },
  },
};
