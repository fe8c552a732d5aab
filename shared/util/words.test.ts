import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip, counted, listInWords } from './words';

describe('listInWords', () => {
  it('lists every item of a short list', () => {
    expect(listInWords(['a', 'b', 'c'])).toBe('a, b, c');
    expect(listInWords([])).toBe('');
  });

  it('a long list: the first items and how many more, and every item is counted once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes(',')),
          { maxLength: 300 },
        ),
        fc.integer({ min: 3, max: 40 }),
        (items, max) => {
          const s = listInWords(items, max, 'more');
          if (items.length <= max) {
            expect(s).toBe(items.join(', '));
            return;
          }
          const m = / and (\d+) more$/.exec(s);
          expect(m).not.toBeNull();
          const shown = s.slice(0, m!.index).split(', ');
          expect(shown).toEqual(items.slice(0, shown.length));
          expect(shown.length + Number(m![1])).toBe(items.length);
          expect(shown.length).toBeLessThan(max);
        },
      ),
    );
  });
});

describe('clip', () => {
  it('keeps text of at most max characters, else its first max and "…" (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (text, max) => {
        const c = clip(text, max);
        if (text.length <= max) expect(c).toBe(text);
        else expect(c).toBe(`${text.slice(0, max)}…`);
      }),
    );
  });
});

describe('counted', () => {
  it('says one in the singular, any other count in the plural', () => {
    expect(counted(1, 'link')).toBe('1 link');
    expect(counted(0, 'link')).toBe('0 links');
    expect(counted(2, 'node')).toBe('2 nodes');
    expect(counted(1, 'switch', 'switches')).toBe('1 switch');
    expect(counted(3, 'switch', 'switches')).toBe('3 switches');
  });
});
