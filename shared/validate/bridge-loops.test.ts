import { describe, expect, it } from 'vitest';
import { validate } from './index';
import { variant, withCode } from './test-fixtures';
import type { LooseDoc } from './test-fixtures';

function bridges(d: LooseDoc, ids: string[], stp: Record<string, boolean> = {}) {
  for (const id of ids) d.nodes.push({ id, kind: 'bridge', stp: stp[id] ?? false });
}
let n = 0;
function wire(d: LooseDoc, a: string, b: string) {
  n++;
  d.links.push({ id: `w${n}`, a: { node: a, ifname: `${a}-w${n}` }, b: { node: b, ifname: `${b}-w${n}` } });
}

describe('bridge loops', () => {
  it('a chain of bridges is not a loop', () => {
    const ps = validate(
      variant(
        (d) => (
          bridges(d, ['b1', 'b2', 'b3']),
          wire(d, 'b1', 'b2'),
          wire(d, 'b2', 'b3'),
          wire(d, 'br0', 'b1')
        ),
      ),
    );
    expect(ps).toEqual([]);
  });

  it('two bridges linked twice', () => {
    const ps = validate(variant((d) => (bridges(d, ['b1', 'b2']), wire(d, 'b1', 'b2'), wire(d, 'b1', 'b2'))));
    const p = withCode(ps, 'bridge-loop-no-stp');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ severity: 'warning', path: ['nodes', 4, 'stp'], nodeId: 'b1' });
    expect(p[0].message).toMatch(/"b1", "b2"/);
  });

  it('a ring of three bridges with STP on only some', () => {
    const ps = validate(
      variant((d) => {
        bridges(d, ['b1', 'b2', 'b3'], { b1: true, b2: true });
        wire(d, 'b1', 'b2');
        wire(d, 'b2', 'b3');
        wire(d, 'b3', 'b1');
        wire(d, 'br0', 'b1'); // a tail, not part of the loop
      }),
    );
    const p = withCode(ps, 'bridge-loop-no-stp');
    expect(p).toHaveLength(1);
    expect(p[0].nodeId).toBe('b3');
    expect(p[0].message).toContain('STP is off on "b3"');
    expect(p[0].message).not.toContain('"br0"');
  });

  it('names the bridges and links as the file shows them, never by their internal ids', () => {
    const ps = validate(
      variant((d) => {
        d.nodes.push({ id: 'n7', name: 'core', kind: 'bridge' }, { id: 'n8', name: 'edge', kind: 'bridge' });
        d.links.push(
          { id: 'link4', a: { node: 'n7', ifname: 'core-e1' }, b: { node: 'n8', ifname: 'edge-c1' } },
          { id: 'link5', a: { node: 'n8', ifname: 'edge-c2' }, b: { node: 'n7', ifname: 'core-e2' } },
        );
      }),
    );
    const [p] = withCode(ps, 'bridge-loop-no-stp');
    expect(p.message).toContain('Bridges "core", "edge" form a loop');
    expect(p.message).toContain('core:core-e1 — edge:edge-c1, edge:edge-c2 — core:core-e2');
    expect(p.message).not.toMatch(/link4|link5|"n7"|"n8"/);
    expect(p).toMatchObject({ nodeId: 'n7', linkId: 'link4' });
  });

  it('a ring with STP on every bridge is fine', () => {
    const ps = validate(
      variant(
        (d) => (
          bridges(d, ['b1', 'b2', 'b3'], { b1: true, b2: true, b3: true }),
          wire(d, 'b1', 'b2'),
          wire(d, 'b2', 'b3'),
          wire(d, 'b3', 'b1')
        ),
      ),
    );
    expect(withCode(ps, 'bridge-loop-no-stp')).toEqual([]);
  });

  it('a bridge linked to itself', () => {
    const ps = validate(variant((d) => wire(d, 'br0', 'br0')));
    expect(withCode(ps, 'bridge-loop-no-stp')).toMatchObject([{ nodeId: 'br0' }]);
  });

  it('two separate loops are reported separately', () => {
    const ps = validate(
      variant(
        (d) => (
          bridges(d, ['b1', 'b2', 'b3', 'b4']),
          wire(d, 'b1', 'b2'),
          wire(d, 'b1', 'b2'),
          wire(d, 'b3', 'b4'),
          wire(d, 'b4', 'b3')
        ),
      ),
    );
    expect(withCode(ps, 'bridge-loop-no-stp').map((p) => p.nodeId)).toEqual(['b1', 'b3']);
  });
});
