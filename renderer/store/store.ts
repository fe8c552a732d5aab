/**
 * The editor store (zustand + zundo). It owns the topology document; React
 * Flow's nodes and edges are derived from it (derive.ts). Every document edit
 * is one undo step: typing in one field is coalesced into one step, and a drag
 * is recorded once when it ends, not per pixel.
 */
import { create } from 'zustand';
import { temporal } from 'zundo';
import { TopoNode, type Link, type Topology } from '../../shared/model';
import { autoAddresses } from '../../shared/edit/addressing';
import { copyFragment, pasteFragment } from '../../shared/edit/clipboard';
import { emptyDocument } from '../../shared/edit/document';
import { generate as generateShape } from '../../shared/edit/generators';
import { autoIfname, ifnamesByNs, nextLinkId, nextNodeName, takenNodeNames } from '../../shared/edit/names';
import { renamesToCarry, reId } from '../../shared/edit/rename';
import type { EditorState, NodePatch } from './editor-types';
import { readDocumentText, writeDocumentText } from './document-io';
import { validateTopology } from './validate-doc';

export type { EditorState } from './editor-types';
export { emptyDocument, onlyPositionsChanged, sameButPosition } from '../../shared/edit/document';

/** How many undo steps are kept. */
export const UNDO_LIMIT = 300;

const snap = (v: number) => Math.round(v / 16) * 16;

