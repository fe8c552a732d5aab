import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadTopologyText, parseDocumentText } from './document';
import { jsonSyntaxError } from './json-syntax';

/** 1-based line/column of the first occurrence of `needle` (computed, so the tests cannot drift from the text). */
function posOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

const LAB = `version: 1
name: demo
nodes:
  - name: ns1
    kind: namespace
  - name: ns2
    kind: namespace
links:
  - a: { node: ns1, ifname: veth0, addresses: [10.0.0.1/24] }
    b:
      node: ns2
      ifname: 7
`;

describe('parseDocumentText', () => {
  it('maps a problem path to the line and column of the value', () => {
    const r = parseDocumentText(LAB, 'lab.yaml');
    expect(r.problems).toEqual([]);
    expect(r.locate(['links', 0, 'b', 'ifname'])).toEqual(posOf(LAB, '7'));
    expect(r.locate(['links', 0, 'a', 'addresses', 0])).toEqual(posOf(LAB, '10.0.0.1/24'));
    expect(r.locate(['nodes', 1, 'kind'])).toEqual(posOf(LAB, 'namespace', LAB.indexOf('ns2')));
  });

  it('falls back to the nearest existing ancestor for a missing field', () => {
    const r = parseDocumentText(LAB, 'lab.yaml');
    expect(r.locate(['links', 0, 'b', 'mtu'])).toEqual({ line: 11, column: 7 });
    expect(r.locate(['nodes', 9, 'name'])).toEqual({ line: 4, column: 3 });
  });

  it('reports duplicate keys, tabs and broken syntax with a position, never throwing', () => {
    const dup = parseDocumentText('version: 1\nname: a\nname: b\n', 'x.yaml');
    expect(dup.problems).toMatchObject([{ code: 'duplicate-key', severity: 'error', line: 3, column: 1 }]);
    expect(dup.doc).toBeUndefined();
    const tab = parseDocumentText('nodes:\n\t- name: a\n', 'x.yaml');
    expect(tab.problems[0]).toMatchObject({ code: 'tab-indent', line: 2, column: 1 });
    const bad = parseDocumentText('nodes: [a, b\nlinks: 1\n', 'x.yaml');
    expect(bad.problems.length).toBeGreaterThan(0);
    expect(bad.problems[0].line).toBeGreaterThan(0);
  });

  it('says a file holds two YAML documents in words for a person, at the second one', () => {
    const two = parseDocumentText('version: 1\nname: a\n---\nversion: 1\nname: b\n', 'x.yaml');
    expect(two.problems).toMatchObject([{ code: 'multiple-documents', severity: 'error', line: 3 }]);
    expect(two.problems[0].message).toContain('more than one YAML document');
    expect(two.problems[0].message).not.toContain('parseAllDocuments');
  });

  it('reports JSON-only syntax errors in .json files with line:column', () => {
    const r = parseDocumentText('{\n  "version": 1,\n  "name": "x",\n}\n', 'lab.json');
    expect(r.problems).toMatchObject([{ code: 'json-syntax', line: 4, column: 1 }]);
    const c = parseDocumentText('{\n  // comment\n  "version": 1\n}', 'lab.json');
    expect(c.problems[0]).toMatchObject({ code: 'json-syntax', line: 2, column: 3 });
    const json = '{"version": 1, "name": "x", "nodes": [{"name": "a", "kind": "namespace"}]}';
    const ok = parseDocumentText(json, 'lab.json');
    expect(ok.problems).toEqual([]);
    expect(ok.locate(['nodes', 0, 'kind'])).toEqual(posOf(json, '"namespace"'));
  });

  it('refuses duplicate keys in JSON (JSON.parse would keep the last) and locates them', () => {
    const text = '{\n  "version": 1,\n  "name": "a",\n  "na\\u006de": "b"\n}';
    expect(parseDocumentText(text, 'x.json').problems).toMatchObject([
      { code: 'duplicate-key', line: 4, column: 3 },
    ]);
  });

  it('flags an empty file', () => {
    expect(parseDocumentText('', 'x.yaml').problems[0]).toMatchObject({ code: 'empty', line: 1 });
  });

  it('refuses alias bombs without hanging', () => {
    // Nine levels of ten: 10^9 values from a file of a few hundred bytes.
    const level = (i: number) =>
      `l${i}: &l${i} [${Array(10)
        .fill(i ? `*l${i - 1}` : 'x')
        .join(',')}]`;
    const bomb = Array.from({ length: 10 }, (_, i) => level(i)).join('\n') + '\n';
    const r = parseDocumentText(bomb, 'x.yaml');
    expect(r.doc).toBeUndefined();
    expect(r.problems[0]).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/^the aliases \(\*name\) here expand to more than 2,000,000 values/),
      // At the first alias (line 2, "*l0"), not at the top of the file.
      line: 2,
      column: 10,
    });
  });

  it('reads a file that uses one anchor many times (containerlab nodes merging their defaults)', () => {
    const nodes = Array.from(
      { length: 400 },
      (_, i) => `    n${i}:\n      <<: *d\n      mgmt-ipv4: 10.0.${i >> 8}.${i & 255}`,
    );
    const text = `topology:\n  defaults: &d\n    kind: linux\n    image: alpine\n  nodes:\n${nodes.join('\n')}\n`;
    const r = parseDocumentText(text, 'x.clab.yml');
    expect(r.problems).toEqual([]);
    const doc = r.doc as { topology: { nodes: Record<string, { kind: string; image: string }> } };
    expect(Object.keys(doc.topology.nodes)).toHaveLength(400);
    expect(doc.topology.nodes.n399).toEqual({ kind: 'linux', image: 'alpine', 'mgmt-ipv4': '10.0.1.143' });
    // Merged keys a node sets itself win; several anchors merge in order (the first wins).
    const two = parseDocumentText(
      'a: &a {kind: linux, image: x}\nb: &b {image: y, cpu: 2}\nn: {<<: [*a, *b], kind: srl}\n',
      'x.yml',
    );
    expect((two.doc as { n: unknown }).n).toEqual({ kind: 'srl', image: 'x', cpu: 2 });
  });

  it('says a file nested too deeply is, in plain words, at its place', () => {
    for (const text of [
      `version: 1\nnodes: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      `version: 1\nnodes:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i)}- \n`).join('')}`,
    ]) {
      const r = parseDocumentText(text, 'x.yaml');
      expect(r.doc).toBeUndefined();
      expect(r.problems[0]).toMatchObject({
        severity: 'error',
        message: 'not valid YAML: nested too deeply',
      });
      expect(r.problems.map((p) => p.message).join(' ')).not.toMatch(/call stack/);
    }
  });
});

