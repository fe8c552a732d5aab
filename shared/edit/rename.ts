/**
 * Checks follow renames. Expectations (and so a lesson's checks) name nodes
 * by id, which the user never sees; a student who drags a Namespace (id ns1)
 * and renames it h1, as the lesson says, means the node the checks call h1.
 * When a node's name is an id the expectations use, no node has that id yet,
 * and no expectation uses the node's own id, the node takes that id, carried
 * through its links and the bridges that live in it.
 */
import { Id, remapEnd, type Topology } from '../model';

/** Node ids to change (old -> new) so the expectations find renamed nodes (pure). */
export function renamesToCarry(doc: Topology): Map<string, string> {
  const wanted = new Set(doc.expect.flatMap((x) => [x.from, x.to]));
  const ids = new Set(doc.nodes.map((n) => n.id));
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const n of doc.nodes) {
    if (n.name === n.id || !wanted.has(n.name) || ids.has(n.name) || wanted.has(n.id) || taken.has(n.name))
      continue;
    if (!Id.safeParse(n.name).success) continue;
    out.set(n.id, n.name);
    taken.add(n.name);
  }
  return out;
}

/** The document with node ids changed as `map` says, everywhere they are referenced (pure). */
export function reId(doc: Topology, map: ReadonlyMap<string, string>): Topology {
  if (!map.size) return doc;
  const to = (id: string) => map.get(id) ?? id;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const id = to(n.id);
      const ns = n.kind === 'bridge' && n.namespace ? to(n.namespace) : undefined;
      if (id === n.id && (n.kind !== 'bridge' || ns === n.namespace)) return n;
      return { ...n, id, ...(n.kind === 'bridge' && n.namespace ? { namespace: ns } : {}) };
    }),
    links: doc.links.map((l) =>
      [l.a, l.b].some(
        (e: { node: string; bridge?: string }) =>
          map.has(e.node) || (e.bridge !== undefined && map.has(e.bridge)),
      )
        ? { ...l, a: remapEnd(l.a, to(l.a.node), to), b: remapEnd(l.b, to(l.b.node), to) }
        : l,
    ),
    expect: doc.expect.map((x) =>
      map.has(x.from) || map.has(x.to) ? { ...x, from: to(x.from), to: to(x.to) } : x,
    ),
  };
}
