import { describe, expect, it } from 'vitest';
import { validate } from './index';
import { byteLength, checkIfName, checkLabName, checkNetnsName } from './names';
import { baseInput, topo, variant, withCode } from './test-fixtures';

describe('base lab', () => {
  it('validates without problems', () => {
    expect(validate(topo(baseInput()))).toEqual([]);
  });
});

describe('lab name', () => {
  it.each(['lab1', 'a', 'my-lab_2.v1', 'x'.repeat(32)])('accepts %s', (n) =>
    expect(checkLabName(n)).toBeNull(),
  );
  it.each(['', 'Lab', 'lab one', 'lab/1', 'lab:1', '-lab', '.hidden', 'x'.repeat(33), 'läb'])(
    'rejects %j',
    (n) => {
      expect(checkLabName(n)?.code).toBe('lab-name-invalid');
    },
  );
  it('reports with path ["name"] and explains the file-name use', () => {
    const ps = withCode(validate(variant((d) => (d.name = 'My Lab'))), 'lab-name-invalid');
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ severity: 'error', path: ['name'] });
    expect(ps[0].message).toMatch(/file names/);
  });
});

describe('interface names', () => {
  it('counts UTF-8 bytes', () => {
    expect(byteLength('eth0')).toBe(4);
    expect(byteLength('ééééééé')).toBe(14);
    expect(checkIfName('éééééééé')?.code).toBe('ifname-too-long'); // 8 chars, 16 bytes
    expect(checkIfName('a'.repeat(15))).toBeNull();
    expect(checkIfName('a'.repeat(16))?.code).toBe('ifname-too-long');
  });
  it.each([
    '',
    'a/b',
    'a:b',
    'a b',
    'a\tb',
    '.',
    '..',
    'veth%d',
    '-x',
    'a\u0001',
    'a"b',
    "a'b",
    'a\\b',
    'a#b',
    'a@b',
    'a+b',
    'é',
  ])('rejects %j as invalid', (n) => {
    expect(checkIfName(n)?.code).toBe('ifname-invalid');
  });
  it.each(['lo', 'all', 'default', 'bonding_masters'])('rejects reserved %s', (n) =>
    expect(checkIfName(n)?.code).toBe('ifname-reserved'),
  );
  it.each(['eth0', 'veth-a.1', 'br_0', 'x', '.x', 'x..', '1.2.3.4', 'dev', 'A-Z_0.9'])('accepts %s', (n) =>
    expect(checkIfName(n)).toBeNull(),
  );
  it.each(['constructor', 'valueOf', '__proto__', 'toString'])(
    'refuses the JavaScript object key %s',
    (n) => {
      expect(checkIfName(n)?.code).toBe('ifname-reserved');
      expect(checkNetnsName(n)?.code).toBe('netns-name-invalid');
    },
  );

  it('names the link, the node and the offending character in plain words', () => {
    const ps = withCode(validate(variant((d) => (d.links[0].a.ifname = 've"th#1'))), 'ifname-invalid');
    expect(ps).toMatchObject([
      { severity: 'error', path: ['links', 0, 'a', 'ifname'], linkId: 'l1', nodeId: 'ns1' },
    ]);
    expect(ps[0].message).toBe(
      'Link ns1:ve"th#1 — r1:eth0: interface name "ve\\"th#1" on ns1 contains "\\""; only letters a–z and A–Z, digits, "-", "_" and "." are allowed; ip -batch would read quotes, "#" or "\\" as quoting, a comment or a line continuation.',
    );
    expect(checkIfName('a b')?.reason).toMatch(/contains a space; .* Linux itself refuses/);
  });

  it('reports a long link-end name with the message, path, link and node', () => {
    const ps = validate(variant((d) => (d.links[1].a.ifname = 'this-name-is-too-long')));
    const p = withCode(ps, 'ifname-too-long');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({
      severity: 'error',
      path: ['links', 1, 'a', 'ifname'],
      linkId: 'l2',
      nodeId: 'r1',
    });
    expect(p[0].message).toBe(
      'Link r1:this-name-is-too-long — br0:br0-p1: interface name "this-name-is-too-long" on r1 is 21 bytes; Linux allows at most 15.',
    );
  });

  it('reports "lo" as a link end', () => {
    const p = withCode(validate(variant((d) => (d.links[0].a.ifname = 'lo'))), 'ifname-reserved');
    expect(p).toMatchObject([{ path: ['links', 0, 'a', 'ifname'], linkId: 'l1', nodeId: 'ns1' }]);
  });

  it('warns about the names of fallback tunnel devices', () => {
    const ps = validate(variant((d) => (d.links[0].a.ifname = 'gre0')));
    expect(ps).toMatchObject([
      {
        code: 'ifname-fallback-tunnel',
        severity: 'warning',
        path: ['links', 0, 'a', 'ifname'],
        nodeId: 'ns1',
        linkId: 'l1',
      },
    ]);
  });

  it('checks bridge names as interface names', () => {
    const p = validate(variant((d) => (d.nodes[3].name = 'bridge:zero')));
    expect(withCode(p, 'ifname-invalid')).toMatchObject([{ path: ['nodes', 3, 'name'], nodeId: 'br0' }]);
  });
});

describe('namespace names', () => {
  it.each(['ns1', 'Red-1', 'a.b_c', 'x'.repeat(64)])('accepts %s', (n) =>
    expect(checkNetnsName(n)).toBeNull(),
  );
  it.each(['', '.', '..', 'a/b', 'a b', '-n', 'ns$1', 'a#b', 'a"b', "a'b", 'a\\b', 'ns:1', 'ä'])(
    'rejects %j',
    (n) => expect(checkNetnsName(n)?.code).toBe('netns-name-invalid'),
  );
  it('says which character is refused', () =>
    expect(checkNetnsName('red#1')?.reason).toMatch(/^namespace name "red#1" contains "#"; only letters/));
  it('rejects more than 64 characters', () =>
    expect(checkNetnsName('x'.repeat(65))?.code).toBe('netns-name-too-long'));
  it('reports on the node name', () => {
    const p = validate(variant((d) => (d.nodes[2].name = '../etc')));
    expect(withCode(p, 'netns-name-invalid')).toMatchObject([
      { path: ['nodes', 2, 'name'], nodeId: 'r1', severity: 'error' },
    ]);
  });
});
