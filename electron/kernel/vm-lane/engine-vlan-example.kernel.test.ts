/**
 * examples/vlan-bridge.yaml applied through the engine (applyDocument), as a user
 * would, on a kernel with bridge VLAN filtering: the port VLANs the kernel reports
 * are the ones the file asks for, and every `expect:` entry of the file holds when
 * checked with ping. Kernel names get a unique suffix so the test never meets
 * another lab; ids (and so links and expectations) are untouched.
 * Skipped with the reason on kernels without VLAN filtering.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseTopology, type Topology } from '../../../shared/model';
import { applyDocument, destroyLab } from '../engine';
import { execaRunner } from '../runner';
import { isRoot, Lab, noPingReason } from './lab';
import { laneFeatures, missingReason } from './probe';

const features = await laneFeatures();
const noPing = await noPingReason();
const EXAMPLE = new URL('../../../examples/vlan-bridge.yaml', import.meta.url);

/** The example with a unique suffix on the lab, node and root-namespace interface names. */
function uniqueCopy(t: Topology, suffix: string): Topology {
  const rootBridges = new Set(t.nodes.filter((n) => n.kind === 'bridge' && !n.namespace).map((n) => n.id));
  const name = (s: string) => {
    const out = `${s}${suffix}`;
    if (Buffer.byteLength(out) > 15) throw new Error(`${out} is longer than 15 bytes`);
    return out;
  };
  return {
    ...t,
    name: `${t.name}-${suffix}`,
    nodes: t.nodes.map((n) => (n.kind === 'host' ? n : { ...n, name: name(n.name) })),
    links: t.links.map((l) => ({
      ...l,
      a: rootBridges.has(l.a.node) ? { ...l.a, ifname: name(l.a.ifname) } : l.a,
      b: rootBridges.has(l.b.node) ? { ...l.b, ifname: name(l.b.ifname) } : l.b,
    })),
  };
}

describe('examples/vlan-bridge.yaml through the engine (real kernel)', () => {
  it('applies, the ports carry the planned VLANs, every expectation holds, and destroy removes it', async (ctx) => {
    ctx.skip(!isRoot, 'needs root to create network namespaces');
    ctx.skip(!!noPing, noPing);
    const why = missingReason(features, 'bridgeVlanFiltering');
    ctx.skip(!!why, why);

    const parsed = parseTopology(parseYaml(readFileSync(EXAMPLE, 'utf8')));
    if (!parsed.ok)
      throw new Error(`examples/vlan-bridge.yaml does not parse: ${JSON.stringify(parsed.problems)}`);
    const topo = uniqueCopy(parsed.topology, randomBytes(2).toString('hex'));
    expect(topo.expect.length, 'the example states expectations').toBeGreaterThan(0);
    const byId = new Map(topo.nodes.map((n) => [n.id, n]));
    const runDir = mkdtempSync(join(tmpdir(), 'np-engine-'));
    const lab = new Lab();
    const namespaces = topo.nodes
      .filter((n) => n.kind === 'namespace' || n.kind === 'router')
      .map((n) => n.name);
    const rootBridges = topo.nodes.filter((n) => n.kind === 'bridge' && !n.namespace).map((n) => n.name);
    try {
      const applied = await applyDocument(topo, { runDir });
      expect(
        applied.problems.filter((p) => p.severity === 'error'),
        JSON.stringify(applied.problems),
      ).toEqual([]);
      expect(applied.result?.ok, applied.result?.ok === false ? applied.result.error : 'applied').toBe(true);

      // Port VLANs as the file plans them (bridge ports here live in the root namespace).
      const shown = JSON.parse((await execaRunner(['bridge', '-j', 'vlan', 'show'])).stdout || '[]') as {
        ifname: string;
        vlans?: { vlan: number; flags?: string[] }[];
      }[];
      for (const l of topo.links) {
        for (const end of [l.a, l.b]) {
          if (!end.vlans || !rootBridges.includes(byId.get(end.node)?.name ?? '')) continue;
          const vlans = shown.find((p) => p.ifname === end.ifname)?.vlans ?? [];
          if (end.vlans.pvid !== undefined)
            expect(vlans.find((v) => v.flags?.includes('PVID'))?.vlan, `${end.ifname} PVID`).toBe(
              end.vlans.pvid,
            );
          for (const u of end.vlans.untagged ?? [])
            expect(
              vlans.find((v) => v.vlan === u)?.flags ?? [],
              `${end.ifname} VLAN ${u} untagged`,
            ).toContain('Egress Untagged');
          for (const t of end.vlans.tagged ?? [])
            expect(
              vlans.find((v) => v.vlan === t)?.flags ?? ['absent'],
              `${end.ifname} VLAN ${t} tagged`,
            ).not.toContain('Egress Untagged');
        }
      }

      // Every expectation of the file, checked with ping from the `from` namespace.
      const addressOf = (to: string) => {
        if (!byId.has(to)) return to;
        const cidr = topo.links.flatMap((l) => [l.a, l.b]).find((e) => e.node === to && e.addresses?.length)
          ?.addresses?.[0];
        if (!cidr) throw new Error(`expectation target ${to} has no address`);
        return cidr.split('/')[0];
      };
      for (const e of topo.expect) {
        const from = byId.get(e.from)!.name;
        const r = await lab.ping(from, addressOf(e.to), { count: 2, waitS: 1 });
        expect(
          r.received > 0,
          `${e.from} -> ${e.to} should ${e.reach ? '' : 'not '}reach:\n${r.output}`,
        ).toBe(e.reach);
      }

      const destroyed = await destroyLab(topo.name, { runDir });
      expect(destroyed.removed.length).toBeGreaterThan(0);
      const left = (await execaRunner(['ip', 'netns', 'list'])).stdout;
      for (const ns of namespaces)
        expect(left, `${ns} removed by destroy`).not.toMatch(new RegExp(`^${ns}( |$)`, 'm'));
      for (const br of rootBridges)
        expect(
          (await execaRunner(['ip', 'link', 'show', 'dev', br])).exitCode,
          `${br} removed by destroy`,
        ).not.toBe(0);
    } finally {
      // If the test failed before destroy: remove exactly this test's uniquely named objects.
      await destroyLab(topo.name, { runDir }).catch(() => undefined);
      const left = (await execaRunner(['ip', 'netns', 'list'])).stdout;
      for (const ns of namespaces)
        if (new RegExp(`^${ns}( |$)`, 'm').test(left)) await execaRunner(['ip', 'netns', 'del', ns]);
      for (const br of rootBridges)
        if ((await execaRunner(['ip', 'link', 'show', 'dev', br])).exitCode === 0)
          await execaRunner(['ip', 'link', 'del', 'dev', br]);
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
