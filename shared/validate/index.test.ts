import { describe, expect, it } from 'vitest';
import { hasErrors, validate, validateDocument } from './index';
import type { Topology } from '../model';
import { baseInput } from './test-fixtures';

describe('validateDocument', () => {
  it('returns the parsed topology and no problems for a valid document', () => {
    const r = validateDocument(baseInput());
    expect(r.problems).toEqual([]);
    expect(r.topology?.nodes.map((n) => n.id)).toEqual(['ns1', 'ns2', 'r1', 'br0']);
  });

  it('reports schema problems with a path and no topology', () => {
    const doc = baseInput();
    doc.links[0].a.mtu = 'big';
    const r = validateDocument(doc);
    expect(r.topology).toBeUndefined();
    expect(r.problems).toMatchObject([
      { code: 'schema', severity: 'error', path: ['links', 0, 'a', 'mtu'], linkId: 'l1' },
    ]);
  });

  it('runs the rules after the schema', () => {
    const doc = baseInput();
    doc.links[0].a.ifname = 'x'.repeat(20);
    const r = validateDocument(doc);
    expect(r.topology).toBeDefined();
    expect(r.problems.map((p) => p.code)).toEqual(['ifname-too-long']);
    expect(hasErrors(r.problems)).toBe(true);
  });

  it('reports a too-new version', () => {
    const r = validateDocument({ ...baseInput(), version: 99 });
    expect(r.problems).toMatchObject([{ code: 'unsupported-version', path: ['version'] }]);
  });

  it.each([
    null,
    undefined,
    0,
    'lab',
    [],
    [1, 2],
    { nodes: 'x' },
    { version: 1, name: 'a', nodes: [null] },
    { version: 'one' },
    { version: 1, name: 'a', links: [{ a: 1, b: 2 }] },
  ])('never throws on %j', (input) => {
    const r = validateDocument(input);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(hasErrors(r.problems)).toBe(true);
  });

  it('handles the old (version 0) link form through migrations', () => {
    const doc = baseInput() as unknown as Record<string, unknown> & { links: Record<string, unknown>[] };
    doc.version = 0;
    doc.links = doc.links.map(({ a, b, ...rest }) => ({ ...rest, endpoints: [a, b] }));
    expect(validateDocument(doc).problems).toEqual([]);
  });
});

describe('validate on objects built in code', () => {
  it('does not throw on missing arrays and reports internal errors as problems', () => {
    const t = {
      version: 1,
      name: 'x',
      nodes: [{ id: 'n', name: 'n', kind: 'namespace' }],
      links: [{ id: 'l', a: { node: 'n', ifname: 'a' }, b: { node: 'n', ifname: 'b' } }],
    } as unknown as Topology;
    expect(() => validate(t)).not.toThrow();
    expect(validate(t)).toEqual([]);
    const sparse = {
      version: 1,
      name: 'x',
      nodes: [
        { id: 'n', name: 'n', kind: 'router', sysctls: { 'net.ipv6.conf.all.disable_ipv6': 1 } },
        { id: 'b', name: 'b', kind: 'bridge', vlanFiltering: true },
      ],
      links: [
        {
          id: 'l',
          a: { node: 'n', ifname: 'a', mtu: 1200 },
          b: { node: 'b', ifname: 'p', vlans: { pvid: 5 } },
        },
      ],
    } as unknown as Topology;
    expect(validate(sparse).filter((p) => p.code === 'internal-error')).toEqual([]);
    const weird = { version: 1, name: 'x', nodes: [null], links: [null] } as unknown as Topology;
    const ps = validate(weird);
    expect(ps.some((p) => p.code === 'internal-error')).toBe(true);
  });
});
