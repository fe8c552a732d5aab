/**
 * The capability check's answer kept between commands (capabilities-cache.ts):
 * used only under the key of this boot, these modules and these tools; a
 * stored answer under another key, or a corrupt file, is detected afresh.
 */
import { statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { clearCapabilitiesCache, detectCapabilities, type Capabilities } from './capabilities';
import { capabilitiesFile, capabilitiesKey, loadCapabilities, storeCapabilities } from './capabilities-cache';
import { execaRunner } from './runner';
import { NOT_ROOT_REASON, isRoot } from './test-support/scratch-netns';

describe.skipIf(!isRoot())(`capabilities kept between commands (${NOT_ROOT_REASON})`, () => {
  afterAll(() => clearCapabilitiesCache());

  it('stores the real answer under the current key, root-only, and a later command uses it', async () => {
    clearCapabilitiesCache();
    const file = capabilitiesFile()!;
    const fresh = await detectCapabilities(execaRunner);
    const key = capabilitiesKey()!;
    expect(loadCapabilities<Capabilities>(file, key)).toEqual(fresh);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).uid).toBe(0);

    // A new process is a new in-memory cache: a fresh key object stands for it.
    const doctored = { ...fresh, details: { ...fresh.details, veth: 'veth: from the kept answer' } };
    storeCapabilities(file, key, doctored);
    expect((await detectCapabilities(execaRunner, { key: {} })).details.veth).toBe(
      'veth: from the kept answer',
    );
  });

  it('another key (another boot, other modules or tools) or a corrupt file means detecting again', async () => {
    const file = capabilitiesFile()!;
    const fresh = await detectCapabilities(execaRunner, { key: {} });
    storeCapabilities(file, 'another boot', { ...fresh, details: { ...fresh.details, veth: 'stale' } });
    const again = await detectCapabilities(execaRunner, { key: {} });
    expect(again.details.veth).toMatch(/^veth: works/);
    writeFileSync(file, '{"key": broken');
    expect((await detectCapabilities(execaRunner, { key: {} })).details.veth).toMatch(/^veth: works/);
    expect(loadCapabilities<Capabilities>(file, capabilitiesKey()!)).toBeDefined();
  });

  it('the key changes with the tools found on PATH, and clearing forgets the kept answer', async () => {
    const key = capabilitiesKey()!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const path = process.env.PATH;
    try {
      process.env.PATH = '/nonexistent';
      expect(capabilitiesKey()).not.toBe(key);
    } finally {
      process.env.PATH = path;
    }
    expect(capabilitiesKey()).toBe(key);
    storeCapabilities(capabilitiesFile()!, key, { marker: true });
    clearCapabilitiesCache();
    // Other test files may store a real answer meanwhile; ours is gone either way.
    expect(loadCapabilities<{ marker?: boolean }>(capabilitiesFile()!, key)?.marker).toBeUndefined();
  });
});
