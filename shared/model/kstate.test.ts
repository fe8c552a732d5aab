import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeMark, markLab } from './kstate';

describe('markLab', () => {
  it('is the second colon-separated field of a netplumb mark, and undefined for any other alias (property)', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', ':', '-', '.', 'n', 'e', 't', 'p', 'l', 'u', 'm'),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          text,
          text.map((t) => `netplumb:${t}`),
        ),
        (alias) => {
          const want = alias.startsWith('netplumb:') ? alias.split(':')[1] : undefined;
          expect(markLab(alias)).toBe(want);
        },
      ),
      { numRuns: 2000 },
    );
    expect(markLab(undefined)).toBeUndefined();
    expect(markLab(makeMark('lab1', 'l1', 'a'))).toBe('lab1');
    expect(markLab('netplumb:')).toBe('');
    expect(markLab('Netplumb:x')).toBeUndefined();
  });
});
