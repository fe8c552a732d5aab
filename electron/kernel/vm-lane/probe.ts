/**
 * An independent check of the three kernel features the lane exists for, used to
 * gate the tests (skip with the reason where the kernel lacks them) and to
 * cross-check electron/kernel/capabilities.ts. Unlike that module it does not stop
 * at "the command succeeded": each feature is used and read back from the kernel.
 * Runs in a scratch namespace of its own, deleted afterwards.
 */
import { execaRunner, type Runner } from '../runner';
import { isRoot, Lab } from './lab';

export interface LaneFeatures {
  netem: boolean;
  bridgeVlanFiltering: boolean;
  vlan8021q: boolean;
  /** Why each missing feature is missing (first line of the kernel's answer). */
  why: Partial<Record<'netem' | 'bridgeVlanFiltering' | 'vlan8021q', string>>;
}

const first = (s: string) => s.trim().split('\n')[0] ?? '';

async function probe(runner: Runner): Promise<LaneFeatures> {
  const f: LaneFeatures = { netem: false, bridgeVlanFiltering: false, vlan8021q: false, why: {} };
  if (!isRoot) {
    f.why = { netem: 'not root', bridgeVlanFiltering: 'not root', vlan8021q: 'not root' };
    return f;
  }
  const lab = new Lab(runner);
  try {
    const [ns] = await lab.netns(1);
    const ip = (...a: string[]) => runner(['ip', '-n', ns, ...a]);
    const mk = await ip('link', 'add', 'pa', 'type', 'veth', 'peer', 'name', 'pb');
    if (mk.exitCode !== 0) throw new Error(`veth in a scratch namespace failed: ${first(mk.stderr)}`);

    // netem: add it, then the kernel must list a netem root qdisc with the delay we set.
    const add = await runner([
      'tc',
      '-n',
      ns,
      'qdisc',
      'add',
      'dev',
      'pa',
      'root',
      'handle',
      '1:',
      'netem',
      'delay',
      '7ms',
    ]);
    if (add.exitCode === 0) {
      const q = JSON.parse(
        (await runner(['tc', '-n', ns, '-j', 'qdisc', 'show', 'dev', 'pa'])).stdout || '[]',
      ) as { kind: string; options?: { delay?: { delay?: number } } }[];
      const netem = q.find((x) => x.kind === 'netem');
      f.netem = Math.abs((netem?.options?.delay?.delay ?? 0) - 0.007) < 1e-6;
      if (!f.netem) f.why.netem = `tc accepted netem but reads back ${JSON.stringify(q)}`;
    } else f.why.netem = first(add.stderr);

    // VLAN filtering: a port's VLAN membership must read back from `bridge -j vlan show`.
    const br = await ip('link', 'add', 'pbr', 'type', 'bridge', 'vlan_filtering', '1');
    if (br.exitCode === 0) {
      await ip('link', 'set', 'pb', 'master', 'pbr');
      const va = await runner([
        'bridge',
        '-n',
        ns,
        'vlan',
        'add',
        'dev',
        'pb',
        'vid',
        '42',
        'pvid',
        'untagged',
      ]);
      const shown = JSON.parse(
        (await runner(['bridge', '-n', ns, '-j', 'vlan', 'show', 'dev', 'pb'])).stdout || '[]',
      ) as { ifname: string; vlans?: { vlan: number; flags?: string[] }[] }[];
      const v42 = shown.find((p) => p.ifname === 'pb')?.vlans?.find((v) => v.vlan === 42);
      f.bridgeVlanFiltering = va.exitCode === 0 && !!v42?.flags?.includes('PVID');
      if (!f.bridgeVlanFiltering)
        f.why.bridgeVlanFiltering =
          va.exitCode !== 0 ? first(va.stderr) : `bridge vlan show: ${JSON.stringify(shown)}`;
    } else f.why.bridgeVlanFiltering = first(br.stderr);

    // 802.1Q: the device must read back as kind vlan, id 10, protocol 802.1Q.
    const vl = await ip('link', 'add', 'link', 'pa', 'name', 'pa.10', 'type', 'vlan', 'id', '10');
    if (vl.exitCode === 0) {
      const links = JSON.parse((await ip('-j', '-d', 'link', 'show', 'dev', 'pa.10')).stdout || '[]') as {
        linkinfo?: { info_kind?: string; info_data?: { id?: number; protocol?: string } };
      }[];
      const li = links[0]?.linkinfo;
      f.vlan8021q =
        li?.info_kind === 'vlan' && li.info_data?.id === 10 && li.info_data?.protocol === '802.1Q';
      if (!f.vlan8021q) f.why.vlan8021q = `ip reads back ${JSON.stringify(li)}`;
    } else f.why.vlan8021q = first(vl.stderr);
  } finally {
    await lab.cleanup();
  }
  return f;
}

let cached: Promise<LaneFeatures> | undefined;
/** The probe, run once per process. */
export function laneFeatures(runner: Runner = execaRunner): Promise<LaneFeatures> {
  cached ??= probe(runner);
  return cached;
}

/** The skip reason for a test needing `what`, or undefined when all are there. */
export function missingReason(f: LaneFeatures, ...what: (keyof LaneFeatures['why'])[]): string | undefined {
  const missing = what.filter((w) => !f[w]);
  return missing.length
    ? `this kernel lacks ${missing.map((w) => `${w} (${f.why[w]})`).join(', ')}; it runs in the VM lane: npm run test:kernel-vm`
    : undefined;
}
