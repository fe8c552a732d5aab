/** The `host` node kind: this machine's root namespace, an endpoint only. */
import { HostNode } from '../model';
import { HOST_ICON } from './icons';
import type { NodeKindDescriptor } from './types';

export const hostKind: NodeKindDescriptor<'host'> = {
  kind: 'host',
  schema: HostNode,
  label: 'Host',
  help: "this machine's root namespace",
  namePrefix: 'host',
  firstIndex: 1,
  firstName: 'host',
  ifnames: 'peer',
  netns: false,
  endIsPort: false,
  namespaceOf: () => ({ at: 'root' }),
  palette: {
    colorVar: '--host',
    icon: HOST_ICON,
    box: { 'border-style': 'dashed', 'border-left-style': 'solid' },
  },
  export: {
    mermaidShape: ['[[', ']]'],
    mermaidClass: 'fill:#f3f4f6,stroke:#4b5563,color:#111827',
    svg: { fill: '#eef0f3', stroke: '#52606d', text: 'host', rx: 8 },
  },
};
