/**
 * jsonLocator places a path in a JSON text where the YAML parser does
 * (document.ts reads a .yaml name with it): every path into random JSON
 * values written with random spacing, paths that stop short, run past a
 * value, index what is not an array or name what is missing, and texts with
 * a byte order mark, CRLF line ends, and any UTF-16 text in keys and
 * strings, written as it is or as \u escapes. A lone carriage
 * return, which the YAML parser reads otherwise, has a test of its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locatorFor, parseDocumentText } from './document';
import { jsonLocator } from './json-locate';
import type { DocPath } from './text-load';

/** The YAML parser's answer (the reference). */
const yamlAnswer = (text: string, path: DocPath) => parseDocumentText(text, 'f.yaml').locate(path);

/** Every path to a value of `v`, each followed by one step that does not exist there. */
function pathsOf(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at, [...at, 'missing'], [...at, 7]);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      pathsOf(x, [...at, k], out);
      // A key that reads as a number names the member, as "0" does.
      if (/^(0|[1-9]\d{0,5})$/.test(k)) out.push([...at, Number(k)]);
    }
  return out;
}

/** A JSON string of `s` with every character outside printable ASCII, and every "e", written as a \u escape. */
const escaped = (s: string) =>
  `"${Array.from({ length: s.length }, (_, i) => s.charCodeAt(i))
    .map((u) =>
      u === 0x22 || u === 0x5c
        ? `\\${String.fromCharCode(u)}`
        : u < 0x20 || u > 0x7e || u === 0x65
          ? `\\u${u.toString(16).padStart(4, '0')}`
          : String.fromCharCode(u),
    )
    .join('')}"`;

/** JSON text of `v` with the spacing `gaps` give, in the places JSON allows it; strings \u-escaped when `escape`. */
function spaced(v: unknown, gaps: string[], escape = false): string {
  let k = 0;
  const gap = () => gaps[k++ % gaps.length];
  const str = (x: string) => (escape ? escaped(x) : JSON.stringify(x));
  const write = (x: unknown): string => {
    if (Array.isArray(x)) return `[${gap()}${x.map((y) => write(y) + gap()).join(',' + gap())}]`;
    if (x && typeof x === 'object')
      return `{${gap()}${Object.entries(x)
        .map(([key, y]) => `${str(key)}${gap()}:${gap()}${write(y)}${gap()}`)
        .join(',' + gap())}}`;
    return typeof x === 'string' ? str(x) : JSON.stringify(x);
  };
  return gap() + write(v) + gap();
}

// Not a lone "\r": see the last test.
const GAP = fc.array(fc.constantFrom('', ' ', '\n', '\r\n', '\t', '  \n    '), {
  minLength: 1,
  maxLength: 8,
});
// Any UTF-16 text (lone surrogates, U+2028, U+0085 among it), and keys that read as numbers or are special.
const KEY = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '0',
    '12',
    '01',
    '1.0',
    '-0',
    'nodes',
    'a"b',
    'a\\b',
    'é',
    '\u2028',
    '\u0085',
    '__proto__',
    '\ud800',
  ),
);
const VALUE = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
    ),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(KEY, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('jsonLocator', () => {
  it('places every path where the YAML parser does, on random JSON texts', () => {
    fc.assert(
      fc.property(VALUE, GAP, fc.boolean(), fc.boolean(), (v, gaps, bom, escape) => {
        const text = (bom ? '\uFEFF' : '') + spaced(v, gaps, escape);
        // The text is JSON, and reads back as the value it was written from (as JSON has it: -0 is 0).
        const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
        expect(parsed).toEqual(JSON.parse(JSON.stringify(v)));
        const locate = jsonLocator(text);
        expect(locate).toBeDefined();
        for (const path of pathsOf(parsed))
          expect([path, locate!(path)]).toEqual([path, yamlAnswer(text, path)]);
      }),
      { numRuns: 300 },
    );
  });

  it('places the paths of a topology written by JSON.stringify with indentation', () => {
    const topology = {
      version: 1,
      name: 'lab',
      nodes: [
        { id: 'ns1', kind: 'namespace', name: 'ns1' },
        { id: 'br0', kind: 'bridge', name: 'br0' },
      ],
      links: [
        { id: 'l1', a: { node: 'ns1', ifname: 'eth0', addresses: ['10.0.0.1/24'] }, b: { node: 'br0' } },
      ],
    };
    for (const text of [JSON.stringify(topology, null, 2), JSON.stringify(topology)]) {
      const locate = jsonLocator(text)!;
      for (const path of pathsOf(topology)) expect(locate(path)).toEqual(yamlAnswer(text, path));
      // The address's own line, at its opening quote.
      const at = locate(['links', 0, 'a', 'addresses', 0])!;
      expect(text.split('\n')[at.line - 1].slice(at.column - 1)).toMatch(/^"10\.0\.0\.1\/24"/);
    }
  });

  it('answers undefined for what is not JSON, and locatorFor then asks the YAML parser', () => {
    for (const text of [
      'version: 1\nname: x\n',
      '{"a": 1,}',
      '{"a": 1} x',
      '',
      '[1, 2',
      '{"a": tru}',
      '{a: 1}',
    ]) {
      expect(jsonLocator(text)).toBeUndefined();
      expect(locatorFor(text)(['name'])).toEqual(yamlAnswer(text, ['name']));
    }
    expect(locatorFor('version: 1\nname: x\n')(['name'])).toEqual({ line: 2, column: 7 });
  });

  it('finds the first of repeated keys, as the YAML parser does', () => {
    const text = '{"a": 1,\n "a": 2}';
    expect(jsonLocator(text)!(['a'])).toEqual({ line: 1, column: 7 });
    expect(jsonLocator(text)!(['a'])).toEqual(yamlAnswer(text, ['a']));
  });

  it('places a value after a lone carriage return on the value, lines counted by line feeds', () => {
    // JSON allows a lone "\r" as space; the YAML parser reads the text around one otherwise (it
    // starts the document at the "\r" and loses the member after one). Lines are counted as a
    // syntax error's are (text-load.ts offsetToPosition): by "\n".
    const text = '{"a":\r1,\r"b":\n2}';
    const locate = jsonLocator(text)!;
    expect(locate(['a'])).toEqual({ line: 1, column: 7 });
    expect(locate(['b'])).toEqual({ line: 2, column: 1 });
    expect(jsonLocator('\r{}')!([])).toEqual({ line: 1, column: 2 });
  });
});
