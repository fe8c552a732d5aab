/**
 * newNamespaceConf reads the host's files through descriptors it keeps open
 * (live-read.ts readText): each call must still give the value of the moment.
 * Run in a scratch namespace, whose /proc/sys is its own, so the host's
 * settings are never touched.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRoot, NOT_ROOT_REASON, withScratchLab } from './test-support/scratch-netns';

const KEY = 'net.ipv4.conf.default.rp_filter';

describe.skipIf(!isRoot())(`newNamespaceConf (${NOT_ROOT_REASON})`, () => {
  it('gives the value a host file has now, not when it was first read', async () => {
    await withScratchLab(async (lab) => {
      const [ns] = await lab.netns(1, 'hc');
      const before = readFileSync('/proc/sys/net/ipv4/conf/default/rp_filter', 'utf8').trim();
      for (const to of ['2', '0', '1']) {
        const r = await execa(
          'ip',
          [
            'netns',
            'exec',
            ns,
            process.execPath,
            '--import',
            'tsx',
            join(import.meta.dirname, 'test-support/host-conf-probe.ts'),
            to,
          ],
          { reject: false },
        );
        expect(r.exitCode, r.stderr).toBe(0);
        const [first, second] = r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, string>);
        expect(first[KEY]).toMatch(/^[0-2]$/);
        expect(second[KEY]).toBe(to);
        // Everything else the same, read through the same descriptors.
        expect({ ...second, [KEY]: first[KEY] }).toEqual(first);
      }
      // The host's own was never touched.
      expect(readFileSync('/proc/sys/net/ipv4/conf/default/rp_filter', 'utf8').trim()).toBe(before);
    });
  });
});
