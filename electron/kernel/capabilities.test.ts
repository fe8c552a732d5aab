import { describe, expect, it } from 'vitest';
import { geneveLabDoc } from '../../shared/kinds/testing/geneve-lab';
import { vxlanLabDoc } from '../../shared/kinds/testing/vxlan-lab';
import { parseTopology } from '../../shared/model';
import {
  FEATURES,
  REAL_KERNEL,
  clearCapabilitiesCache,
  detectCapabilities,
  lackingFeatures,
  missingFor,
  type Capabilities,
  type Feature,
} from './capabilities';
import { listNetns } from './netns';
import { execaRunner, recordingRunner, type RunResult, type Runner } from './runner';
import { probeGeneve, probeNetem, probeVlanFiltering, probeVxlan } from './test-support/own-probe';
import { NOT_ROOT_REASON, isRoot } from './test-support/scratch-netns';

// Our own probes, independent of capabilities.ts.
const hasNetem = (await probeNetem()).ok;
const hasVlanFiltering = (await probeVlanFiltering()).ok;
const hasVxlan = (await probeVxlan()).ok;
const hasGeneve = (await probeGeneve()).ok;

describe.skipIf(!isRoot())(`detectCapabilities on this machine (${NOT_ROOT_REASON})`, () => {
  it('finds veth and bridges, and says why for every feature', async () => {
    // A wrapper runner (so the detection really runs here, not from another test's cache) that sees every command.
    const seen: string[][] = [];
    const run: Runner = (argv, o) => (seen.push([...argv]), execaRunner(argv, o));
    const caps = await detectCapabilities(run);
    expect(caps.features.veth).toBe(true);
    expect(caps.features.bridge).toBe(true);
    expect(caps.features.ipCommand).toBe(true);
    expect(caps.versions.ip).toMatch(/^\d+\.\d+/);
    for (const f of FEATURES) expect(caps.details[f], f).toMatch(/\S/);
    // Agrees with our own probes, whatever this kernel has.
    expect(caps.features.netem).toBe(hasNetem);
    expect(caps.features.bridgeVlanFiltering).toBe(hasVlanFiltering);
    expect(caps.features.vxlan).toBe(hasVxlan);
    expect(caps.features.geneve).toBe(hasGeneve);
    // Its scratch namespace is gone again.
    const scratch = seen.find((a) => a[1] === 'netns' && a[2] === 'add')![3];
    expect(await listNetns()).not.toContain(scratch);
    clearCapabilitiesCache(run);
  });

  it.skipIf(!hasVxlan)(
    'finds vxlan on this kernel (it has the module), so a VXLAN lab asks for nothing missing',
    async () => {
      const caps = await detectCapabilities(execaRunner);
      expect(caps.features.vxlan).toBe(true);
      expect(caps.details.vxlan).toBe('vxlan: works (created a VXLAN device in a scratch namespace)');
      const r = parseTopology(vxlanLabDoc('lab1'));
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      expect(missingFor(r.topology, caps).filter((m) => /VXLAN/.test(m))).toEqual([]);
    },
  );

  it.skipIf(hasGeneve)(
    'reports geneve missing (this kernel has no geneve module), and a Geneve lab names its link',
    async () => {
      const caps = await detectCapabilities(execaRunner);
      expect(caps.features.geneve).toBe(false);
      expect(caps.details.geneve).toMatch(/^geneve: the kernel has no geneve module \(ip said: .+\)$/);
      const r = parseTopology(geneveLabDoc('lab1'));
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      expect(missingFor(r.topology, caps)).toContainEqual(
        `Link "gv" needs Geneve devices, which this machine lacks: ${caps.details.geneve}`,
      );
    },
  );

  it.skipIf(hasNetem)('reports netem missing in plain words (this kernel has no sch_netem)', async () => {
    const caps = await detectCapabilities(execaRunner);
    expect(caps.features.netem).toBe(false);
    expect(caps.details.netem).toMatch(/^netem: the kernel has no sch_netem module \(tc said: .+\)$/);
  });

  it.skipIf(hasVlanFiltering)('reports bridge VLAN filtering missing (this kernel lacks it)', async () => {
    const caps = await detectCapabilities(execaRunner);
    expect(caps.features.bridgeVlanFiltering).toBe(false);
    expect(caps.details.bridgeVlanFiltering).toMatch(/^bridge VLAN filtering: .*\(ip said: .+\)$/);
  });

  it('caches the result per runner, or per shared key', async () => {
    const a = detectCapabilities(execaRunner);
    expect(detectCapabilities(execaRunner)).toBe(a);
    const wrapped: Runner = (argv, o) => execaRunner(argv, o);
    const shared = detectCapabilities(wrapped, { key: REAL_KERNEL });
    expect(detectCapabilities((argv, o) => execaRunner(argv, o), { key: REAL_KERNEL })).toBe(shared);
    expect(detectCapabilities(wrapped)).not.toBe(shared);
    await Promise.all([shared, detectCapabilities(wrapped)]);
    clearCapabilitiesCache(REAL_KERNEL);
    clearCapabilitiesCache(wrapped);
  });
});

