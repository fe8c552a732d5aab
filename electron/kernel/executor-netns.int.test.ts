/**
 * New namespaces created by several processes at once (executor-wave.ts
 * groupPlan, issue 13) on the real kernel: a star of 24 hosts applies with
 * its namespaces split over the machine's CPUs, is in sync right after, and
 * destroys clean.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { plan, resolve } from '../../shared/plan';
import { Topology } from '../../shared/model';
import { applyDocument, destroyLab, planDocument } from './engine';
import { groupPlan } from './executor-wave';
import { netnsProcessesFor, rollback, runPlan } from './executor';
import { listNetns, NETNS_DIR, netnsDirMounted } from './netns';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execaRunner } from './runner';
import { cleanupPrefix, hostSnapshot, tempRunDir, uniquePrefix } from './test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';
import { readLive } from './live-read';

const star = (p: string, n: number) => ({
  version: 1,
  name: `${p}-st`,
  nodes: [
    { id: 'br', name: `${p}br`, kind: 'bridge' },
    ...Array.from({ length: n }, (_, i) => ({ id: `h${i}`, name: `${p}h${i}`, kind: 'namespace' })),
  ],
  links: Array.from({ length: n }, (_, i) => ({
    id: `l${i}`,
    a: { node: `h${i}`, ifname: 'eth0', addresses: [`10.77.${i}.1/16`] },
    b: { node: 'br', ifname: `${p}p${i}` },
  })),
});

const skip = !isRoot()
  ? NOT_ROOT_REASON
  : availableParallelism() < 2
    ? 'one CPU: namespaces are created by one process'
    : undefined;

describe.skipIf(!!skip)(`namespaces created by several processes${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('a 24-host star: its namespaces split over several batches, in sync after apply, nothing left after destroy', async () => {
    const p = uniquePrefix();
    const run = tempRunDir();
    const lab = star(p, 24);
    const before = await hostSnapshot(p);
    try {
      // /run/netns is set up by the first namespace iproute2 adds (done here by any earlier lab, or this one).
      if (!netnsDirMounted()) {
        expect((await applyDocument(star(`${p}z`, 1), { runDir: run.dir })).result?.ok).toBe(true);
        await destroyLab(`${p}z-st`, { runDir: run.dir });
      }
      const processes = netnsProcessesFor(execaRunner);
      expect(processes).toBeGreaterThan(1);
      const live = await readLive(execaRunner, { namespaces: [], includeRoot: true, peerNames: false });
      const waves = groupPlan(plan(resolve(Topology.parse(lab)), live).changes, {
        netnsProcesses: processes,
      });
      expect(waves[0].length, 'the first wave: namespace creations in several batches').toBeGreaterThan(1);

      const r = await applyDocument(lab, { runDir: run.dir });
      expect(r.result?.ok, r.result?.error).toBe(true);
      expect((await listNetns()).filter((n) => n.startsWith(`${p}h`))).toHaveLength(24);
      expect((await planDocument(lab, { runDir: run.dir })).changes).toEqual([]);
      await destroyLab(lab.name, { runDir: run.dir });
      expect(await hostSnapshot(p)).toEqual(before);
    } finally {
      await destroyLab(lab.name, { runDir: run.dir }).catch(() => undefined);
      await cleanupPrefix(p);
      run.remove();
    }
  }, 60_000);

  it('a namespace that cannot be created in one of the batches: the step is named, the others finish, and the rollback removes every namespace made', async () => {
    const p = uniquePrefix();
    const lab = star(p, 24);
    // Taken between plan and apply: a plain file where namespace h17 would go (one of the batches fails there).
    const taken = join(NETNS_DIR, `${p}h17`);
    try {
      const live = await readLive(execaRunner, { namespaces: [], includeRoot: true, peerNames: false });
      const changes = plan(resolve(Topology.parse(lab)), live).changes;
      const waves = groupPlan(changes, { netnsProcesses: netnsProcessesFor(execaRunner) });
      expect(waves[0].length).toBeGreaterThan(1);
      writeFileSync(taken, '');
      const run = await runPlan(changes, { runner: execaRunner });
      expect(run.ok).toBe(false);
      const failed = changes.find((c) => c.step === run.failed!.step)!;
      expect(failed.op).toEqual({ op: 'netns-add', name: `${p}h17` });
      expect(run.failed!.error).toMatch(/exists/i);
      // The other batch of the wave ran to its end: its namespaces are among the completed steps.
      const made = changes.filter((c) => run.completed.includes(c.step) && c.op.op === 'netns-add');
      expect(made.length).toBeGreaterThanOrEqual(12);
      expect(
        changes.filter((c) => run.completed.includes(c.step)).every((c) => c.op.op === 'netns-add'),
      ).toBe(true);
      rmSync(taken);
      const rb = await rollback(changes, run.completed, { runner: execaRunner });
      expect(rb.errors).toEqual([]);
      expect((await listNetns()).filter((n) => n.startsWith(p))).toEqual([]);
    } finally {
      rmSync(taken, { force: true });
      await cleanupPrefix(p);
    }
  }, 60_000);
});
