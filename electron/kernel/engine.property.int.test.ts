/**
 * Properties of the engine: invalid documents never produce a command; random
 * valid labs applied to the real kernel read back in sync (plan of the
 * apply's result is empty) and destroy leaves nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbMutatedDocument, arbValidTopology } from '../../shared/model/arbitraries';
import { hasErrors, validateDocument } from '../../shared/validate';
import { detectCapabilities } from './capabilities';
import { applyDocument, destroyLab, planDocument, statusDocument } from './engine';
import { recordingRunner, execaRunner } from './runner';
import { cleanupPrefix, hostSnapshot, tempRunDir } from './test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

describe('engine properties', () => {
  it('an invalid document runs no command at all (apply, plan, status)', async () => {
    const run = tempRunDir();
    try {
      await fc.assert(
        fc.asyncProperty(arbMutatedDocument(), async (doc) => {
          if (!hasErrors(validateDocument(doc).problems)) return;
          const rec = recordingRunner();
          const a = await applyDocument(doc, { runner: rec.run, runDir: run.dir });
          const p = await planDocument(doc, { runner: rec.run, runDir: run.dir });
          const s = await statusDocument(doc, { runner: rec.run, runDir: run.dir });
          expect(a.result).toBeUndefined();
          expect(p.changes).toEqual([]);
          expect(s.inSync).toBe(false);
          expect(rec.calls).toEqual([]);
        }),
        { numRuns: 200 },
      );
    } finally {
      run.remove();
    }
  });
});

const root = isRoot();
const caps = root ? await detectCapabilities(execaRunner) : undefined;

describe.skipIf(!root)(
  `engine properties on the real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    it('random valid labs: apply, then plan is empty and status in sync; destroy leaves nothing', async () => {
      const vlans = caps?.features.bridgeVlanFiltering ?? false;
      const netem = caps?.features.netem ?? false;
      await fc.assert(
        fc.asyncProperty(arbValidTopology({ maxNodes: 6, vlans, netem }), async (t) => {
          const prefix = `n${t.name}`;
          const run = tempRunDir();
          try {
            const a = await applyDocument(t, { runDir: run.dir });
            expect(a.result?.error).toBeUndefined();
            expect(a.result?.ok).toBe(true);
            expect((await planDocument(t, { runDir: run.dir })).changes).toEqual([]);
            expect((await statusDocument(t, { runDir: run.dir })).drift).toEqual([]);
            await destroyLab(t.name, { runDir: run.dir });
            expect(await hostSnapshot(prefix)).toEqual({ netns: [], links: [], inside: {} });
          } finally {
            await cleanupPrefix(prefix);
            run.remove();
          }
        }),
        { numRuns: 12 },
      );
    }, 300_000);
  },
);
