/**
 * readLive against kernel features our lean CI kernel lacks (netem, bridge
 * VLAN filtering): runs in the full-kernel VM lane (`npm run test:kernel-vm`)
 * and is skipped with the reason elsewhere. The parsers are also covered by
 * recorded samples in live-parse.test.ts; this proves them on a real kernel.
 */
import { describe, expect, it } from 'vitest';
import { readLive } from './live-read';
import { execaRunner, type Runner } from './runner';
import { probeNetem, probeVlanFiltering } from './test-support/own-probe';
import { must, withScratchLab } from './test-support/scratch-netns';

const netem = await probeNetem();
const vlanFiltering = await probeVlanFiltering();

function counting() {
  const calls: string[][] = [];
  const run: Runner = (argv, o) => (calls.push([...argv]), execaRunner(argv, o));
  return { run, calls };
}

describe('readLive on a full kernel', () => {
  it('reads netem on a veth end, and reads it again after a live change', async (ctx) => {
    ctx.skip(!netem.ok, netem.why);
    await withScratchLab(async (lab) => {
      const [a, b] = await lab.netns(2);
      await lab.ip('-n', a, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', b);
      await lab.ip('-n', a, 'link', 'set', 'va', 'address', '02:00:00:00:0a:01', 'up');
      await must([
        'tc',
        '-n',
        a,
        'qdisc',
        'add',
        'dev',
        'va',
        'root',
        'netem',
        'delay',
        '50ms',
        '10ms',
        'loss',
        '1%',
        'rate',
        '1mbit',
      ]);
      const { run, calls } = counting();
      const s = await readLive(run, { namespaces: [a] });
      expect(s.namespaces[a].ifaces.va).toEqual({
        name: 'va',
        kind: 'veth',
        peer: { ns: b, name: 'vb' },
        mtu: 1500,
        mac: '02:00:00:00:0a:01',
        up: true,
        addresses: [],
        netem: { delayMs: 50, jitterMs: 10, lossPercent: 1, rateKbit: 1000 },
      });
      // ip batch + tc (a netem root qdisc is there) + the peer: the namespace's netns ids
      // (its peer is not in the root, so the root's table cannot name it) and the
      // peer's name read in the peer's namespace (not itself read).
      expect(calls.map((c) => c[0]).sort()).toEqual(['ip', 'ip', 'ip', 'tc']);

      // A live change. (The kernel resets delay/jitter/loss on change but keeps the rate unless it is given.)
      await must([
        'tc',
        '-n',
        a,
        'qdisc',
        'change',
        'dev',
        'va',
        'root',
        'netem',
        'delay',
        '20ms',
        'loss',
        '0.5%',
        'rate',
        '2mbit',
      ]);
      expect((await readLive(execaRunner, { namespaces: [a] })).namespaces[a].ifaces.va.netem).toEqual({
        delayMs: 20,
        lossPercent: 0.5,
        rateKbit: 2000,
      });
      await must(['tc', '-n', a, 'qdisc', 'change', 'dev', 'va', 'root', 'netem', 'delay', '5ms']);
      expect((await readLive(execaRunner, { namespaces: [a] })).namespaces[a].ifaces.va.netem).toEqual({
        delayMs: 5,
        rateKbit: 2000,
      });
      await must(['tc', '-n', a, 'qdisc', 'del', 'dev', 'va', 'root']);
      expect(
        (await readLive(execaRunner, { namespaces: [a] })).namespaces[a].ifaces.va.netem,
      ).toBeUndefined();
    });
  });

  it('reads a VLAN-filtering bridge and its port VLANs', async (ctx) => {
    ctx.skip(!vlanFiltering.ok, vlanFiltering.why);
    await withScratchLab(async (lab) => {
      const [a, b] = await lab.netns(2);
      await lab.ip(
        '-n',
        b,
        'link',
        'add',
        'br0',
        'type',
        'bridge',
        'vlan_filtering',
        '1',
        'vlan_default_pvid',
        '1',
      );
      await lab.ip('-n', b, 'link', 'set', 'br0', 'address', '02:00:00:00:0b:00', 'up');
      await lab.ip('-n', a, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'p1', 'netns', b);
      await lab.ip('-n', b, 'link', 'set', 'p1', 'address', '02:00:00:00:0b:01', 'master', 'br0', 'up');
      await must(['bridge', '-n', b, 'vlan', 'add', 'dev', 'p1', 'vid', '10', 'pvid', 'untagged']);
      await must(['bridge', '-n', b, 'vlan', 'del', 'dev', 'p1', 'vid', '1']);
      await must(['bridge', '-n', b, 'vlan', 'add', 'dev', 'p1', 'vid', '20-22']);
      await must(['bridge', '-n', b, 'vlan', 'add', 'dev', 'p1', 'vid', '30', 'untagged']);
      const { run, calls } = counting();
      const s = await readLive(run, { namespaces: [a, b] });
      expect(s.namespaces[b].ifaces.p1).toEqual({
        name: 'p1',
        kind: 'veth',
        peer: { ns: a, name: 'va' },
        master: 'br0',
        mtu: 1500,
        mac: '02:00:00:00:0b:01',
        up: true,
        addresses: [],
        vlans: { pvid: 10, untagged: [10, 30], tagged: [20, 21, 22] },
      });
      expect(s.namespaces[b].ifaces.br0.bridge).toEqual({ stp: false, vlanFiltering: true, defaultPvid: 1 });
      // The bridge's own VLAN entry is not a port setting.
      expect(s.namespaces[b].ifaces.br0.vlans).toBeUndefined();
      // One ip batch per namespace and each namespace's netns ids (the veth peers are in
      // namespaces, not the root), plus `bridge vlan show` only where a VLAN-filtering bridge is.
      expect(calls.map((c) => c.slice(0, 2).join(' ')).sort()).toEqual([
        'bridge -j',
        'ip -j',
        'ip -j',
        'ip -j',
        'ip -j',
      ]);

      await lab.ip('-n', b, 'link', 'set', 'br0', 'type', 'bridge', 'vlan_default_pvid', '5');
      expect((await readLive(execaRunner, { namespaces: [b] })).namespaces[b].ifaces.br0.bridge).toEqual({
        stp: false,
        vlanFiltering: true,
        defaultPvid: 5,
      });
    });
  });
});
