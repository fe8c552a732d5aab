/** Test support: a lesson made safe to apply in tests (every kernel name given a unique prefix). */
import { namespaceOf } from '../../../shared/kinds';
import type { Topology } from '../../../shared/model';

/** The lesson with its lab, namespaces, bridges and root-namespace ports renamed to start with `p`. */
export function prefixedLesson(t: Topology, p: string): Topology {
  const names = new Map(t.nodes.map((n, i) => [n.id, `${p}n${i}`]));
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const inRoot = new Set(
    t.nodes.filter((n) => namespaceOf(n, (id) => byId.get(id)).at === 'root').map((n) => n.id),
  );
  let k = 0;
  const end = <E extends { node: string; ifname: string }>(e: E): E =>
    inRoot.has(e.node) ? { ...e, ifname: `${p}i${k++}` } : e;
  return {
    ...t,
    name: `${p}-lesson`,
    nodes: t.nodes.map((n) => ({ ...n, name: n.kind === 'host' ? n.name : names.get(n.id)! })),
    links: t.links.map((l) => ({ ...l, a: end(l.a), b: end(l.b) })),
  };
}
