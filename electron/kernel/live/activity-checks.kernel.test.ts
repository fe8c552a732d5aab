/**
 * Activity checks that need kernel features this CI kernel lacks, for real in
 * the VM lane (scripts/kernel-vm/): VLAN isolation on the VLAN lesson's lab
 * (bridge VLAN filtering), and round-trip bounds on a link with a netem delay.
 * Each test is skipped with the reason where the kernel lacks the feature
 * (there the checks report "skipped", see electron/cli/grade.int.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allChecks } from '../../../shared/activity';
import { loadTopologyText } from '../../../shared/formats/document';
import { Activity, prefixTopology, type ActivityInput, type Topology } from '../../../shared/model';
import { detectCapabilities } from '../capabilities';
import { applyDocument, destroyLab } from '../engine';
import { execaRunner } from '../runner';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../test-support/scratch-netns';
import { runActivityChecks } from './activity-checks';

let p = '';
let run: ReturnType<typeof tempRunDir>;
let lab = '';
beforeEach(() => {
  p = uniquePrefix();
  run = tempRunDir();
});
afterEach(async () => {
  try {
    if (lab) await destroyLab(lab, { runDir: run.dir });
  } finally {
    await cleanupPrefix(p);
    run.remove();
  }
}, 180_000);

/** Applies `t` with the activity `a`, prefixed, and runs its checks. */
async function applyAndCheck(t: Topology, a: ActivityInput) {
  const px = prefixTopology({ ...t, activity: Activity.parse(a) }, `${p}-`);
  if (!px.ok) throw new Error(px.problems[0].message);
  lab = px.topology.name;
  const applied = await applyDocument(px.topology, { runDir: run.dir });
  expect(applied.result?.ok, applied.result?.error ?? JSON.stringify(applied.problems)).toBe(true);
  return runActivityChecks(lab, allChecks(px.topology), { runDir: run.dir, prefix: `${p}-` });
}

describe('activity checks needing VLAN filtering or netem', () => {
  it('VLAN isolation: h1 reaches h2 in VLAN 10 and not h3 in VLAN 20', async (ctx) => {
    if (!isRoot()) ctx.skip(NOT_ROOT_REASON);
    const caps = await detectCapabilities(execaRunner);
    if (!caps.features.bridgeVlanFiltering)
      ctx.skip(`this kernel lacks bridge VLAN filtering: ${caps.details.bridgeVlanFiltering}`);
    const t = loadTopologyText(
      readFileSync(join(import.meta.dirname, '../../../lessons/4-vlan-isolation.yaml'), 'utf8'),
      'vlan.yaml',
    ).topology!;
    const out = await runCheck(t, [
      { id: 'iso', kind: 'vlan-isolation', from: 'h1', same: 'h2', other: 'h3' },
      { id: 'not-iso', kind: 'vlan-isolation', from: 'h1', same: 'h3', other: 'h2' },
    ]);
    expect(out.map((o) => [o.id, o.status])).toEqual([
      ['iso', 'pass'],
      ['not-iso', 'fail'],
    ]);
  });

  it('round-trip bounds see a 50 ms netem delay', async (ctx) => {
    if (!isRoot()) ctx.skip(NOT_ROOT_REASON);
    const caps = await detectCapabilities(execaRunner);
    if (!caps.features.netem) ctx.skip(`this kernel lacks netem: ${caps.details.netem}`);
    const t = loadTopologyText(
      readFileSync(join(import.meta.dirname, '../../../activities/1-bridge.solution.yaml'), 'utf8'),
      'b.yaml',
    ).topology!;
    t.links[0].a.netem = { delayMs: 50 };
    const out = await runCheck(t, [
      { id: 'slow', kind: 'rtt', from: 'ns1', to: 'ns2', atLeastMs: 45 },
      { id: 'fast', kind: 'rtt', from: 'ns1', to: 'ns2', atMostMs: 20 },
      { id: 'window', kind: 'rtt', from: 'ns2', to: 'ns1', atLeastMs: 45, atMostMs: 150 },
    ]);
    expect(out.map((o) => [o.id, o.status])).toEqual([
      ['slow', 'pass'],
      ['fast', 'fail'],
      ['window', 'pass'],
    ]);
  });

  async function runCheck(t: Topology, checks: ActivityInput['checks']) {
    return applyAndCheck(t, { version: 1, checks });
  }
});
