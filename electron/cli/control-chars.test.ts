/**
 * Control characters in a file (its lab name, a Kathará collision domain)
 * never reach the terminal raw: no escape sequence, no forged message line.
 * The command as users run it (bin/).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const dir = mkdtempSync(join(tmpdir(), 'np-control-'));
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1' } });
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('control characters from a file', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a lab name with ESC, BEL and a newline is refused in one escaped line', async () => {
    const f = join(dir, 'x.yaml');
    writeFileSync(
      f,
      'version: 1\nname: "a\\u001b[2J\\u001b]0;pwned\\u0007\\nf/x.yaml:1:1: error: forged"\nnodes: [ { name: ns1, kind: namespace } ]\nlinks: []\n',
    );
    for (const args of [
      ['validate', f],
      ['plan', f],
      ['export', '--to', 'sh', f],
    ]) {
      const r = await cli(...args);
      expect(r.exitCode, args.join(' ')).toBe(1);
      const text = r.stdout + r.stderr;
      expect(text, args.join(' ')).not.toMatch(RAW);
      expect(text).toContain('\\u001b[2J');
      // The forged text stays inside the one message line that quotes the name.
      expect(text.split('\n').filter((l) => l.startsWith('f/x.yaml'))).toEqual([]);
    }
  });

  it('a Kathará collision domain with ESC is named escaped', async () => {
    const lab = join(dir, 'k');
    await execa('mkdir', ['-p', lab]);
    writeFileSync(join(lab, 'lab.conf'), 'pc1[0]="A\u001b[2J"\npc2[0]="A"\n');
    const r = await cli('import', join(lab, 'lab.conf'));
    expect(r.stdout + r.stderr).not.toMatch(RAW);
  });
});
