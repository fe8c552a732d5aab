/** Words shown for a canvas node, shared by its full and its simplified drawing. */
import type { NodeKind } from '../../shared/model';
import type { TopoNodeData } from '../store/derive';
import { KIND_LABEL } from './icons';

/** The node's tooltip: kind and name, then its problems, live state and links set down, a line each. */
export function nodeTitle(kind: NodeKind, data: TopoNodeData): string {
  const { topo, problem, liveDetail, down } = data;
  return [
    `${KIND_LABEL[kind]} ${topo.name}`,
    problem ? `has ${problem === 'error' ? 'errors' : 'warnings'} (see Problems)` : '',
    liveDetail ?? '',
    down.length ? `set down: ${down.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
