import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextUntitled, otherRunningLabs } from './labs-store';

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
});
