/**
 * Level of detail: the canvas's simplified drawing, used below FAR_ZOOM. A
 * node is a plain box in its kind's colour with its name (no icon, addresses,
 * badges or padlock), a link a bare line in its state's colour (no interface
 * names, emulation text or markers): all of that is unreadable so small, and
 * drawing it for a thousand nodes costs frames while dragging and panning.
 * At FAR_ZOOM and above the full views draw, unchanged.
 */
import { memo, useContext, useEffect, useRef, useState, type FunctionComponent } from 'react';
import {
  BaseEdge,
  Handle,
  Position,
  getStraightPath,
  useUpdateNodeInternals,
  type EdgeProps,
  type NodeProps,
} from '@xyflow/react';
import type { FlowEdge, FlowNode } from '../store/derive';
import { FarContext } from './detail';
import { edgeClass } from './edge-parts';
import { KIND_LABEL } from './icons';
import { nodeTitle } from './node-text';

/**
 * A node zoomed far out: its box and name. Its first two handles sit at its
 * centre (zero-sized, hidden, not connectable): links without handle ids, as
 * the canvas draws them, end at a node's first handles, so SimpleLinkEdge gets
 * the centres from React Flow and needs no store subscription of its own. The
 * full view's four side handles are there only while the mouse is over the
 * node (links can still be drawn from here): every handle subscribes to React
 * Flow's store, which changes on every frame of a pan.
 */
export const SimpleNodeView = memo(function SimpleNodeView({
  id,
  type,
  data,
  selected,
}: NodeProps<FlowNode>) {
  const { topo, problem, live } = data;
  const [hot, setHot] = useState(false);
  const updateNodeInternals = useUpdateNodeInternals();
  const mounted = useRef(false);
  useEffect(() => {
    // Handles came or went: React Flow re-reads them (on mount the canvas does it for every node at once).
    if (mounted.current) updateNodeInternals(id);
    mounted.current = true;
  }, [hot, id, updateNodeInternals]);
  const cls = `np-node np-node--${type} np-node--simple${selected ? ' is-selected' : ''}${problem ? ` has-${problem}` : ''}${live ? ` live-${live}` : ''}`;
  return (
    <div
      className={cls}
      data-testid={`node-${id}`}
      title={nodeTitle(type, data)}
      aria-label={`${KIND_LABEL[type]} ${topo.name}`}
      onPointerEnter={() => setHot(true)}
      onPointerLeave={() => setHot(false)}
    >
      <Handle type="source" position={Position.Top} id="cs" className="np-centre" isConnectable={false} />
      <Handle type="target" position={Position.Top} id="ct" className="np-centre" isConnectable={false} />
      {hot && (
        <>
          <Handle type="target" position={Position.Top} id="t" data-testid={`handle-${id}-top`} />
          <Handle type="source" position={Position.Left} id="l" data-testid={`handle-${id}-left`} />
          <Handle type="source" position={Position.Right} id="r" data-testid={`handle-${id}-right`} />
          <Handle type="source" position={Position.Bottom} id="s" data-testid={`handle-${id}-bottom`} />
        </>
      )}
      {/* The same box as the full view's head, so a node keeps its size (and its links their ends) across views. */}
      <div className="np-node__head">
        <span className="np-node__name">{topo.label || topo.name}</span>
      </div>
    </div>
  );
});

/**
 * A link zoomed far out: a line from node centre to node centre (React Flow's
 * positions of the nodes' centre handles), coloured by its state. The nodes,
 * drawn above the edges, hide the part inside them, so it looks the same as
 * the full view's line between borders.
 */
export const SimpleLinkEdge = memo(function SimpleLinkEdge({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  data,
  selected,
}: EdgeProps<FlowEdge>) {
  const [path] = getStraightPath({ sourceX, sourceY, targetX, targetY });
  return (
    <g className={edgeClass(data!, selected)} data-testid={`edge-${id}`}>
      <BaseEdge id={id} path={path} interactionWidth={0} />
    </g>
  );
});

/** A view that draws `simple` while the canvas is zoomed far out (FarContext) and `full` otherwise. */
export function withDetail<P extends object>(full: FunctionComponent<P>, simple: FunctionComponent<P>) {
  const Full = full;
  const Simple = simple;
  function DetailSwitch(props: P) {
    return useContext(FarContext) ? <Simple {...props} /> : <Full {...props} />;
  }
  DetailSwitch.displayName = `Detail(${full.displayName ?? 'view'})`;
  return memo(DetailSwitch);
}

/** Wraps every view of a React Flow node or edge type table with withDetail (one simplified view for all). */
export function withDetailTypes<P extends object, K extends string>(
  types: Record<K, FunctionComponent<P>>,
  simple: FunctionComponent<P>,
): Record<K, FunctionComponent<P>> {
  const out = {} as Record<K, FunctionComponent<P>>;
  for (const k of Object.keys(types) as K[]) out[k] = withDetail(types[k], simple);
  return out;
}
