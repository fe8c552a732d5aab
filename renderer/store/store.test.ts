import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../shared/model';
import { sameSubnet } from '../../shared/util/ip';
import { createEditorStore, onlyPositionsChanged } from './store';
import { createFlowSelectors } from './derive';
import { validateTopology } from './validate-doc';

const undoable = (s: ReturnType<typeof createEditorStore>) => s.temporal.getState().pastStates.length;

describe('editor store: adding and connecting', () => {
  it('gives new nodes unique default names per kind', () => {
    const s = createEditorStore();
    const ids = ['namespace', 'namespace', 'bridge', 'router', 'bridge', 'host'].map((k) =>
      s.getState().addNode(k as never, { x: 0, y: 0 }),
    );
    expect(ids).toEqual(['ns1', 'ns2', 'br0', 'r1', 'br1', 'host']);
    expect(new Set(s.getState().doc.nodes.map((n) => n.id)).size).toBe(6);
  });

  it('connects namespaces to a bridge with eth0 / br0-pN and addresses in one subnet', () => {
    const s = createEditorStore();
    const st = s.getState();
    st.addNode('namespace', { x: 0, y: 0 });
    st.addNode('namespace', { x: 100, y: 0 });
    st.addNode('bridge', { x: 50, y: 100 });
    st.connect('ns1', 'br0');
    st.connect('ns2', 'br0');
    const [l1, l2] = s.getState().doc.links;
    expect([l1.a.ifname, l1.b.ifname, l2.a.ifname, l2.b.ifname]).toEqual([
      'eth0',
      'br0-p1',
      'eth0',
      'br0-p2',
    ]);
    expect(l1.a.addresses).toEqual(['10.0.0.1/24']);
    expect(l2.a.addresses).toEqual(['10.0.0.2/24']);
    expect(l1.b.addresses).toEqual([]);
    // The document stays a valid topology, with no problem for the shared validator.
    expect(parseTopology(s.getState().doc).ok).toBe(true);
    expect(validateTopology(s.getState().doc)).toEqual([]);
  });

  it('keeps the subnet the user chose on a segment and picks a fresh one for a new segment', () => {
    const s = createEditorStore();
    const st = s.getState();
    for (const k of ['namespace', 'namespace', 'bridge', 'namespace', 'namespace'] as const)
      st.addNode(k, { x: 0, y: 0 });
    const l1 = st.connect('ns1', 'br0')!;
    s.getState().updateLinkEnd(l1, 'a', { addresses: ['192.168.7.10/24'] });
    s.getState().connect('ns2', 'br0');
    const direct = s.getState().connect('ns3', 'ns4')!;
    const doc = s.getState().doc;
    const l2 = doc.links[1];
    expect(sameSubnet(l2.a.addresses[0], '192.168.7.10/24')).toBe(true);
    expect(l2.a.addresses[0]).not.toBe('192.168.7.10/24');
    const d = doc.links.find((l) => l.id === direct)!;
    expect(sameSubnet(d.a.addresses[0], d.b.addresses[0])).toBe(true);
    expect(sameSubnet(d.a.addresses[0], '192.168.7.1/24')).toBe(false);
    expect(d.a.addresses[0]).not.toBe(d.b.addresses[0]);
  });

  it('numbers interfaces per namespace and keeps names within 15 bytes', () => {
    const s = createEditorStore();
    const st = s.getState();
    st.addNode('router', { x: 0, y: 0 });
    st.addNode('bridge', { x: 0, y: 0 });
    s.getState().updateNode('br0', { name: 'a-very-long-bridge-name' });
    st.addNode('host', { x: 0, y: 0 });
    st.addNode('namespace', { x: 0, y: 0 });
    s.getState().updateNode('ns1', { name: 'namespace-with-a-long-name' });
    st.connect('r1', 'br0');
    st.connect('r1', 'ns1');
    st.connect('host', 'ns1');
    st.connect('host', 'br0');
    const names = s.getState().doc.links.flatMap((l) => [l.a.ifname, l.b.ifname]);
    for (const n of names) expect(new TextEncoder().encode(n).length).toBeLessThanOrEqual(15);
    expect(validateTopology(s.getState().doc).filter((p) => p.path.includes('ifname'))).toEqual([]);
    expect(names.slice(0, 2)).toEqual(['eth0', 'a-very-long-p1']);
    expect(names[2]).toBe('eth1');
    // Root namespace: bridge ports and host ends must not collide.
    const root = [names[1], names[4], names[6], names[7]];
    expect(new Set(root).size).toBe(root.length);
  });

  it('refuses to connect a node to itself', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    expect(s.getState().connect('ns1', 'ns1')).toBeNull();
    expect(s.getState().doc.links).toHaveLength(0);
  });
});

