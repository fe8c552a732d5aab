/** Validation of Geneve links (the geneve descriptor's checks, shared with vxlan in shared/kinds/tunnel.ts). */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { describe, expect, it } from 'vitest';
import { validateDocument } from '.';
import type { Problem } from '../model/problem';
import { geneveLabDoc } from '../kinds/testing/geneve-lab';

describe('geneve: validation', () => {
  const problems = (edit: (d: any) => void, opts: { bridged?: boolean } = {}): Problem[] => {
    const d = geneveLabDoc('gnv', opts);
    edit(d);
    return validateDocument(d).problems;
  };
  const link = (d: any): Record<string, any> => d.links[2];

  it('the lab itself is valid, with and without bridges, and has no warnings', () => {
    expect(problems(() => {})).toEqual([]);
    expect(problems(() => {}, { bridged: true })).toEqual([]);
  });

  const cases: [string, (d: any) => void, (string | number)[], RegExp][] = [
    [
      'geneve-vni-range',
      (d) => void (link(d).vni = 0),
      ['links', 2, 'vni'],
      /^Geneve link h1:gv0 — h2:gv0: VNI 0 is out of range; a VNI is 1 to 16777215\.$/,
    ],
    [
      'geneve-port-range',
      (d) => void (link(d).port = 0),
      ['links', 2, 'port'],
      /UDP port 0 is out of range; use 1 to 65535 \(the standard Geneve port is 6081\)/,
    ],
    [
      'geneve-local',
      (d) => void (link(d).b.local = '10.0.1.1'),
      ['links', 2, 'b', 'local'],
      /local 10\.0\.1\.1 of end b is not an address of "h2" in this file/,
    ],
    [
      'geneve-local',
      (d) => void delete link(d).a.local,
      ['links', 2, 'a'],
      /end a has no local address; give this Geneve device's underlay address on "h1"/,
    ],
    [
      'geneve-local',
      (d) => void (link(d).a.local = '10.0.1.1/24'),
      ['links', 2, 'a', 'local'],
      /"10\.0\.1\.1\/24" of end a is not an IP address/,
    ],
    [
      'geneve-local-same',
      (d) => void ((link(d).b.local = '10.0.1.1'), (d.links[1].a.addresses = ['10.0.1.1/24'])),
      ['links', 2, 'b', 'local'],
      /both ends use local 10\.0\.1\.1; each Geneve device needs its own underlay address/,
    ],
    [
      'geneve-end-node',
      (d) => void ((link(d).b.node = 'brx'), d.nodes.push({ id: 'brx', name: 'brx', kind: 'bridge' })),
      ['links', 2, 'b', 'node'],
      /end b is on bridge "brx"; a Geneve device can only sit on a namespace or router node/,
    ],
    [
      'geneve-bridge',
      (d) => void (link(d).a.bridge = 'r1'),
      ['links', 2, 'a', 'bridge'],
      /bridge "r1" of end a is a router, not a bridge; the Geneve device can only join a bridge node/,
    ],
  ];
  it.each(cases)('%s: located, in plain words', (code, edit, path, message) => {
    const found = problems(edit).filter((p) => p.code === code);
    expect(found.map((p) => p.path)).toContainEqual(path);
    expect(found.every((p) => p.severity === 'error')).toBe(true);
    expect(found.map((p) => p.message).join('\n')).toMatch(message);
  });

  it('geneve-source: another address of the family next to local is warned about (no local parameter)', () => {
    const p = problems((d) => void d.links[0].a.addresses.push('10.0.3.1/24'));
    expect(p.filter((x) => x.severity === 'error')).toEqual([]);
    expect(p).toEqual([
      expect.objectContaining({
        code: 'geneve-source',
        severity: 'warning',
        path: ['links', 2, 'a', 'local'],
        nodeId: 'h1',
        message: expect.stringMatching(
          /the interface of "h1" with 10\.0\.1\.1 also has 10\.0\.3\.1; Geneve has no local address, so the kernel sends from the address its route to 10\.0\.2\.1 picks, and the other end accepts only 10\.0\.1\.1/,
        ),
      }),
    ]);
    // IPv6 addresses do not compete with an IPv4 local, nor do addresses on other interfaces.
    expect(problems((d) => void d.links[0].a.addresses.push('fd00:1::1/64'))).toEqual([]);
    expect(problems(() => {}, { bridged: true })).toEqual([]);
  });
});
