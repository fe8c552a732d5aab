/**
 * Property: any valid lab, as the live reader would see it once applied,
 * imports back into a valid topology that describes the same kernel state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Topology } from '../model';
import { arbValidTopology } from '../model/arbitraries';
import { type KState, ROOT_NS, resolve } from '../plan';
import { hasErrors } from '../validate';
import { FRESH_NS_SYSCTLS } from './from-kstate-parts';
import { kstateToTopology } from './from-kstate';

/** The kernel state of a topology as a live read reports it: no marks, every allowlisted sysctl, an MTU on every interface. */
function liveOf(t: Topology): KState {
  const s = structuredClone(resolve(t).state);
  for (const [name, ns] of Object.entries(s.namespaces)) {
    delete ns.mark;
    if (name !== ROOT_NS) ns.sysctls = { ...FRESH_NS_SYSCTLS, ...ns.sysctls };
    for (const i of Object.values(ns.ifaces)) {
      delete i.mark;
      if (i.kind !== 'loopback') i.mtu ??= 1500;
    }
  }
  return s;
}

/**
 * What the planner compares, in one shape: routes sorted, and a route's dev
 * left out when it has a next hop (the kernel picks the same one).
 */
function comparable(s: KState): KState {
  const c = structuredClone(s);
  for (const ns of Object.values(c.namespaces)) {
    ns.routes = ns.routes
      .map((r) => (r.via !== undefined ? { ...r, dev: undefined } : r))
      .map((r) => JSON.parse(JSON.stringify(r)));
    ns.routes.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  }
  return c;
}

describe('kstateToTopology on random labs', () => {
  it('imports every valid lab back to the same kernel state, with no validation errors', () => {
    fc.assert(
      fc.property(arbValidTopology({ netem: true }), (t) => {
        const live = liveOf(t);
        const r = kstateToTopology(live, { lab: t.name });
        expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(hasErrors(r.problems)).toBe(false);
        expect(comparable(liveOf(r.topology!))).toEqual(comparable(live));
        expect(r.topology!.links).toHaveLength(t.links.length);
      }),
      { numRuns: 300 },
    );
  });
});
