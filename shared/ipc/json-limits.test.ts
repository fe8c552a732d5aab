import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepth, MAX_JSON_DEPTH, parseUntrustedJson } from './json-limits';

/** The nesting depth of a parsed value, measured the slow, obvious way. */
function depthOf(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  return 1 + Math.max(0, ...Object.values(v).map(depthOf));
}

describe('json-limits', () => {
  it('measures the same depth on the text as on the parsed value (brackets inside strings do not count)', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'medium' }), (text) => {
        expect(jsonDepth(text)).toBe(depthOf(JSON.parse(text)));
      }),
      { numRuns: 2000 },
    );
    expect(jsonDepth('{"a":"[[[{{{\\"]]]"}')).toBe(1);
  });

  it('parses like JSON.parse within the limit', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'small' }), (text) => {
        const r = parseUntrustedJson(text);
        if (text.includes('"__proto__"')) return;
        expect(r).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', ':', ',', '1') }),
        ),
        (text) => {
          const r = parseUntrustedJson(text);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses too deep a text before parsing it, and a "__proto__" key at any depth', () => {
    const at = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(parseUntrustedJson(at(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(parseUntrustedJson(at(MAX_JSON_DEPTH + 1))).toEqual({
      ok: false,
      error: `the message is nested more than ${MAX_JSON_DEPTH} levels deep; netplumb never sends more than ${MAX_JSON_DEPTH}`,
    });
    expect(parseUntrustedJson(at(1_000_000), 'request').ok).toBe(false);
    expect(parseUntrustedJson('{"a":[{"b":{"__proto__":1}}]}')).toEqual({
      ok: false,
      error: 'the message has a key named "__proto__", which netplumb never uses',
    });
    expect(parseUntrustedJson('{"a":{"\\u005f_proto__":{}}}').ok).toBe(false);
    expect(parseUntrustedJson('{"constructor":1,"prototype":2}')).toEqual({
      ok: true,
      value: { constructor: 1, prototype: 2 },
    });
    expect(parseUntrustedJson('{"a":', 'request')).toEqual({
      ok: false,
      error: 'the request is not valid JSON',
    });
  });
});
