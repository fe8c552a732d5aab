import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderToStaticMarkup } from 'react-dom/server';
import { ReactFlowProvider, type EdgeProps, type NodeProps } from '@xyflow/react';
import { createEditorStore } from '../store/store';
import { createFlowSelectors, type FlowEdge, type FlowNode } from '../store/derive';
import { FAR_ZOOM, FarContext, detailAt, selectFar } from './detail';
import { SimpleLinkEdge, SimpleNodeView, withDetailTypes } from './SimpleViews';
import { nodeTypes } from './TopoNodeView';
import { edgeTypes } from './LinkEdge';

describe('level of detail: which drawing at which zoom', () => {
  it('is simple below FAR_ZOOM and full from there up, zoom 1 included', () => {
    expect(detailAt(1)).toBe('full');
    expect(detailAt(FAR_ZOOM)).toBe('full');
    expect(detailAt(FAR_ZOOM - 1e-9)).toBe('simple');
    expect(detailAt(0.076)).toBe('simple');
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 2.5, noNaN: true }), (zoom) => {
        const far = selectFar({ transform: [123, -45, zoom] });
        expect(far).toBe(zoom < FAR_ZOOM);
        expect(detailAt(zoom)).toBe(far ? 'simple' : 'full');
      }),
    );
  });
});

/** Two namespaces joined by a link, as the canvas derives them (addresses and interface names included). */
function drawing() {
  const store = createEditorStore();
  const a = store.getState().addNode('namespace', { x: 0, y: 0 });
  const b = store.getState().addNode('router', { x: 400, y: 0 });
  store.getState().connect(a, b);
  const sel = createFlowSelectors();
  return { nodes: sel.selectNodes(store.getState()), edges: sel.selectEdges(store.getState()) };
}

const nodeViews = withDetailTypes(nodeTypes, SimpleNodeView);
const edgeViews = withDetailTypes(edgeTypes, SimpleLinkEdge);

function renderNode(n: FlowNode, far: boolean): string {
  const View = nodeViews[n.type!];
  const props = { id: n.id, type: n.type, data: n.data, selected: false } as NodeProps<FlowNode>;
  return renderToStaticMarkup(
    <ReactFlowProvider>
      <FarContext.Provider value={far}>
        <View {...props} />
      </FarContext.Provider>
    </ReactFlowProvider>,
  );
}

function renderEdge(e: FlowEdge, far: boolean): string {
  const View = edgeViews.link;
  const props = {
    id: e.id,
    source: e.source,
    target: e.target,
    sourceX: 0,
    sourceY: 0,
    targetX: 400,
    targetY: 0,
    data: e.data,
    selected: false,
  } as EdgeProps<FlowEdge>;
  return renderToStaticMarkup(
    <ReactFlowProvider>
      <FarContext.Provider value={far}>
        <svg>
          <View {...props} />
        </svg>
      </FarContext.Provider>
    </ReactFlowProvider>,
  );
}

describe('level of detail: the views', () => {
  it('draws a node in full near (icon, addresses, handles) and as a plain named box far', () => {
    const { nodes } = drawing();
    for (const n of nodes) {
      const near = renderNode(n, false);
      const far = renderNode(n, true);
      expect(n.data.addrs.length).toBeGreaterThan(0);
      expect(near).toContain('np-icon');
      expect(near).toContain(n.data.addrs[0]);
      expect(near).not.toContain('np-node--simple');
      expect(far).toContain('np-node--simple');
      expect(far).toContain(`>${n.data.topo.name}<`);
      expect(far).not.toContain('np-icon');
      expect(far).not.toContain(n.data.addrs[0]);
      // Near: the four side handles. Far: two centre handles (where simple links end); the side ones only under the mouse.
      for (const side of ['top', 'left', 'right', 'bottom']) {
        expect(near).toContain(`handle-${n.id}-${side}`);
        expect(far).not.toContain(`handle-${n.id}-${side}`);
      }
      expect(far.match(/np-centre/g)).toHaveLength(2);
      expect(near).not.toContain('np-centre');
    }
  });

  it('draws a link with its interface names near and as a bare line far', () => {
    const { edges } = drawing();
    expect(edges).toHaveLength(1);
    const e = edges[0];
    const near = renderEdge(e, false);
    const far = renderEdge(e, true);
    for (const ifname of [e.data!.link.a.ifname, e.data!.link.b.ifname]) {
      expect(near).toContain(`>${ifname}<`);
      expect(far).not.toContain(`>${ifname}<`);
    }
    expect(far).toContain(`edge-${e.id}`);
    expect(far).not.toContain('<text');
    expect(far).toContain('d="M 0,0L 400,0"');
  });
});
