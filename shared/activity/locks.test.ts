import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbValidTopology } from '../model/arbitraries';
import { parseTopology, type Topology } from '../model';
import { changedFields, checkLocks, lockReason, sameValue, toggleLocks } from './locks';
import { routerActivity, routerSolution } from './test-fixtures';

const parsed = (doc: unknown): Topology => {
  const r = parseTopology(doc);
  if (!r.ok) throw new Error(r.problems[0].message);
  return r.topology;
};
const allLocked = (t: Topology) => ({
  nodes: t.nodes.map((n) => n.id),
  links: t.links.map((l) => l.id),
  fields: [],
});

describe('checkLocks', () => {
  it('a submission that keeps the locked parts (and moves nodes around) has no violation', () => {
    expect(checkLocks(routerActivity(), parsed(routerSolution()), routerActivity().activity!.locked)).toEqual(
      [],
    );
  });

  it('names the locked node, link or field that changed, and what changed in it', () => {
    const start = routerActivity();
    const locks = start.activity!.locked;
    const sub = routerSolution();
    sub.nodes[1] = { name: 'r1', kind: 'router', sysctls: { 'net.ipv4.conf.all.rp_filter': 2 } };
    sub.links[0] = {
      id: 'left',
      a: { node: 'h1', ifname: 'eth0', addresses: ['10.1.0.3/24'], mtu: 1400 },
      b: { node: 'r1', ifname: 'eth0', addresses: ['10.1.0.1/24'] },
    };
    sub.nodes[2] = { name: 'h2', kind: 'namespace', gateway: { ipv4: '10.2.0.1' } };
    expect(checkLocks(start, parsed(sub), locks)).toEqual([
      { kind: 'node', nodeId: 'r1', field: 'sysctls', message: 'node "r1" is locked: its sysctls changed' },
      {
        kind: 'link',
        linkId: 'left',
        field: 'a.addresses,a.mtu',
        message: 'link "left" is locked: its a.addresses and a.mtu changed',
      },
      {
        kind: 'field',
        nodeId: 'h2',
        field: 'gateway',
        message: 'gateway of node "h2" is locked and was changed',
      },
    ]);
  });

  it('a removed locked node or link is a violation; writing a default out is not a change', () => {
    const start = routerActivity();
    const sub = routerSolution();
    sub.nodes = sub.nodes.filter((n) => n.name !== 'r1');
    sub.links = [];
    expect(checkLocks(start, parsed(sub), start.activity!.locked).map((v) => v.message)).toEqual([
      'node "r1" is locked but the submission removed it',
      'link "left" is locked but the submission removed it',
    ]);
    const explicit = routerSolution();
    explicit.nodes[1] = { name: 'r1', kind: 'router', routes: [], ipv6Forwarding: true };
    expect(checkLocks(start, parsed(explicit), start.activity!.locked)).toEqual([]);
  });

  it('property: locking everything, an unchanged document passes and changing one locked node is caught', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 5 }), fc.nat(), (t, pick) => {
        expect(checkLocks(t, structuredClone(t), allLocked(t))).toEqual([]);
        const i = pick % t.nodes.length;
        const changed = structuredClone(t);
        changed.nodes[i] = { ...changed.nodes[i], notes: `${changed.nodes[i].notes ?? ''}!` };
        const v = checkLocks(t, changed, allLocked(t));
        expect(v).toEqual([
          {
            kind: 'node',
            nodeId: t.nodes[i].id,
            field: 'notes',
            message: `node "${t.nodes[i].id}" is locked: its notes changed`,
          },
        ]);
        const moved = structuredClone(t);
        moved.nodes[i] = { ...moved.nodes[i], position: { x: 1, y: 2 } };
        expect(checkLocks(t, moved, allLocked(t))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('lockReason and toggleLocks (student mode, authoring)', () => {
  const locks = routerActivity().activity!.locked;
  it('says why a change is refused, and allows moving nodes', () => {
    expect(lockReason(locks, { nodeId: 'r1' })).toBe(
      'node "r1" is locked by the activity: it must stay as given',
    );
    expect(lockReason(locks, { nodeId: 'r1', field: 'position' })).toBeNull();
    expect(lockReason(locks, { linkId: 'left', field: 'a.addresses' })).toMatch(/link "left" is locked/);
    expect(lockReason(locks, { nodeId: 'h2', field: 'gateway.ipv4' })).toBe(
      'gateway of node "h2" is locked by the activity',
    );
    expect(lockReason(locks, { nodeId: 'h2', field: 'routes' })).toBeNull();
    expect(lockReason(locks, { nodeId: 'h1' })).toBeNull();
  });
  it('locks and unlocks a selection without duplicates', () => {
    const l2 = toggleLocks(locks, { nodes: ['r1', 'h1'], links: ['right'] }, true);
    expect(l2.nodes).toEqual(['r1', 'h1']);
    expect(l2.links).toEqual(['left', 'right']);
    expect(toggleLocks(l2, { nodes: ['r1'] }, false).nodes).toEqual(['h1']);
  });
  it('compares values deeply, key order aside', () => {
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(changedFields({ a: 1, position: 1 }, { a: 2, position: 2 })).toEqual(['a']);
  });
});
