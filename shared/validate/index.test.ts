import { describe, expect, it } from 'vitest';
import { hasErrors, LAB_LIMITS, validate, validateDocument } from './index';
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

describe('validateDocument with seal (the CLI hands the topology it validated to the engine)', () => {
  it('freezes the topology it returns, through and through', () => {
    const r = validateDocument(baseInput(), { seal: true });
    const t = r.topology!;
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.nodes[0])).toBe(true);
    expect(Object.isFrozen(t.links[0].a)).toBe(true);
    expect(() => {
      (t.nodes as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('gives a sealed topology back as it is, with the same problems, instead of checking it again', () => {
    const doc = baseInput();
    doc.links[0].a.ifname = 'x'.repeat(20);
    const first = validateDocument(doc, { seal: true });
    const again = validateDocument(first.topology);
    // A validation that runs makes a new object (zod copies); only the shortcut returns the same one.
    expect(again.topology).toBe(first.topology);
    expect(again.problems).toEqual(first.problems);
    // Its problems are the caller's own copy: changing them changes nothing later.
    again.problems.push({ code: 'x', severity: 'error', message: 'x', path: [] });
    again.problems[0].message = 'changed';
    expect(validateDocument(first.topology).problems).toEqual(first.problems);
  });

  it('never hands a caller its own object back: equal content that was not sealed is validated again', () => {
    const sealed = validateDocument(baseInput(), { seal: true }).topology!;
    const copy = structuredClone(sealed);
    const r = validateDocument(copy);
    expect(r.topology).not.toBe(copy);
    expect(r.topology).toEqual(sealed);
    expect(Object.isFrozen(r.topology)).toBe(false);
    // Without seal nothing is frozen or remembered.
    const plain = validateDocument(baseInput()).topology!;
    expect(Object.isFrozen(plain)).toBe(false);
    expect(validateDocument(plain).topology).not.toBe(plain);
  });
});

describe('validateDocument with remember (the engine: the same document again is not checked twice)', () => {
  it("gives the same content back validated once: a sealed topology that is never the caller's object, and problems of the caller's own", () => {
    const doc = baseInput();
    doc.links[0].a.ifname = 'x'.repeat(20);
    const first = validateDocument(doc, { remember: true });
    const again = validateDocument(structuredClone(doc), { remember: true });
    expect(first.topology).not.toBe(doc);
    expect(again.topology).toBe(first.topology);
    expect(Object.isFrozen(again.topology)).toBe(true);
    expect(again.problems).toEqual(validateDocument(doc).problems);
    again.problems[0].message = 'changed';
    expect(validateDocument(doc, { remember: true }).problems).toEqual(first.problems);
  });

  it('different content is validated anew: one byte changes the answer', () => {
    const ok = baseInput();
    const bad = baseInput();
    bad.links[0].a.ifname = 'x'.repeat(20);
    expect(validateDocument(ok, { remember: true }).problems).toEqual([]);
    expect(validateDocument(bad, { remember: true }).problems.map((p) => p.code)).toEqual([
      'ifname-too-long',
    ]);
    expect(validateDocument(ok, { remember: true }).problems).toEqual([]);
  });

  it('what JSON cannot say exactly is validated each time, never answered from a document it would print the same as', () => {
    // NaN and null print alike ("null"); so do a Date and its text, and a missing key and an undefined one.
    const withNull = baseInput() as unknown as { links: { a: Record<string, unknown> }[] };
    withNull.links[0].a.mtu = null;
    const withNaN = structuredClone(withNull);
    withNaN.links[0].a.mtu = Number.NaN;
    const nullAnswer = validateDocument(withNull, { remember: true });
    const nanAnswer = validateDocument(withNaN, { remember: true });
    // The schema words them apart: the answer for NaN is its own, not the remembered one for null.
    expect(nanAnswer.problems).toEqual(validateDocument(withNaN).problems);
    expect(nanAnswer.problems).not.toEqual(nullAnswer.problems);
    const dated = baseInput() as unknown as Record<string, unknown>;
    dated.name = new Date(0);
    expect(validateDocument(dated, { remember: true }).problems).toEqual(validateDocument(dated).problems);
    expect(Object.isFrozen(validateDocument(dated, { remember: true }).topology ?? {})).toBe(false);
  });

  it("a value that changes as it is read is validated as the text it gave: the answer is that text's", () => {
    let reads = 0;
    const doc = baseInput() as unknown as Record<string, unknown>;
    const name = doc.name;
    Object.defineProperty(doc, 'name', {
      enumerable: true,
      get: () => (reads++ === 0 ? name : 'x'.repeat(300)),
    });
    const r = validateDocument(doc, { remember: true });
    expect(r.problems).toEqual([]);
    expect(r.topology?.name).toBe(name);
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

describe('lab size limits', () => {
  it('refuses more nodes or links than a lab may have, before the schema, in plain words', () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `n${i}`, name: `n${i}`, kind: 'namespace' }));
    const r = validateDocument({ version: 1, name: 'big', nodes: many(LAB_LIMITS.nodes + 1), links: [] });
    expect(r.topology).toBeUndefined();
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'lab-too-large',
        path: ['nodes'],
        message: `The file has ${LAB_LIMITS.nodes + 1} nodes; a lab may have at most ${LAB_LIMITS.nodes}. Split it into several labs.`,
      }),
    ]);
    const links = Array.from({ length: LAB_LIMITS.links + 1 }, (_, i) => ({ id: `l${i}` }));
    expect(validateDocument({ version: 1, name: 'big', nodes: [], links }).problems).toMatchObject([
      { code: 'lab-too-large', path: ['links'] },
    ]);
  });
});
