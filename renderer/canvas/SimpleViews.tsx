/**
 * Level of detail: the canvas's simplified node, used below FAR_ZOOM: a plain
 * box in its kind's colour with its name (no icon, addresses, badges or
 * padlock): all of that is unreadable so small, and drawing it for a thousand
 * nodes costs frames while dragging and panning. Links are simplified by
 * FarLinks. At FAR_ZOOM and above the full views draw, unchanged.
 */
import { memo, useContext, useEffect, useRef, useState, type FunctionComponent } from 'react';
import { Handle, Position, useStoreApi, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import type { FlowNode } from '../store/derive';
import { FarContext } from './detail';
import { nodeClass, nodeLabel, nodeTitle } from './node-text';

/** The full view's four side handles: type, side, id (in its order). */
const SIDES = [
  ['target', Position.Top, 't'],
  ['source', Position.Left, 'l'],
  ['source', Position.Right, 'r'],
  ['source', Position.Bottom, 's'],
] as const;

/**
 * A node zoomed far out: its box and name. The full view's four side handles
 * are there only while the mouse is over the node, so links can still be
 * drawn from here: every handle subscribes to React Flow's store, which
 * changes on every frame of a pan. Otherwise four hidden, inert spots stand
 * where they would be, with the classes and data attributes React Flow reads
 * when it measures a node's handles: a node that scrolls out of view while
 * zoomed far out keeps handles on record, and its links are drawn when the
 * view zooms back in (React Flow draws no edge to a node without handles).
 */
export const SimpleNodeView = memo(function SimpleNodeView({
  id,
  type,
  data,
  selected,
}: NodeProps<FlowNode>) {
  const { topo } = data;
  const [hot, setHot] = useState(false);
  const updateNodeInternals = useUpdateNodeInternals();
  const flowStore = useStoreApi();
  const mounted = useRef(false);
  useEffect(() => {
    // Handles came or went: React Flow re-reads them (on mount the canvas does it for every node at once).
    if (mounted.current) updateNodeInternals(id);
    mounted.current = true;
  }, [hot, id, updateNodeInternals]);
  return (
    <div
      className={nodeClass(type, data, !!selected, 'np-node--simple')}
      data-testid={`node-${id}`}
      title={nodeTitle(type, data)}
      aria-label={nodeLabel(type, data)}
      onPointerEnter={(e) => {
        // Not while a button is held (a drag or a pan passing over), unless a link is being drawn to here.
        if (e.buttons === 0 || flowStore.getState().connection.inProgress) setHot(true);
      }}
      onPointerLeave={(e) => {
        // Kept while a button is held: the handle a link is being drawn from must stay.
        if (e.buttons === 0) setHot(false);
      }}
    >
      {hot
        ? SIDES.map(([type, side, hid]) => (
            <Handle key={hid} type={type} position={side} id={hid} data-testid={`handle-${id}-${side}`} />
          ))
        : SIDES.map(([type, side, hid]) => (
            <div
              key={hid}
              className={`react-flow__handle react-flow__handle-${side} ${type} np-handle-spot`}
              data-handleid={hid}
              data-handlepos={side}
              data-nodeid={id}
            />
          ))}
      {/* The same box as the full view's head, so a node keeps its size (and its links their ends) across views. */}
      <div className="np-node__head">
        <span className="np-node__name">{topo.label || topo.name}</span>
      </div>
    </div>
  );
});

/** A view that draws `simple` while the canvas is zoomed far out (FarContext) and `full` otherwise. */
function withDetail<P extends object>(full: FunctionComponent<P>, simple: FunctionComponent<P>) {
  const Full = full;
  const Simple = simple;
  function DetailSwitch(props: P) {
    return useContext(FarContext) ? <Simple {...props} /> : <Full {...props} />;
  }
  DetailSwitch.displayName = `Detail(${full.displayName ?? 'view'})`;
  return memo(DetailSwitch);
}

/** Wraps every view of a React Flow node type table with withDetail (one simplified view for all). */
export function withDetailTypes<P extends object, K extends string>(
  types: Record<K, FunctionComponent<P>>,
  simple: FunctionComponent<P>,
): Record<K, FunctionComponent<P>> {
  const out = {} as Record<K, FunctionComponent<P>>;
  for (const k of Object.keys(types) as K[]) out[k] = withDetail(types[k], simple);
  return out;
}