describe('editor store: undo and redo', () => {
  it('undoes and redoes every edit, one step each', () => {
    const s = createEditorStore();
    const st = s.getState();
    st.addNode('namespace', { x: 0, y: 0 });
    st.addNode('bridge', { x: 0, y: 0 });
    st.connect('ns1', 'br0');
    const full = s.getState().doc;
    s.getState().undo();
    expect(s.getState().doc.links).toHaveLength(0);
    s.getState().undo();
    expect(s.getState().doc.nodes.map((n) => n.id)).toEqual(['ns1']);
    s.getState().redo();
    s.getState().redo();
    expect(s.getState().doc).toBe(full);
  });

  it('folds typing in one field into one step', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    const before = undoable(s);
    for (const v of ['n', 'ne', 'new']) s.getState().updateNode('ns1', { name: v }, 'name');
    expect(undoable(s)).toBe(before + 1);
    s.getState().updateNode('ns1', { notes: 'x' }, 'notes');
    expect(undoable(s)).toBe(before + 2);
    s.getState().undo();
    s.getState().undo();
    expect(s.getState().doc.nodes[0].name).toBe('ns1');
  });

  it('records a drag once, with the position from before the drag', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    const before = undoable(s);
    s.getState().beginDrag();
    for (let x = 1; x <= 50; x++) s.getState().dragTo({ ns1: { x, y: x } });
    s.getState().endDrag();
    expect(undoable(s)).toBe(before + 1);
    expect(s.getState().doc.nodes[0].position).toEqual({ x: 50, y: 50 });
    s.getState().undo();
    expect(s.getState().doc.nodes[0].position).toEqual({ x: 0, y: 0 });
    s.getState().redo();
    expect(s.getState().doc.nodes[0].position).toEqual({ x: 50, y: 50 });
  });

  it('does not record selection changes and tracks the dirty flag through undo', () => {
    const s = createEditorStore();
    const saved = s.getState().doc;
    s.getState().setSelection({ nodes: ['x'] });
    expect(undoable(s)).toBe(0);
    s.getState().addNode('namespace', { x: 0, y: 0 });
    expect(s.getState().doc).not.toBe(saved);
    s.getState().undo();
    expect(s.getState().doc).toBe(s.getState().savedDoc);
  });

  it('undoes a delete, bringing back the node and its links', () => {
    const s = createEditorStore();
    const st = s.getState();
    st.addNode('namespace', { x: 0, y: 0 });
    st.addNode('namespace', { x: 0, y: 0 });
    st.connect('ns1', 'ns2');
    s.getState().setSelection({ nodes: ['ns1'], links: [] });
    s.getState().deleteSelection();
    expect(s.getState().doc.links).toHaveLength(0);
    expect(s.getState().doc.nodes.map((n) => n.id)).toEqual(['ns2']);
    s.getState().undo();
    expect(s.getState().doc.links).toHaveLength(1);
    expect(s.getState().doc.nodes).toHaveLength(2);
  });
});

describe('editor store: copy and paste', () => {
  it('renames pasted nodes, keeps links between them, and drops links to outside nodes', () => {
    const s = createEditorStore();
    const st = s.getState();
    st.addNode('namespace', { x: 0, y: 0 });
    st.addNode('namespace', { x: 0, y: 0 });
    st.addNode('bridge', { x: 0, y: 0 });
    st.addNode('namespace', { x: 0, y: 0 });
    st.connect('ns1', 'br0');
    st.connect('ns2', 'br0');
    st.connect('ns3', 'br0');
    s.getState().setSelection({ nodes: ['ns1', 'ns2', 'br0'], links: [] });
    s.getState().copySelection();
    s.getState().paste();
    const doc = s.getState().doc;
    const ids = doc.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['ns1', 'ns2', 'br0', 'ns3', 'ns4', 'ns5', 'br1']);
    const pasted = doc.links.slice(3);
    expect(pasted.map((l) => [l.a.node, l.b.node])).toEqual([
      ['ns4', 'br1'],
      ['ns5', 'br1'],
    ]);
    // Ports of the pasted bridge live in the root namespace too: no name clash with br0's ports.
    const rootPorts = doc.links.map((l) => l.b.ifname);
    expect(new Set(rootPorts).size).toBe(rootPorts.length);
    expect(new Set(doc.links.map((l) => l.id)).size).toBe(doc.links.length);
    expect(s.getState().selection.nodes).toEqual(['ns4', 'ns5', 'br1']);
    expect(parseTopology(doc).ok).toBe(true);
    expect(validateTopology(doc).filter((p) => p.path.includes('ifname') || p.path[0] === 'nodes')).toEqual(
      [],
    );
    // One undo removes the whole paste.
    s.getState().undo();
    expect(s.getState().doc.nodes).toHaveLength(4);
  });

  it('pastes twice without clashing with the first paste', () => {
    const s = createEditorStore();
    s.getState().addNode('router', { x: 0, y: 0 });
    s.getState().setSelection({ nodes: ['r1'] });
    s.getState().copySelection();
    s.getState().paste();
    s.getState().paste();
    expect(s.getState().doc.nodes.map((n) => n.name)).toEqual(['r1', 'r2', 'r3']);
    const xs = s.getState().doc.nodes.map((n) => n.position!.x);
    expect(new Set(xs).size).toBe(3);
  });
});

