/**
 * The kernel-capability check (electron/kernel/capabilities.ts) against this lane's
 * independent probe (probe.ts, which uses each feature and reads it back). On a lean
 * kernel both must say "missing", in the VM both "present": nothing is hard-coded
 * except that the VM lane exists to provide these three features.
 */
import { describe, expect, it } from 'vitest';
import { detectCapabilities } from '../capabilities';
import { execaRunner } from '../runner';
import { inKernelVm, isRoot, pingCommand } from './lab';
import { laneFeatures } from './probe';

describe('kernel capability check', () => {
  it('agrees with an independent probe on netem, VLAN filtering and 802.1Q', async (ctx) => {
    ctx.skip(!isRoot, 'needs root to create network namespaces');
    const [caps, probe] = await Promise.all([detectCapabilities(execaRunner), laneFeatures()]);
    await ctx.annotate(`probe: ${JSON.stringify(probe)}`);
    expect(
      {
        netem: caps.features.netem,
        bridgeVlanFiltering: caps.features.bridgeVlanFiltering,
        vlan8021q: caps.features.vlan8021q,
      },
      JSON.stringify(caps.details),
    ).toEqual({
      netem: probe.netem,
      bridgeVlanFiltering: probe.bridgeVlanFiltering,
      vlan8021q: probe.vlan8021q,
    });
    for (const f of ['netem', 'bridgeVlanFiltering', 'vlan8021q'] as const) {
      if (!caps.features[f]) expect(caps.details[f], 'a missing feature comes with a reason').toMatch(/\S/);
    }
  });

  // In the lane a missing feature (or ping) would turn the lane's tests into silent skips.
  it.runIf(inKernelVm)('the VM lane kernel provides netem, VLAN filtering and 802.1Q', async () => {
    const [caps, probe] = await Promise.all([detectCapabilities(execaRunner), laneFeatures()]);
    expect(probe, JSON.stringify(probe.why)).toMatchObject({
      netem: true,
      bridgeVlanFiltering: true,
      vlan8021q: true,
    });
    expect(caps.features).toMatchObject({ netem: true, bridgeVlanFiltering: true, vlan8021q: true });
    expect(await pingCommand(), 'the lane tests measure with ping').toBeDefined();
  });
});
