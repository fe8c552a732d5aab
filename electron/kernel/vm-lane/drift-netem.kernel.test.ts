/**
 * netem drift (issue 11 item 2, the part this host's kernel cannot do): a
 * running lab whose netem is changed or removed by hand. status must name the
 * netem difference (not in sync), apply must put the file's netem back, and
 * status must then be in sync. Runs in the VM lane; skipped with the reason on
 * kernels without netem.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, statusDocument } from '../engine';
import { execaRunner } from '../runner';
import { isRoot, Lab, uniqueName } from './lab';
import { laneFeatures, missingReason } from './probe';

const features = await laneFeatures();

function lab(name: string, left: string, right: string) {
  return {
    version: 1,
    name,
    nodes: [
      { name: left, kind: 'namespace' },
      { name: right, kind: 'namespace' },
    ],
    links: [
      {
        id: 'cable',
        a: { node: left, ifname: 'eth0', addresses: ['10.89.0.1/24'], netem: { delayMs: 40 } },
        b: { node: right, ifname: 'eth0', addresses: ['10.89.0.2/24'] },
      },
    ],
  };
}

describe('netem drift (real kernel)', () => {
  for (const [what, argv] of [
    [
      'changed by hand',
      (ns: string) => ['tc', '-n', ns, 'qdisc', 'change', 'dev', 'eth0', 'root', 'netem', 'delay', '200ms'],
    ],
    ['removed by hand', (ns: string) => ['tc', '-n', ns, 'qdisc', 'delete', 'dev', 'eth0', 'root']],
  ] as const) {
    it(`netem ${what}: status names it, apply restores the file's netem`, async (ctx) => {
      ctx.skip(!isRoot, 'needs root to create network namespaces');
      const why = missingReason(features, 'netem');
      ctx.skip(!!why, why);
      const name = `drift-${randomBytes(3).toString('hex')}`;
      const [left, right] = [uniqueName(), uniqueName()];
      const runDir = mkdtempSync(join(tmpdir(), 'np-drift-'));
      const probe = new Lab();
      const doc = lab(name, left, right);
      try {
        expect((await applyDocument(doc, { runDir })).result?.ok).toBe(true);
        const r = await execaRunner(argv(left));
        expect(r.exitCode, r.stderr).toBe(0);
        const s = await statusDocument(doc, { runDir });
        expect(s.inSync).toBe(false);
        expect(s.drift.map((d) => d.kind)).toContain('netem');
        const repaired = await applyDocument(doc, { runDir });
        expect(repaired.result?.ok).toBe(true);
        expect(repaired.result?.changes.map((c) => c.target.kind)).toEqual(['netem']);
        expect((await statusDocument(doc, { runDir })).inSync).toBe(true);
        expect((await probe.qdiscs(left, 'eth0')).filter((q) => q.kind === 'netem')).toMatchObject([
          { options: { delay: { delay: 0.04 } } },
        ]);
      } finally {
        await destroyLab(name, { runDir }).catch(() => undefined);
        probe.namespaces.push(left, right);
        await probe.cleanup();
        rmSync(runDir, { recursive: true, force: true });
      }
    });
  }
});
