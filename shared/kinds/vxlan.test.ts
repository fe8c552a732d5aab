import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remapEnd, Topology, type VxlanLink } from '../model';
import { reId } from '../edit/rename';
import { validate } from '../validate';
import { plan, resolve, ROOT_NS, driftFromChanges, type KState } from '../plan';
import { simulate } from '../plan/simulate';
import { unmarkedLeftovers } from '../plan/recover';
import { arbTopologyWithVxlan } from '../plan/testing/vxlan-arb';
import { vxlanLabDoc } from './testing/vxlan-lab';
import { convertLink, linkKinds, readKernelParams } from '.';
import { vtepMac } from './vxlan';

const host = (): KState => ({
  namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, routes: [], ifaces: {} } },
});
const lab = (opts: { bridged?: boolean } = {}) => Topology.parse(vxlanLabDoc('vxl', opts));
const vx = (t: Topology) => t.links.find((l) => l.kind === 'vxlan') as VxlanLink;
const lines = (t: Topology, live: KState) => plan(resolve(t), live).changes.map((c) => c.argv.join(' '));
const applied = (t: Topology) => simulate(host(), plan(resolve(t), host()).changes);

describe('vxlan: resolve and plan', () => {
  it('makes one VTEP per end with its creation parameters, marked, addressed and up', () => {
    const all = lines(lab(), host());
    expect(all).toContain(
      `ip -n h1 link add name vx0 address ${vtepMac('vxl', 'vx', 'a')} type vxlan id 42 local 10.0.1.1 remote 10.0.2.1 dstport 4789`,
    );
    expect(all).toContain(
      `ip -n h2 link add name vx0 address ${vtepMac('vxl', 'vx', 'b')} type vxlan id 42 local 10.0.2.1 remote 10.0.1.1 dstport 4789`,
    );
    expect(all).toContain('ip -n h1 link set dev vx0 alias netplumb:vxl:vx:a');
    expect(all).toContain('ip -n h2 address add 192.168.100.2/24 dev vx0');
    expect(all).toContain('ip -n h2 link set dev vx0 up');
    // Not a veth pair: no veth-add names vx0.
    expect(all.filter((l) => l.includes('vx0') && l.includes('veth'))).toEqual([]);
    const c = plan(resolve(lab()), host()).changes.find((x) => x.op.op === 'link-add' && x.ns === 'h1')!;
    expect(c.creates).toEqual([
      { kind: 'link', type: 'vxlan', ns: 'h1', name: 'vx0', mark: 'netplumb:vxl:vx:a' },
    ]);
    expect(c.undo).toEqual(['ip', '-n', 'h1', 'link', 'delete', 'dev', 'vx0']);
    // A stable, distinct, locally administered unicast MAC per VTEP (kept across re-creation).
    expect(vtepMac('vxl', 'vx', 'a')).toMatch(/^02:56(:[0-9a-f]{2}){4}$/);
    expect(vtepMac('vxl', 'vx', 'a')).not.toBe(vtepMac('vxl', 'vx', 'b'));
    expect(vtepMac('vxl', 'vx', 'a')).toBe(vtepMac('vxl', 'vx', 'a'));
  });

  it('with a bridge: the VTEP is a port of it and the overlay address is on the bridge', () => {
    const s = applied(lab({ bridged: true }));
    expect(s.namespaces.h1.ifaces.vx0).toMatchObject({ kind: 'vxlan', master: 'br0', addresses: [] });
    expect(s.namespaces.h1.ifaces.br0.addresses).toEqual(['192.168.100.1/24']);
    expect(plan(resolve(lab({ bridged: true })), s).changes).toEqual([]);
  });

  it('a changed VNI, port or local re-creates the VTEP, and status names what differs', () => {
    const s = applied(lab());
    const t2 = lab();
    vx(t2).vni = 43;
    const r = plan(resolve(t2), s).changes;
    const del = r.filter((c) => c.op.op === 'link-delete');
    expect(del.map((c) => `${c.ns}:${c.reason}`)).toEqual([
      'h1:vx0 in namespace h1 must be re-created: VNI is 42, the file says 43',
      'h2:vx0 in namespace h2 must be re-created: VNI is 42, the file says 43',
    ]);
    expect(del.every((c) => c.requireMark?.startsWith('netplumb:vxl:vx:'))).toBe(true);
    const drift = driftFromChanges(r);
    expect(drift.some((d) => d.state === 'extra' && /VNI is 42, the file says 43/.test(d.detail))).toBe(true);
    const s2 = simulate(s, r);
    expect(plan(resolve(t2), s2).changes).toEqual([]);
    expect(s2.namespaces.h1.ifaces.vx0.addresses).toEqual(['192.168.100.1/24']);
    const t3 = lab();
    vx(t3).port = 8472;
    expect(plan(resolve(t3), s).changes.filter((c) => c.op.op === 'link-delete')[0].reason).toMatch(
      /UDP port is 4789, the file says 8472/,
    );
  });

  it('a VTEP deleted by hand is made again; a removed link is deleted', () => {
    const s = applied(lab());
    delete s.namespaces.h1.ifaces.vx0;
    const r = plan(resolve(lab()), s).changes;
    expect(r.filter((c) => c.action === 'create').map((c) => c.argv.join(' '))[0]).toMatch(
      /ip -n h1 link add name vx0 address 02:56:[0-9a-f:]{11} type vxlan id 42/,
    );
    const gone = lab();
    gone.links = gone.links.filter((l) => l.kind !== 'vxlan');
    const del = plan(resolve(gone), applied(lab())).changes;
    expect(del.map((c) => c.argv.join(' '))).toEqual([
      'ip -n h1 link delete dev vx0',
      'ip -n h2 link delete dev vx0',
    ]);
  });

  it('converges: adding, removing and changing vxlan links on random labs (kernel model)', () => {
    fc.assert(
      fc.property(
        arbTopologyWithVxlan({ maxNodes: 6 }),
        arbTopologyWithVxlan({ maxNodes: 6 }),
        fc.nat(),
        (t1, t2, k) => {
          const t2same = { ...t2, name: t1.name };
          const s1 = simulate(host(), plan(resolve(t1), host()).changes);
          expect(plan(resolve(t1), s1).changes).toEqual([]);
          // Change every VXLAN link's VNI or port: re-created, then nothing left to do.
          const t1b: Topology = JSON.parse(JSON.stringify(t1));
          for (const l of t1b.links)
            if (l.kind === 'vxlan') {
              if (k % 2) l.vni = (l.vni % 1000) + 1;
              else l.port = 4790;
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

  it('random labs with vxlan links validate without errors (the generator makes valid ones)', () => {
    fc.assert(
      fc.property(arbTopologyWithVxlan({ maxNodes: 6 }), (t) => {
        expect(validate(t).filter((p) => p.severity === 'error')).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('vxlan: live parameters and recovery', () => {
  it('reads id, local, remote and port back from ip -d -j link (as resolve writes them)', () => {
    const d = { id: 42, remote: '10.0.2.1', local: '10.0.1.1', port: 4789, learning: true };
    expect(readKernelParams('vxlan', d)).toEqual(resolve(lab()).state.namespaces.h1.ifaces.vx0.params);
    expect(readKernelParams('vxlan', { id: 7, local6: 'fd00::0:1', remote6: 'fd00::2', port: 1 })).toEqual([
      { key: 'id', value: '7' },
      { key: 'local', value: 'fd00::1' },
      { key: 'remote', value: 'fd00::2' },
      { key: 'dstport', value: '1' },
    ]);
    expect(readKernelParams('veth', {})).toBeUndefined();
    expect(linkKinds.vxlan.kernelKinds).toEqual(['vxlan']);
  });

  it('an unmarked VTEP left by an interrupted apply is removed only when provably untouched', () => {
    const fact = {
      kind: 'link' as const,
      type: 'vxlan',
      ns: 'h1',
      name: 'vx0',
      mark: 'netplumb:vxl:vx:a',
    };
    const live = applied(lab());
    const bare = JSON.parse(JSON.stringify(live)) as KState;
    bare.namespaces.h1.ifaces.vx0 = { name: 'vx0', kind: 'vxlan', up: false, addresses: [] };
    expect(unmarkedLeftovers('vxl', [fact], bare).changes.map((c) => c.argv.join(' '))).toEqual([
      'ip -n h1 link delete dev vx0',
    ]);
    bare.namespaces.h1.ifaces.vx0.up = true;
    const r = unmarkedLeftovers('vxl', [fact], bare);
    expect(r.changes).toEqual([]);
    expect(r.ignored[0]).toMatch(/not provably/);
    bare.namespaces.h1.ifaces.vx0 = { name: 'vx0', kind: 'veth', up: false, addresses: [] };
    expect(unmarkedLeftovers('vxl', [fact], bare).changes).toEqual([]);
  });
});

describe('vxlan: turning a link into VXLAN and back (the Inspector kind switch)', () => {
  it("keeps id, ends, label; picks an unused VNI and each node's underlay address; back to veth drops the VXLAN fields", () => {
    const t = lab();
    const left = t.links.find((l) => l.id === 'u1')!;
    const vx = convertLink({ ...left, label: 'x' }, 'vxlan', t) as VxlanLink;
    expect(vx).toMatchObject({ id: 'u1', kind: 'vxlan', vni: 43, port: 4789, label: 'x' });
    // h1's only underlay address is on this very link (an overlay address is never offered): none to pick.
    expect(vx.a).toMatchObject({ node: 'h1', ifname: 'eth0' });
    expect(vx.a.local).toBeUndefined();
    expect(vx.b.local).toBe('10.0.2.254');
    const back = convertLink(vx, 'veth', t);
    expect(back).toEqual({ ...left, label: 'x' });
    expect(Topology.parse({ ...t, links: [back] }).links[0]).toEqual(back);
  });
});

describe('vxlan: node references in ends follow renames and pastes', () => {
  it("reId maps a VXLAN end's bridge; remapEnd drops a bridge the map does not know", () => {
    const t = lab({ bridged: true });
    const moved = reId(t, new Map([['br1', 'bridgeA']]));
    expect(vx(moved).a.bridge).toBe('bridgeA');
    expect(vx(moved).b.bridge).toBe('br2');
    expect(validate(moved).filter((p) => p.severity === 'error')).toEqual([]);
    expect(remapEnd(vx(t).a, 'h9', () => undefined)).not.toHaveProperty('bridge');
    expect(remapEnd(vx(t).a, 'h9', (x) => `${x}-copy`)).toMatchObject({ node: 'h9', bridge: 'br1-copy' });
  });
});
