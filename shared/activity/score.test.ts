import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECK_KINDS, type ActivityCheck } from '../model';
import type { PlacedCheck } from './checks';
import { hintFor, refusedReport, scoreChecks, type CheckOutcome, type CheckStatus } from './score';

const check = (id: string, points: number, x: Partial<PlacedCheck> = {}): PlacedCheck =>
  ({ id, kind: 'reach', from: 'a', to: 'b', points, breakIt: false, hidden: false, ...x }) as PlacedCheck;
const outcome = (id: string, status: CheckStatus): CheckOutcome => ({
  id,
  status,
  detail: status,
  at: '2026-01-01T00:00:00.000Z',
});

describe('scoreChecks', () => {
  it('counts passes; break-it and skipped checks are not counted; errors and missing outcomes earn nothing', () => {
    const checks = [
      check('a', 2),
      check('b', 3),
      check('c', 1, { breakIt: true }),
      check('d', 4, { kind: 'rtt' } as Partial<PlacedCheck>),
      check('e', 1, { hidden: true }),
      check('f', 5),
    ];
    const r = scoreChecks(checks, [
      outcome('a', 'pass'),
      outcome('b', 'fail'),
      outcome('c', 'pass'),
      outcome('d', 'skipped'),
      outcome('e', 'error'),
    ]);
    expect([r.score, r.max]).toEqual([2, 11]);
    expect(r.rows.map((x) => [x.id, x.status, x.earned, x.graded])).toEqual([
      ['a', 'pass', 2, true],
      ['b', 'fail', 0, true],
      ['c', 'pass', 0, false],
      ['d', 'skipped', 0, false],
      ['e', 'error', 0, true],
      ['f', 'not run', 0, true],
    ]);
    expect(r.rows[0].hint).toBeUndefined();
    expect(r.rows[1].hint).toMatch(/Follow the packet/);
  });

  it('property: 0 ≤ score ≤ max, max is the points of the counted checks, all passing gives full marks', () => {
    const arb = fc.array(
      fc.record({
        points: fc.nat(20),
        breakIt: fc.boolean(),
        status: fc.constantFrom<CheckStatus>('pass', 'fail', 'error', 'skipped'),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, (xs) => {
        const checks = xs.map((x, i) => check(`c${i}`, x.points, { breakIt: x.breakIt }));
        const r = scoreChecks(
          checks,
          xs.map((x, i) => outcome(`c${i}`, x.status)),
        );
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(r.max);
        expect(r.max).toBe(
          xs.filter((x) => !x.breakIt && x.status !== 'skipped').reduce((s, x) => s + x.points, 0),
        );
        const all = scoreChecks(
          checks,
          xs.map((_, i) => outcome(`c${i}`, 'pass')),
        );
        expect(all.score).toBe(all.max);
      }),
    );
  });

  it('a refused submission scores 0 out of the full max, every check "not run" with the reason', () => {
    const r = refusedReport(
      { student: 's', file: 'f', activity: 'a', startedAt: 't', finishedAt: 't' },
      [check('a', 2), check('b', 1, { breakIt: true })],
      'refused',
      'changes locked parts',
    );
    expect([r.score, r.max, r.status, r.reason]).toEqual([0, 2, 'refused', 'changes locked parts']);
    expect(r.checks.map((c) => [c.status, c.detail])).toEqual([
      ['not run', 'not run: changes locked parts'],
      ['not run', 'not run: changes locked parts'],
    ]);
  });

  it("has a hint for every kind, and the author's hint wins", () => {
    for (const kind of CHECK_KINDS)
      expect(
        hintFor({ id: 'x', kind, points: 1, breakIt: false } as unknown as ActivityCheck, 'fail').length,
      ).toBeGreaterThan(10);
    expect(hintFor({ ...check('x', 1), hint: 'look at h1' }, 'fail')).toBe('look at h1');
    expect(hintFor(check('x', 1), 'skipped')).toMatch(/does not count/);
  });
});
