/**
 * The benchmark's bare React Flow page: the same nodes and edges as the app,
 * drawn with React Flow's default node and edge components, with the app's
 * canvas settings (fit view padding and zoom limits, onlyRenderVisibleElements
 * above 300 nodes when not zoomed far out), a dots background and the zoom
 * controls. It opens a topology file the way the app does in a browser: a file
 * input (data-testid="open-file-input"), then the same YAML parser.
 *
 * URL parameters: w and h, the canvas size in CSS pixels (the bench passes the
 * size of the app's canvas so both show the same area).
 */
import { StrictMode, useCallback } from 'react';
import { createRoot } from 'react-dom/client';
import { parse } from 'yaml';
import {
  Background,
  BackgroundVariant,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useEdgesState,
  useNodesState,
  useStore,
  type Edge,
  type Node,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';

const FIT = { padding: 0.15, maxZoom: 1.2, duration: 0 };
/** The app's grid, which a dragged node snaps to by default (renderer/canvas/Canvas.tsx SNAP, prefs.snapToGrid). */
const SNAP: [number, number] = [16, 16];
const FAR_ZOOM = 0.5;
const BIG = 300;

interface PlainDoc {
  nodes: { id?: string; name: string; position?: { x: number; y: number } }[];
  links: { id: string; a: { node: string }; b: { node: string } }[];
}

function Flow() {
  const [nodes, setNodes, onNodesChange] = useNodesState<Node>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  const far = useStore((s) => s.transform[2] < FAR_ZOOM);
  const onFile = useCallback(
    async (file: File) => {
      const doc = parse(await file.text()) as PlainDoc;
      setNodes(
        doc.nodes.map((n) => ({
          id: n.id ?? n.name,
          position: n.position ?? { x: 0, y: 0 },
          data: { label: n.name },
        })),
      );
      setEdges(doc.links.map((l) => ({ id: l.id, source: l.a.node, target: l.b.node })));
    },
    [setNodes, setEdges],
  );
  const q = new URLSearchParams(location.search);
  const style = { width: `${Number(q.get('w')) || 800}px`, height: `${Number(q.get('h')) || 600}px` };
  return (
    <div style={style}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        fitView
        fitViewOptions={FIT}
        minZoom={0.05}
        maxZoom={2.5}
        onlyRenderVisibleElements={nodes.length > BIG && !far}
        snapToGrid
        snapGrid={SNAP}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
      <input
        type="file"
        data-testid="open-file-input"
        hidden
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void onFile(f);
        }}
      />
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ReactFlowProvider>
      <Flow />
    </ReactFlowProvider>
  </StrictMode>,
);
