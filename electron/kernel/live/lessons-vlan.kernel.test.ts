/**
 * The VLAN isolation lesson on a kernel with bridge VLAN filtering (the VM
 * lane, scripts/kernel-vm/): it applies and every check passes — h1 reaches
 * h2 in VLAN 10, h3 in VLAN 20 reaches neither. Skipped with the reason
 * where the kernel lacks VLAN filtering.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTopologyText } from '../../../shared/formats/document';
import { detectCapabilities } from '../capabilities';
import { applyDocument, destroyLab } from '../engine';
import { execaRunner } from '../runner';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../test-support/scratch-netns';
import { checkDocument } from './check';
import { prefixedLesson } from './lesson-fixture';

let p = '';
let run: ReturnType<typeof tempRunDir>;
beforeEach(() => {
  p = uniquePrefix();
  run = tempRunDir();
});
afterEach(async () => {
  try {
    await destroyLab(`${p}-lesson`, { runDir: run.dir });
  } finally {
    await cleanupPrefix(p);
    run.remove();
  }
}, 180_000);

describe('VLAN isolation lesson', () => {
  it('applies and every check passes', async (ctx) => {
    if (!isRoot()) ctx.skip(NOT_ROOT_REASON);
    const caps = await detectCapabilities(execaRunner);
    if (!caps.features.bridgeVlanFiltering)
      ctx.skip(`this kernel lacks bridge VLAN filtering: ${caps.details.bridgeVlanFiltering}`);
    const text = readFileSync(join(import.meta.dirname, '../../../lessons/4-vlan-isolation.yaml'), 'utf8');
    const t = prefixedLesson(loadTopologyText(text, 'vlan.yaml').topology!, p);
    const a = await applyDocument(t, { runDir: run.dir });
    expect(a.result?.ok, a.result?.error ?? JSON.stringify(a.problems)).toBe(true);
    const c = await checkDocument(t, { runDir: run.dir });
    expect(c.results.map((r) => `${r.label}: ${r.status} (${r.detail})`)).toEqual(
      c.results.map((r) => `${r.label}: pass (${r.detail})`),
    );
  });
});
