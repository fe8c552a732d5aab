/**
 * Canvas nodes: one memoised component per kind (icon and colour by kind),
 * showing the name and addresses, a problem ring and the live state. They
 * read only their own props (no store subscriptions), so dragging one node
 * re-renders one node. Zoomed far out the canvas draws SimpleNodeView
 * (SimpleViews.tsx) instead.
 */
import { memo, useContext } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { nodeKindList } from '../../shared/kinds';
import type { NodeKind } from '../../shared/model';
import type { FlowNode } from '../store/derive';
import { KIND_LABEL } from './icons';
import { nodeClass, nodeLabel, nodeTitle } from './node-text';
import { ExtensionsContext } from './extensions';

const LIVE_TEXT = {
  'in-sync': 'in sync',
  drifted: 'drifted',
  missing: 'missing',
  'not-applied': 'not applied',
} as const;
const MAX_ADDRS = 3;

function makeNode(kind: NodeKind) {
  function TopoNodeView({ id, data, selected }: NodeProps<FlowNode>) {
    const { topo, addrs, live, down } = data;
    // A node whose link is set down is not shown as plainly "in sync": the kernel agrees, but nothing passes there.
    const liveText =
      live === 'in-sync' && down.length ? `${down.join(', ')} down` : live ? LIVE_TEXT[live] : '';
    const { NodeMarks } = useContext(ExtensionsContext);
    return (
      <div
        className={nodeClass(kind, data, !!selected)}
        data-testid={`node-${id}`}
        title={nodeTitle(kind, data)}
        aria-label={nodeLabel(kind, data)}
      >
        {/* Four sides, any of them starts or ends a link (loose mode); edges themselves float between node borders. */}
        <Handle type="target" position={Position.Top} id="t" data-testid={`handle-${id}-top`} />
        <Handle type="source" position={Position.Left} id="l" data-testid={`handle-${id}-left`} />
        <Handle type="source" position={Position.Right} id="r" data-testid={`handle-${id}-right`} />
        <div className="np-node__head">
          <span className={`np-icon np-icon--${kind}`} aria-hidden="true" />
          <span className="np-node__name">{topo.label || topo.name}</span>
        </div>
        {addrs.length > 0 && (
          <div className="np-node__addrs">
            {addrs.slice(0, MAX_ADDRS).map((a) => (
              <div key={a}>{a}</div>
            ))}
            {addrs.length > MAX_ADDRS && <div>+{addrs.length - MAX_ADDRS} more</div>}
          </div>
        )}
        {live && (
          <div
            className={`np-live np-live--${live}${down.length ? ' is-down' : ''}`}
            data-testid={`live-${id}`}
          >
            {liveText}
          </div>
        )}
        <NodeMarks id={id} />
        <Handle type="source" position={Position.Bottom} id="s" data-testid={`handle-${id}-bottom`} />
      </div>
    );
  }
  TopoNodeView.displayName = `${KIND_LABEL[kind]}Node`;
  return memo(TopoNodeView);
}

/** React Flow node types, at module scope so React Flow never sees a new object. */
export const nodeTypes = Object.fromEntries(nodeKindList.map((k) => [k, makeNode(k)])) as Record<
  NodeKind,
  ReturnType<typeof makeNode>
>;
