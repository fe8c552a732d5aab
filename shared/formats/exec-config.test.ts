/**
 * interpretLines on what the survey of real lab files found: commands wrapped
 * in `sh -c '…'`, and `bridge vlan` lines on the ports of a bridge the lines
 * make, read with the kernel's semantics (net/bridge/br_vlan.c).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { endFrom, interpretLines } from './exec-config';

/** The lines of a VLAN-filtering bridge br0 with ports eth0 and eth1, then `more`. */
const bridged = (...more: string[]) => [
  'ip link add br0 type bridge vlan_filtering 1',
  'ip link set eth0 master br0',
  'ip link set eth1 master br0',
  ...more,
];

describe('sh -c wrapped lines', () => {
  it('reads each command inside, at the index of the line that holds them', () => {
    const cfg = interpretLines([
      'ip link set eth0 up',
      "sh -c 'while [ ! -d /sys/class/net/eth1 ]; do sleep 0.1; done\n  ip addr add 10.0.0.1/24 dev eth1 && ip route add default via 10.0.0.254\n  echo done'",
      '/bin/ash -c "ip link set eth1 mtu 1400"',
    ]);
    expect(cfg.ifaces.get('eth1')).toEqual({ addresses: ['10.0.0.1/24'], mtu: 1400 });
    expect(cfg.gateway).toEqual({ ipv4: '10.0.0.254' });
    expect(cfg.gatewayLines).toEqual({ ipv4: 1 });
    // the loop and the echo are notes, each placed at the wrapping line
    expect(cfg.unsupported.map((u) => [u.index, u.line])).toEqual([
      [1, 'while [ ! -d /sys/class/net/eth1 ]; do sleep 0.1; done'],
      [1, 'echo done'],
    ]);
  });

  it('keeps a line whose quoting is not simple as one note, as before', () => {
    const line = 'sh -c "ip addr add $ADDR dev eth0"';
    expect(interpretLines([line]).unsupported).toEqual([
      { index: 0, line, why: 'not a command netplumb can express' },
    ]);
  });
});

