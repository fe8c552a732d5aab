/**
 * `export -o` and `import -o` to a place that cannot be written: a plain
 * refusal (exit 1), never a stack trace. The command as users run it (bin/).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const EXAMPLES = join(import.meta.dirname, '../../examples');
const dir = mkdtempSync(join(tmpdir(), 'np-export-out-'));
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('writing an export or an import to a bad place', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a directory', () => dir, 'it is a directory'],
    ['a missing folder', () => join(dir, 'no', 'such', 'x.out'), 'its folder does not exist'],
  ])('to %s: exit 1, the reason in words, no stack trace', async (_what, target, reason) => {
    for (const args of [
      ['export', '--to', 'sh', join(EXAMPLES, 'linux-bridge.yaml'), '-o', target()],
      ['import', join(EXAMPLES, 'containerlab-bridge.clab.yml'), '-o', target()],
      ['import', join(EXAMPLES, 'containerlab-bridge.clab.yml'), '--json', '-o', target()],
    ]) {
      const r = await cli(...args);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`cannot write ${target()}: ${reason}; nothing was written.`);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at |node:fs|Node\.js v/);
    }
  });
});
