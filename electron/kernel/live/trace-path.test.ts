import { describe, expect, it } from 'vitest';
import type { LabIface } from './lab-ifaces';
import { walkPath, type PathNode, type RouteHop } from './trace-path';

/** Both ends of a link as LabIfaces. */
function link(id: string, a: [string, string], b: [string, string]): LabIface[] {
  return [
    {
      linkId: id,
      end: 'a',
      nodeId: a[0],
      ns: a[0],
      name: a[1],
      peer: { nodeId: b[0], ns: b[0], name: b[1] },
    },
    {
      linkId: id,
      end: 'b',
      nodeId: b[0],
      ns: b[0],
      name: b[1],
      peer: { nodeId: a[0], ns: a[0], name: a[1] },
    },
  ];
}

// h1 —l1— r1 —l2— br (ports p1, p2, p3) — r2 (p2), h3 (p3, unrelated); r2 —l5— h2.
const nodes: PathNode[] = [
  { id: 'h1', kind: 'namespace', addresses: ['10.0.1.10'] },
  { id: 'r1', kind: 'router', addresses: ['10.0.1.1', '10.0.9.1'] },
  { id: 'br', kind: 'bridge', addresses: [] },
  { id: 'r2', kind: 'router', addresses: ['10.0.9.2', '10.0.2.1'] },
  { id: 'h3', kind: 'namespace', addresses: ['10.0.9.3'] },
  { id: 'h2', kind: 'namespace', addresses: ['10.0.2.10'] },
];
const ifaces = [
  ...link('l1', ['h1', 'eth0'], ['r1', 'e0']),
  ...link('l2', ['r1', 'e1'], ['br', 'p1']),
  ...link('l3', ['r2', 'e0'], ['br', 'p2']),
  ...link('l4', ['h3', 'eth0'], ['br', 'p3']),
  ...link('l5', ['r2', 'e1'], ['h2', 'eth0']),
];
const table: Record<string, RouteHop> = {
  h1: { dev: 'eth0', via: '10.0.1.1', text: '' },
  r1: { dev: 'e1', via: '10.0.9.2', text: '' },
  r2: { dev: 'e1', text: '' },
};

describe('walkPath', () => {
  it('follows the routes through a bridge to the owner of the next hop, listing every bridge port', async () => {
    const asked: string[] = [];
    const w = await walkPath('h1', '10.0.2.10', nodes, ifaces, async (id) => (asked.push(id), table[id]));
    expect(w).toMatchObject({ arrived: true, nodes: ['h1', 'r1', 'r2', 'h2'] });
    expect(w.points).toEqual(['l1:a', 'l1:b', 'l2:a', 'l2:b', 'l3:b', 'l3:a', 'l4:b', 'l5:a', 'l5:b']);
    // h3 sits on the bridge but is not the next hop: its own end is not captured on.
    expect(w.points).not.toContain('l4:a');
    expect(asked).toEqual(['h1', 'r1', 'r2']);
  });

  it('stops with plain words at a missing route and at a loop', async () => {
    const none = await walkPath('h1', '10.0.2.10', nodes, ifaces, async (id) =>
      id === 'h1' ? table.h1 : undefined,
    );
    expect(none).toMatchObject({
      arrived: false,
      nodes: ['h1', 'r1'],
      stopped: 'r1 has no route to 10.0.2.10',
    });
    const loop = await walkPath('h1', '10.0.2.10', nodes, ifaces, async (id) =>
      id === 'r1' ? { dev: 'e0', via: '10.0.1.10', text: '' } : table[id],
    );
    expect(loop).toMatchObject({ arrived: false, stopped: 'the route loops back to h1' });
  });
});
