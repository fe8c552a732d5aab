/**
 * A VLAN-filtering bridge inside test namespaces: access ports (PVID, untagged) for
 * VLAN 10 and 20 and a tagged trunk to a second VLAN-filtering bridge. All hosts
 * share one IP subnet, so only the VLANs decide who reaches whom.
 * Needs CONFIG_BRIDGE_VLAN_FILTERING: skipped with the reason elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { isRoot, Lab, noPingReason } from './lab';
import { laneFeatures, missingReason } from './probe';

const features = await laneFeatures();
const noPing = await noPingReason();

type VlanShow = { ifname: string; vlans?: { vlan: number; flags?: string[] }[] }[];

describe('VLAN-filtering bridge (real kernel)', () => {
  it('keeps VLAN 10 and VLAN 20 apart across access ports and a tagged trunk', async (ctx) => {
    ctx.skip(!isRoot, 'needs root to create network namespaces');
    ctx.skip(!!noPing, noPing);
    const why = missingReason(features, 'bridgeVlanFiltering');
    ctx.skip(!!why, why);
    const lab = new Lab();
    try {
      const [sw1, sw2, h1, h2, h3, h4, h5] = await lab.netns(7);
      const access: [string, string, string, string, number][] = [
        // host ns, switch ns, port name, host address, VLAN
        [h1, sw1, 'p1', '10.10.0.1', 10],
        [h2, sw1, 'p2', '10.10.0.2', 10],
        [h3, sw1, 'p3', '10.10.0.3', 20],
        [h4, sw2, 'p4', '10.10.0.4', 10],
        [h5, sw2, 'p5', '10.10.0.5', 20],
      ];
      for (const sw of [sw1, sw2]) {
        const ports = access.filter((x) => x[1] === sw);
        // Links of this switch: the bridge, a veth per access port (host end moved into the host's namespace).
        await lab.batch(sw, [
          'link add br0 type bridge vlan_filtering 1',
          'link set br0 up',
          ...ports.flatMap(([h, , port]) => [
            `link add ${port} type veth peer name eth0 netns ${h}`,
            `link set ${port} master br0`,
            `link set ${port} up`,
          ]),
        ]);
        for (const [h, , , addr] of ports)
          await lab.batch(h, [`addr add ${addr}/24 dev eth0`, 'link set eth0 up']);
      }
      // The trunk between the two switches.
      await lab.veth(sw1, 'tr', sw2, 'tr', { a: ['link set tr master br0'], b: ['link set tr master br0'] });
      for (const sw of [sw1, sw2]) {
        // Access ports: only their VLAN, as PVID and egress untagged; the trunk: 10 and 20 tagged.
        await lab.bridgeBatch(sw, [
          ...access
            .filter((x) => x[1] === sw)
            .flatMap(([, , port, , vid]) => [
              `vlan del dev ${port} vid 1`,
              `vlan add dev ${port} vid ${vid} pvid untagged`,
            ]),
          'vlan del dev tr vid 1',
          'vlan add dev tr vid 10',
          'vlan add dev tr vid 20',
        ]);
      }

      // The kernel's view of the ports is what was configured.
      const shown = JSON.parse((await lab.exec(sw1, 'bridge', '-j', 'vlan', 'show')).stdout) as VlanShow;
      const port = (name: string) => shown.find((p) => p.ifname === name)?.vlans ?? [];
      for (const [name, vid] of [
        ['p1', 10],
        ['p2', 10],
        ['p3', 20],
      ] as const) {
        expect(port(name), name).toEqual([
          { vlan: vid, flags: expect.arrayContaining(['PVID', 'Egress Untagged']) },
        ]);
      }
      expect(
        port('tr')
          .map((v) => v.vlan)
          .sort(),
      ).toEqual([10, 20]);
      for (const v of port('tr'))
        expect(v.flags ?? [], `trunk vlan ${v.vlan} is tagged, no PVID`).toEqual([]);

      const reach = async (from: string, to: string) =>
        (await lab.ping(from, to, { count: 2, waitS: 1 })).received > 0;
      expect(await reach(h1, '10.10.0.2'), 'h1 -> h2 (VLAN 10, same bridge)').toBe(true);
      expect(await reach(h1, '10.10.0.4'), 'h1 -> h4 (VLAN 10, over the trunk)').toBe(true);
      expect(await reach(h3, '10.10.0.5'), 'h3 -> h5 (VLAN 20, over the trunk)').toBe(true);
      expect(await reach(h1, '10.10.0.3'), 'h1 -> h3 (VLAN 10 to 20)').toBe(false);
      expect(await reach(h2, '10.10.0.5'), 'h2 -> h5 (VLAN 10 to 20, over the trunk)').toBe(false);
      expect(await reach(h4, '10.10.0.3'), 'h4 -> h3 (VLAN 10 to 20, over the trunk)').toBe(false);
    } finally {
      await lab.cleanup();
    }
  });
});
