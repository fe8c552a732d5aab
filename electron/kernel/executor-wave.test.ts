/**
 * groupPlan's split of new namespaces over several processes (issue 13): the
 * kernel sets namespaces up in parallel, so a root batch's leading `netns
 * add` lines may run as a few batches at once. Nothing else moves: every
 * change is in exactly one group, in its plan order within the groups, and
 * the waves run the plan's phases in order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Topology, type Topology as TopologyT } from '../../shared/model';
import { arbValidTopology } from '../../shared/model/arbitraries';
import { plan, resolve, ROOT_NS, type KState } from '../../shared/plan';
import { PHASES } from '../../shared/plan/builder';
import { groupPlan } from './executor-wave';

const emptyHost = (): KState => ({
  namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, routes: [], ifaces: {} } },
});

const star = (n: number): TopologyT =>
  Topology.parse({
    version: 1,
    name: 'gp',
    nodes: [
      { id: 'br', name: 'gpbr', kind: 'bridge' },
      ...Array.from({ length: n }, (_, i) => ({ id: `h${i}`, name: `gph${i}`, kind: 'namespace' })),
    ],
    links: Array.from({ length: n }, (_, i) => ({
      id: `l${i}`,
      a: { node: `h${i}`, ifname: 'eth0', addresses: [`10.9.${i}.1/16`] },
      b: { node: 'br', ifname: `gpp${i}` },
    })),
  });

const changesOf = (t: TopologyT) => plan(resolve(t), emptyHost()).changes;
const isAdd = (c: { op: { op: string } }) => c.op.op === 'netns-add';

describe('groupPlan: new namespaces created by several processes at once', () => {
  it('200 new namespaces with 2 processes: one wave of two root batches of 100, then the rest of the root batch', () => {
    const waves = groupPlan(changesOf(star(200)), { netnsProcesses: 2 });
    expect(waves[0].map((g) => [g.ns, g.tool, g.changes.length, g.changes.every(isAdd)])).toEqual([
      [ROOT_NS, 'ip', 100, true],
      [ROOT_NS, 'ip', 100, true],
    ]);
    expect(waves[1]).toHaveLength(1);
    expect(waves[1][0].ns).toBe(ROOT_NS);
    expect(waves[1][0].changes.some(isAdd)).toBe(false);
  });

  it('leaves the plan as it was with one process, or too few new namespaces to share out', () => {
    for (const [n, p] of [
      [200, 1],
      [15, 4],
    ] as const) {
      const changes = changesOf(star(n));
      expect(groupPlan(changes, { netnsProcesses: p })).toEqual(groupPlan(changes));
    }
    // 16 namespaces, 4 processes: two batches of at least 8.
    const w = groupPlan(changesOf(star(16)), { netnsProcesses: 4 });
    expect(w[0].map((g) => g.changes.length)).toEqual([8, 8]);
  });

  it('any lab (and stars of up to 60 hosts), any number of processes: the same changes in the same order, phases in order, a split wave only of namespace creations (property)', () => {
    let splitSeen = 0;
    fc.assert(
      fc.property(
        fc.oneof(arbValidTopology({ maxNodes: 40 }), fc.integer({ min: 0, max: 60 }).map(star)),
        fc.integer({ min: 1, max: 8 }),
        (t, p) => {
          const changes = changesOf(t);
          const plain = groupPlan(changes);
          const split = groupPlan(changes, { netnsProcesses: p });
          const flat = (ws: typeof plain) =>
            ws.flatMap((w) => w.flatMap((g) => g.changes.map((c) => c.step)));
          // Every change once, in plan order: splitting only cuts a batch, it never reorders.
          expect(flat(split)).toEqual(flat(plain));
          expect(flat(split)).toEqual(changes.map((c) => c.step));
          let phase = 0;
          for (const w of split) {
            const ph = PHASES.indexOf(w[0].changes[0].phase as (typeof PHASES)[number]);
            expect(ph).toBeGreaterThanOrEqual(phase);
            phase = ph;
            const roots = w.filter((g) => g.ns === ROOT_NS);
            // Several root groups in one wave: only namespace creations, each of at least 8.
            if (roots.length > 1)
              for (const g of w) {
                expect(g.ns).toBe(ROOT_NS);
                expect(g.changes.every(isAdd)).toBe(true);
                expect(g.changes.length).toBeGreaterThanOrEqual(8);
              }
          }
          if (p === 1) expect(split).toEqual(plain);
          if (split.flat().length > plain.flat().length) splitSeen++;
        },
      ),
      { numRuns: 150 },
    );
    // The property saw plans that were split (labs of 16 or more new namespaces).
    expect(splitSeen).toBeGreaterThan(0);
  });
});
