/**
 * Every example in examples/ is applied to the real kernel, its expectations
 * are pinged (reachable and isolated pairs), status is in sync, and destroy
 * leaves nothing. Examples needing a kernel feature this machine lacks report
 * themselves skipped with the reason (the VM lane runs them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopologyText } from '../../shared/formats/document';
import { resolveExpectations } from '../../shared/plan';
import { hasErrors } from '../../shared/validate';
import { detectCapabilities, missingFor } from './capabilities';
import { applyDocument, destroyLab, statusDocument } from './engine';
import { listNetns } from './netns';
import { readLive } from './live-read';
import { execaRunner } from './runner';
import { tempRunDir } from './test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const dir = join(import.meta.dirname, '../../examples');
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f) && !f.endsWith('.clab.yml'))
  .sort();
const root = isRoot();
const caps = root ? await detectCapabilities(execaRunner) : undefined;

describe.skipIf(!root)(`examples on the real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  for (const file of files) {
    const loaded = loadTopologyText(readFileSync(join(dir, file), 'utf8'), file);
    const missing = loaded.topology && caps ? missingFor(loaded.topology, caps) : [];
    const title = `${file}: apply, ping its expectations, status in sync, destroy${missing.length ? ` (skipped: ${missing.join('; ')})` : ''}`;
    it.skipIf(missing.length > 0)(
      title,
      async () => {
        expect(hasErrors(loaded.problems), JSON.stringify(loaded.problems)).toBe(false);
        const topo = loaded.topology!;
        const run = tempRunDir();
        try {
          const a = await applyDocument(topo, { runDir: run.dir });
          expect(a.result?.error).toBeUndefined();
          expect(a.result?.ok).toBe(true);
          for (const e of resolveExpectations(topo)) {
            expect(e.error).toBeUndefined();
            const r = await execaRunner(['ip', 'netns', 'exec', e.fromNs, 'ping', '-c1', '-W2', e.to]);
            expect(r.exitCode === 0, e.label).toBe(e.reach);
          }
          expect((await statusDocument(topo, { runDir: run.dir })).drift).toEqual([]);
        } finally {
          await destroyLab(topo.name, { runDir: run.dir });
          run.remove();
        }
        const ns = new Set(await listNetns());
        for (const n of topo.nodes)
          if (n.kind === 'namespace' || n.kind === 'router') expect(ns.has(n.name), n.name).toBe(false);
        const rootNs = await readLive(execaRunner, { namespaces: [], includeRoot: true });
        expect(
          Object.values(rootNs.namespaces[''].ifaces).filter((i) =>
            i.mark?.startsWith(`netplumb:${topo.name}:`),
          ),
        ).toEqual([]);
      },
      120_000,
    );
  }
});
