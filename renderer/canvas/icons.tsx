/** Small inline SVG icons, one per node kind (no icon font: nothing to fetch). */
import type { NodeKind } from '../../shared/model';

const paths: Record<NodeKind, React.ReactNode> = {
  namespace: (
    <>
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" />
    </>
  ),
  router: (
    <>
      <circle cx="12" cy="12" r="8" />
      <path d="M12 5v5M12 14v5M5 12h5M14 12h5M10 7l2-2 2 2M10 17l2 2 2-2M7 10l-2 2 2 2M17 10l2 2-2 2" />
    </>
  ),
  bridge: (
    <>
      <rect x="2" y="8" width="20" height="8" rx="2" />
      <path d="M6 12h.01M10 12h.01M14 12h.01M18 12h.01" strokeWidth="2.5" />
    </>
  ),
  host: (
    <>
      <rect x="4" y="3" width="16" height="18" rx="2" />
      <path d="M8 7h8M8 11h8M8 15h3" />
    </>
  ),
};

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
      {paths[kind]}
    </svg>
  );
}

/** Human names of the node kinds, as on the palette. */
export const KIND_LABEL: Record<NodeKind, string> = {
  namespace: 'Namespace',
  router: 'Router',
  bridge: 'Bridge',
  host: 'Host',
};
