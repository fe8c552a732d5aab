import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbValidTopology } from '../model/arbitraries';
import { Topology as TopologySchema, type Topology } from '../model';
import { addressPlaces, plan, resolve, ROOT_NS, type Change, type KState } from './index';
import { simulate } from './simulate';

const emptyHost = (): KState => ({
  namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, routes: [], ifaces: {} } },
});

/** ns1, ns2 and ns3 on br0; `extra` adds nodes and links. */
const lab = (extra: { nodes?: object[]; links?: object[] } = {}): Topology =>
  TopologySchema.parse({
    version: 1,
    name: 'nlab',
    nodes: [
      { id: 'ns1', name: 'ns1', kind: 'namespace' },
      { id: 'ns2', name: 'ns2', kind: 'namespace' },
      { id: 'ns3', name: 'ns3', kind: 'namespace' },
      { id: 'br0', name: 'br0', kind: 'bridge' },
      ...(extra.nodes ?? []),
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'ns1', ifname: 'eth0', addresses: ['10.0.0.1/24'] },
        b: { node: 'br0', ifname: 'p1' },
      },
      {
        id: 'l2',
        a: { node: 'ns2', ifname: 'eth0', addresses: ['10.0.0.2/24', 'fd00::2/64'] },
        b: { node: 'br0', ifname: 'p2' },
      },
      {
        id: 'l3',
        a: { node: 'ns3', ifname: 'eth0', addresses: ['10.0.0.3/24'] },
        b: { node: 'br0', ifname: 'p3' },
      },
      ...(extra.links ?? []),
    ],
  });

/** The lab with a fourth host, ns4 (10.0.0.4). */
const withNs4 = () =>
  lab({
    nodes: [{ id: 'ns4', name: 'ns4', kind: 'namespace' }],
    links: [
      {
        id: 'l4',
        a: { node: 'ns4', ifname: 'eth0', addresses: ['10.0.0.4/24'] },
        b: { node: 'br0', ifname: 'p4' },
      },
    ],
  });

/** The lab applied on an empty host (simulated), and where its addresses are. */
function applied(t: Topology) {
  const live = simulate(emptyHost(), plan(resolve(t), emptyHost()).changes);
  return { live, previous: () => addressPlaces(resolve(t).state) };
}

const flushes = (changes: Change[]) =>
  changes.filter((c) => c.op.op === 'neigh-flush').map((c) => `${c.ns}: ${c.argv.join(' ')}`);

/** The live state with namespace `ns` gone (deleted by hand: its veth ends die with it). */
function withoutNs(live: KState, ns: string): KState {
  const s = structuredClone(live);
  delete s.namespaces[ns];
  for (const n of Object.values(s.namespaces))
    for (const [name, i] of Object.entries(n.ifaces)) if (i.peer?.ns === ns) delete n.ifaces[name];
  return s;
}

