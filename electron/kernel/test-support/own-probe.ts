/**
 * Independent feature probes for tests: they do not use capabilities.ts, so a
 * test can both gate on them (skip with the reason where the kernel lacks a
 * feature) and cross-check the capability detection. Each probe runs in a
 * scratch namespace of its own that is always removed.
 */
import { execaRunner } from '../runner';
import { isRoot, withScratchLab } from './scratch-netns';

/** The result of one probe: whether it worked and, if not, the kernel's answer. */
export interface ProbeResult {
  ok: boolean;
  why: string;
}

/** Runs `setup` (ip args) in a scratch namespace, then `attempt` ([tool, ...args], `-n NS` inserted). */
export async function ownProbe(setup: string[][], attempt: string[]): Promise<ProbeResult> {
  if (!isRoot()) return { ok: false, why: 'needs root to create network namespaces' };
  return withScratchLab(async (lab) => {
    const [ns] = await lab.netns(1, 'npprobe');
    for (const s of setup) await lab.ip('-n', ns, ...s);
    const [tool, ...args] = attempt;
    const r = await execaRunner([tool, '-n', ns, ...args]);
    return {
      ok: r.exitCode === 0,
      why:
        r.exitCode === 0
          ? ''
          : `this kernel refused \`${attempt.join(' ')}\`: ${r.stderr.trim().split('\n')[0]}`,
    };
  });
}

/** Can this kernel attach a netem qdisc? */
export const probeNetem = () =>
  ownProbe(
    [['link', 'add', 'pa', 'type', 'veth', 'peer', 'name', 'pb']],
    ['tc', 'qdisc', 'add', 'dev', 'pa', 'root', 'netem', 'delay', '1ms'],
  );

/** Can this kernel make a VLAN-filtering bridge? */
export const probeVlanFiltering = () =>
  ownProbe([], ['ip', 'link', 'add', 'pbr', 'type', 'bridge', 'vlan_filtering', '1']);

/** Can this kernel make a VXLAN device? (It stays down; nothing is sent.) */
export const probeVxlan = () =>
  ownProbe([], ['ip', 'link', 'add', 'name', 'pvx', 'type', 'vxlan', 'id', '42', 'dstport', '4789']);

/** Can this kernel make a Geneve device? (A documentation address, RFC 5737; it stays down, nothing is sent.) */
export const probeGeneve = () =>
  ownProbe([], ['ip', 'link', 'add', 'name', 'pgnv', 'type', 'geneve', 'id', '42', 'remote', '192.0.2.2']);
