/**
 * The demo runs the real planner: for random valid labs, what the demo API
 * plans equals what `plan()` gives for the same desired and live state; after
 * a demo apply the plan is empty and status is in sync; an edit plans exactly
 * the engine's difference; destroy leaves the host as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbValidTopology } from '../../shared/model/arbitraries';
import type { Topology } from '../../shared/model';
import { plan, resolve, simulate, type KState } from '../../shared/plan';
import { createFakeApi } from './fake-api';
import { emptyHost, labObjects } from './demo-kernel';

/** The real planner's changes for `t` on `live` (the engine's call). */
const realPlan = (t: Topology, live: KState) => {
  const r = plan(resolve(t), live, { existingNamespaces: new Set(Object.keys(live.namespaces)) });
  expect(r.conflicts).toEqual([]);
  return r.changes;
};

async function demoPlan(api: ReturnType<typeof createFakeApi>, t: Topology) {
  const r = await api['topology:plan']({ topology: t });
  if (!r.ok) throw new Error(r.error);
  expect(r.value.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return r.value.changes;
}

async function demoApply(api: ReturnType<typeof createFakeApi>, t: Topology) {
  const r = await api['topology:apply']({ topology: t });
  if (!r.ok) throw new Error(r.error);
  expect(r.value.result?.error).toBeUndefined();
  expect(r.value.result?.ok).toBe(true);
}

describe('demo kernel side', () => {
  it('plans what the real planner plans, applies to an empty plan and in-sync status, destroys to nothing', async () => {
    await fc.assert(
      fc.asyncProperty(arbValidTopology({ maxNodes: 6 }), async (t) => {
        const api = createFakeApi();
        const want = realPlan(t, emptyHost());
        expect(await demoPlan(api, t)).toEqual(want);
        await demoApply(api, t);
        expect(api.demo.state()).toEqual(simulate(emptyHost(), want));
        expect(await demoPlan(api, t)).toEqual([]);
        const st = await api['topology:status']({ topology: t });
        expect(st.ok && st.value).toMatchObject({ inSync: true, applied: true, drift: [] });
        const d = await api['lab:destroy']({ lab: t.name });
        expect(d.ok).toBe(true);
        expect(labObjects(api.demo.state(), t.name)).toEqual([]);
        expect(api.demo.state()).toEqual(emptyHost());
        expect(await demoPlan(api, t)).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it('after an edit, plans exactly the real planner difference, and applying it converges', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbValidTopology({ maxNodes: 6 }),
        arbValidTopology({ maxNodes: 6 }),
        async (t1, b) => {
          const t2: Topology = { ...b, name: t1.name };
          const api = createFakeApi();
          await demoApply(api, t1);
          const live = simulate(emptyHost(), realPlan(t1, emptyHost()));
          const want = realPlan(t2, live);
          expect(await demoPlan(api, t2)).toEqual(want);
          const st = await api['topology:status']({ topology: t2 });
          expect(st.ok && st.value.inSync).toBe(want.length === 0);
          await demoApply(api, t2);
          const live2 = simulate(live, want);
          expect(api.demo.state()).toEqual(live2);
          expect(await demoPlan(api, t2)).toEqual([]);
          // Back to t1: the new record's namespaces are in scope (t2's own are deleted), not the first record's.
          expect(await demoPlan(api, t1)).toEqual(realPlan(t1, live2));
        },
      ),
      { numRuns: 60 },
    );
  });
});