describe('derived React Flow nodes and edges', () => {
  it('derives nodes with addresses, selection and problems, reusing unchanged objects', () => {
    const s = createEditorStore();
    const st = s.getState();
    st.addNode('namespace', { x: 0, y: 0 });
    st.addNode('namespace', { x: 200, y: 0 });
    st.connect('ns1', 'ns2');
    const { selectNodes, selectEdges } = createFlowSelectors();
    const n1 = selectNodes(s.getState());
    expect(n1.map((n) => [n.id, n.type, n.data.addrs])).toEqual([
      ['ns1', 'namespace', ['10.0.0.1/24']],
      ['ns2', 'namespace', ['10.0.0.2/24']],
    ]);
    expect(selectNodes(s.getState())).toBe(n1);
    const e1 = selectEdges(s.getState());
    expect(e1).toHaveLength(1);
    expect(e1[0]).toMatchObject({ source: 'ns1', target: 'ns2', type: 'link', selected: true });
    // Moving ns2 re-creates only ns2's node object.
    s.getState().moveNodes({ ns2: { x: 300, y: 0 } });
    const n2 = selectNodes(s.getState());
    expect(n2[0]).toBe(n1[0]);
    expect(n2[1]).not.toBe(n1[1]);
    expect(n2[1].position).toEqual({ x: 300, y: 0 });
    expect(selectEdges(s.getState())).toBe(e1);
    // A problem pointing at the link's end marks the edge.
    s.getState().setProblems([
      { code: 'x', severity: 'error', message: 'bad', path: ['links', 0, 'a', 'ifname'] },
    ]);
    expect(selectEdges(s.getState())[0].data!.problem).toBe('error');
    expect(selectNodes(s.getState())[0].data.problem).toBeUndefined();
  });

  it('shows live state from a status answer', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    s.getState().addNode('namespace', { x: 0, y: 0 });
    const { selectNodes } = createFlowSelectors();
    const doc = s.getState().doc;
    s.getState().setStatus({
      doc,
      applied: true,
      inSync: false,
      at: 0,
      drift: [{ state: 'missing', kind: 'namespace', name: 'ns2', nodeId: 'ns2', detail: 'ns2 is missing' }],
    });
    expect(selectNodes(s.getState()).map((n) => n.data.live)).toEqual(['in-sync', 'missing']);
    s.getState().setStatus({ doc, applied: false, inSync: false, at: 0, drift: [] });
    expect(selectNodes(s.getState()).map((n) => n.data.live)).toEqual(['not-applied', 'not-applied']);
  });

  it('never paints another lab, or objects changed since the read, as in sync', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    s.getState().addNode('bridge', { x: 0, y: 0 });
    s.getState().connect('ns1', 'br0');
    const { selectNodes, selectEdges } = createFlowSelectors();
    const live = () => selectNodes(s.getState()).map((n) => n.data.live);
    s.getState().setStatus({ doc: s.getState().doc, applied: true, inSync: true, at: 0, drift: [] });
    expect(live()).toEqual(['in-sync', 'in-sync']);
    expect(selectEdges(s.getState())[0].data!.live).toBe('in-sync');
    // Moving a node keeps its state; renaming it or adding a node does not claim anything until the next read.
    s.getState().moveNodes({ ns1: { x: 100, y: 100 } });
    expect(live()).toEqual(['in-sync', 'in-sync']);
    s.getState().updateNode('br0', { label: 'switch' });
    s.getState().addNode('namespace', { x: 0, y: 0 });
    expect(live()).toEqual(['in-sync', undefined, undefined]);
    // The same answer shown for a drawing that names another lab: nothing at all.
    s.getState().updateLab({ name: 'other' });
    expect(live()).toEqual([undefined, undefined, undefined]);
    expect(selectEdges(s.getState())[0].data!.live).toBeUndefined();
  });

  it('marks the interfaces of a link set down on both of its nodes', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    s.getState().addNode('bridge', { x: 0, y: 0 });
    const l = s.getState().connect('ns1', 'br0')!;
    const { selectNodes } = createFlowSelectors();
    expect(selectNodes(s.getState()).map((n) => n.data.down)).toEqual([[], []]);
    s.getState().updateLinkEnd(l, 'a', { up: false });
    expect(selectNodes(s.getState()).map((n) => n.data.down)).toEqual([['eth0'], ['br0-p1']]);
  });

  it("shows the kernel side's conflicts on the nodes they name and claims nothing else", () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    s.getState().addNode('namespace', { x: 0, y: 0 });
    const { selectNodes } = createFlowSelectors();
    s.getState().setStatus({
      doc: s.getState().doc,
      applied: true,
      inSync: false,
      at: 0,
      drift: [],
      conflicts: [{ message: 'ns2 belongs to lab "x"', nodeId: 'ns2' }],
    });
    expect(selectNodes(s.getState()).map((n) => [n.data.live, n.data.liveDetail])).toEqual([
      [undefined, undefined],
      ['drifted', 'ns2 belongs to lab "x"'],
    ]);
  });
});

