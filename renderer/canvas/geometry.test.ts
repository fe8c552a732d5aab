import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { borderPoint, midTextOffsets, netemText } from './geometry';

describe('floating link ends', () => {
  it('side by side: the line leaves through the facing sides', () => {
    const a = { x: 0, y: 0, w: 100, h: 40 };
    const b = { x: 300, y: 0, w: 100, h: 40 };
    expect(borderPoint(a, b)).toEqual({ x: 100, y: 20 });
    expect(borderPoint(b, a)).toEqual({ x: 300, y: 20 });
  });

  it('one above the other: top and bottom', () => {
    expect(borderPoint({ x: 0, y: 0, w: 100, h: 40 }, { x: 0, y: 200, w: 100, h: 40 })).toEqual({
      x: 50,
      y: 40,
    });
  });

  it('property: the point lies on the border of the box, on the way to the other centre', () => {
    const box = fc.record({
      x: fc.integer({ min: -500, max: 500 }),
      y: fc.integer({ min: -500, max: 500 }),
      w: fc.integer({ min: 10, max: 200 }),
      h: fc.integer({ min: 10, max: 200 }),
    });
    fc.assert(
      fc.property(box, box, (a, b) => {
        const p = borderPoint(a, b);
        const cx = a.x + a.w / 2;
        const cy = a.y + a.h / 2;
        if (cx === b.x + b.w / 2 && cy === b.y + b.h / 2) return;
        const onX = Math.abs(Math.abs(p.x - cx) - a.w / 2) < 1e-6 && Math.abs(p.y - cy) <= a.h / 2 + 1e-6;
        const onY = Math.abs(Math.abs(p.y - cy) - a.h / 2) < 1e-6 && Math.abs(p.x - cx) <= a.w / 2 + 1e-6;
        expect(onX || onY).toBe(true);
        // Same direction as the other centre.
        expect((p.x - cx) * (b.x + b.w / 2 - cx) + (p.y - cy) * (b.y + b.h / 2 - cy)).toBeGreaterThan(0);
      }),
    );
  });
});

describe('netem on a link', () => {
  it('says what is set in a few words', () => {
    expect(netemText(undefined)).toBe('');
    expect(netemText({})).toBe('');
    expect(netemText({ delayMs: 50, jitterMs: 5, lossPercent: 1 })).toBe('50 ms ±5, 1% loss');
    expect(netemText({ rateKbit: 2000 })).toBe('2 Mbit/s');
    expect(netemText({ rateKbit: 512, delayMs: 0 })).toBe('0 ms, 512 kbit/s');
  });
});

describe('texts at a link midpoint', () => {
  // A text of ~11 px font occupies about [baseline - 10, baseline + 3]; the "down" pill is [-8, 8].
  const box = (baseline: number) => [baseline - 10, baseline + 3] as const;
  const overlap = (a: readonly [number, number], b: readonly [number, number]) => a[0] < b[1] && b[0] < a[1];
  it('never puts the kind label, link emulation and the down pill on top of each other', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), (kind, netem, down) => {
        const o = midTextOffsets({ kind, netem, down });
        const shown: (readonly [number, number])[] = [];
        if (kind) shown.push(box(o.kind));
        if (netem) shown.push(box(o.netem));
        if (down) shown.push([-8, 8]);
        for (let i = 0; i < shown.length; i++)
          for (let j = i + 1; j < shown.length; j++) expect(overlap(shown[i], shown[j])).toBe(false);
      }),
    );
  });
  it('keeps link emulation above the line when it is the only text', () => {
    expect(midTextOffsets({ kind: false, netem: true, down: false }).netem).toBeLessThan(0);
  });
});
