/**
 * The classic lab once, so the lane's kernel is known to behave like a user's:
 * two namespaces, a bridge (in a switch namespace of the test's own, so the host's
 * root namespace is never touched), two veth pairs, ping both ways, MACs learned.
 */
import { describe, expect, it } from 'vitest';
import { isRoot, Lab, noPingReason } from './lab';

const noPing = await noPingReason();

describe('classic lab (real kernel)', () => {
  it('two namespaces on a bridge reach each other and the bridge learns their MACs', async (ctx) => {
    ctx.skip(!isRoot, 'needs root to create network namespaces');
    ctx.skip(!!noPing, noPing);
    const lab = new Lab();
    try {
      const [ns1, ns2, sw] = await lab.netns(3);
      await lab.batch(sw, ['link add br0 type bridge', 'link set br0 up']);
      const macs: Record<string, string> = {};
      for (const [ns, port, addr] of [
        [ns1, 'v1', '10.30.0.1/24'],
        [ns2, 'v2', '10.30.0.2/24'],
      ] as const) {
        await lab.veth(sw, port, ns, 'eth0', {
          a: [`link set ${port} master br0`],
          b: [`addr add ${addr} dev eth0`],
        });
        macs[port] = (
          JSON.parse((await lab.ip(ns, '-j', 'link', 'show', 'dev', 'eth0')).stdout) as { address: string }[]
        )[0].address;
      }
      const there = await lab.ping(ns1, '10.30.0.2', { count: 3 });
      expect(there.received, there.output).toBe(3);
      const back = await lab.ping(ns2, '10.30.0.1', { count: 3 });
      expect(back.received, back.output).toBe(3);

      const fdb = JSON.parse((await lab.exec(sw, 'bridge', '-j', 'fdb', 'show', 'br', 'br0')).stdout) as {
        mac: string;
        ifname?: string;
        flags?: string[];
      }[];
      for (const port of ['v1', 'v2']) {
        expect(
          fdb.some((e) => e.mac === macs[port] && e.ifname === port),
          `${macs[port]} learned on ${port}`,
        ).toBe(true);
      }
    } finally {
      await lab.cleanup();
    }
  });
});
