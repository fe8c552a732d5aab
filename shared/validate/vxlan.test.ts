/** Validation of VXLAN links (the vxlan descriptor's checks and the generic ones that apply to it). */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { describe, expect, it } from 'vitest';
import { validateDocument } from '.';
import type { Problem } from '../model/problem';
import { vxlanLabDoc } from '../kinds/testing/vxlan-lab';

describe('vxlan: validation', () => {
  const problems = (
    edit: (d: ReturnType<typeof vxlanLabDoc>) => void,
    opts: { bridged?: boolean } = {},
  ): Problem[] => {
    const d = vxlanLabDoc('vxl', opts);
    edit(d);
    return validateDocument(d).problems.filter((p) => p.severity === 'error');
  };
  const link = (d: ReturnType<typeof vxlanLabDoc>): Record<string, any> => d.links[2] as Record<string, any>;

  it('the lab itself is valid, with and without bridges', () => {
    expect(problems(() => {})).toEqual([]);
    expect(problems(() => {}, { bridged: true })).toEqual([]);
  });

  const cases: [string, (d: any) => void, (string | number)[], RegExp][] = [
    [
      'vxlan-vni-range',
      (d: any) => void (link(d).vni = 0),
      ['links', 2, 'vni'],
      /VNI 0 is out of range; a VNI is 1 to 16777215/,
    ],
    ['vxlan-vni-range', (d: any) => void (link(d).vni = 16777216), ['links', 2, 'vni'], /VNI 16777216/],
    [
      'vxlan-port-range',
      (d: any) => void (link(d).port = 70000),
      ['links', 2, 'port'],
      /UDP port 70000 is out of range/,
    ],
    [
      'vxlan-local',
      (d: any) => void (link(d).a.local = '10.9.9.9'),
      ['links', 2, 'a', 'local'],
      /local 10\.9\.9\.9 of end a is not an address of "h1" in this file/,
    ],
    [
      'vxlan-local',
      (d: any) => void (link(d).b.local = 'nonsense'),
      ['links', 2, 'b', 'local'],
      /"nonsense" of end b is not an IP address/,
    ],
    ['vxlan-local', (d: any) => void delete link(d).a.local, ['links', 2, 'a'], /end a has no local address/],
    [
      'vxlan-local',
      (d: any) => void (link(d).a.local = '192.168.100.1'),
      ['links', 2, 'a', 'local'],
      /not an address of "h1"/,
    ],
    [
      'vxlan-local-same',
      (d: any) => void ((link(d).b.local = '10.0.1.1'), (d.links[1].a.addresses = ['10.0.1.1/24'])),
      ['links', 2, 'b', 'local'],
      /both ends use local 10\.0\.1\.1/,
    ],
    [
      'vxlan-end-node',
      (d: any) =>
        void ((link(d).b.node = 'br0x'), d.nodes.push({ id: 'br0x', name: 'br0x', kind: 'bridge' })),
      ['links', 2, 'b', 'node'],
      /end b is on bridge "br0x"; a VTEP can only sit on a namespace or router/,
    ],
    [
      'vxlan-bridge',
      (d: any) => void (link(d).a.bridge = 'nope'),
      ['links', 2, 'a', 'bridge'],
      /bridge "nope" of end a does not exist/,
    ],
    [
      'vxlan-bridge',
      (d: any) => void (link(d).a.bridge = 'r1'),
      ['links', 2, 'a', 'bridge'],
      /is a router, not a bridge/,
    ],
    [
      'duplicate-ifname',
      (d: any) => void (link(d).a.ifname = 'eth0'),
      ['links', 2, 'a', 'ifname'],
      /interface name "eth0" on h1 is already used/,
    ],
  ];
  it.each(cases)('%s: %s', (code, edit, path, message) => {
    const found = problems(edit).filter((p) => p.code === code);
    expect(found.map((p) => p.path)).toContainEqual(path);
    expect(found.map((p) => p.message).join('\n')).toMatch(message);
  });

  it('vxlan-bridge: a bridge of another namespace, or addresses on an enslaved end', () => {
    const other = problems((d: any) => void (link(d).a.bridge = 'br2'), { bridged: true });
    expect(other.find((p) => p.code === 'vxlan-bridge')?.message).toMatch(
      /bridge "br2" of end a lives in namespace "h2", not in "h1"/,
    );
    const addr = problems((d: any) => void (link(d).a.addresses = ['192.168.100.9/24']), { bridged: true });
    expect(addr.find((p) => p.code === 'vxlan-bridge')).toMatchObject({
      path: ['links', 2, 'a', 'addresses'],
      message: expect.stringMatching(/port of bridge "br1", so it has no addresses of its own/),
    });
  });
});
