/**
 * The vxlan link kind on the real kernel: h1 — r1 — h2 routed underlay, a
 * VXLAN link h1:vx0 — h2:vx0 (VNI 42) carrying 192.168.100.0/24. Apply, ping
 * across the overlay (only between the lab's own namespaces), status in sync;
 * drift by hand (VTEP deleted, VNI changed by re-creating it) is named by
 * status and repaired by apply; destroy leaves nothing. Also with each VTEP
 * enslaved to a bridge in its namespace.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, statusDocument } from './engine';
import { clearCapabilitiesCache } from './capabilities';
import { execaRunner, type Runner } from './runner';
import { hostSnapshot, useKernelLab } from './test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';
import { vxlanLabDoc } from '../../shared/kinds/testing/vxlan-lab';

const root = isRoot();
const lab = useKernelLab({ beforeEach, afterEach });

const ip = (...args: string[]) => execaRunner(['ip', ...args]);
const ping = async (ns: string, to: string) =>
  (await execaRunner(['ip', 'netns', 'exec', ns, 'ping', '-c1', '-W2', to])).exitCode === 0;
/** The live VTEP's vxlan parameters as `ip -d -j` shows them. */
async function vtep(ns: string) {
  const [l] = JSON.parse((await ip('-n', ns, '-d', '-j', 'link', 'show', 'dev', 'vx0')).stdout);
  return { alias: l.ifalias, master: l.master, up: l.flags.includes('UP'), ...l.linkinfo.info_data };
}

describe.skipIf(!root)(
  `vxlan links on the real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    it.each([
      ['on the VTEPs', false],
      ['on bridges the VTEPs are ports of', true],
    ])(
      'overlay addresses %s: apply, ping over the overlay, drift by hand named and repaired, destroy leaves nothing',
      async (_what, bridged) => {
        const doc = vxlanLabDoc(`${lab.p}-vx`, { bridged, prefix: lab.p });
        const [h1, h2] = [`${lab.p}h1`, `${lab.p}h2`];
        const o = { runDir: lab.run.dir };
        const a = await applyDocument(doc, o);
        expect(a.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(a.result?.error).toBeUndefined();
        expect(await vtep(h1)).toMatchObject({
          id: 42,
          local: '10.0.1.1',
          remote: '10.0.2.1',
          port: 4789,
          alias: `netplumb:${lab.p}-vx:vx:a`,
          up: true,
          ...(bridged ? { master: 'br0' } : {}),
        });
        // The underlay first (routed by r1), then the overlay across it.
        expect(await ping(h1, '10.0.2.1')).toBe(true);
        expect(await ping(h1, '192.168.100.2')).toBe(true);
        expect(await ping(h2, '192.168.100.1')).toBe(true);
        expect(await statusDocument(doc, o)).toMatchObject({ inSync: true, applied: true, drift: [] });

        // Drift 1: the VTEP deleted by hand.
        await ip('-n', h1, 'link', 'del', 'dev', 'vx0');
        const s1 = await statusDocument(doc, o);
        expect(s1.inSync).toBe(false);
        expect(s1.drift).toContainEqual(
          expect.objectContaining({
            state: 'missing',
            linkId: 'vx',
            detail: expect.stringMatching(/vxlan vx0/),
          }),
        );
        expect((await applyDocument(doc, o)).result?.ok).toBe(true);
        expect(await ping(h1, '192.168.100.2')).toBe(true);

        // Drift 2: the VNI changed by re-creating the VTEP (the kernel cannot change it in place).
        await ip('-n', h2, 'link', 'del', 'dev', 'vx0');
        await ip(
          '-n',
          h2,
          'link',
          'add',
          'name',
          'vx0',
          'type',
          'vxlan',
          'id',
          '43',
          'local',
          '10.0.2.1',
          'remote',
          '10.0.1.1',
          'dstport',
          '4789',
        );
        await ip('-n', h2, 'link', 'set', 'dev', 'vx0', 'alias', `netplumb:${lab.p}-vx:vx:b`);
        expect(await ping(h1, '192.168.100.2')).toBe(false);
        const s2 = await statusDocument(doc, o);
        expect(s2.inSync).toBe(false);
        expect(s2.drift.map((d) => d.detail).join('\n')).toMatch(
          /vx0 .*must be re-created: VNI is 43, the file says 42/,
        );
        expect((await applyDocument(doc, o)).result?.ok).toBe(true);
        expect(await vtep(h2)).toMatchObject({ id: 42, up: true });
        // At once: the re-created VTEP has the same (derived) MAC, so h1's neighbour entry still holds.
        expect(await ping(h1, '192.168.100.2')).toBe(true);
        expect(await statusDocument(doc, o)).toMatchObject({ inSync: true, drift: [] });

        const d = await destroyLab(doc.name, o);
        expect(d.removed.length).toBeGreaterThan(0);
        expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
      },
      90_000,
    );

    it('a kernel without vxlan: apply refuses before any change, naming the VXLAN link and what is missing', async () => {
      const doc = vxlanLabDoc(`${lab.p}-nv`, { prefix: lab.p });
      // The real kernel, except that it refuses VXLAN devices as a kernel without the module does.
      const run: Runner = (argv, o) =>
        argv.includes('vxlan')
          ? Promise.resolve({ exitCode: 2, stdout: '', stderr: 'Error: Unknown device type.\n' })
          : execaRunner(argv, o);
      try {
        const a = await applyDocument(doc, { runDir: lab.run.dir, runner: run });
        expect(a.result).toBeUndefined();
        expect(a.problems).toEqual([
          expect.objectContaining({
            code: 'kernel-missing-feature',
            severity: 'error',
            message:
              'Link "vx" needs VXLAN devices, which this machine lacks: vxlan: the kernel has no vxlan module (ip said: Error: Unknown device type.)',
          }),
        ]);
        expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
      } finally {
        clearCapabilitiesCache(run);
      }
    });
  },
);
