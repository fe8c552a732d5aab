/**
 * 802.1Q sub-interfaces (eth0.10) on a veth between two test namespaces: tagged
 * traffic flows when both ends use the same VLAN id and not when they differ.
 * Needs the 8021q module: skipped with the reason elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { isRoot, Lab, noPingReason } from './lab';
import { laneFeatures, missingReason } from './probe';

const features = await laneFeatures();
const noPing = await noPingReason();

type LinkStats = {
  ifname: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; protocol?: string } };
  stats64?: { rx?: { packets?: number } };
}[];

describe('802.1Q sub-interfaces (real kernel)', () => {
  it('carries traffic on eth0.10 between two namespaces and keeps different VLAN ids apart', async (ctx) => {
    ctx.skip(!isRoot, 'needs root to create network namespaces');
    ctx.skip(!!noPing, noPing);
    const why = missingReason(features, 'vlan8021q');
    ctx.skip(!!why, why);
    const lab = new Lab();
    try {
      const [a, b] = await lab.netns(2);
      const sub = (vid: number, addr: string) => [
        `link add link eth0 name eth0.${vid} type vlan id ${vid}`,
        `addr add ${addr} dev eth0.${vid}`,
        `link set eth0.${vid} up`,
      ];
      // VLAN 10 on both ends; VLAN 20 facing VLAN 30 in the same subnet: only the tag differs.
      await lab.veth(a, 'eth0', b, 'eth0', {
        a: [...sub(10, '10.20.10.1/24'), ...sub(20, '10.20.20.1/24')],
        b: [...sub(10, '10.20.10.2/24'), ...sub(30, '10.20.20.2/24')],
      });

      const info = JSON.parse(
        (await lab.ip(a, '-j', '-d', 'link', 'show', 'dev', 'eth0.10')).stdout,
      ) as LinkStats;
      expect(info[0]?.linkinfo).toMatchObject({
        info_kind: 'vlan',
        info_data: { id: 10, protocol: '802.1Q' },
      });

      const ok = await lab.ping(a, '10.20.10.2', { count: 3 });
      expect(ok.received, ok.output).toBe(3);
      // The replies arrived on the VLAN device of b's side, i.e. they were tagged 10.
      const stats = JSON.parse(
        (await lab.ip(b, '-j', '-s', 'link', 'show', 'dev', 'eth0.10')).stdout,
      ) as LinkStats;
      expect(stats[0]?.stats64?.rx?.packets ?? 0).toBeGreaterThanOrEqual(3);

      const apart = await lab.ping(a, '10.20.20.2', { count: 2, waitS: 1 });
      expect(apart.received, 'VLAN 20 must not reach VLAN 30').toBe(0);
    } finally {
      await lab.cleanup();
    }
  });
});
