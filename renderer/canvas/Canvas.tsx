/**
 * The canvas: React Flow showing nodes and edges derived from the store.
 * Every edit goes through the store (so it is validated and undoable); React
 * Flow only reports what the user did.
 */
import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore as useFlowStore,
  useStoreApi,
  type Connection,
  type FinalConnectionState,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { isNodeKind, nodeKindList } from '../../shared/kinds';
import type { Position } from '../../shared/model';
import { editorStore, flowSelectors, useEditor } from '../store/editor';
import { toast } from '../store/ui-store';
import type { FlowEdge, FlowNode } from '../store/derive';
import { ContextMenu, type MenuState } from './ContextMenu';
import { KIND_LABEL } from './icons';
import { edgeTypes } from './LinkEdge';
import { nodeTypes } from './TopoNodeView';
import { DND_KIND } from './view-helpers';
import { FAR_ZOOM, FarContext, roughFit, selectFar } from './detail';
import { SimpleNodeView, withDetailTypes } from './SimpleViews';
import { FarLinks } from './FarLinks';
import { ExtensionsContext, NO_EXTENSIONS, type CanvasExtensions } from './extensions';
import { AnnotationLayer, addAnnotation } from './AnnotationLayer';

const SNAP: [number, number] = [16, 16];
const MULTI_KEYS = ['Shift', 'Meta', 'Control'];
const BIG = 300;
const FIT = { padding: 0.15, maxZoom: 1.2, duration: 0 };
const DEFAULT_VIEWPORT = { x: 40, y: 40, zoom: 1 };
/** Zoomed far out React Flow gets no edges: FarLinks draws them all at once. */
const NO_EDGES: FlowEdge[] = [];
/** Node views with their level of detail: the simplified one below FAR_ZOOM (at module scope: stable for React Flow). */
const lodNodeTypes = withDetailTypes(nodeTypes, SimpleNodeView);

function onNodesChange(changes: NodeChange<FlowNode>[]) {
  const st = editorStore.getState();
  let positions: Record<string, Position> | null = null;
  let sizes: Record<string, { width: number; height: number }> | null = null;
  let sel: Set<string> | null = null;
  let dragging = false;
  let ended = false;
  for (const c of changes) {
    if (c.type === 'position') {
      if (c.position) (positions ??= {})[c.id] = c.position;
      if (c.dragging) dragging = true;
      else if (c.dragging === false) ended = true;
    } else if (c.type === 'select') {
      sel ??= new Set(st.selection.nodes);
      if (c.selected) sel.add(c.id);
      else sel.delete(c.id);
    } else if (c.type === 'dimensions' && c.dimensions) {
      (sizes ??= {})[c.id] = c.dimensions;
    }
    // 'remove' is not taken from React Flow: deleting goes through the store, so it is undoable.
  }
  if (sizes) st.setMeasured(sizes);
  if (sel) st.setSelection({ nodes: [...sel] });
  if (positions) {
    if (dragging || ended) {
      st.beginDrag();
      st.dragTo(positions);
    } else st.moveNodes(positions);
  }
  if (ended) st.endDrag();
}

function onEdgesChange(changes: EdgeChange<FlowEdge>[]) {
  const st = editorStore.getState();
  let sel: Set<string> | null = null;
  for (const c of changes) {
    if (c.type !== 'select') continue;
    sel ??= new Set(st.selection.links);
    if (c.selected) sel.add(c.id);
    else sel.delete(c.id);
  }
  if (sel) st.setSelection({ links: [...sel] });
}

function onConnect(c: Connection) {
  editorStore.getState().connect(c.source, c.target);
}

/** A plain click on one node of a multi-selection selects just that node (a drag still moves them all). */
function onNodeClick(e: React.MouseEvent, node: FlowNode) {
  if (e.shiftKey || e.ctrlKey || e.metaKey) return;
  const st = editorStore.getState();
  if (st.selection.nodes.length + st.selection.links.length > 1)
    st.setSelection({ nodes: [node.id], links: [] });
}

const isValidConnection = (c: Connection | FlowEdge) => c.source !== c.target;

