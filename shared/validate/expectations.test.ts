import { describe, expect, it } from 'vitest';
import { validate } from './index';
import { variant, withCode } from './test-fixtures';

describe('expectations', () => {
  it('node and address targets are fine', () => {
    expect(
      validate(
        variant(
          (d) =>
            (d.expect = [
              { from: 'ns1', to: 'ns2' },
              { from: 'r1', to: '10.0.2.2' },
              { from: 'ns1', to: 'fd00:2::2', reach: false },
            ]),
        ),
      ),
    ).toEqual([]);
  });
  it('from must exist and be a namespace or router', () => {
    const ps = validate(
      variant(
        (d) =>
          (d.expect = [
            { from: 'ghost', to: 'ns2' },
            { from: 'br0', to: 'ns2' },
          ]),
      ),
    );
    expect(withCode(ps, 'expect-unknown-node')).toMatchObject([{ path: ['expect', 0, 'from'] }]);
    expect(withCode(ps, 'expect-from-not-netns')).toMatchObject([
      { path: ['expect', 1, 'from'], nodeId: 'br0' },
    ]);
  });
  it('to must be a node id or an address', () => {
    const ps = validate(
      variant(
        (d) =>
          (d.expect = [
            { from: 'ns1', to: 'nowhere' },
            { from: 'ns1', to: '10.0.0.300' },
          ]),
      ),
    );
    expect(withCode(ps, 'expect-invalid-target').map((p) => p.path)).toEqual([
      ['expect', 0, 'to'],
      ['expect', 1, 'to'],
    ]);
  });
  it('a target node without addresses is a warning', () => {
    const ps = validate(variant((d) => (d.expect = [{ from: 'ns1', to: 'br0' }])));
    expect(withCode(ps, 'expect-target-no-address')).toMatchObject([{ severity: 'warning', nodeId: 'br0' }]);
  });
});
