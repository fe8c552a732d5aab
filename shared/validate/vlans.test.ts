import { describe, expect, it } from 'vitest';
import { validate } from './index';
import { variant, withCode } from './test-fixtures';

describe('VLANs', () => {
  it('port VLANs on a filtering bridge are fine; pvid implies membership', () => {
    const ps = validate(
      variant((d) => {
        d.nodes[3].vlanFiltering = true;
        d.nodes[3].defaultPvid = 1;
        d.links[1].b.vlans = { tagged: [10, 20] };
        d.links[2].b.vlans = { pvid: 10 };
      }),
    );
    expect(ps).toEqual([]);
  });

  it('vlans on a non-filtering bridge port', () => {
    const ps = validate(variant((d) => (d.links[2].b.vlans = { pvid: 10 })));
    const p = withCode(ps, 'vlan-not-filtering');
    expect(p).toMatchObject([
      { severity: 'error', path: ['links', 2, 'b', 'vlans'], nodeId: 'br0', linkId: 'l3' },
    ]);
    expect(p[0].message).toMatch(/vlanFiltering/);
  });

  it('vlans on a namespace end', () => {
    const ps = validate(variant((d) => (d.links[0].a.vlans = { tagged: [5] })));
    expect(withCode(ps, 'vlan-not-filtering')).toMatchObject([
      { path: ['links', 0, 'a', 'vlans'], nodeId: 'ns1' },
    ]);
  });

  it('a VLAN both tagged and untagged on one port', () => {
    const ps = validate(
      variant((d) => {
        d.nodes[3].vlanFiltering = true;
        d.links[2].b.vlans = { tagged: [10, 20], untagged: [20] };
      }),
    );
    expect(withCode(ps, 'vlan-tagged-and-untagged')).toMatchObject([
      { severity: 'error', path: ['links', 2, 'b', 'vlans', 'untagged', 0], nodeId: 'br0', linkId: 'l3' },
    ]);
  });

  it('several untagged VLANs (pvid counts) and repeats are warnings', () => {
    const ps = validate(
      variant((d) => {
        d.nodes[3].vlanFiltering = true;
        d.links[2].b.vlans = { pvid: 30, untagged: [10, 10] };
      }),
    );
    expect(withCode(ps, 'vlan-multiple-untagged')).toMatchObject([{ severity: 'warning' }]);
    expect(withCode(ps, 'vlan-listed-twice')).toMatchObject([
      { path: ['links', 2, 'b', 'vlans', 'untagged', 1] },
    ]);
    expect(ps.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('a tagged pvid is not counted as untagged', () => {
    const ps = validate(
      variant(
        (d) => (
          (d.nodes[3].vlanFiltering = true),
          (d.links[2].b.vlans = { pvid: 10, tagged: [10], untagged: [20] })
        ),
      ),
    );
    expect(ps).toEqual([]);
  });

  it('defaultPvid without filtering', () => {
    const ps = validate(variant((d) => (d.nodes[3].defaultPvid = 5)));
    expect(withCode(ps, 'vlan-default-pvid-ignored')).toMatchObject([
      { severity: 'warning', path: ['nodes', 3, 'defaultPvid'], nodeId: 'br0' },
    ]);
  });
});
