import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Topology, type GeneveLink } from '../model';
import { validate } from '../validate';
import { plan, resolve, ROOT_NS, driftFromChanges, type KState } from '../plan';
import { simulate } from '../plan/simulate';
import { arbTopologyWithGeneve } from '../plan/testing/geneve-arb';
import { geneveLabDoc } from './testing/geneve-lab';
import { convertLink, linkKinds, readKernelParams } from '.';
import { vtepMac } from './tunnel';

const host = (): KState => ({
  namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, routes: [], ifaces: {} } },
});
const lab = (opts: { bridged?: boolean } = {}) => Topology.parse(geneveLabDoc('gnv', opts));
const gv = (t: Topology) => t.links.find((l) => l.kind === 'geneve') as GeneveLink;
const lines = (t: Topology, live: KState) => plan(resolve(t), live).changes.map((c) => c.argv.join(' '));
const applied = (t: Topology) => simulate(host(), plan(resolve(t), host()).changes);

describe('geneve: resolve and plan', () => {
  it('makes one Geneve device per end, with id, remote and port only (no local), marked, addressed, up', () => {
    const all = lines(lab(), host());
    expect(all).toContain(
      `ip -n h1 link add name gv0 address ${vtepMac('gnv', 'gv', 'a')} type geneve id 7 remote 10.0.2.1 dstport 6081`,
    );
    expect(all).toContain(
      `ip -n h2 link add name gv0 address ${vtepMac('gnv', 'gv', 'b')} type geneve id 7 remote 10.0.1.1 dstport 6081`,
    );
    expect(all.filter((l) => l.includes('type geneve') && l.includes(' local '))).toEqual([]);
    expect(all).toContain('ip -n h1 link set dev gv0 alias netplumb:gnv:gv:a');
    expect(all).toContain('ip -n h1 address add 192.168.100.1/24 dev gv0');
    expect(all).toContain('ip -n h2 link set dev gv0 up');
    const c = plan(resolve(lab()), host()).changes.find((x) => x.op.op === 'link-add' && x.ns === 'h2')!;
    expect(c.creates).toEqual([
      { kind: 'link', type: 'geneve', ns: 'h2', name: 'gv0', mark: 'netplumb:gnv:gv:b' },
    ]);
    expect(c.undo).toEqual(['ip', '-n', 'h2', 'link', 'delete', 'dev', 'gv0']);
  });

  it('with a bridge: the device is a port of it and the overlay address is on the bridge', () => {
    const s = applied(lab({ bridged: true }));
    expect(s.namespaces.h2.ifaces.gv0).toMatchObject({ kind: 'geneve', master: 'br0', addresses: [] });
    expect(s.namespaces.h2.ifaces.br0.addresses).toEqual(['192.168.100.2/24']);
    expect(plan(resolve(lab({ bridged: true })), s).changes).toEqual([]);
  });

  it('a changed VNI, port or remote re-creates the device, and status names what differs', () => {
    const s = applied(lab());
    const t2 = lab();
    gv(t2).vni = 8;
    const r = plan(resolve(t2), s).changes;
    expect(r.filter((c) => c.op.op === 'link-delete').map((c) => `${c.ns}:${c.reason}`)).toEqual([
      'h1:gv0 in namespace h1 must be re-created: VNI is 7, the file says 8',
      'h2:gv0 in namespace h2 must be re-created: VNI is 7, the file says 8',
    ]);
    expect(
      r.filter((c) => c.op.op === 'link-delete').every((c) => c.requireMark?.startsWith('netplumb:gnv:gv:')),
    ).toBe(true);
    expect(
      driftFromChanges(r).some((d) => d.state === 'extra' && /VNI is 7, the file says 8/.test(d.detail)),
    ).toBe(true);
    const s2 = simulate(s, r);
    expect(plan(resolve(t2), s2).changes).toEqual([]);
    expect(s2.namespaces.h1.ifaces.gv0.addresses).toEqual(['192.168.100.1/24']);
    const t3 = lab();
    t3.links[0].a.addresses = ['10.0.1.9/24'];
    gv(t3).a.local = '10.0.1.9';
    // Only h2's device sends to the moved address: only it is re-created.
    const r3 = plan(resolve(t3), s).changes.filter((c) => c.op.op === 'link-delete');
    expect(r3.map((c) => `${c.ns}:${c.reason}`)).toEqual([
      'h2:gv0 in namespace h2 must be re-created: remote address is 10.0.1.1, the file says 10.0.1.9',
    ]);
    const t4 = lab();
    gv(t4).port = 7000;
    expect(plan(resolve(t4), s).changes.filter((c) => c.op.op === 'link-delete')[0].reason).toMatch(
      /UDP port is 6081, the file says 7000/,
    );
  });

  it('a device deleted by hand is made again; a removed link is deleted', () => {
    const s = applied(lab());
    delete s.namespaces.h2.ifaces.gv0;
    expect(lines(lab(), s).filter((l) => l.includes('link add'))).toEqual([
      `ip -n h2 link add name gv0 address ${vtepMac('gnv', 'gv', 'b')} type geneve id 7 remote 10.0.1.1 dstport 6081`,
    ]);
    const gone = lab();
    gone.links = gone.links.filter((l) => l.kind !== 'geneve');
    expect(lines(gone, applied(lab()))).toEqual([
      'ip -n h1 link delete dev gv0',
      'ip -n h2 link delete dev gv0',
    ]);
  });

  it('converges: adding, removing and changing geneve links on random labs (kernel model)', () => {
    fc.assert(
      fc.property(
        arbTopologyWithGeneve({ maxNodes: 6 }),
        arbTopologyWithGeneve({ maxNodes: 6 }),
        fc.nat(),
        (t1, t2, k) => {
          const t2same = { ...t2, name: t1.name };
          const s1 = simulate(host(), plan(resolve(t1), host()).changes);
          expect(plan(resolve(t1), s1).changes).toEqual([]);
          const t1b: Topology = JSON.parse(JSON.stringify(t1));
          for (const l of t1b.links)
            if (l.kind === 'geneve') {
              if (k % 2) l.vni = (l.vni % 1000) + 1;
              else l.port = 6082;
            }
          const s1b = simulate(s1, plan(resolve(t1b), s1).changes);
          expect(plan(resolve(t1b), s1b).changes).toEqual([]);
          const r2 = plan(resolve(t2same), s1b);
          if (r2.conflicts.length) return;
          const s2 = simulate(s1b, r2.changes);
          expect(plan(resolve(t2same), s2).changes).toEqual([]);
          const s3 = simulate(s2, plan(resolve({ ...t1, nodes: [], links: [] }), s2).changes);
          expect(s3).toEqual(host());
        },
      ),
      { numRuns: 120 },
    );
  });

  it('random labs with geneve links validate without errors (the generator makes valid ones)', () => {
    fc.assert(
      fc.property(arbTopologyWithGeneve({ maxNodes: 6 }), (t) => {
        expect(validate(t).filter((p) => p.severity === 'error')).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('geneve: live parameters, kind switch', () => {
  it('reads id, remote and port back from ip -d -j link (as resolve writes them)', () => {
    const d = { id: 7, remote: '10.0.2.1', ttl: 0, port: 6081, udp_csum: false };
    expect(readKernelParams('geneve', d)).toEqual(resolve(lab()).state.namespaces.h1.ifaces.gv0.params);
    expect(readKernelParams('geneve', { id: 9, remote6: 'fd00::0:2', port: 1 })).toEqual([
      { key: 'id', value: '9' },
      { key: 'remote', value: 'fd00::2' },
      { key: 'dstport', value: '1' },
    ]);
    expect(linkKinds.geneve.kernelKinds).toEqual(['geneve']);
    expect(linkKinds.geneve.needs).toEqual(['geneve']);
  });

  it('a link turned into Geneve gets an unused VNI, port 6081 and underlay locals; back to veth drops them', () => {
    const t = lab();
    const right = t.links.find((l) => l.id === 'u2')!;
    const g = convertLink(right, 'geneve', t) as GeneveLink;
    expect(g).toMatchObject({ id: 'u2', kind: 'geneve', vni: 8, port: 6081 });
    expect(g.b.local).toBe('10.0.1.254');
    expect(convertLink(g, 'veth', t)).toEqual(right);
    const fromVx = convertLink(g, 'vxlan', t);
    expect(fromVx).toMatchObject({ kind: 'vxlan', vni: 42, port: 4789 });
  });
});
