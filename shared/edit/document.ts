/**
 * Document-level helpers for editing: a new empty document, and whether an
 * edit only moved nodes (then the kernel, the validator and live mode have
 * nothing to do). Pure.
 */
import type { Topology, TopoNode } from '../model';

/** A new, empty document. */
export function emptyDocument(name = 'lab'): Topology {
  return { version: 1, name, nodes: [], links: [], expect: [], annotations: [] };
}

/** True when two nodes differ at most in their canvas position. */
export function sameButPosition(a: TopoNode, b: TopoNode): boolean {
  if (a === b) return true;
  const ka = Object.keys(a) as (keyof TopoNode)[];
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => k === 'position' || a[k] === b[k]);
}

/**
 * True when `next` differs from `prev` only in node positions (a move): the
 * kernel, the validator and live mode have nothing to do. Cheap on a drag:
 * unchanged nodes are the same objects.
 */
export function onlyPositionsChanged(prev: Topology, next: Topology): boolean {
  if (prev === next) return true;
  if (
    prev.links !== next.links ||
    prev.name !== next.name ||
    prev.description !== next.description ||
    prev.nodes.length !== next.nodes.length
  )
    return false;
  if (prev.expect !== next.expect || prev.annotations !== next.annotations) return false;
  for (let i = 0; i < next.nodes.length; i++)
    if (!sameButPosition(prev.nodes[i], next.nodes[i])) return false;
  return true;
}