describe('detectCapabilities with a fake kernel', () => {
  const ok: RunResult = { exitCode: 0, stdout: '', stderr: '' };
  function fake(refuse: (argv: readonly string[]) => RunResult | undefined) {
    return recordingRunner((argv) => {
      const r = refuse(argv);
      if (r) return r;
      if (argv[1] === '-V') return { ...ok, stdout: `${argv[0]} utility, iproute2-6.1.0, libbpf 1.1.2\n` };
      if (argv.includes('show')) {
        return {
          ...ok,
          stdout: JSON.stringify([
            {
              ifindex: 5,
              ifname: 'npbr1',
              flags: [],
              linkinfo: { info_kind: 'bridge', info_data: { stp_state: 1 } },
            },
          ]),
        };
      }
      return ok;
    });
  }

  it('runs every probe inside one scratch namespace and deletes it, even when a probe throws', async () => {
    let boom = true;
    const { run, calls } = fake((argv) => {
      if (['nft', 'tcpdump', 'ping', 'sysctl'].includes(argv[0]))
        return { exitCode: 127, stdout: '', stderr: 'spawn ENOENT' };
      if (boom && argv.includes('vxlan')) {
        boom = false;
        throw new Error('runner crashed');
      }
      return undefined;
    });
    await expect(detectCapabilities(run)).rejects.toThrow('runner crashed');
    const add = calls.find((c) => c.argv.join(' ').startsWith('ip netns add'));
    const ns = add!.argv[3];
    expect(ns).toMatch(/^npcap[0-9a-f]{8}$/);
    expect(calls.at(-1)!.argv).toEqual(['ip', 'netns', 'del', ns]);
    // Nothing ran against the host: every kernel command names the scratch namespace.
    for (const { argv } of calls) {
      if (argv[1] === '-V' || argv[1] === '--version') continue;
      expect(argv.includes(ns), argv.join(' ')).toBe(true);
    }
    // A crash is not cached: the next call tries again (and now succeeds).
    const caps = await detectCapabilities(run);
    expect(caps.features.vxlan).toBe(true);
    expect(caps.features.nftables).toBe(false);
    expect(caps.details.nftables).toBe('nftables: nft is not installed (not found on PATH)');
    // ping's absence is said too (ping, traceroute, check and step mode need it).
    expect(caps.features.ping).toBe(false);
    expect(caps.details.ping).toBe('ping: ping is not installed (not found on PATH)');
    expect(caps.details.sysctlCommand).toBe('sysctl: sysctl is not installed (not found on PATH)');
    expect(caps.versions).toEqual({ ip: '6.1.0', bridge: '6.1.0', tc: '6.1.0' });
    clearCapabilitiesCache(run);
  });

  it("takes busybox's ping and sysctl, which refuse -V and --version, as installed", async () => {
    const { run } = fake((argv) =>
      argv[0] === 'ping' || argv[0] === 'sysctl'
        ? {
            exitCode: 1,
            stdout: '',
            stderr: `${argv[0]}: unrecognized option '${argv[1]}'\nBusyBox v1.35.0 multi-call binary.\n`,
          }
        : undefined,
    );
    const c = await detectCapabilities(run);
    expect(c.features.ping).toBe(true);
    expect(c.features.sysctlCommand).toBe(true);
    clearCapabilitiesCache(run);
  });

  it('turns kernel refusals into reasons, and checks STP/VLAN filtering by reading back', async () => {
    const { run } = fake((argv) => {
      if (argv.includes('dummy')) return { exitCode: 2, stdout: '', stderr: 'Error: Unknown device type.\n' };
      if (argv.includes('netem'))
        return { exitCode: 2, stdout: '', stderr: 'Error: Specified qdisc kind is unknown.\n' };
      return undefined;
    });
    const caps = await detectCapabilities(run);
    expect(caps.features.dummy).toBe(false);
    expect(caps.details.dummy).toBe(
      'dummy: the kernel has no dummy module (ip said: Error: Unknown device type.)',
    );
    expect(caps.details.netem).toBe(
      'netem: the kernel has no sch_netem module (tc said: Error: Specified qdisc kind is unknown.)',
    );
    expect(lackingFeatures(caps)).toEqual([
      caps.details.bridgeVlanFiltering,
      caps.details.netem,
      caps.details.dummy,
    ]);
    expect(caps.features.bridgeStp).toBe(true);
    // Created without error but read back without VLAN filtering (the fake shows npbr2 missing).
    expect(caps.features.bridgeVlanFiltering).toBe(false);
    expect(caps.details.bridgeVlanFiltering).toMatch(/reads back without it/);
    clearCapabilitiesCache(run);
  });

  it('reports vxlan missing when the kernel refuses a VXLAN device, and apply names the VXLAN link', async () => {
    const { run } = fake((argv) =>
      argv.includes('vxlan')
        ? { exitCode: 2, stdout: '', stderr: 'Error: Unknown device type.\n' }
        : undefined,
    );
    const caps = await detectCapabilities(run);
    expect(caps.features.vxlan).toBe(false);
    expect(caps.features.veth).toBe(true);
    expect(caps.details.vxlan).toBe(
      'vxlan: the kernel has no vxlan module (ip said: Error: Unknown device type.)',
    );
    const r = parseTopology(vxlanLabDoc('lab1'));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    // Only the VXLAN link asks for it (the underlay's veth links do not), with the detection's reason.
    expect(missingFor(r.topology, caps)).toEqual([
      `Link "vx" needs VXLAN devices, which this machine lacks: ${caps.details.vxlan}`,
    ]);
    clearCapabilitiesCache(run);
  });

  it('says a qdisc was not tested when tc is missing, and runs no tc command', async () => {
    const { run, calls } = fake((argv) =>
      argv[0] === 'tc' ? { exitCode: 127, stdout: '', stderr: 'spawn tc ENOENT' } : undefined,
    );
    const caps = await detectCapabilities(run);
    expect(caps.features.tcCommand).toBe(false);
    expect(caps.details.netem).toBe('netem: not tested: the tc command is missing');
    expect(caps.features.veth).toBe(true);
    expect(calls.filter((c) => c.argv[0] === 'tc').map((c) => c.argv.join(' '))).toEqual(['tc -V']);
    clearCapabilitiesCache(run);
  });

  it('tests nothing in the kernel when no scratch namespace can be made', async () => {
    const { run, calls } = fake((argv) =>
      argv[1] === 'netns' && argv[2] === 'add'
        ? {
            exitCode: 1,
            stdout: '',
            stderr: 'mount --make-shared /run/netns failed: Operation not permitted\n',
          }
        : undefined,
    );
    const caps = await detectCapabilities(run);
    expect(caps.features.veth).toBe(false);
    expect(caps.details.veth).toMatch(
      /^veth: not tested: could not create a scratch namespace \(ip said: mount/,
    );
    expect(calls.some((c) => c.argv.includes('link'))).toBe(false);
    clearCapabilitiesCache(run);
  });
});

describe('missingFor', () => {
  const all = (value: boolean, except: Partial<Record<Feature, boolean>> = {}): Capabilities => ({
    features: Object.fromEntries(FEATURES.map((f) => [f, except[f] ?? value])) as Record<Feature, boolean>,
    details: Object.fromEntries(FEATURES.map((f) => [f, `${f}: reason`])) as Record<Feature, string>,
    versions: {},
  });
  const topo = (doc: object) => {
    const r = parseTopology({ version: 1, name: 'lab1', ...doc });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.topology;
  };
  const lab = topo({
    nodes: [
      { kind: 'namespace', name: 'ns1' },
      { kind: 'namespace', name: 'ns2' },
      { kind: 'bridge', name: 'br0', vlanFiltering: true, stp: true },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'ns1', ifname: 'e0', netem: { delayMs: 20 } },
        b: { node: 'br0', ifname: 'p1', vlans: { pvid: 10 } },
      },
      { id: 'l2', a: { node: 'ns2', ifname: 'e0', netem: {} }, b: { node: 'br0', ifname: 'p2' } },
    ],
  });

  it('is empty when the machine has everything', () => {
    expect(missingFor(lab, all(true))).toEqual([]);
  });

  it('names the objects that need a missing feature, in plain words', () => {
    expect(missingFor(lab, all(true, { netem: false, bridgeVlanFiltering: false }))).toEqual([
      'Bridge "br0" needs bridge VLAN filtering, which this machine lacks: bridgeVlanFiltering: reason',
      // l2's empty netem block asks for nothing.
      'Link "l1" needs link emulation (tc netem), which this machine lacks: netem: reason',
    ]);
  });

  it('takes what a link needs from its kind: a VXLAN link needs VXLAN devices, not a veth pair', () => {
    const vx = topo(vxlanLabDoc('lab1'));
    expect(missingFor(vx, all(true))).toEqual([]);
    expect(missingFor(vx, all(true, { vxlan: false }))).toEqual([
      'Link "vx" needs VXLAN devices, which this machine lacks: vxlan: reason',
    ]);
    // The underlay's veth links need veth; the VXLAN link does not.
    expect(missingFor(vx, all(true, { veth: false }))).toEqual([
      'Link "u1", link "u2" need veth pairs, which this machine lacks: veth: reason',
    ]);
    // A netem block on a VTEP asks for netem like on any link end.
    const shaped = structuredClone(vxlanLabDoc('lab1'));
    Object.assign(shaped.links[2]!.a, { netem: { delayMs: 5 } });
    expect(missingFor(topo(shaped), all(true, { netem: false }))).toEqual([
      'Link "vx" needs link emulation (tc netem), which this machine lacks: netem: reason',
    ]);
  });

  it('does not ask for what the topology does not use', () => {
    const plain = topo({
      nodes: [
        { kind: 'namespace', name: 'a' },
        { kind: 'namespace', name: 'b' },
      ],
      links: [{ id: 'l', a: { node: 'a', ifname: 'x' }, b: { node: 'b', ifname: 'y' } }],
    });
    expect(missingFor(plain, all(false, { ipCommand: true, veth: true }))).toEqual([]);
    expect(missingFor(plain, all(true, { veth: false }))).toEqual([
      'Link "l" needs veth pairs, which this machine lacks: veth: reason',
    ]);
  });
});