/** A link dropped back on the node it started from is refused, and says why (it used to vanish silently). */
function onConnectEnd(e: MouseEvent | TouchEvent, s: FinalConnectionState) {
  const from = s.fromNode?.id;
  if (!from) return;
  const pt = 'changedTouches' in e ? e.changedTouches[0] : e;
  const under = pt ? document.elementFromPoint(pt.clientX, pt.clientY)?.closest('.react-flow__node') : null;
  if (s.toNode?.id !== from && under?.getAttribute('data-id') !== from) return;
  const name = editorStore.getState().doc.nodes.find((n) => n.id === from)?.name ?? from;
  toast(
    `A link joins two different nodes: ${name} cannot be linked to itself. Drag from ${name}'s handle to another node.`,
    'error',
  );
}

function onDragOver(e: React.DragEvent) {
  if (!e.dataTransfer.types.includes(DND_KIND)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
}

/** The React Flow canvas. */
/**
 * The editor canvas. `extensions` are what the rest of the page draws on it
 * and adds to its menus (see ./extensions.ts).
 */
export function Canvas({
  colorMode,
  extensions = NO_EXTENSIONS,
}: {
  colorMode: 'light' | 'dark';
  extensions?: CanvasExtensions;
}) {
  const nodes = useEditor(flowSelectors.selectNodes);
  const edges = useEditor(flowSelectors.selectEdges);
  const snap = useEditor((s) => s.prefs.snapToGrid);
  const minimap = useEditor((s) => s.prefs.minimap);
  const loadSeq = useEditor((s) => s.loadSeq);
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const [menu, setMenu] = useState<MenuState | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const far = useFlowStore(selectFar);
  const flowStore = useStoreApi<FlowNode, FlowEdge>();
  // Crossing FAR_ZOOM swaps every node's view and so its handles (the simplified one has none until hovered),
  // which the edges need when they come back: re-read them all in one batch, even for nodes whose size did not change.
  useEffect(() => {
    const { domNode, updateNodeInternals } = flowStore.getState();
    const updates = new Map<string, { id: string; nodeElement: HTMLDivElement; force: boolean }>();
    for (const el of domNode?.querySelectorAll<HTMLDivElement>('.react-flow__node') ?? [])
      if (el.dataset.id) updates.set(el.dataset.id, { id: el.dataset.id, nodeElement: el, force: true });
    if (!updates.size) return;
    const raf = requestAnimationFrame(() => updateNodeInternals(updates, { triggerFitView: false }));
    return () => cancelAnimationFrame(raf);
  }, [far, flowStore]);
  // Zoomed far out, names grow as the view shrinks (in steps, so zooming re-renders rarely): readable at fit-to-screen.
  const farZoom = useFlowStore((s) =>
    s.transform[2] < FAR_ZOOM ? Math.max(0.1, Math.round(s.transform[2] * 20) / 20) : 1,
  );

  // Before the first paint of an opened file: a viewport from the positions, so a big drawing draws once, light.
  useLayoutEffect(() => {
    if (loadSeq === 0) return;
    const el = document.querySelector('.np-canvas');
    const v = el && roughFit(editorStore.getState().doc, el.clientWidth, el.clientHeight);
    if (v) void flow.setViewport(v);
  }, [loadSeq, flow]);

  useEffect(() => {
    const n = editorStore.getState().doc.nodes.length;
    // Big drawings open without the minimap (it redraws every node on each frame); the toolbar turns it back on.
    if (n > 400 && editorStore.getState().prefs.minimap) editorStore.getState().setPrefs({ minimap: false });
    // An empty drawing starts at the normal size (not at the zoom the previous, bigger one needed).
    if (n === 0) return void flow.setViewport(DEFAULT_VIEWPORT);
    const t = setTimeout(() => void flow.fitView(FIT), 30);
    return () => clearTimeout(t);
  }, [loadSeq, flow]);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const kind = e.dataTransfer.getData(DND_KIND);
      if (!isNodeKind(kind)) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      editorStore.getState().addNode(kind, { x: p.x - 75, y: p.y - 30 });
    },
    [flow],
  );

  const onNodeContextMenu = useCallback(
    (e: React.MouseEvent, node: FlowNode) => {
      e.preventDefault();
      const st = editorStore.getState();
      if (!st.selection.nodes.includes(node.id)) st.setSelection({ nodes: [node.id], links: [] });
      const ids = editorStore.getState().selection.nodes;
      setMenu({
        x: e.clientX,
        y: e.clientY,
        title: `${KIND_LABEL[node.data.topo.kind]} ${node.data.topo.name}`,
        items: [
          ...(ids.length === 1 ? extensions.nodeMenuItems(node.id) : []),
          {
            label: 'Rename',
            onSelect: () => (
              editorStore.getState().setSelection({ nodes: [node.id], links: [] }),
              editorStore.getState().requestFocus('name')
            ),
          },
          {
            label: ids.length > 1 ? `Duplicate ${ids.length} nodes` : 'Duplicate',
            onSelect: () => editorStore.getState().duplicate(ids),
          },
          {
            label: ids.length > 1 ? `Delete ${ids.length} nodes` : 'Delete',
            danger: true,
            onSelect: () => editorStore.getState().deleteNodes(ids),
          },
        ],
      });
    },
    [extensions],
  );

  const onEdgeContextMenu = useCallback(
    (e: React.MouseEvent, edge: FlowEdge) => {
      e.preventDefault();
      editorStore.getState().setSelection({ nodes: [], links: [edge.id] });
      setMenu({
        x: e.clientX,
        y: e.clientY,
        title: `Link ${edge.data!.link.a.ifname} – ${edge.data!.link.b.ifname}`,
        items: [
          { label: 'Edit', onSelect: () => editorStore.getState().requestFocus('name') },
          ...extensions.linkMenuItems(edge.id),
          { label: 'Delete', danger: true, onSelect: () => editorStore.getState().deleteLinks([edge.id]) },
        ],
      });
    },
    [extensions],
  );

  const onPaneContextMenu = useCallback(
    (e: React.MouseEvent | MouseEvent) => {
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const here = { x: p.x - 75, y: p.y - 30 };
      const items: { label: string; onSelect: () => void }[] = nodeKindList.map((k) => ({
        label: `Add ${KIND_LABEL[k]} here`,
        onSelect: () => void editorStore.getState().addNode(k, here),
      }));
      items.push({
        label: 'Add note here',
        onSelect: () => void addAnnotation('text', { x: Math.round(p.x), y: Math.round(p.y) }),
      });
      items.push({
        label: 'Add group here',
        onSelect: () => void addAnnotation('group', { x: Math.round(p.x), y: Math.round(p.y) }),
      });
      const clip = editorStore.getState().clipboard;
      if (clip?.nodes.length) {
        const first = clip.nodes[0].position ?? { x: 0, y: 0 };
        items.push({
          label: 'Paste here',
          onSelect: () => editorStore.getState().paste({ x: here.x - first.x, y: here.y - first.y }),
        });
      }
      setMenu({ x: e.clientX, y: e.clientY, title: 'Canvas', items });
    },
    [flow],
  );

  return (
    <div
      className={`np-canvas${far ? ' is-far' : ''}`}
      style={{ '--np-zoom': farZoom } as React.CSSProperties}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <ExtensionsContext.Provider value={extensions}>
        <FarContext.Provider value={far}>
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes}
            edges={far ? NO_EDGES : edges}
            nodeTypes={lodNodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            onNodeClick={onNodeClick}
            isValidConnection={isValidConnection}
            connectionMode={ConnectionMode.Loose}
            onNodeContextMenu={onNodeContextMenu}
            onEdgeContextMenu={onEdgeContextMenu}
            onPaneContextMenu={onPaneContextMenu}
            onMoveStart={closeMenu}
            snapToGrid={snap}
            snapGrid={SNAP}
            deleteKeyCode={null}
            multiSelectionKeyCode={MULTI_KEYS}
            selectionKeyCode="Shift"
            colorMode={colorMode}
            onlyRenderVisibleElements={nodes.length > BIG && !far}
            minZoom={0.05}
            maxZoom={2.5}
            defaultViewport={DEFAULT_VIEWPORT}
            fitViewOptions={FIT}
            aria-label="Topology canvas"
          >
            <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
            {far && <FarLinks nodes={nodes} edges={edges} />}
            <AnnotationLayer />
            <Controls showInteractive={false} />
            {minimap && (
              <MiniMap
                pannable
                zoomable
                nodeStrokeWidth={2}
                nodeClassName={minimapClass}
                ariaLabel="Minimap"
              />
            )}
          </ReactFlow>
        </FarContext.Provider>
      </ExtensionsContext.Provider>
      {menu && <ContextMenu menu={menu} onClose={closeMenu} />}
    </div>
  );
}

function minimapClass(n: FlowNode): string {
  return `np-mini np-mini--${n.type}`;
}
