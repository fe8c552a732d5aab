import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromMiniEdit } from './miniedit';

/** A MiniEdit file as MiniEdit 2.x saves it (written for these tests). */
const MN = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '__golden__', 'miniedit', 'office.mn'), 'utf8');

describe('MiniEdit import', () => {
  it('maps hosts, switches, routers and links with Mininet interface names', () => {
    const r = fromMiniEdit(MN, 'my lab.mn');
    const t = r.topology!;
    expect(t.name).toBe('my-lab');
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual(['namespace:h1', 'namespace:h2', 'namespace:h3', 'bridge:s1', 'bridge:s2', 'router:r1']);
    expect(t.nodes[0]).toMatchObject({ position: { x: 100, y: 300 }, gateway: { ipv4: '10.0.0.254' } });
    expect(t.links.map((l) => `${l.a.node}:${l.a.ifname}-${l.b.node}:${l.b.ifname}`)).toEqual([
      'h1:h1-eth0-s1:s1-eth1',
      'h2:h2-eth0-s1:s1-eth2',
      's1:s1-eth3-s2:s2-eth1',
      's2:s2-eth2-r1:r1-eth0',
      'r1:r1-eth1-h3:h3-eth0',
    ]);
    expect(t.links[0].a.addresses).toEqual(['10.0.0.1/8']);
    expect(t.links[1].a.addresses).toEqual(['10.0.0.2/24']);
    expect(t.links[1].a.netem).toEqual({ delayMs: 5, lossPercent: 1, rateKbit: 10000 });
    expect(t.links[1].b.netem).toEqual(t.links[1].a.netem);
  });

  it('warns about each dropped thing at its place in the file', () => {
    const r = fromMiniEdit(MN, 'lab.mn');
    const msgs = r.problems.map((p) => p.message).join('\n');
    for (const s of ['controller', 'netflow', '"startCommand"', '"s2" (ovs)', '"max_queue_size"']) expect(msgs).toContain(s);
    const q = r.problems.find((p) => p.message.includes('max_queue_size'))!;
    // at the link's "opts": { ... } object, the line just above the option
    const optionLine = MN.split('\n').findIndex((l) => l.includes('max_queue_size')) + 1;
    expect(q.line).toBe(optionLine - 1);
  });

  it('rejects non-MiniEdit JSON and broken JSON with a position', () => {
    expect(fromMiniEdit('{"a": 1}').problems[0]).toMatchObject({ severity: 'error', line: 1 });
    expect(fromMiniEdit('{\n  "hosts": [\n}').problems[0]).toMatchObject({ severity: 'error', line: 3 });
  });

  it('never throws; every problem is located', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.nat(), fc.nat(20), (noise, at, del) => {
        const cut = at % (MN.length + 1);
        for (const text of [noise, MN.slice(0, cut) + noise + MN.slice(cut + del)]) {
          const r = fromMiniEdit(text);
          if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
          for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('MiniEdit names netplumb ids cannot hold', () => {
  it('cleans ids, keeps names, and links by id', () => {
    const mn = JSON.stringify({ hosts: [{ opts: { hostname: 'web 1', ip: '10.0.0.1' } }], switches: [{ opts: { hostname: 's1', switchType: 'legacySwitch' } }], links: [{ src: 'web 1', dest: 's1', opts: {} }] });
    const t = fromMiniEdit(mn, 'x.mn').topology!;
    expect(t.nodes[0]).toMatchObject({ id: 'web_1', name: 'web 1' });
    expect(t.links[0].a).toMatchObject({ node: 'web_1', ifname: 'web 1-eth0' });
  });
});