describe('loading and saving', () => {
  it('round-trips a document through its text and clears history on open', () => {
    const s = createEditorStore();
    const st = s.getState();
    st.addNode('namespace', { x: 0, y: 0 });
    st.addNode('bridge', { x: 0, y: 0 });
    st.connect('ns1', 'br0');
    const text = s.getState().toDocument();
    const t = createEditorStore();
    expect(t.getState().loadDocument(text, 'lab.yaml')).toEqual({ ok: true, imported: false });
    expect(t.getState().doc).toEqual(s.getState().doc);
    expect(undoable(t)).toBe(0);
    expect(t.getState().fileName).toBe('lab.yaml');
  });

  it('keeps the comments of an opened file when saving it again', () => {
    const s = createEditorStore();
    const text =
      '# my lab\nversion: 1\nname: demo # the lab\nnodes:\n  - {id: ns1, name: ns1, kind: namespace}\n';
    expect(s.getState().loadDocument(text, 'demo.yaml').ok).toBe(true);
    s.getState().updateNode('ns1', { name: 'client' });
    const out = s.getState().toDocument();
    expect(out).toContain('# my lab');
    expect(out).toContain('# the lab');
    expect(out).toContain('client');
  });

  it('opens a file with validation problems and reports them', () => {
    const s = createEditorStore();
    const text =
      'version: 1\nname: demo\nnodes:\n  - {id: ns1, name: ns1, kind: namespace}\n  - {id: ns2, name: ns2, kind: namespace}\nlinks:\n  - {id: l1, a: {node: ns1, ifname: this-name-is-too-long}, b: {node: ns2, ifname: eth0}}\n';
    const r = s.getState().loadDocument(text, 'demo.yaml');
    expect(r.ok).toBe(true);
    s.getState().validateNow();
    expect(
      s.getState().problems.some((p) => p.severity === 'error' && p.path.join('.') === 'links.0.a.ifname'),
    ).toBe(true);
  });

  it('reports unreadable files without replacing the document', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    const r = s.getState().loadDocument('nodes: [ {', 'x.yaml');
    expect(r.ok).toBe(false);
    expect(s.getState().doc.nodes).toHaveLength(1);
  });
});

describe('moves versus edits', () => {
  it('tells a pure move from an edit (validation and live mode skip moves)', () => {
    const s = createEditorStore();
    s.getState().addNode('namespace', { x: 0, y: 0 });
    s.getState().addNode('namespace', { x: 0, y: 0 });
    const a = s.getState().doc;
    s.getState().moveNodes({ ns1: { x: 32, y: 32 } });
    const b = s.getState().doc;
    expect(onlyPositionsChanged(a, b)).toBe(true);
    s.getState().updateNode('ns1', { notes: 'x' });
    expect(onlyPositionsChanged(b, s.getState().doc)).toBe(false);
    s.getState().connect('ns1', 'ns2');
    const c = s.getState().doc;
    s.getState().updateLinkEnd(c.links[0].id, 'a', { mtu: 1400 });
    expect(onlyPositionsChanged(c, s.getState().doc)).toBe(false);
  });
});
