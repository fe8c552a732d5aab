import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderToStaticMarkup } from 'react-dom/server';
import { ReactFlowProvider, type NodeProps } from '@xyflow/react';
import { createEditorStore } from '../store/store';
import { createFlowSelectors, type FlowNode } from '../store/derive';
import { FAR_ZOOM, FarContext, detailAt, selectFar } from './detail';
import { SimpleNodeView, withDetailTypes } from './SimpleViews';
import { farLinkPaths, movedNodes, splitFarLinkPaths } from './FarLinks';
import { edgeClass } from './edge-parts';
import { nodeTypes } from './TopoNodeView';
import { nodeClass, nodeLabel } from './node-text';

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

function renderNode(n: FlowNode, far: boolean, selected = false): string {
  const View = nodeViews[n.type!];
  const props = { id: n.id, type: n.type, data: n.data, selected } as NodeProps<FlowNode>;
  return renderToStaticMarkup(
    <ReactFlowProvider>
      <FarContext.Provider value={far}>
        <View {...props} />
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
      // Near: the four side handles. Far: none until the mouse is over the node, but hidden spots where
      // React Flow measures them (so links to the node are drawn when the view zooms back in).
      for (const side of ['top', 'left', 'right', 'bottom']) {
        expect(near).toContain(`handle-${n.id}-${side}`);
        expect(far).not.toContain(`handle-${n.id}-${side}`);
        expect(far).toMatch(
          new RegExp(`class="react-flow__handle react-flow__handle-${side} (source|target) np-handle-spot"`),
        );
      }
      expect(far.match(/data-handleid="[tlrs]"/g)).toHaveLength(4);
    }
  });

  it('gives both drawings of a node the same classes (the simple one adds its own) and the same name', () => {
    const { nodes } = drawing();
    const looks = fc.record({
      problem: fc.constantFrom(undefined, 'error' as const, 'warning' as const),
      live: fc.constantFrom(undefined, 'in-sync' as const, 'drifted' as const, 'missing' as const),
      selected: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.constantFrom(...nodes), looks, (n, { problem, live, selected }) => {
        const m = { ...n, data: { ...n.data, problem, live } };
        const kind = n.type!;
        const near = nodeClass(kind, m.data, selected);
        expect(nodeClass(kind, m.data, selected, 'np-node--simple').split(' ').sort()).toEqual(
          [...near.split(' '), 'np-node--simple'].sort(),
        );
        expect(near.split(' ').includes('is-selected')).toBe(selected);
        expect(near.includes(`has-${problem}`)).toBe(!!problem);
        expect(near.includes(`live-${live}`)).toBe(!!live);
        expect(renderNode(m, false, selected)).toContain(`class="${near}"`);
        expect(renderNode(m, true, selected)).toContain(
          `class="${nodeClass(kind, m.data, selected, 'np-node--simple')}"`,
        );
        for (const far of [false, true])
          expect(renderNode(m, far, selected)).toContain(`aria-label="${nodeLabel(kind, m.data)}"`);
      }),
      { numRuns: 40 },
    );
  });

  it('draws far links as centre-to-centre lines, one path per look, plain ones first', () => {
    const { nodes, edges } = drawing();
    const [a, b] = nodes.map((n) => ({ ...n, measured: { width: 100, height: 40 } }));
    // (connect() selects the new link: unselect it here.)
    const plain = { ...edges[0], selected: false };
    const base = edgeClass(plain.data!, false);
    expect(base).toMatch(/^np-edge np-/);
    expect(farLinkPaths([a, b], [plain])).toEqual([
      {
        cls: base,
        d: `M${a.position.x + 50},${a.position.y + 20}L${b.position.x + 50},${b.position.y + 20}`,
      },
    ]);
    // A second, selected link and one set down: a path each, drawn over the plain one.
    const sel = { ...plain, id: 'l-sel', selected: true };
    const down = {
      ...plain,
      id: 'l-down',
      data: {
        ...edges[0].data!,
        link: { ...edges[0].data!.link, a: { ...edges[0].data!.link.a, up: false } },
      },
    };
    const paths = farLinkPaths([a, b], [plain, sel, down]);
    expect(paths.map((p) => p.cls)).toEqual([base, `${base} is-down`, `${base} is-selected`]);
    // A link to a node that is not drawn is left out; unmeasured nodes count as 150 x 40.
    expect(farLinkPaths([b], [plain])).toEqual([]);
    const unmeasured = farLinkPaths([{ ...a, measured: undefined }, b], [plain])[0].d;
    expect(unmeasured.startsWith(`M${a.position.x + 75},${a.position.y + 20}L`)).toBe(true);
  });

  it('while nodes move, keeps the still links as they were and draws the moved ones apart: the same lines', () => {
    const { nodes, edges } = drawing();
    const [a, b] = nodes.map((n) => ({ ...n, measured: { width: 100, height: 40 } }));
    const plain = { ...edges[0], selected: false };
    const down = {
      ...plain,
      data: { ...plain.data!, link: { ...plain.data!.link, a: { ...plain.data!.link.a, up: false } } },
    };
    const segments = (d: string | undefined) => (d ? d.split('M').filter(Boolean) : []);
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(0, 1, 2)), { maxLength: 60 }),
        fc.array(
          fc.tuple(fc.nat(), fc.integer({ min: -500, max: 500 }), fc.integer({ min: -500, max: 500 })),
        ),
        fc.boolean(),
        (count, links, moves, reselect) => {
          // `count` nodes where the first two were, links of three looks between them, some nodes moved.
          const base = Array.from({ length: count }, (_, i) => ({
            ...(i % 2 ? b : a),
            id: `n${i}`,
            position: { x: 37 * i, y: 11 * (i % 7) },
          }));
          const es = links.map(([s, t, k], i) => ({
            ...(k === 2 ? down : plain),
            id: `e${i}`,
            source: `n${s % count}`,
            target: `n${t % count}`,
            selected: k === 1,
          }));
          const now = base.map((n) => (reselect ? { ...n } : n));
          for (const [i, dx, dy] of moves) {
            const n = now[i % count];
            now[i % count] = { ...n, position: { x: n.position.x + dx, y: n.position.y + dy } };
          }
          const split = splitFarLinkPaths(base, now, es);
          const whole = farLinkPaths(now, es);
          // The same looks in the same order, and per look the same segments.
          expect(split.map((p) => p.cls)).toEqual(whole.map((p) => p.cls));
          for (const [i, p] of split.entries()) {
            expect([...segments(p.still), ...segments(p.moving)].sort()).toEqual(segments(whole[i].d).sort());
            expect(p.dash).toEqual(whole[i].dash);
          }
          // Nothing moved (at most a node re-made, as selecting one does): one path per look, from before.
          const moved = movedNodes(base, now)!;
          expect(moved).toBeDefined();
          if (moved.size === 0) expect(split.every((p) => p.moving === undefined)).toBe(true);
          // The still links' path does not depend on where the moved nodes went.
          const elsewhere = now.map((n) => (moved.has(n.id) ? { ...n, position: { x: -1, y: -1 } } : n));
          expect(splitFarLinkPaths(base, elsewhere, es).map((p) => p.still)).toEqual(
            split.map((p) => p.still),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('says which nodes moved: by their centre, none when only re-made, all links anew when nodes came or went', () => {
    const { nodes } = drawing();
    const [a, b] = nodes;
    expect(movedNodes([a, b], [a, b])).toEqual(new Set());
    expect(movedNodes([a, b], [{ ...a, selected: !a.selected }, b])).toEqual(new Set());
    expect(movedNodes([a, b], [a, { ...b, position: { x: b.position.x + 1, y: b.position.y } }])).toEqual(
      new Set([b.id]),
    );
    // A node measured again at another size moves its centre.
    expect(movedNodes([a, b], [{ ...a, measured: { width: 999, height: 40 } }, b])).toEqual(new Set([a.id]));
    expect(movedNodes([a, b], [a])).toBeUndefined();
    expect(movedNodes([a, b], [a, { ...b, id: 'other' }])).toBeUndefined();
    // Many at once (a paste, an auto layout): every link from where the nodes are.
    const many = Array.from({ length: 100 }, (_, i) => ({ ...a, id: `m${i}` }));
    expect(
      movedNodes(
        many,
        many.map((n) => ({ ...n, position: { x: 5, y: 5 } })),
      ),
    ).toBeUndefined();
  });
});
