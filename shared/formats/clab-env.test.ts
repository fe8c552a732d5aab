/**
 * containerlab's environment variables read with none set: defaults are used,
 * the rest stays as written, every `${…}` is named at its own line and column.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandClabEnv } from './clab-env';

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const value = fc.stringMatching(/^[^}\n$]{0,12}$/);
const plain = fc.stringMatching(/^[^$]{0,20}$/);

describe('expandClabEnv', () => {
  it('uses the default of := :- = -, keeps ${VAR} and + as written, and locates each one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(plain, name, fc.constantFrom(':=', ':-', '=', '-', '', ':+', '+'), value), {
          maxLength: 6,
        }),
        plain,
        (parts, tail) => {
          let text = '';
          let expected = '';
          const places: { line: number; column: number }[] = [];
          for (const [before, n, op, d] of parts) {
            text += before;
            expected += before;
            const lines = text.split('\n');
            places.push({ line: lines.length, column: lines[lines.length - 1].length + 1 });
            const v = op === '' ? `\${${n}}` : `\${${n}${op}${d}}`;
            text += v;
            expected += op === '' || op.endsWith('+') ? v : d;
          }
          text += tail;
          expected += tail;
          const r = expandClabEnv(text);
          expect(r.text).toBe(expected);
          expect(r.problems.map((p) => ({ line: p.line, column: p.column }))).toEqual(places);
          expect(r.problems.every((p) => p.severity === 'warning' && p.code === 'clab-env')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves a text without ${ alone, bare $VAR included', () => {
    expect(expandClabEnv('exec:\n  - sh -c "echo $HOME"\n')).toEqual({
      text: 'exec:\n  - sh -c "echo $HOME"\n',
      problems: [],
    });
  });
});
