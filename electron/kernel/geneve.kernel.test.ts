/**
 * The geneve link kind on the real kernel. Our lean CI kernel has no geneve
 * module, so there apply must refuse a Geneve lab before any change, naming
 * the link and the missing feature; the lifecycle runs in the VM lane
 * (Debian's kernel, `npm run test:kernel-vm -- electron/kernel/geneve.kernel.test.ts`)
 * and is skipped here with that reason. Lifecycle: h1 — r1 — h2 routed
 * underlay, a Geneve link h1:gv0 — h2:gv0 (VNI 7) carrying 192.168.100.0/24;
 * apply, ping across the overlay (only between the lab's own namespaces),
 * status in sync; the tunnel device deleted by hand is named by status and
 * repaired by apply; destroy leaves nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { geneveLabDoc } from '../../shared/kinds/testing/geneve-lab';
import { clearCapabilitiesCache } from './capabilities';
import { applyDocument, destroyLab, statusDocument } from './engine';
import { execaRunner, type Runner } from './runner';
import { hostSnapshot, useKernelLab } from './test-support/lab-fixture';
import { probeGeneve } from './test-support/own-probe';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';
import { pingCommand } from './vm-lane/lab';

const root = isRoot();
const lab = useKernelLab({ beforeEach, afterEach });
// Our own probe, independent of capabilities.ts.
const geneve = root ? await probeGeneve() : { ok: false, why: NOT_ROOT_REASON };

const ip = (...args: string[]) => execaRunner(['ip', ...args]);
const ping = async (ns: string, to: string) => {
  const p = (await pingCommand()) ?? ['ping'];
  return (await execaRunner(['ip', 'netns', 'exec', ns, ...p, '-c1', '-W2', to])).exitCode === 0;
};
/** The live Geneve device's parameters as `ip -d -j` shows them. */
async function dev(ns: string) {
  const [l] = JSON.parse((await ip('-n', ns, '-d', '-j', 'link', 'show', 'dev', 'gv0')).stdout);
  return {
    kind: l.linkinfo.info_kind,
    alias: l.ifalias,
    up: l.flags.includes('UP'),
    ...l.linkinfo.info_data,
  };
}

describe.skipIf(!root)(
  `geneve links on the real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    it('a kernel without geneve: apply refuses before any change, naming the Geneve link and what is missing', async () => {
      const doc = geneveLabDoc(`${lab.p}-ng`, { prefix: lab.p });
      // Here the kernel itself lacks geneve; where it has it (the VM lane), a runner refuses as such a kernel does.
      const run: Runner = (argv, o) =>
        !geneve.ok || !argv.includes('geneve')
          ? execaRunner(argv, o)
          : Promise.resolve({ exitCode: 2, stdout: '', stderr: 'Error: Unknown device type.\n' });
      try {
        const a = await applyDocument(doc, { runDir: lab.run.dir, runner: run });
        expect(a.result).toBeUndefined();
        expect(a.problems).toEqual([
          expect.objectContaining({
            code: 'kernel-missing-feature',
            severity: 'error',
            message:
              'Link "gv" needs Geneve devices, which this machine lacks: geneve: the kernel has no geneve module (ip said: Error: Unknown device type.)',
          }),
        ]);
        expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
      } finally {
        clearCapabilitiesCache(run);
      }
    });

    it('apply, ping over the overlay, status in sync, the device deleted by hand named and repaired, destroy leaves nothing', async (ctx) => {
      if (!geneve.ok)
        ctx.skip(`this kernel lacks geneve (${geneve.why}); it runs in the VM lane: npm run test:kernel-vm`);
      const doc = geneveLabDoc(`${lab.p}-gv`, { prefix: lab.p });
      const [h1, h2] = [`${lab.p}h1`, `${lab.p}h2`];
      const o = { runDir: lab.run.dir };
      const a = await applyDocument(doc, o);
      expect(a.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(a.result?.error).toBeUndefined();
      expect(a.result?.ok).toBe(true);
      expect(await dev(h1)).toMatchObject({
        kind: 'geneve',
        id: 7,
        remote: '10.0.2.1',
        port: 6081,
        alias: `netplumb:${lab.p}-gv:gv:a`,
        up: true,
      });
      expect(await dev(h2)).toMatchObject({ id: 7, remote: '10.0.1.1', port: 6081 });
      // The underlay first (routed by r1), then the overlay across it.
      expect(await ping(h1, '10.0.2.1')).toBe(true);
      expect(await ping(h1, '192.168.100.2')).toBe(true);
      expect(await ping(h2, '192.168.100.1')).toBe(true);
      expect(await statusDocument(doc, o)).toMatchObject({ inSync: true, applied: true, drift: [] });

      // Drift: the tunnel device deleted by hand.
      await ip('-n', h1, 'link', 'del', 'dev', 'gv0');
      expect(await ping(h2, '192.168.100.1')).toBe(false);
      const s = await statusDocument(doc, o);
      expect(s.inSync).toBe(false);
      expect(s.drift).toContainEqual(
        expect.objectContaining({
          state: 'missing',
          linkId: 'gv',
          detail: expect.stringMatching(/geneve gv0/),
        }),
      );
      expect((await applyDocument(doc, o)).result?.ok).toBe(true);
      expect(await dev(h1)).toMatchObject({ id: 7, remote: '10.0.2.1', up: true });
      expect(await ping(h1, '192.168.100.2')).toBe(true);
      expect(await statusDocument(doc, o)).toMatchObject({ inSync: true, drift: [] });

      const d = await destroyLab(doc.name, o);
      expect(d.removed.length).toBeGreaterThan(0);
      expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
    }, 120_000);
  },
);
