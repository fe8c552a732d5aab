/**
 * Step mode on a ring of routers on the real kernel: h1 on r0, h2 on r4 of a
 * 10-router ring, static routes clockwise there and back. The trace must
 * capture only along the path, show both end hosts, keep the hops in path
 * order and never show a reply at a router before the request. Unique names,
 * everything removed in afterAll even when a test fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopologyInput } from '../../../shared/model';
import { applyDocument, destroyLab } from '../engine';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../test-support/scratch-netns';
import { traceDocument, type TraceProgress } from './trace';

const root = isRoot();
const p = uniquePrefix();
const run = tempRunDir();
const o = { runDir: run.dir };
const N = 10;
const lab = `${p}-ring`;

/** h1 — r0 — r1 — … — r9 — r0 (ring); h2 on r4. Link i joins r_i (.1) and r_{i+1} (.2) in 10.50.i.0/30. */
function ringLab(): TopologyInput {
  const next = (i: number) => (i + 1) % N;
  const routes = (i: number) => [
    // Clockwise to h2 from r0..r3, counter-clockwise back to h1 from r1..r4.
    ...(i < 4 ? [{ to: '10.61.0.0/24', via: `10.50.${i}.2` }] : []),
    ...(i >= 1 && i <= 4 ? [{ to: '10.60.0.0/24', via: `10.50.${i - 1}.1` }] : []),
  ];
  return {
    version: 1,
    name: lab,
    nodes: [
      { id: 'h1', name: `${p}h1`, kind: 'namespace', gateway: { ipv4: '10.60.0.1' } },
      { id: 'h2', name: `${p}h2`, kind: 'namespace', gateway: { ipv4: '10.61.0.1' } },
      ...Array.from({ length: N }, (_, i) => ({
        id: `r${i}`,
        name: `${p}r${i}`,
        kind: 'router' as const,
        routes: routes(i),
      })),
    ],
    links: [
      {
        id: 'h1l',
        a: { node: 'h1', ifname: 'eth0', addresses: ['10.60.0.10/24'] },
        b: { node: 'r0', ifname: 'host', addresses: ['10.60.0.1/24'] },
      },
      {
        id: 'h2l',
        a: { node: 'h2', ifname: 'eth0', addresses: ['10.61.0.10/24'] },
        b: { node: 'r4', ifname: 'host', addresses: ['10.61.0.1/24'] },
      },
      ...Array.from({ length: N }, (_, i) => ({
        id: `k${i}`,
        a: { node: `r${i}`, ifname: 'cw', addresses: [`10.50.${i}.1/30`] },
        b: { node: `r${next(i)}`, ifname: 'ccw', addresses: [`10.50.${i}.2/30`] },
      })),
    ],
  } as TopologyInput;
}

/** Node ids in order with consecutive repeats removed. */
const squash = (ids: string[]) => ids.filter((id, i) => id !== ids[i - 1]);

describe.skipIf(!root)(
  `step mode on a ring of routers${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    const doc = ringLab();
    beforeAll(async () => {
      const a = await applyDocument(doc, o);
      expect(a.result?.error).toBeUndefined();
      expect(a.result?.ok).toBe(true);
    }, 180_000);
    afterAll(async () => {
      try {
        await destroyLab(lab, o);
      } finally {
        await cleanupPrefix(p);
        run.remove();
      }
    }, 180_000);

    it('captures along the path only, with both end hosts, hops in path order, request before reply at every router', async () => {
      const seen: TraceProgress[] = [];
      const r = await traceDocument(doc, 'h1', 'h2', { ...o, onProgress: (x) => seen.push(x) });
      expect(r.reached).toBe(true);
      const req = r.hops.filter((h) => h.kind === 'echo-request');
      const rep = r.hops.filter((h) => h.kind === 'echo-reply');
      // The end hosts first and last, and every router of the path between them, in order.
      expect(squash(req.map((h) => h.nodeId))).toEqual(['h1', 'r0', 'r1', 'r2', 'r3', 'r4', 'h2']);
      expect(squash(rep.map((h) => h.nodeId))).toEqual(['h2', 'r4', 'r3', 'r2', 'r1', 'r0', 'h1']);
      expect(req[0]).toMatchObject({ nodeId: 'h1', direction: 'out' });
      expect(rep.at(-1)).toMatchObject({ nodeId: 'h1', direction: 'in' });
      // Routers off the path were not captured on.
      expect(r.hops.some((h) => ['r5', 'r6', 'r7', 'r8', 'r9'].includes(h.nodeId))).toBe(false);
      expect(r.notes.join('\n')).toMatch(/captured on \d+ of the lab's 24 interfaces/);
      // At every router: the request arrives, then leaves, before any reply; each frame leaves before it arrives.
      const at = (kind: string, node: string, dir: 'in' | 'out') =>
        r.hops.findIndex((h) => h.kind === kind && h.nodeId === node && h.direction === dir);
      for (const rt of ['r0', 'r1', 'r2', 'r3', 'r4']) {
        expect(at('echo-request', rt, 'in')).toBeLessThan(at('echo-request', rt, 'out'));
        expect(at('echo-request', rt, 'out')).toBeLessThan(at('echo-reply', rt, 'in'));
        expect(at('echo-reply', rt, 'in')).toBeLessThan(at('echo-reply', rt, 'out'));
      }
      expect(at('echo-reply', 'h2', 'out')).toBeLessThan(at('echo-reply', 'r4', 'in'));
      expect(at('echo-request', 'h1', 'out')).toBeLessThan(at('echo-request', 'r0', 'in'));
      // The hops carry the kernel's stamps in order.
      expect(r.hops.map((h) => h.t)).toEqual([...r.hops.map((h) => h.t)].sort((a, b) => a - b));
      // Progress told what was going on: captures counted up to all, then the ping, then collecting.
      const phases = squash(seen.map((x) => x.phase));
      expect(phases).toEqual(['path', 'captures', 'ping', 'collect']);
      const caps = seen.filter((x) => x.phase === 'captures');
      expect(caps.at(-1)!.done).toBe(caps.at(-1)!.total);
    }, 60_000);
  },
);
