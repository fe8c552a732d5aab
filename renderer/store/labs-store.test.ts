import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextUntitled, otherLabsText, otherRunningLabs } from './labs-store';

describe('names of new drawings', () => {
  it("are untitled-N after the remembered counter, never a running lab's name", () => {
    expect(nextUntitled(0, [])).toEqual({ name: 'untitled-1', counter: 1 });
    expect(nextUntitled(2, ['untitled-3', 'untitled-4'])).toEqual({ name: 'untitled-5', counter: 5 });
    expect(nextUntitled(Number.NaN, ['untitled-1'])).toEqual({ name: 'untitled-2', counter: 2 });
  });

  it('property: the name is fresh and the counter only grows', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.array(fc.nat(60).map((n) => `untitled-${n}`)), (counter, taken) => {
        const r = nextUntitled(counter, taken);
        expect(taken).not.toContain(r.name);
        expect(r.counter).toBeGreaterThan(counter);
        expect(r.name).toBe(`untitled-${r.counter}`);
      }),
    );
  });

  it("the reattach offer names running labs other than the drawing's", () => {
    const labs = [
      { name: 'a', state: 'applied' as const, namespaces: [] },
      { name: 'b', state: 'partial' as const, namespaces: [] },
      { name: 'c', state: 'unknown' as const, namespaces: [] },
    ];
    expect(otherRunningLabs(labs, 'a').map((l) => l.name)).toEqual(['b']);
    expect(otherRunningLabs(null, 'a')).toEqual([]);
  });

  it('the offer says "running" only when every lab it names runs; one partly there is said so', () => {
    const lab = (name: string, state: 'applied' | 'partial' | 'rolling-back') => ({
      name,
      state,
      namespaces: [],
    });
    expect(otherLabsText([lab('a', 'applied')])).toBe('A lab is running on this host: a.');
    expect(otherLabsText([lab('a', 'applied'), lab('b', 'applied')])).toBe(
      '2 labs are running on this host: a, b.',
    );
    expect(otherLabsText([lab('a', 'applied'), lab('b', 'partial')])).toBe(
      '2 labs are on this host: a, b (partly there).',
    );
    expect(otherLabsText([lab('c', 'rolling-back')])).toBe('A lab is on this host: c (rolling back).');
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => lab(n, 'applied'));
    expect(otherLabsText(six)).toBe('6 labs are running on this host: a, b, c, d and 2 more.');
  });
});
