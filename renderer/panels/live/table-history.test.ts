import { describe, expect, it } from 'vitest';
import { addReading, emptyHistory, isNewFdb, type NodeTables } from './table-history';

function reading(at: number, rx: number, fdb: { mac: string; port: string }[]): NodeTables {
  return {
    lab: 'l',
    nodeId: 'br0',
    kind: 'bridge',
    ns: '',
    at,
    interfaces: [
      {
        name: 'p1',
        up: true,
        operstate: 'UP',
        addresses: [],
        rx: { bytes: rx, packets: 0 },
        tx: { bytes: 0, packets: 0 },
      },
    ],
    routes: [],
    neighbours: [],
    fdb,
  };
}

describe('table history', () => {
  it('turns counters into rates and marks entries learned after the first reading', () => {
    let h = emptyHistory('br0');
    h = addReading(h, reading(1000, 100, [{ mac: 'aa', port: 'p1' }]));
    expect(h.rates.p1).toBeUndefined();
    h = addReading(
      h,
      reading(2000, 1100, [
        { mac: 'aa', port: 'p1' },
        { mac: 'bb', port: 'p2' },
      ]),
    );
    expect(h.rates.p1.rx).toEqual([1000]);
    expect(isNewFdb(h, { mac: 'aa', port: 'p1' }, 2500)).toBe(false);
    expect(isNewFdb(h, { mac: 'bb', port: 'p2' }, 2500)).toBe(true);
    expect(isNewFdb(h, { mac: 'bb', port: 'p2' }, 20000)).toBe(false);
  });

  it('never reports a negative rate when a counter restarts', () => {
    let h = emptyHistory('br0');
    h = addReading(h, reading(1000, 5000, []));
    h = addReading(h, reading(2000, 10, []));
    expect(h.rates.p1.rx).toEqual([0]);
  });
});
