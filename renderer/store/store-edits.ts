/**
 * The editor store's document edits (see store.ts): adding, changing,
 * connecting and deleting nodes and links, and the clipboard. Each action
 * commits one undo step through the kit (store-kit.ts).
 */
import { TopoNode, type Link, type Topology } from '../../shared/model';
import { autoAddresses } from '../../shared/edit/addressing';
import { copyFragment, pasteFragment } from '../../shared/edit/clipboard';
import { generate as generateShape } from '../../shared/edit/generators';
import { autoIfname, ifnamesByNs, nextLinkId, nextNodeName, takenNodeNames } from '../../shared/edit/names';
import type { EditorState, NodePatch } from './editor-types';
import type { StoreKit } from './store-kit';

const snap = (v: number) => Math.round(v / 16) * 16;

const mapNode = (doc: Topology, id: string, f: (n: TopoNode) => TopoNode): Topology => ({
  ...doc,
  nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)),
});

const mapLink = (doc: Topology, id: string, f: (l: Link) => Link): Topology => ({
  ...doc,
  links: doc.links.map((l) => (l.id === id ? f(l) : l)),
});

/** The document without nodes `ids`, links `linkIds` and every link touching a removed node. */
function removeNodes(doc: Topology, ids: Set<string>, linkIds: Set<string>): Topology {
  return {
    ...doc,
    nodes: doc.nodes
      .filter((n) => !ids.has(n.id))
      // A bridge inside a deleted namespace moves to the root namespace rather than dangling.
      .map((n) =>
        n.kind === 'bridge' && n.namespace && ids.has(n.namespace) ? { ...n, namespace: undefined } : n,
      ),
    links: doc.links.filter((l) => !linkIds.has(l.id) && !ids.has(l.a.node) && !ids.has(l.b.node)),
  };
}

/** Adding, moving and changing fields of nodes, links and the lab. */
export function fieldEdits(
  k: StoreKit,
): Pick<
  EditorState,
  'addNode' | 'moveNodes' | 'updateNode' | 'updateLink' | 'updateLinkEnd' | 'replaceLink' | 'updateLab'
> {
  return {
    addNode(kind, position) {
      const doc = k.get().doc;
      const name = nextNodeName(kind, takenNodeNames(doc));
      const node = TopoNode.parse({
        id: name,
        name,
        kind,
        position: { x: snap(position.x), y: snap(position.y) },
      });
      k.commit({ ...doc, nodes: [...doc.nodes, node] });
      k.set({ selection: { nodes: [name], links: [] } });
      return name;
    },
    moveNodes(positions) {
      const doc = k.get().doc;
      let changed = false;
      const nodes = doc.nodes.map((n) => {
        const p = positions[n.id];
        if (!p || (n.position && n.position.x === p.x && n.position.y === p.y)) return n;
        changed = true;
        return { ...n, position: { x: p.x, y: p.y } };
      });
      if (changed) k.commit({ ...doc, nodes });
    },
    updateNode(id, patch: NodePatch, key) {
      k.commit(
        mapNode(k.get().doc, id, (n) => ({ ...n, ...patch, id: n.id, kind: n.kind }) as TopoNode),
        key && `node:${id}:${key}`,
      );
    },
    updateLink(id, patch, key) {
      k.commit(
        mapLink(k.get().doc, id, (l) => ({ ...l, ...patch })),
        key && `link:${id}:${key}`,
      );
    },
    updateLinkEnd(id, end, patch, key) {
      k.commit(
        mapLink(k.get().doc, id, (l) => ({ ...l, [end]: { ...l[end], ...patch } })),
        key && `link:${id}:${end}:${key}`,
      );
    },
    replaceLink(id, link, key) {
      k.commit(
        mapLink(k.get().doc, id, () => ({ ...link, id })),
        key && `link:${id}:${key}`,
      );
    },
    updateLab(patch, key) {
      k.commit({ ...k.get().doc, ...patch }, key && `lab:${key}`);
    },
  };
}

/** Connecting two nodes and deleting nodes and links (the selection stays consistent). */
export function linkEdits(
  k: StoreKit,
): Pick<EditorState, 'connect' | 'deleteSelection' | 'deleteNodes' | 'deleteLinks'> {
  return {
    connect(a, b) {
      const doc = k.get().doc;
      const na = doc.nodes.find((n) => n.id === a);
      const nb = doc.nodes.find((n) => n.id === b);
      if (!na || !nb || a === b) return null;
      const used = ifnamesByNs(doc);
      const addrs = autoAddresses(doc, a, b);
      const id = nextLinkId(doc);
      const link: Link = {
        id,
        a: { node: a, ifname: autoIfname(doc, na, nb, used), addresses: addrs.a, up: true },
        b: { node: b, ifname: autoIfname(doc, nb, na, used), addresses: addrs.b, up: true },
      };
      k.commit({ ...doc, links: [...doc.links, link] });
      k.set({ selection: { nodes: [], links: [id] } });
      return id;
    },
    deleteSelection() {
      const { nodes, links } = k.get().selection;
      if (!nodes.length && !links.length) return;
      k.commit(removeNodes(k.get().doc, new Set(nodes), new Set(links)));
      k.set({ selection: { nodes: [], links: [] } });
    },
    deleteNodes(ids) {
      k.commit(removeNodes(k.get().doc, new Set(ids), new Set()));
      const s = k.get().selection;
      k.set({ selection: { nodes: s.nodes.filter((x) => !ids.includes(x)), links: s.links } });
    },
    deleteLinks(ids) {
      k.commit(removeNodes(k.get().doc, new Set(), new Set(ids)));
      const s = k.get().selection;
      k.set({ selection: { nodes: s.nodes, links: s.links.filter((x) => !ids.includes(x)) } });
    },
  };
}

/** Copy, paste, duplicate and the shape generators: each adds a fragment and selects it. */
export function fragmentEdits(
  k: StoreKit,
): Pick<EditorState, 'copySelection' | 'paste' | 'duplicate' | 'generate'> {
  const add = (doc: Topology, out: { nodes: TopoNode[]; links: Link[] }) =>
    k.commit({ ...doc, nodes: [...doc.nodes, ...out.nodes], links: [...doc.links, ...out.links] });
  return {
    copySelection() {
      const { doc, selection } = k.get();
      if (!selection.nodes.length) return;
      k.set({ clipboard: copyFragment(doc, selection.nodes) });
    },
    paste(offset = { x: 48, y: 48 }) {
      const frag = k.get().clipboard;
      if (!frag || !frag.nodes.length) return;
      const doc = k.get().doc;
      const out = pasteFragment(doc, frag, offset);
      add(doc, out);
      // Paste again lands further along, not on top of this copy.
      k.set({
        selection: { nodes: out.nodes.map((n) => n.id), links: out.links.map((l) => l.id) },
        clipboard: copyFragment(
          k.get().doc,
          out.nodes.map((n) => n.id),
        ),
      });
    },
    duplicate(ids) {
      const doc = k.get().doc;
      const out = pasteFragment(doc, copyFragment(doc, ids), { x: 48, y: 48 });
      if (!out.nodes.length) return;
      add(doc, out);
      k.set({ selection: { nodes: out.nodes.map((n) => n.id), links: out.links.map((l) => l.id) } });
    },
    generate(spec, origin) {
      const doc = k.get().doc;
      const out = generateShape(doc, spec, origin);
      add(doc, out);
      const ids = out.nodes.map((n) => n.id);
      k.set({ selection: { nodes: ids, links: [] } });
      return ids;
    },
  };
}
