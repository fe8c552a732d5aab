/**
 * `netplumb validate` with a name prefix, as apply would use it (--prefix, or
 * the user's config): names made too long by it are located errors, and
 * --no-prefix leaves the config's out. The command as users run it (bin/).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const home = mkdtempSync(join(tmpdir(), 'np-validate-prefix-'));
const file = join(home, 'lab.yaml');
writeFileSync(
  file,
  [
    'version: 1',
    'name: vp',
    'nodes:',
    '  - { name: ns1, kind: namespace }',
    '  - { name: ns2, kind: namespace }',
    'links:',
    '  - { a: { node: ns1, ifname: veth-one }, b: { node: ns2, ifname: eth0 } }',
    '',
  ].join('\n'),
);
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, 'validate', file, ...args], {
    reject: false,
    env: { HOME: home, NO_COLOR: '1', SUDO_USER: '' },
  });

describe('netplumb validate with a prefix', () => {
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('checks the names with the prefix in front, located in the file; without one they fit', async () => {
    const plain = await cli();
    expect(plain.exitCode, plain.stderr).toBe(0);
    const long = await cli('--prefix', 'student07-');
    expect(long.exitCode).toBe(1);
    expect(long.stdout + long.stderr).toContain(
      `${file}:7:31: error: interface name "veth-one" becomes "student07-veth-one" with the prefix "student07-": 18 bytes, at most 15 allowed`,
    );
    expect(long.stdout).toContain('is not valid with the prefix "student07-"');
    const short = await cli('--prefix', 'al-', '--json');
    expect(short.exitCode).toBe(0);
    expect(JSON.parse(short.stdout)).toMatchObject({ ok: true, prefix: 'al-', problems: [] });
    expect((await cli('--prefix', 'bad/')).exitCode).toBe(1);
  });

  it("takes the user's configured prefix, as apply does, unless --no-prefix", async () => {
    mkdirSync(join(home, '.config', 'netplumb'), { recursive: true });
    writeFileSync(join(home, '.config', 'netplumb', 'config.json'), JSON.stringify({ prefix: 'student07-' }));
    const r = await cli();
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('(from your netplumb config; --no-prefix leaves it out)');
    expect((await cli('--no-prefix')).exitCode).toBe(0);
  });
});
