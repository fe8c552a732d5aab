import { describe, expect, it } from 'vitest';
import { sameTraffic, trafficFrom } from './traffic';

const rate = (b: number) => ({ bytesPerSec: b, packetsPerSec: b / 100 });
const link = (linkId: string, ab: number, ba: number, up = true) => ({
  linkId,
  up,
  aToB: rate(ab),
  bToA: rate(ba),
  totals: { aTxBytes: 0, bTxBytes: 0 },
});

describe('link traffic', () => {
  it('animates only links with traffic, in the busier direction, with a level from the rate', () => {
    const t = trafficFrom({
      lab: 'l',
      at: 0,
      intervalSec: 1,
      links: [
        link('idle', 0, 0),
        link('ping', 98, 98),
        link('bulk', 10, 5_000_000),
        link('down', 500, 0, false),
      ],
    });
    expect(Object.keys(t).sort()).toEqual(['bulk', 'ping']);
    expect(t.ping).toMatchObject({ dir: 'ab', level: 1 });
    expect(t.bulk).toMatchObject({ dir: 'ba', level: 3 });
  });

  it('compares maps by what is drawn', () => {
    expect(
      sameTraffic(
        { x: { dir: 'ab', level: 1, bytesPerSec: 5 } },
        { x: { dir: 'ab', level: 1, bytesPerSec: 9 } },
      ),
    ).toBe(true);
    expect(
      sameTraffic(
        { x: { dir: 'ab', level: 1, bytesPerSec: 5 } },
        { x: { dir: 'ba', level: 1, bytesPerSec: 5 } },
      ),
    ).toBe(false);
    expect(sameTraffic({}, { x: { dir: 'ab', level: 1, bytesPerSec: 5 } })).toBe(false);
  });
});
