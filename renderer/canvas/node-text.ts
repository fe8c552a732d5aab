/** Words and classes of a canvas node, shared by its full and its simplified drawing. */
import type { NodeKind } from '../../shared/model';
import type { TopoNodeData } from '../store/derive';
import { KIND_LABEL } from './icons';

/** The node's accessible name: its kind and name (also its tooltip's first line). */
export function nodeLabel(kind: NodeKind, data: TopoNodeData): string {
  return `${KIND_LABEL[kind]} ${data.topo.name}`;
}

/**
 * The node's classes in either drawing: kind, then `extra` (the simplified
 * drawing's own), then selection, problem ring and live state.
 */
export function nodeClass(kind: NodeKind, data: TopoNodeData, selected: boolean, extra = ''): string {
  const { problem, live } = data;
  return `np-node np-node--${kind}${extra ? ` ${extra}` : ''}${selected ? ' is-selected' : ''}${problem ? ` has-${problem}` : ''}${live ? ` live-${live}` : ''}`;
}

/** The node's tooltip: kind and name, then its problems, live state and links set down, a line each. */
export function nodeTitle(kind: NodeKind, data: TopoNodeData): string {
  const { problem, liveDetail, down } = data;
  return [
    nodeLabel(kind, data),
    problem ? `has ${problem === 'error' ? 'errors' : 'warnings'} (see Problems)` : '',
    liveDetail ?? '',
    down.length ? `set down: ${down.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
