import { describe, expect, it } from 'vitest';
import { validate } from './index';
import { variant, withCode } from './test-fixtures';

describe('MTU', () => {
  it('equal MTUs are fine', () => {
    expect(validate(variant((d) => ((d.links[0].a.mtu = 9000), (d.links[0].b.mtu = 9000))))).toEqual([]);
  });
  it('different MTUs on the two ends', () => {
    const ps = validate(variant((d) => ((d.links[0].a.mtu = 9000), (d.links[0].b.mtu = 1400))));
    expect(withCode(ps, 'mtu-mismatch')).toMatchObject([
      { severity: 'warning', path: ['links', 0, 'b', 'mtu'], linkId: 'l1' },
    ]);
  });
  it('one end set, the other at the default', () => {
    const ps = validate(variant((d) => (d.links[0].a.mtu = 9000)));
    const p = withCode(ps, 'mtu-mismatch');
    expect(p).toMatchObject([{ path: ['links', 0, 'a', 'mtu'] }]);
    expect(p[0].message).toMatch(/default/);
  });
  it('IPv6 needs at least 1280', () => {
    const ps = validate(variant((d) => ((d.links[2].a.mtu = 1200), (d.links[2].b.mtu = 1200))));
    expect(withCode(ps, 'mtu-too-small-ipv6')).toMatchObject([
      { severity: 'error', path: ['links', 2, 'a', 'mtu'], nodeId: 'ns2' },
    ]);
  });
});

describe('MAC addresses', () => {
  it('valid, distinct MACs are fine (any accepted form)', () => {
    expect(
      validate(
        variant(
          (d) => (
            (d.links[0].a.mac = '02:00:00:00:00:01'),
            (d.links[0].b.mac = '02-00-00-00-00-02'),
            (d.nodes[3].mac = '0200.0000.0003')
          ),
        ),
      ),
    ).toEqual([]);
  });
  it('invalid and multicast MACs', () => {
    const ps = validate(
      variant((d) => ((d.links[0].a.mac = '02:00:00:00:00'), (d.nodes[3].mac = '01:00:5e:00:00:01'))),
    );
    const p = withCode(ps, 'mac-invalid');
    expect(p).toMatchObject([
      { path: ['nodes', 3, 'mac'], nodeId: 'br0' },
      { path: ['links', 0, 'a', 'mac'], linkId: 'l1', nodeId: 'ns1' },
    ]);
    expect(p[0].message).toMatch(/multicast/);
  });
  it('duplicate MACs across the lab (compared normalised)', () => {
    const ps = validate(
      variant((d) => ((d.links[0].a.mac = '02:aa:00:00:00:01'), (d.links[2].a.mac = '02:AA:00:00:00:01'))),
    );
    expect(withCode(ps, 'mac-duplicate')).toMatchObject([
      { severity: 'error', path: ['links', 2, 'a', 'mac'], linkId: 'l3', nodeId: 'ns2' },
    ]);
  });
});

describe('netem', () => {
  it('delay with jitter is fine', () => {
    expect(
      validate(variant((d) => (d.links[0].a.netem = { delayMs: 50, jitterMs: 10, lossPercent: 1 }))),
    ).toEqual([]);
  });
  it('jitter without delay', () => {
    const ps = validate(variant((d) => (d.links[0].a.netem = { jitterMs: 10 })));
    expect(withCode(ps, 'netem-jitter-without-delay')).toMatchObject([
      { severity: 'error', path: ['links', 0, 'a', 'netem', 'jitterMs'], linkId: 'l1', nodeId: 'ns1' },
    ]);
  });
  it('jitter larger than delay is a warning', () => {
    const ps = validate(variant((d) => (d.links[0].a.netem = { delayMs: 5, jitterMs: 10 })));
    expect(withCode(ps, 'netem-jitter-exceeds-delay')).toMatchObject([{ severity: 'warning' }]);
  });
});
