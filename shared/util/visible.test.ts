import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { visible } from './visible';

describe('visible', () => {
  it('escapes every control character and line separator, and leaves other text alone', () => {
    expect(visible('a\u001b[2J\u0007\nb\u2028c\u0085é')).toBe('a\\u001b[2J\\u0007\\u000ab\\u2028c\\u0085é');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const v = visible(s);
        // eslint-disable-next-line no-control-regex
        expect(v).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        // Nothing but those characters changes: removing the escapes of the input's own gives it back.
        expect(v.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))).toBe(
          s.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
        );
      }),
      { numRuns: 500 },
    );
  });
});
