import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from './args';
import { applyPrefix, prefixedLab, prefixSetting } from './prefix-config';
import { loadFile } from './load';

const dir = mkdtempSync(join(tmpdir(), 'netplumb-prefix-'));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const args = (...a: string[]) => parseArgs(a, ['prefix']);

describe('the per-user name prefix setting', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = file('config.json', JSON.stringify({ prefix: 'al-' }));

  it('comes from --prefix, else --no-prefix, else the config file; a missing file means none', () => {
    expect(prefixSetting(args('x.yaml', '--prefix', 'bo-'), cfg)).toEqual({ prefix: 'bo-', source: 'flag' });
    expect(prefixSetting(args('x.yaml'), cfg)).toEqual({ prefix: 'al-', source: 'config' });
    expect(prefixSetting(args('x.yaml', '--no-prefix'), cfg)).toEqual({});
    expect(prefixSetting(args('x.yaml'), join(dir, 'none.json'))).toEqual({});
    expect(prefixSetting(args('x.yaml'), file('empty.json', '{}'))).toEqual({});
  });

  it('refuses a bad prefix or a broken config in plain words, naming the file', () => {
    expect(prefixSetting(args('--prefix', 'A B'), cfg).error).toMatch(
      /^--prefix: the name prefix "A B" may use only lower-case letters/,
    );
    expect(prefixSetting(args('--prefix'), cfg).error).toMatch(/needs a value/);
    expect(prefixSetting(args(), file('bad.json', '{ prefix')).error).toMatch(/bad\.json is not valid JSON/);
    expect(prefixSetting(args(), file('num.json', '{"prefix": 3}')).error).toMatch(
      /num\.json: "prefix" must be a string/,
    );
  });

  it('prefixes a loaded file, and locates a name that becomes too long', async () => {
    const f = file(
      'lab.yaml',
      'version: 1\nname: lab\nnodes:\n  - { name: ns1, kind: namespace }\nlinks:\n  - id: l\n    a: { node: ns1, ifname: a-long-ifname }\n    b: { node: ns1, ifname: e1 }\n',
    );
    const ok = await applyPrefix(await loadFile(f), 'x-');
    expect(ok.topology?.name).toBe('x-lab');
    expect(ok.topology?.nodes[0].name).toBe('x-ns1');
    const bad = await applyPrefix(await loadFile(f), 'abcd-');
    expect(bad.problems).toEqual([expect.objectContaining({ code: 'prefix-name-too-long', line: 7 })]);
    expect(prefixedLab('lab', 'x-')).toBe('x-lab');
    expect(prefixedLab('x-lab', 'x-')).toBe('x-lab');
    expect(prefixedLab('lab', undefined)).toBe('lab');
  });
});
