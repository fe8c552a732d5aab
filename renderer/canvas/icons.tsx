/** Small inline SVG icons, one per node kind, drawn from the kind descriptors (no icon font: nothing to fetch). */
import { createElement } from 'react';
import { NODE_KINDS_REGISTRY, nodeKindList } from '../../shared/kinds';
import type { NodeKind } from '../../shared/model';

/** The icon of a node kind. */
export function KindIcon({ kind, size = 20 }: { kind: NodeKind; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {NODE_KINDS_REGISTRY[kind].palette.icon.map((s, i) => createElement(s.el, { key: i, ...s.attrs }))}
    </svg>
  );
}

/** Human names of the node kinds, as on the palette (the descriptors' labels). */
export const KIND_LABEL = Object.fromEntries(
  nodeKindList.map((k) => [k, NODE_KINDS_REGISTRY[k].label]),
) as Record<NodeKind, string>;
