import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CapturePoint } from './trace-explain';
import { orderCaptures, type Capture } from './trace-order';
import { parseTcpdumpLine, toNanos } from './trace-parse';

// h1 —l1— r1 —l2— h2; MACs per end.
const MAC = {
  h1: '02:00:00:00:01:01',
  r1a: '02:00:00:00:01:02',
  r1b: '02:00:00:00:02:01',
  h2: '02:00:00:00:02:02',
};
const pt = (
  nodeId: string,
  linkId: string,
  end: 'a' | 'b',
  mac: string,
  nodeKind: CapturePoint['nodeKind'] = 'namespace',
): CapturePoint => ({
  nodeId,
  nodeName: nodeId,
  nodeKind,
  iface: 'eth0',
  linkId,
  end,
  mac,
  nodeAddresses: [],
});
const P = {
  h1: pt('h1', 'l1', 'a', MAC.h1),
  r1a: pt('r1', 'l1', 'b', MAC.r1a, 'router'),
  r1b: pt('r1', 'l2', 'a', MAC.r1b, 'router'),
  h2: pt('h2', 'l2', 'b', MAC.h2),
};
const line = (ts: string, s: string, d: string, what: string) =>
  parseTcpdumpLine(`${ts} ${s} > ${d}, ethertype IPv4 (0x0800), length 98: ${what}, id 7, seq 1, length 64`)!;
const req = (ts: string, s: string, d: string) => line(ts, s, d, '10.0.1.1 > 10.0.2.2: ICMP echo request');
const rep = (ts: string, s: string, d: string) => line(ts, s, d, '10.0.2.2 > 10.0.1.1: ICMP echo reply');

/** The true order: request h1 → r1 → h2, reply h2 → r1 → h1; the veth ends of one link share a stamp. */
const truth: Capture[] = [
  { point: P.h1, frame: req('1795613742.381976100', MAC.h1, MAC.r1a) },
  { point: P.r1a, frame: req('1795613742.381976100', MAC.h1, MAC.r1a) },
  { point: P.r1b, frame: req('1795613742.381976900', MAC.r1b, MAC.h2) },
  { point: P.h2, frame: req('1795613742.381976900', MAC.r1b, MAC.h2) },
  { point: P.h2, frame: rep('1795613742.381977300', MAC.h2, MAC.r1b) },
  { point: P.r1b, frame: rep('1795613742.381977300', MAC.h2, MAC.r1b) },
  { point: P.r1a, frame: rep('1795613742.381977800', MAC.r1a, MAC.h1) },
  { point: P.h1, frame: rep('1795613742.381977800', MAC.r1a, MAC.h1) },
];

describe('orderCaptures', () => {
  it('keeps nanosecond stamps exact', () => {
    expect(toNanos('1795613742.381976123')).toBe(1795613742381976123n);
    expect(toNanos('1795613742.381976')).toBe(1795613742381976000n);
  });

  it("puts the reply leaving h2 before it arrives at r1 when r1's tap reported first", () => {
    const arrived = [truth[5], truth[4], truth[1], truth[0], truth[7], truth[3], truth[2], truth[6]];
    const order = orderCaptures(arrived).map((c) => `${c.frame.kind}@${c.point.nodeId}:${c.point.linkId}`);
    expect(order).toEqual(truth.map((c) => `${c.frame.kind}@${c.point.nodeId}:${c.point.linkId}`));
  });

  it('gives the same order whatever order the taps reported in (property)', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(truth, { minLength: truth.length, maxLength: truth.length }),
        (arrived) => {
          expect(orderCaptures(arrived)).toEqual(truth);
        },
      ),
    );
  });

  it('orders by stamp first, even when a later frame was read first', () => {
    const late = { point: P.h1, frame: req('1795613742.500000000', MAC.h1, MAC.r1a) };
    expect(orderCaptures([late, truth[0]])).toEqual([truth[0], late]);
  });
});
