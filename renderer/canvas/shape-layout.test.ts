import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../store/store';
import { shapePositions } from './shape-layout';

function generated(shape: 'ring' | 'star' | 'tree' | 'line', count: number, hub: 'router' | 'bridge') {
  const s = createEditorStore();
  s.getState().generate({ shape, count, hub }, { x: 0, y: 0 });
  return s.getState().doc;
}

const centre = (p: { x: number; y: number }) => ({ x: p.x + 75, y: p.y + 30 });

describe('layout by shape', () => {
  it('a 50-node ring of routers becomes a circle, its hosts outside it, no two boxes overlapping', () => {
    const doc = generated('ring', 50, 'router');
    const pos = shapePositions(doc)!;
    expect(pos).not.toBeNull();
    const routers = doc.nodes.filter((n) => n.kind === 'router').map((n) => centre(pos[n.id]));
    const hosts = doc.nodes.filter((n) => n.kind === 'namespace').map((n) => centre(pos[n.id]));
    const mid = {
      x: routers.reduce((a, p) => a + p.x, 0) / routers.length,
      y: routers.reduce((a, p) => a + p.y, 0) / routers.length,
    };
    const dist = (p: { x: number; y: number }) => Math.hypot(p.x - mid.x, p.y - mid.y);
    const rs = routers.map(dist);
    const r = rs.reduce((a, b) => a + b, 0) / rs.length;
    // On a circle (within the 16-pixel grid), and every host further out than the ring.
    expect(Math.max(...rs.map((x) => Math.abs(x - r)))).toBeLessThan(20);
    expect(Math.min(...hosts.map(dist))).toBeGreaterThan(r + 100);
    const all = Object.values(pos);
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) {
        const apart = Math.abs(all[i].x - all[j].x) >= 150 || Math.abs(all[i].y - all[j].y) >= 60;
        expect(apart, `boxes ${i} and ${j} overlap`).toBe(true);
      }
  });

  it('a star becomes a wheel around its hub', () => {
    const doc = generated('star', 8, 'bridge');
    const pos = shapePositions(doc)!;
    const hub = doc.nodes.find((n) => n.kind === 'bridge')!;
    const c = centre(pos[hub.id]);
    const rs = doc.nodes
      .filter((n) => n.id !== hub.id)
      .map((n) => Math.hypot(centre(pos[n.id]).x - c.x, centre(pos[n.id]).y - c.y));
    expect(Math.max(...rs) - Math.min(...rs)).toBeLessThan(24);
  });

  it('a tree or a line is left to the layered layout', () => {
    expect(shapePositions(generated('tree', 8, 'bridge'))).toBeNull();
    expect(shapePositions(generated('line', 5, 'router'))).toBeNull();
  });
});
