/**
 * The benchmark's baseline: a bare React Flow page with its default node and
 * edge components, showing the nodes and links of a topology file picked in
 * the same kind of file input as the app's (data-testid="open-file-input").
 * Built only when NETPLUMB_BENCH=1 (see renderer/vite.config.ts).
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Background, Controls, ReactFlow, useEdgesState, useNodesState, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './bare.css';

type Doc = { nodes: { id: string; name?: string; position?: { x: number; y: number } }[]; links: { id: string; a: { node: string }; b: { node: string } }[] };

function Bare() {
  const [nodes, setNodes, onNodesChange] = useNodesState<Node>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  const [seq, setSeq] = useState(0);
  const open = async (file: File) => {
    const doc = JSON.parse(await file.text()) as Doc;
    setNodes(doc.nodes.map((n) => ({ id: n.id, position: n.position ?? { x: 0, y: 0 }, data: { label: n.name ?? n.id } })));
    setEdges(doc.links.map((l) => ({ id: l.id, source: l.a.node, target: l.b.node })));
    setSeq((s) => s + 1);
  };
  return (
    <div className="bare">
      <input type="file" aria-label="Open topology file" data-testid="open-file-input" onChange={(e) => e.target.files?.[0] && void open(e.target.files[0])} />
      <div className="bare__flow">
        <ReactFlow key={seq} nodes={nodes} edges={edges} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} fitView minZoom={0.05}>
          <Background />
          <Controls />
        </ReactFlow>
      </div>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Bare />
  </StrictMode>,
);
