/**
 * Copy and paste of parts of a document. Pasted nodes get fresh ids and names
 * (ns1 -> ns3 when ns1 and ns2 exist), links between pasted nodes are kept,
 * and interface names are renamed only where they would collide.
 */
import { remapEnd, type Link, type Topology, type TopoNode } from '../model';
import { autoIfname, ifnamesByNs, nextLinkId, nsKeyOf, takenNodeNames, uniqueName } from './names';

/** A copied piece of a document. */
export interface Fragment {
  nodes: TopoNode[];
  links: Link[];
}

/** The selected nodes plus every link whose both ends are among them (or which is selected itself and both ends are copied). */
export function copyFragment(doc: Topology, nodeIds: readonly string[]): Fragment {
  const ids = new Set(nodeIds);
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  const links = doc.links.filter((l) => ids.has(l.a.node) && ids.has(l.b.node));
  return structuredClone({ nodes, links });
}

/** Renames a name ending in digits to the next free one of the same stem: ns1 -> ns3. */
function freshName(name: string, taken: Set<string>): string {
  const m = /^(.*?)(\d+)$/.exec(name);
  if (m) {
    for (let i = Number(m[2]) + 1; ; i++) {
      const cand = `${m[1]}${i}`;
      if (!taken.has(cand)) return cand;
    }
  }
  return uniqueName(name, taken);
}

/**
 * Pastes a fragment into a document, offset by `offset`. Returns the new
 * nodes and links (already unique) to append, and the old->new id map.
 */
export function pasteFragment(
  doc: Topology,
  frag: Fragment,
  offset: { x: number; y: number },
): { nodes: TopoNode[]; links: Link[]; idMap: Map<string, string> } {
  const taken = takenNodeNames(doc);
  const idMap = new Map<string, string>();
  const nodes: TopoNode[] = [];
  for (const n of frag.nodes) {
    const name = freshName(n.name, taken);
    taken.add(name);
    idMap.set(n.id, name);
    const pos = n.position ?? { x: 0, y: 0 };
    nodes.push({
      ...structuredClone(n),
      id: name,
      name,
      position: { x: pos.x + offset.x, y: pos.y + offset.y },
    } as TopoNode);
  }
  for (const n of nodes) {
    if (n.kind === 'bridge' && n.namespace) n.namespace = idMap.get(n.namespace);
  }
  const next: Topology = { ...doc, nodes: [...doc.nodes, ...nodes] };
  const used = ifnamesByNs(next);
  const linkIds = new Set<string>();
  const links: Link[] = [];
  const byId = new Map(next.nodes.map((n) => [n.id, n]));
  for (const l of frag.links) {
    const a = idMap.get(l.a.node);
    const b = idMap.get(l.b.node);
    if (!a || !b) continue;
    const id = nextLinkId({ ...next, links: [...next.links, ...links] }, linkIds);
    linkIds.add(id);
    const ref = (x: string) => idMap.get(x);
    const link: Link = structuredClone({ ...l, id, a: remapEnd(l.a, a, ref), b: remapEnd(l.b, b, ref) });
    for (const end of [link.a, link.b]) {
      const node = byId.get(end.node)!;
      const peer = byId.get(end === link.a ? link.b.node : link.a.node)!;
      const key = nsKeyOf(next, node);
      let set = used.get(key);
      if (!set) used.set(key, (set = new Set(['lo'])));
      if (set.has(end.ifname)) end.ifname = autoIfname(next, node, peer, used);
      else set.add(end.ifname);
    }
    links.push(link);
  }
  return { nodes, links, idMap };
}
