/**
 * jsonSyntaxError answers most valid texts without its scanner (JSON.parse,
 * then a count of members against parsed keys). Its answer must be the
 * scanner's for every text: the same null, or the same error at the same place.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, scanJson } from './json-syntax';

const INSERTS = ['', ',', '}', ']', '"', '\\', 'x', ' ', '\n', '{', '[', ':', '-', '0', '\uFEFF'];

/** A JSON text with one member of some object repeated (a duplicate key), when it has an object with a member. */
const withDuplicate = (text: string) =>
  text.replace(/\{("(?:[^"\\]|\\.)*"\s*:\s*(?:[^,{}[\]"]+|"(?:[^"\\]|\\.)*"))/, '{$1,$1');

describe('jsonSyntaxError', () => {
  it('gives the scanner’s answer on random JSON, mutations of it and repeated keys', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom(...INSERTS), (text, at, ins) => {
        const p = at % (text.length + 1);
        for (const t of [text, text.slice(0, p) + ins + text.slice(p), withDuplicate(text), '\uFEFF' + text])
          expect(jsonSyntaxError(t)).toEqual(scanJson(t));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the scanner’s answer on keys written two ways, deep nesting and long numbers', () => {
    for (const t of [
      '{"a":1,"\\u0061":2}',
      '{"__proto__":1,"__proto__":2}',
      '{"__proto__":{"a":1},"b":2}',
      '{"a":"x:y","b":"\\":"}',
      '[' + '['.repeat(600) + ']'.repeat(600) + ']',
      '['.repeat(300) + ']'.repeat(300),
      '['.repeat(513) + '1' + ']'.repeat(513),
      '['.repeat(512) + ']'.repeat(512),
      '[' + '1'.repeat(450) + ']',
      '[' + '1'.repeat(399) + ']',
      '{"n":-' + '9'.repeat(420) + '}',
      '{"a":[true,false,null,-1.5e+3,"\\u00e9"]}',
      '\uFEFF{"a":1}',
      '',
      ' ',
    ])
      expect(jsonSyntaxError(t), t.slice(0, 40)).toEqual(scanJson(t));
    expect(jsonSyntaxError('{"a":1,"\\u0061":2}')?.message).toMatch(/^duplicate key/);
    expect(jsonSyntaxError('['.repeat(600) + ']'.repeat(600))?.message).toBe('nested too deeply');
  });
});