describe('neighbour entries of a re-created address (plan-neigh.ts)', () => {
  it('a namespace deleted by hand and made again: every other namespace of the lab forgets its entries for its addresses, last', () => {
    const t = lab();
    const { live, previous } = applied(t);
    const r = plan(resolve(t), withoutNs(live, 'ns2'), { previousAddresses: previous });
    expect(flushes(r.changes).sort()).toEqual([
      'ns1: ip -n ns1 neigh flush to 10.0.0.2',
      'ns1: ip -n ns1 neigh flush to fd00::2',
      'ns3: ip -n ns3 neigh flush to 10.0.0.2',
      'ns3: ip -n ns3 neigh flush to fd00::2',
    ]);
    // The last phase, after the interface and its addresses are made; in the words of the plan.
    const last = r.changes.slice(-4);
    expect(last.every((c) => c.op.op === 'neigh-flush' && c.phase === 'neigh')).toBe(true);
    expect(last[0].reason).toMatch(/eth0 in namespace ns2 is made anew, with another MAC address/);
    expect(last[0].batch).toEqual([
      'neigh',
      'flush',
      'to',
      last[0].op.op === 'neigh-flush' ? last[0].op.addr : '',
    ]);
  });

  it('an address that moves to another interface is forgotten by every other namespace, its old holder too', () => {
    const t = lab();
    const { live, previous } = applied(t);
    const moved = structuredClone(t);
    moved.links[0].a.addresses = [];
    moved.links[2].a.addresses = ['10.0.0.3/24', '10.0.0.1/24'];
    const r = plan(resolve(moved), live, { previousAddresses: previous });
    expect(flushes(r.changes).sort()).toEqual([
      'ns1: ip -n ns1 neigh flush to 10.0.0.1',
      'ns2: ip -n ns2 neigh flush to 10.0.0.1',
    ]);
    expect(r.changes.find((c) => c.op.op === 'neigh-flush')!.reason).toMatch(
      /10\.0\.0\.1 moves to eth0 in namespace ns3/,
    );
  });

  it('no flush for a new address (one more host: the others are not touched), an address put back on the same interface, or a re-made interface with the MAC of the file', () => {
    const t = lab();
    const { live, previous } = applied(t);
    const more = withNs4();
    let asked = 0;
    const counted = () => (asked++, previous());
    const add = plan(resolve(more), live, { previousAddresses: counted });
    expect(flushes(add.changes)).toEqual([]);
    expect(add.changes.some((c) => c.ns === 'ns1' || c.ns === 'ns3')).toBe(false);

    // An address deleted by hand and added back: the same interface, the same MAC.
    const s = structuredClone(live);
    s.namespaces.ns2.ifaces.eth0.addresses = s.namespaces.ns2.ifaces.eth0.addresses.filter(
      (a) => a !== '10.0.0.2/24',
    );
    const back = plan(resolve(t), s, { previousAddresses: counted });
    expect(back.changes.map((c) => c.argv.join(' '))).toEqual(['ip -n ns2 address add 10.0.0.2/24 dev eth0']);

    // A fixed MAC in the file: the re-made interface answers with the MAC the others have.
    const fixed = structuredClone(t);
    fixed.links[1].a.mac = '02:00:00:00:00:02';
    const fixedApplied = applied(fixed);
    const remade = plan(resolve(fixed), withoutNs(fixedApplied.live, 'ns2'), {
      previousAddresses: fixedApplied.previous,
    });
    expect(remade.changes.length).toBeGreaterThan(0);
    expect(flushes(remade.changes)).toEqual([]);
    // The record is read only when an address goes on a new or another interface: once per plan at most.
    expect(asked).toBeLessThanOrEqual(2);
  });

  it('the root forgets too only when the lab has addresses there; new namespaces and the holder never do', () => {
    const t = withNs4();
    const { live, previous } = applied(t);
    const broken = withoutNs(withoutNs(live, 'ns2'), 'ns4');
    const r = plan(resolve(t), broken, { previousAddresses: previous });
    const f = flushes(r.changes);
    expect(f.some((l) => l.startsWith('ns4:') || l.startsWith('ns2:'))).toBe(false);
    expect(f.some((l) => l.startsWith(':'))).toBe(false);

    const routed = structuredClone(t);
    routed.nodes[3] = { ...routed.nodes[3], addresses: ['10.0.0.254/24'] } as (typeof routed.nodes)[number];
    const withRootAddress = TopologySchema.parse(routed);
    const a2 = applied(withRootAddress);
    const r2 = plan(resolve(withRootAddress), withoutNs(a2.live, 'ns2'), { previousAddresses: a2.previous });
    expect(flushes(r2.changes)).toContain(': ip neigh flush to 10.0.0.2');
  });

  it('property: with the record of what was applied, a plan converges and the next plan is empty; flushes only follow an address put on a new or another interface', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 7 }), arbValidTopology({ maxNodes: 7 }), (t1, t2) => {
        const t2same = { ...t2, name: t1.name };
        const { live: s1, previous } = applied(t1);
        const r = plan(resolve(t2same), s1, { previousAddresses: previous });
        if (r.conflicts.length) return;
        const added = new Set(
          r.changes.flatMap((c) => (c.op.op === 'address-add' ? [c.op.cidr.split('/')[0]] : [])),
        );
        for (const c of r.changes)
          if (c.op.op === 'neigh-flush') {
            expect(added.has(c.op.addr)).toBe(true);
            expect(previous().has(c.op.addr)).toBe(true);
          }
        const s2 = simulate(s1, r.changes);
        const again = plan(resolve(t2same), s2, {
          previousAddresses: () => addressPlaces(resolve(t2same).state),
        });
        expect(again.changes).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