describe('jsonSyntaxError agrees with JSON.parse', () => {
  it('on random JSON and on mutations of it', () => {
    fc.assert(
      fc.property(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', '\\', 'x', ' ', '\n', '{', '[', ':', '-', '0'),
        (text, at, ins) => {
          for (const t of [
            text,
            text.slice(0, at % (text.length + 1)) + ins + text.slice(at % (text.length + 1)),
          ]) {
            let valid = true;
            try {
              JSON.parse(t);
            } catch {
              valid = false;
            }
            const err = jsonSyntaxError(t);
            // Same verdict as JSON.parse, except that duplicate keys are refused.
            if (valid && err) expect(err.message).toMatch(/^duplicate key/);
            else expect(err === null).toBe(valid);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('loadTopologyText', () => {
  it('returns a topology with defaults for a good file', () => {
    const r = loadTopologyText(LAB.replace('ifname: 7', 'ifname: veth1'), 'lab.yaml');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.topology?.links[0].b.up).toBe(true);
    expect(r.topology?.nodes[0].id).toBe('ns1');
  });

  it('puts schema problems at the offending value', () => {
    const r = loadTopologyText(LAB, 'lab.yaml');
    expect(r.topology).toBeUndefined();
    expect(r.problems).toMatchObject([
      { code: 'schema', path: ['links', 0, 'b', 'ifname'], ...posOf(LAB, '7') },
    ]);
  });

  it('puts validation problems (not only schema ones) at their line', () => {
    const text = LAB.replace('ifname: 7', 'ifname: a-name-far-too-long');
    const r = loadTopologyText(text, 'lab.yaml');
    expect(r.topology).toBeDefined();
    const p = r.problems.find((x) => x.severity === 'error' && x.path.join('.') === 'links.0.b.ifname');
    expect(p).toMatchObject(posOf(text, 'a-name-far-too-long'));
  });

  it('locates unknown fields and wrong kinds', () => {
    const r = loadTopologyText('version: 1\nname: x\nnodes:\n  - name: a\n    kind: toaster\n', 'x.yaml');
    expect(r.problems[0]).toMatchObject({ severity: 'error', line: 5 });
  });

  it('never throws and always locates errors on random or mutated input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({
            unit: fc.constantFrom(
              ' ',
              '\t',
              '\n',
              ':',
              '-',
              '[',
              ']',
              '{',
              '}',
              '"',
              "'",
              '&',
              '*',
              '#',
              'a',
              '1',
              '!',
            ),
          }),
        ),
        fc.nat(),
        (noise, at) => {
          const cut = at % (LAB.length + 1);
          for (const text of [noise, LAB.slice(0, cut) + noise + LAB.slice(cut)]) {
            for (const name of ['x.yaml', 'x.json']) {
              const r = loadTopologyText(text, name);
              if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
              for (const p of r.problems) {
                expect(p.line).toBeGreaterThanOrEqual(1);
                expect(p.column).toBeGreaterThanOrEqual(1);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('loadTopologyText on broken documents', () => {
  it('structurally mutated labs, written as YAML or JSON: never a throw, every problem located', async () => {
    const { arbMutatedDocument } = await import('../model/arbitraries');
    const { stringify } = await import('yaml');
    fc.assert(
      fc.property(arbMutatedDocument(), fc.boolean(), (doc, asJson) => {
        let text: string;
        try {
          text = asJson ? (JSON.stringify(doc, null, 2) ?? 'null') : (stringify(doc) ?? ''); // yaml writes nothing for undefined
        } catch {
          return; // not representable (e.g. NaN in JSON is written as null anyway)
        }
        const r = loadTopologyText(text, asJson ? 'lab.json' : 'lab.yaml');
        if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
        for (const p of r.problems) {
          expect(p.line, JSON.stringify(p)).toBeGreaterThanOrEqual(1);
          expect(p.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
