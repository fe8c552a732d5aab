/**
 * runPlan's onPrimedSettled (issue 13): an apply may store the reads made in
 * its writes before its last waves when those only bring root bridges up,
 * since a bridge coming up changes no namespace's read, and once it is up it
 * floods every new host's start-up traffic to every port. The rule: called
 * once, with primeBatch only, right before the first of the last waves when
 * every one of them only brings root bridges up; never otherwise, and never
 * after a wave that stopped the run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Topology } from '../../shared/model';
import { arbValidTopology } from '../../shared/model/arbitraries';
import { plan, resolve, ROOT_NS, type Change, type KState } from '../../shared/plan';
import { runPlan } from './executor';
import { recordingRunner, type RunResult } from './runner';

const emptyHost = (): KState => ({
  namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, routes: [], ifaces: {} } },
});
const changesOf = (t: Topology) => plan(resolve(t), emptyHost()).changes;

/** Whether a call (a batch or one command) carries change `c`. */
const carries = (call: { argv: string[]; input?: string }, c: Change) =>
  call.input !== undefined && c.batch
    ? call.input.split('\n').includes(c.batch.join(' '))
    : call.argv.join(' ') === c.argv.join(' ');

/** Runs `changes` with a recording runner; what had run (calls) each time the hook was called. */
async function run(changes: Change[], primeBatch: string | undefined, answer?: () => RunResult) {
  const { run: runner, calls } = recordingRunner(answer);
  const seen: number[] = [];
  const r = await runPlan(changes, {
    runner,
    ...(primeBatch !== undefined ? { primeBatch } : {}),
    onPrimedSettled: () => seen.push(calls.length),
  });
  return { r, calls, seen };
}

const lab = (bridgeAddress: boolean) =>
  Topology.parse({
    version: 1,
    name: 'st',
    nodes: [
      { id: 'br', name: 'stbr', kind: 'bridge', ...(bridgeAddress ? { addresses: ['10.8.0.254/24'] } : {}) },
      { id: 'a', name: 'sta', kind: 'namespace' },
      { id: 'b', name: 'stb', kind: 'namespace' },
    ],
    links: ['a', 'b'].map((n, i) => ({
      id: `l${n}`,
      a: { node: n, ifname: 'eth0', addresses: [`10.8.0.${i + 1}/24`] },
      b: { node: 'br', ifname: `stp${n}` },
    })),
  });

describe('onPrimedSettled: the reads of the writes, before the bridges come up', () => {
  it('the classic lab: called once, after every write but the bridge coming up, which runs after it', async () => {
    const changes = changesOf(lab(false));
    const up = changes.filter((c) => c.phase === 'bridge-up');
    expect(up.map((c) => c.argv.join(' '))).toEqual(['ip link set dev stbr up']);
    const { r, calls, seen } = await run(changes, 'link show\n');
    expect(r.ok).toBe(true);
    expect(seen).toEqual([calls.length - 1]);
    expect(carries(calls[calls.length - 1], up[0])).toBe(true);
    expect(calls.slice(0, -1).some((call) => carries(call, up[0]))).toBe(false);
  });

  it('never without a read to store (no primeBatch), nor when a bridge with an address comes up with its namespace', async () => {
    expect((await run(changesOf(lab(false)), undefined)).seen).toEqual([]);
    const withAddress = changesOf(lab(true));
    expect(withAddress.some((c) => c.phase === 'bridge-up')).toBe(false);
    expect((await run(withAddress, 'link show\n')).seen).toEqual([]);
  });

  it('never when the run stopped before the bridges: a failed write ends it', async () => {
    const changes = changesOf(lab(false));
    const fail = (): RunResult => ({
      exitCode: 1,
      stdout: '',
      stderr: 'RTNETLINK answers: File exists\nCommand failed -:1\n',
    });
    const { r, seen } = await run(changes, 'link show\n', fail);
    expect(r.ok).toBe(false);
    expect(seen).toEqual([]);
  });

  it('any lab made from nothing: called iff its plan ends with bridges coming up, before the first of them and after everything else (property)', async () => {
    await fc.assert(
      fc.asyncProperty(arbValidTopology(), async (t) => {
        const changes = changesOf(t);
        const { r, calls, seen } = await run(changes, 'link show\n');
        expect(r.ok).toBe(true);
        const last = changes.length ? changes[changes.length - 1].phase : undefined;
        if (last !== 'bridge-up') {
          expect(seen).toEqual([]);
          return;
        }
        expect(seen).toHaveLength(1);
        // Before the hook: every change but the bridges coming up; after it: only those.
        const before = calls.slice(0, seen[0]);
        const after = calls.slice(seen[0]);
        for (const c of changes) {
          const where = c.phase === 'bridge-up' ? after : before;
          expect(
            where.some((call) => carries(call, c)),
            `${c.phase}: ${c.argv.join(' ')}`,
          ).toBe(true);
        }
        for (const call of after)
          expect(changes.filter((c) => carries(call, c)).every((c) => c.phase === 'bridge-up')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