describe('bridge vlan on the ports of a bridge the lines make', () => {
  it('an access port, a trunk, a range, and the default VLAN 1 taken away', () => {
    const cfg = interpretLines(
      bridged(
        'bridge vlan add vid 10 dev eth0 pvid untagged',
        'bridge vlan del vid 1 dev eth0',
        'bridge vlan add vid 100-103 dev eth1',
        'bridge vlan del vid 101-102 dev eth1',
      ),
    );
    expect(cfg.unsupported).toEqual([]);
    expect(cfg.ifaces.get('eth0')!.vlans).toEqual({ pvid: 10, untagged: [10], tagged: [] });
    expect(cfg.ifaces.get('eth0')!.vlansLine).toBe(3);
    // VLAN 1 stays the PVID, untagged, beside the tagged ones
    expect(cfg.ifaces.get('eth1')!.vlans).toEqual({ pvid: 1, untagged: [1], tagged: [100, 103] });
    expect(endFrom('br', 'eth1', cfg.ifaces.get('eth1'))).toMatchObject({
      vlans: { pvid: 1, untagged: [1], tagged: [100, 103] },
    });
  });

  it('as the kernel: adding the PVID again without `pvid` clears it, and `untagged` is set or cleared each time', () => {
    const cfg = interpretLines(
      bridged('bridge vlan add vid 20 dev eth0 pvid untagged', 'bridge vlan add vid 20 dev eth0'),
    );
    expect(cfg.ifaces.get('eth0')!.vlans).toEqual({ untagged: [1], tagged: [20] });
  });

  it('a port with only the default VLAN has no vlans; one with none has empty lists', () => {
    const cfg = interpretLines(
      bridged(
        'bridge vlan add vid 10 dev eth0',
        'bridge vlan del vid 10 dev eth0',
        'bridge vlan del vid 1 dev eth1',
      ),
    );
    expect(cfg.ifaces.get('eth0')!.vlans).toBeUndefined();
    expect(cfg.ifaces.get('eth1')!.vlans).toEqual({ untagged: [], tagged: [] });
  });

  it('a port that leaves and joins again starts from the default', () => {
    const cfg = interpretLines(
      bridged('bridge vlan del vid 1 dev eth0', 'ip link set eth0 nomaster', 'ip link set eth0 master br0'),
    );
    expect(cfg.ifaces.get('eth0')!.vlans).toBeUndefined();
  });

  it('says why at their line: self, not a port, a refused range, a bridge without filtering', () => {
    const cfg = interpretLines([
      'bridge vlan add vid 10 dev eth0',
      'brctl addbr br1',
      'brctl addif br1 eth0',
      'bridge vlan add vid 10 dev br1 self',
      'bridge vlan add vid 10 dev br1',
      'bridge vlan del vid 5 dev eth0',
      'bridge vlan del vid 1-3 dev eth0',
      'bridge vlan add vid 0 dev eth0',
      'bridge vlan add vid 30 dev eth0 pvid untagged',
      'ip link add br2 type bridge vlan_default_pvid 7',
      'ip link set eth1 master br2',
      'bridge vlan add vid 9 dev eth1',
    ]);
    expect(cfg.unsupported.map((u) => [u.index, u.why])).toEqual([
      [0, 'eth0 is not a port of a bridge these lines make'],
      [
        3,
        'the VLANs of the bridge br1 itself (`self`) have no netplumb form; netplumb sets VLANs on bridge ports',
      ],
      [4, 'br1 is a bridge: its own VLANs are set with `self`, and netplumb sets VLANs on bridge ports only'],
      // said at the first line that changed eth0's VLANs: the range deletion took VLAN 1 away
      [
        6,
        'bridge br1 does not filter VLANs (no `vlan_filtering 1`), so the VLANs of its port eth0 do nothing; netplumb keeps VLANs only on a VLAN-filtering bridge',
      ],
      [7, 'the kernel takes VLAN ids 1 to 4094 only'],
      [
        9,
        'its option vlan_default_pvid 7 has no netplumb form (netplumb sets only STP and VLAN filtering on a bridge); the bridge br2 itself is made',
      ],
      [
        11,
        'bridge br2 has vlan_default_pvid 7, which netplumb does not carry, so the VLANs its ports start with are not known',
      ],
    ]);
    expect(cfg.ifaces.get('eth0')?.vlans).toBeUndefined();
  });

  it('deleting VLANs the port lacks is no error: the kernel skips them and deletes the rest of a range', () => {
    // br_netlink.c br_vlan_info ignores nbp_vlan_delete's ENOENT on RTM_DELLINK.
    const cfg = interpretLines(
      bridged(
        'bridge vlan del vid 20 dev eth0',
        'bridge vlan add vid 10 dev eth0',
        'bridge vlan add vid 30 dev eth0',
        'bridge vlan add vid 40 dev eth0',
        'bridge vlan del vid 10-30 dev eth0',
      ),
    );
    expect(cfg.unsupported).toEqual([]);
    expect(cfg.ifaces.get('eth0')!.vlans).toEqual({ pvid: 1, untagged: [1], tagged: [40] });
  });

  it('any sequence of add/del lines gives the VLANs a model of the kernel gives', () => {
    const op = fc.record({
      del: fc.boolean(),
      vid: fc.integer({ min: 1, max: 6 }),
      pvid: fc.boolean(),
      untagged: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        // the kernel's port VLAN table, written independently: vid -> untagged, and the PVID
        const vids = new Map<number, boolean>([[1, true]]);
        let pvid: number | undefined = 1;
        const lines = ops.map((o) => {
          if (o.del) {
            if (vids.delete(o.vid) && pvid === o.vid) pvid = undefined;
            return `bridge vlan del vid ${o.vid} dev eth0`;
          }
          vids.set(o.vid, o.untagged);
          if (o.pvid) pvid = o.vid;
          else if (pvid === o.vid) pvid = undefined;
          return `bridge vlan add vid ${o.vid} dev eth0${o.pvid ? ' pvid' : ''}${o.untagged ? ' untagged' : ''}`;
        });
        const got = interpretLines(bridged(...lines)).ifaces.get('eth0')!.vlans;
        const ids = (u: boolean) => [...vids].filter(([, x]) => x === u).map(([v]) => v);
        const isDefault = pvid === 1 && vids.size === 1 && vids.get(1) === true;
        expect(got).toEqual(
          isDefault
            ? undefined
            : {
                ...(pvid !== undefined ? { pvid } : {}),
                untagged: ids(true).sort((a, b) => a - b),
                tagged: ids(false).sort((a, b) => a - b),
              },
        );
      }),
    );
  });
});
