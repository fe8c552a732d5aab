import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromKathara, uniqueIfname } from './kathara';
import type { Route } from '../model';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '__golden__', 'kathara', 'office');
/** A Kathará lab written for these tests: two LANs, a router, Netkit-era and modern startup lines. */
const LAB_CONF = readFileSync(join(DIR, 'lab.conf'), 'utf8');
const STARTUPS = Object.fromEntries(['pc1', 'pc2', 'r1'].map((m) => [m, readFileSync(join(DIR, `${m}.startup`), 'utf8')]));

describe('Kathará import', () => {
  it('turns collision domains into bridges and startup lines into addresses and routes', () => {
    const r = fromKathara(LAB_CONF, { startups: STARTUPS, labName: 'Two LANs' });
    const t = r.topology!;
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(t.name).toBe('two-lans');
    expect(t.description).toBe('two LANs joined by r1');
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual(['bridge:cd-A', 'bridge:cd-B', 'namespace:pc1', 'namespace:pc2', 'router:r1']);
    const node = (n: string) => t.nodes.find((x) => x.name === n) as { gateway?: unknown; routes: Route[]; notes?: string };
    expect(node('pc1').gateway).toEqual({ ipv4: '192.168.1.1' });
    expect(node('pc2').gateway).toEqual({ ipv4: '192.168.2.1' });
    expect(node('r1').routes).toEqual([{ to: '10.0.0.0/8', via: '192.168.2.254', dev: 'eth1' }]);
    expect(node('r1').notes).toContain('kathara/frr');
    const ends = t.links.map((l) => `${l.a.node}:${l.a.ifname}[${l.a.addresses.join(',')}] -> ${l.b.node}:${l.b.ifname}`);
    expect(ends).toEqual([
      'pc1:eth0[192.168.1.10/24] -> cd-A:pc1-eth0',
      'pc2:eth0[192.168.2.10/24] -> cd-B:pc2-eth0',
      'r1:eth0[192.168.1.1/24] -> cd-A:r1-eth0',
      'r1:eth1[192.168.2.1/24] -> cd-B:r1-eth1',
    ]);
    expect(t.links[1].a.mac).toBe('02:42:ac:11:00:02');
  });

  it('names everything it drops, with the file and line', () => {
    const r = fromKathara(LAB_CONF, { startups: { ...STARTUPS, ghost: 'true\n' } });
    const w = (s: string) => r.problems.find((p) => p.message.includes(s));
    const lineOf = (needle: string) => LAB_CONF.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(w('mem=256m')).toMatchObject({ severity: 'warning', line: lineOf('r1[mem]') });
    expect(w('junk')).toMatchObject({ line: lineOf('junk') });
    expect(w('/etc/init.d/apache2 start')).toMatchObject({ file: 'pc2.startup', line: 3 });
    expect(w('/etc/init.d/frr start')).toMatchObject({ file: 'r1.startup', line: 4 });
    expect(w('ghost.startup')).toBeDefined();
  });

  it('keeps generated root interface names within 15 bytes and unique', () => {
    const conf = 'averyveryverylongmachinename[0]=A\naveryveryverylongmachinename[1]=A\naveryveryverylongmachinenam2[0]=A\n';
    const t = fromKathara(conf).topology!;
    const ports = t.links.map((l) => l.b.ifname);
    for (const p of ports) expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(15);
    expect(new Set(ports).size).toBe(ports.length);
    const used = new Set<string>();
    expect([uniqueIfname('x'.repeat(20), used), uniqueIfname('x'.repeat(20), used)]).toEqual(['x'.repeat(15), 'x'.repeat(13) + '-2']);
  });

  it('an empty lab.conf is a located error', () => {
    expect(fromKathara('# nothing\n').problems).toMatchObject([{ severity: 'error', line: 1 }]);
  });

  it('never throws; every problem is located (random and mutated input)', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.string(), fc.dictionary(fc.constantFrom('pc1', 'pc2', 'r1', 'x'), fc.string()), (noise, at, s2, startups) => {
        const cut = at % (LAB_CONF.length + 1);
        for (const conf of [noise, LAB_CONF.slice(0, cut) + noise + LAB_CONF.slice(cut)]) {
          const r = fromKathara(conf, { startups: { ...startups, pc1: s2 } });
          if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
          for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Kathará layout', () => {
  it('gives every imported node a canvas position', () => {
    const t = fromKathara(LAB_CONF, { startups: STARTUPS }).topology!;
    for (const n of t.nodes) expect(n.position).toBeDefined();
    expect(new Set(t.nodes.map((n) => `${n.position!.x},${n.position!.y}`)).size).toBe(t.nodes.length);
  });
});

describe('Kathará shared.startup', () => {
  it('applies shared.startup lines to every machine and warns once about what it drops', () => {
    const r = fromKathara('a[0]=X\nb[0]=X\n', {
      startups: { shared: 'sysctl -w net.ipv4.conf.all.rp_filter=0\necho hello\n', a: 'ip addr add 10.7.0.1/24 dev eth0\n' },
    });
    for (const n of r.topology!.nodes.filter((x) => x.kind === 'namespace')) expect((n as { sysctls?: unknown }).sysctls).toEqual({ 'net.ipv4.conf.all.rp_filter': 0 });
    expect(r.problems.filter((p) => p.message.includes('echo hello'))).toMatchObject([{ file: 'shared.startup', line: 2 }]);
    expect(r.topology!.links[0].a.addresses).toEqual(['10.7.0.1/24']);
  });
});
