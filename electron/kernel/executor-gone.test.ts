/**
 * A delete whose object is gone already is done (executor.ts runPlan): the
 * kernel tears down a namespace deleted by hand on its own time, and the root
 * ends of its veth pairs go with it, between the plan's read and the delete.
 * Found gone by the look before the wave, the delete does not run; refused
 * by the kernel as "not there" and found gone by a new look, the rest of its
 * group runs. Any other failure still fails the apply.
 */
import { describe, expect, it } from 'vitest';
import { Topology } from '../../shared/model';
import { plan, resolve, ROOT_NS, type Change, type KState } from '../../shared/plan';
import { simulate } from '../../shared/plan/simulate';
import { runPlan } from './executor';
import { recordingRunner, type RunResult } from './runner';

const lab = Topology.parse({
  version: 1,
  name: 'gn',
  nodes: [
    { id: 'h', name: 'gnh', kind: 'namespace' },
    { id: 'h2', name: 'gnh2', kind: 'namespace' },
    { id: 'br', name: 'gnbr', kind: 'bridge' },
  ],
  links: [
    {
      id: 'l',
      a: { node: 'h', ifname: 'eth0', addresses: ['10.1.0.1/24'] },
      b: { node: 'br', ifname: 'gnp' },
    },
    {
      id: 'l2',
      a: { node: 'h2', ifname: 'eth0', addresses: ['10.1.0.2/24'] },
      b: { node: 'br', ifname: 'gnp2' },
    },
  ],
});
const empty: KState = { namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, routes: [], ifaces: {} } } };

/** The lab applied, then both namespaces deleted by hand while the root's ends of their veths are still there. */
function afterNetnsDelete(): Change[] {
  const s = structuredClone(simulate(empty, plan(resolve(lab), empty).changes));
  for (const [ns, end] of [
    ['gnh', 'gnp'],
    ['gnh2', 'gnp2'],
  ]) {
    delete s.namespaces[ns];
    delete s.namespaces[ROOT_NS].ifaces[end].peer;
  }
  return plan(resolve(lab), s).changes;
}

const ok: RunResult = { exitCode: 0, stdout: '', stderr: '' };
const isDelete = (c: Change) => c.op.op === 'link-delete' && c.ns === ROOT_NS;
/** The batch (or command) that carries `argv` as a line. */
const carries = (call: { argv: string[]; input?: string }, c: Change) =>
  call.input ? call.input.split('\n').includes(c.batch!.join(' ')) : call.argv.join(' ') === c.argv.join(' ');

describe('a delete whose object is gone already', () => {
  const changes = afterNetnsDelete();
  const dels = changes.filter(isDelete);
  const del = dels[0];

  it('the plan deletes the root ends (veths with no peer) in one batch, before making the pairs again', () => {
    expect(dels.map((c) => c.reason)).toEqual([
      'gnp in the root namespace must be re-created: it is not the veth pair the file describes',
      'gnp2 in the root namespace must be re-created: it is not the veth pair the file describes',
    ]);
    expect(del.requireMark).toBe('netplumb:gn:l:b');
    expect(changes.filter((c) => c.op.op === 'veth-add').length).toBe(2);
  });

  it('found gone before its wave: it does not run, it counts as done, and the rest runs', async () => {
    const { run, calls } = recordingRunner(() => ok);
    const looked: number[][] = [];
    let progress = 0;
    const r = await runPlan(changes, {
      runner: run,
      onGroupDone: (done) => (progress = done),
      beforeDeletes: async (dels) => {
        looked.push(dels.map((c) => c.step));
        return new Set(dels.map((c) => c.step));
      },
    });
    expect(r).toMatchObject({ ok: true });
    expect(looked).toEqual([dels.map((c) => c.step)]);
    // The progress counts the deletes done without running too: it ends at every step.
    expect(progress).toBe(changes.length);
    for (const d of dels) expect(calls.some((call) => carries(call, d))).toBe(false);
    expect([...r.completed].sort((x, y) => x - y)).toEqual(changes.map((c) => c.step));
    const add = changes.find((c) => c.op.op === 'veth-add')!;
    expect(calls.some((call) => carries(call, add))).toBe(true);
  });

  /** A runner where the delete's batch fails on its line with `stderr`. */
  const failingDelete = (stderr: string) =>
    recordingRunner((argv, o) => {
      const lines = o?.input?.split('\n') ?? [argv.join(' ')];
      const at = lines.findIndex((l) => l === del.batch!.join(' ') || l === del.argv.join(' '));
      if (at < 0) return ok;
      return { exitCode: 1, stdout: '', stderr: `${stderr}\nCommand failed -:${at + 1}\n` };
    });

  it('refused as not there, and a new look finds it gone: done, and what its batch had left runs again', async () => {
    const { run, calls } = failingDelete('Cannot find device "gnp"');
    const looks: number[] = [];
    let progress = 0;
    const r = await runPlan(changes, {
      runner: run,
      onGroupDone: (done) => (progress = done),
      beforeDeletes: async (dels) => {
        looks.push(dels.length);
        // The first look (before the wave) still sees it; the second does not.
        return looks.length === 1 ? new Set() : new Set(dels.map((c) => c.step));
      },
    });
    expect(r).toMatchObject({ ok: true });
    // Both deletes at the first look, the one refused at the second.
    expect(looks).toEqual([2, 1]);
    expect([...new Set(r.completed)].sort((x, y) => x - y)).toEqual(changes.map((c) => c.step));
    expect(r.completed.length).toBe(changes.length);
    expect(progress).toBe(changes.length);
    // Every line after the delete in its batch (the other delete) ran again after the failure.
    const batch = calls.find((call) => carries(call, del))!;
    const lines = batch.input!.split('\n').filter(Boolean);
    const after = lines.slice(lines.indexOf(del.batch!.join(' ')) + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const l of after) expect(calls.filter((c) => c.input?.split('\n').includes(l)).length).toBe(2);
  });

  it('refused as not there, but a new look still sees it: the apply fails on the delete', async () => {
    const { run } = failingDelete('Cannot find device "gnp"');
    const r = await runPlan(changes, { runner: run, beforeDeletes: async () => new Set() });
    expect(r.ok).toBe(false);
    expect(r.failed?.step).toBe(del.step);
    expect(r.completed).not.toContain(del.step);
  });

  it('refused for another reason: the apply fails, and no second look is taken', async () => {
    const { run } = failingDelete('RTNETLINK answers: Operation not permitted');
    let looks = 0;
    const r = await runPlan(changes, {
      runner: run,
      beforeDeletes: async () => {
        looks++;
        return new Set();
      },
    });
    expect(r.ok).toBe(false);
    expect(r.failed?.step).toBe(del.step);
    expect(looks).toBe(1);
  });

  it('a look that finds the mark changed refuses: nothing of its wave runs', async () => {
    const { run, calls } = recordingRunner(() => ok);
    const r = await runPlan(changes, {
      runner: run,
      beforeDeletes: async () => {
        throw new Error('refusing to delete gnp in the root namespace: it no longer carries netplumb');
      },
    });
    expect(r.ok).toBe(false);
    expect(r.failed?.error).toMatch(/refusing to delete gnp/);
    expect(calls.some((call) => carries(call, del))).toBe(false);
  });
});