/** Creates an editor store (the app uses one; tests make their own). */
export function createEditorStore(initial: Topology = emptyDocument()) {
  let coalesceKey: string | null = null;
  let dragStart: Topology | null = null;

  const store = create<EditorState>()(
    temporal(
      (set, get) => {
        /** Replaces the document: one undo step, or folded into the previous one for the same field. */
        const commit = (doc: Topology, key?: string) => {
          const t = store.temporal.getState();
          const fold = key !== undefined && key === coalesceKey;
          coalesceKey = key ?? null;
          if (fold) {
            t.pause();
            set({ doc });
            t.resume();
          } else set({ doc });
        };
        const mapNode = (doc: Topology, id: string, f: (n: TopoNode) => TopoNode): Topology => ({
          ...doc,
          nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)),
        });
        const mapLink = (doc: Topology, id: string, f: (l: Link) => Link): Topology => ({
          ...doc,
          links: doc.links.map((l) => (l.id === id ? f(l) : l)),
        });
        const removeNodes = (doc: Topology, ids: Set<string>, linkIds: Set<string>): Topology => ({
          ...doc,
          nodes: doc.nodes
            .filter((n) => !ids.has(n.id))
            // A bridge inside a deleted namespace moves to the root namespace rather than dangling.
            .map((n) =>
              n.kind === 'bridge' && n.namespace && ids.has(n.namespace) ? { ...n, namespace: undefined } : n,
            ),
          links: doc.links.filter((l) => !linkIds.has(l.id) && !ids.has(l.a.node) && !ids.has(l.b.node)),
        });

        return {
          doc: initial,
          savedDoc: initial,
          fileName: null,
          originalText: null,
          selection: { nodes: [], links: [] },
          problems: [],
          status: null,
          prefs: { snapToGrid: true, minimap: true, theme: 'system' },
          clipboard: null,
          focusRequest: null,
          measured: {},
          loadSeq: 0,

          addNode(kind, position) {
            const doc = get().doc;
            const name = nextNodeName(kind, takenNodeNames(doc));
            const node = TopoNode.parse({
              id: name,
              name,
              kind,
              position: { x: snap(position.x), y: snap(position.y) },
            });
            commit({ ...doc, nodes: [...doc.nodes, node] });
            set({ selection: { nodes: [name], links: [] } });
            return name;
          },
          moveNodes(positions) {
            const doc = get().doc;
            let changed = false;
            const nodes = doc.nodes.map((n) => {
              const p = positions[n.id];
              if (!p || (n.position && n.position.x === p.x && n.position.y === p.y)) return n;
              changed = true;
              return { ...n, position: { x: p.x, y: p.y } };
            });
            if (changed) commit({ ...doc, nodes });
          },
          updateNode(id, patch: NodePatch, key) {
            commit(
              mapNode(get().doc, id, (n) => ({ ...n, ...patch, id: n.id, kind: n.kind }) as TopoNode),
              key && `node:${id}:${key}`,
            );
          },
          updateLink(id, patch, key) {
            commit(
              mapLink(get().doc, id, (l) => ({ ...l, ...patch })),
              key && `link:${id}:${key}`,
            );
          },
          updateLinkEnd(id, end, patch, key) {
            commit(
              mapLink(get().doc, id, (l) => ({ ...l, [end]: { ...l[end], ...patch } })),
              key && `link:${id}:${end}:${key}`,
            );
          },
          updateLab(patch, key) {
            commit({ ...get().doc, ...patch }, key && `lab:${key}`);
          },
          connect(a, b) {
            const doc = get().doc;
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
            commit({ ...doc, links: [...doc.links, link] });
            set({ selection: { nodes: [], links: [id] } });
            return id;
          },
          deleteSelection() {
            const { nodes, links } = get().selection;
            if (!nodes.length && !links.length) return;
            commit(removeNodes(get().doc, new Set(nodes), new Set(links)));
            set({ selection: { nodes: [], links: [] } });
          },
          deleteNodes(ids) {
            commit(removeNodes(get().doc, new Set(ids), new Set()));
            const s = get().selection;
            set({ selection: { nodes: s.nodes.filter((x) => !ids.includes(x)), links: s.links } });
          },
          deleteLinks(ids) {
            commit(removeNodes(get().doc, new Set(), new Set(ids)));
            const s = get().selection;
            set({ selection: { nodes: s.nodes, links: s.links.filter((x) => !ids.includes(x)) } });
          },
          copySelection() {
            const { doc, selection } = get();
            if (!selection.nodes.length) return;
            set({ clipboard: copyFragment(doc, selection.nodes) });
          },
          paste(offset = { x: 48, y: 48 }) {
            const frag = get().clipboard;
            if (!frag || !frag.nodes.length) return;
            const doc = get().doc;
            const out = pasteFragment(doc, frag, offset);
            commit({ ...doc, nodes: [...doc.nodes, ...out.nodes], links: [...doc.links, ...out.links] });
            // Paste again lands further along, not on top of this copy.
            set({
              selection: { nodes: out.nodes.map((n) => n.id), links: out.links.map((l) => l.id) },
              clipboard: copyFragment(
                get().doc,
                out.nodes.map((n) => n.id),
              ),
            });
          },
          duplicate(ids) {
            const doc = get().doc;
            const out = pasteFragment(doc, copyFragment(doc, ids), { x: 48, y: 48 });
            if (!out.nodes.length) return;
            commit({ ...doc, nodes: [...doc.nodes, ...out.nodes], links: [...doc.links, ...out.links] });
            set({ selection: { nodes: out.nodes.map((n) => n.id), links: out.links.map((l) => l.id) } });
          },
          generate(spec, origin) {
            const doc = get().doc;
            const out = generateShape(doc, spec, origin);
            commit({ ...doc, nodes: [...doc.nodes, ...out.nodes], links: [...doc.links, ...out.links] });
            const ids = out.nodes.map((n) => n.id);
            set({ selection: { nodes: ids, links: [] } });
            return ids;
          },

          setSelection(sel) {
            const cur = get().selection;
            set({ selection: { nodes: sel.nodes ?? cur.nodes, links: sel.links ?? cur.links } });
          },
          selectAll() {
            const doc = get().doc;
            set({ selection: { nodes: doc.nodes.map((n) => n.id), links: doc.links.map((l) => l.id) } });
          },
          requestFocus(field) {
            set({ focusRequest: { field, seq: (get().focusRequest?.seq ?? 0) + 1 } });
          },

          beginDrag() {
            if (dragStart) return;
            dragStart = get().doc;
            coalesceKey = null;
            store.temporal.getState().pause();
          },
          dragTo(positions) {
            const doc = get().doc;
            set({
              doc: {
                ...doc,
                nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)),
              },
            });
          },
          endDrag() {
            const before = dragStart;
            dragStart = null;
            const t = store.temporal.getState();
            t.resume();
            if (!before || before === get().doc) return;
            // One undo step for the whole drag: the document as it was when the drag began.
            const past = [...t.pastStates, { doc: before }].slice(-UNDO_LIMIT);
            store.temporal.setState({ pastStates: past, futureStates: [] });
          },

          endEdit() {
            coalesceKey = null;
            // A finished rename: nodes now named as the expectations say take those ids (part of the same undo step).
            const map = renamesToCarry(get().doc);
            if (!map.size) return;
            const t = store.temporal.getState();
            const to = (id: string) => map.get(id) ?? id;
            const sel = get().selection;
            const measured = Object.fromEntries(Object.entries(get().measured).map(([k, v]) => [to(k), v]));
            t.pause();
            set({
              doc: reId(get().doc, map),
              selection: { nodes: sel.nodes.map(to), links: sel.links },
              measured,
            });
            t.resume();
          },
          setMeasured(sizes) {
            set({ measured: { ...get().measured, ...sizes } });
          },
          undo() {
            coalesceKey = null;
            store.temporal.getState().undo();
          },
          redo() {
            coalesceKey = null;
            store.temporal.getState().redo();
          },

          loadDocument(text, fileName = null) {
            const r = readDocumentText(text, fileName);
            if (!r.ok) return { ok: false, problems: r.problems };
            // An imported file (containerlab, Kathará...) is not overwritten by Save: it becomes a new netplumb file.
            get().loadTopology(r.topology, r.native ? fileName : null, r.native ? text : null);
            return { ok: true, imported: !r.native };
          },
          loadTopology(doc, fileName = null, originalText = null) {
            coalesceKey = null;
            // Problems are computed right after the first paint (validateNow), so a big file shows at once.
            set({
              doc,
              savedDoc: doc,
              fileName,
              originalText,
              selection: { nodes: [], links: [] },
              status: null,
              problems: [],
              measured: {},
              loadSeq: get().loadSeq + 1,
            });
            store.temporal.getState().clear();
          },
          newDocument(name) {
            get().loadTopology(emptyDocument(name), null);
          },
          toDocument() {
            return writeDocumentText(get().doc, get().fileName, get().originalText);
          },
          markSaved(fileName, text) {
            set({
              savedDoc: get().doc,
              fileName: fileName === undefined ? get().fileName : fileName,
              originalText: text ?? get().originalText,
            });
          },

          setProblems(problems) {
            set({ problems });
          },
          validateNow() {
            set({ problems: validateTopology(get().doc) });
          },
          setStatus(status) {
            set({ status });
          },
          setPrefs(p) {
            set({ prefs: { ...get().prefs, ...p } });
          },
        };
      },
      {
        // Only the document is history; selection, problems and prefs are not undone.
        partialize: (s) => ({ doc: s.doc }),
        equality: (a, b) => a.doc === b.doc,
        limit: UNDO_LIMIT,
      },
    ),
  );
  return store;
}

/** The store type. */
export type EditorStore = ReturnType<typeof createEditorStore>;

/** True when the document differs from the last opened/saved one. */
export const selectDirty = (s: EditorState) => s.doc !== s.savedDoc;
