import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbValidTopology } from '../model/arbitraries';
import type { Topology } from '../model';
import { Topology as TopologySchema } from '../model';
import { NS_OWN_SYSCTL_KEYS, NS_OWN_SYSCTLS } from '../model/common';
import { driftFromChanges, plan, resolve, ROOT_NS, type KState } from './index';
import { simulate } from './simulate';
import { connectedRoutes, localRoutes } from './connected';
import {
  handMadeSettings,
  type KIface,
  type KNamespace,
  type KRule,
  type KTableRoute,
  PORT_FLAG_DEFAULTS,
  PORT_STATES,
  RULE_DEFAULTS,
} from './kstate';

const emptyHost = (): KState => ({
  namespaces: {
    [ROOT_NS]: {
      name: ROOT_NS,
      sysctls: {},
      routes: [],
      // A foreign interface that no plan may touch.
      ifaces: { eth0: { name: 'eth0', kind: 'other', up: true, addresses: ['192.0.2.10/24'], mtu: 1500 } },
    },
  },
});

const lab = (over: Partial<Topology> = {}): Topology =>
  TopologySchema.parse({
    version: 1,
    name: 'tlab',
    nodes: [
      { id: 'ns1', name: 'ns1', kind: 'namespace', gateway: { ipv4: '10.0.0.254' } },
      { id: 'ns2', name: 'ns2', kind: 'namespace' },
      { id: 'br0', name: 'br0', kind: 'bridge' },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'ns1', ifname: 'eth0', addresses: ['10.0.0.1/24'] },
        b: { node: 'br0', ifname: 'p1' },
      },
      {
        id: 'l2',
        a: { node: 'ns2', ifname: 'eth0', addresses: ['10.0.0.2/24'] },
        b: { node: 'br0', ifname: 'p2' },
      },
    ],
    ...over,
  });

const applyTo = (t: Topology, live: KState) => {
  const r = plan(resolve(t), live);
  expect(r.conflicts).toEqual([]);
  return { changes: r.changes, after: simulate(live, r.changes) };
};

describe('plan', () => {
  it('creates the classic lab from nothing, veth peers directly in their namespaces', () => {
    const { changes } = applyTo(lab(), emptyHost());
    const lines = changes.map((c) => c.argv.join(' '));
    expect(lines).toContain('ip netns add ns1');
    expect(lines).toContain('ip link add name eth0 netns ns1 type veth peer name p1');
    expect(lines).toContain('ip -n ns1 address add 10.0.0.1/24 dev eth0');
    expect(lines).toContain('ip -n ns1 route replace default via 10.0.0.254');
    expect(lines.some((l) => l.includes('link set') && l.includes('netns'))).toBe(false);
    // Every change has a reason and every create an undo.
    for (const c of changes) {
      expect(c.reason.length).toBeGreaterThan(5);
      if (c.action === 'create') expect(c.undo).toBeDefined();
    }
  });

  it('plans nothing right after applying', () => {
    const { after } = applyTo(lab(), emptyHost());
    expect(plan(resolve(lab()), after).changes).toEqual([]);
  });

  it('adding a host creates only that host', () => {
    const { after } = applyTo(lab(), emptyHost());
    const bigger = lab();
    bigger.nodes.push({ ...bigger.nodes[1], id: 'ns3', name: 'ns3' } as Topology['nodes'][number]);
    bigger.links.push({
      id: 'l3',
      a: { node: 'ns3', ifname: 'eth0', addresses: ['10.0.0.3/24'], up: true },
      b: { node: 'br0', ifname: 'p3', addresses: [], up: true },
    });
    const r = plan(resolve(bigger), after);
    expect(r.changes.length).toBeGreaterThan(0);
    for (const c of r.changes) expect(c.target.linkId === 'l3' || c.target.nodeId === 'ns3').toBe(true);
    expect(r.changes.every((c) => c.action !== 'delete')).toBe(true);
  });

  it('changing an address changes only that address', () => {
    const { after } = applyTo(lab(), emptyHost());
    const t = lab();
    t.links[1].a.addresses = ['10.0.0.3/24'];
    const lines = plan(resolve(t), after).changes.map((c) => c.argv.join(' '));
    expect(lines).toEqual([
      'ip -n ns2 address delete 10.0.0.2/24 dev eth0',
      'ip -n ns2 address add 10.0.0.3/24 dev eth0',
    ]);
  });

  it('removing a link removes only that link', () => {
    const { after } = applyTo(lab(), emptyHost());
    const t = lab();
    t.links = t.links.slice(0, 1);
    t.nodes = t.nodes.filter((n) => n.id !== 'ns2');
    const r = plan(resolve(t), after);
    expect(r.changes.map((c) => c.argv.join(' '))).toEqual(['ip netns delete ns2']);
    const t2 = lab();
    t2.links = t2.links.slice(0, 1);
    const r2 = plan(resolve(t2), after);
    expect(r2.changes.map((c) => c.argv.join(' '))).toEqual(['ip link delete dev p2']);
    expect(r2.changes[0].requireMark).toBe('netplumb:tlab:l2:b');
  });

  it('refuses names that collide with objects it does not own, and plans nothing', () => {
    const host = emptyHost();
    host.namespaces[ROOT_NS].ifaces.br0 = { name: 'br0', kind: 'bridge', up: true, addresses: [] };
    host.namespaces.ns2 = { name: 'ns2', sysctls: {}, routes: [], ifaces: {} };
    const r = plan(resolve(lab()), host);
    expect(r.changes).toEqual([]);
    expect(r.conflicts.map((c) => c.message).join('\n')).toMatch(/Namespace "ns2" already exists/);
    expect(r.conflicts.map((c) => c.message).join('\n')).toMatch(
      /Interface "br0" already exists in the root namespace and was not made by netplumb/,
    );
    expect(r.conflicts.find((c) => c.message.includes('br0'))?.nodeId).toBe('br0');
  });

  it('says when a colliding interface has an alias that is not a netplumb mark (one changed by hand)', () => {
    const host = emptyHost();
    host.namespaces[ROOT_NS].ifaces.br0 = {
      name: 'br0',
      kind: 'bridge',
      up: true,
      addresses: [],
      mark: 'hand-edited',
    };
    const r = plan(resolve(lab()), host);
    expect(r.changes).toEqual([]);
    expect(r.conflicts.map((c) => c.message).join('\n')).toContain(
      'Interface "br0" already exists in the root namespace and was not made by netplumb (its alias "hand-edited" is not netplumb\'s mark). Rename it',
    );
    host.namespaces[ROOT_NS].ifaces.br0.mark = 'x'.repeat(300);
    const long = plan(resolve(lab()), host)
      .conflicts.map((c) => c.message)
      .join('\n');
    expect(long).toContain(`(its alias "${'x'.repeat(64)}…" is not netplumb's mark)`);
  });

  it('detaches (never deletes) a foreign interface plugged into a lab bridge, and reports it', () => {
    const { after } = applyTo(lab(), emptyHost());
    // Someone plugs the host's eth0 and another lab's interface into br0.
    after.namespaces[ROOT_NS].ifaces.eth0.master = 'br0';
    after.namespaces[ROOT_NS].ifaces.other = {
      name: 'other',
      kind: 'veth',
      up: true,
      addresses: [],
      mark: 'netplumb:otherlab:link:x:a',
      master: 'br0',
    };
    const r = plan(resolve(lab()), after);
    expect(r.conflicts).toEqual([]);
    expect(r.changes.map((c) => c.argv.join(' ')).sort()).toEqual([
      'ip link set dev eth0 nomaster',
      'ip link set dev other nomaster',
    ]);
    expect(r.changes.every((c) => c.action === 'modify' && c.undo?.includes('master'))).toBe(true);
    expect(r.changes[0].reason).toMatch(
      /attached to the lab's bridge br0 but was not made by netplumb for this lab: it is detached from the bridge, not deleted/,
    );
    const fixed = simulate(after, r.changes);
    expect(fixed.namespaces[ROOT_NS].ifaces.eth0).toMatchObject({
      name: 'eth0',
      addresses: ['192.0.2.10/24'],
    });
    expect(fixed.namespaces[ROOT_NS].ifaces.eth0.master).toBeUndefined();
    expect(plan(resolve(lab()), fixed).changes).toEqual([]);
    // A foreign port on a bridge the lab does not own is not the lab's business.
    const foreignBr = structuredClone(fixed);
    foreignBr.namespaces[ROOT_NS].ifaces.hostbr = { name: 'hostbr', kind: 'bridge', up: true, addresses: [] };
    foreignBr.namespaces[ROOT_NS].ifaces.eth0.master = 'hostbr';
    expect(plan(resolve(lab()), foreignBr).changes).toEqual([]);
  });

  it('never deletes a foreign interface that sits on one it deletes (a macvlan on a veth end): the plan is refused, naming it', () => {
    const cases = [
      // On the namespace end, the pair broken from the root end; on the root end, from the namespace end.
      { on: ['ns1', 'eth0'], rename: [ROOT_NS, 'p1'] },
      { on: [ROOT_NS, 'p1'], rename: ['ns1', 'eth0'] },
    ] as const;
    for (const { on, rename } of cases) {
      const { after } = applyTo(lab(), emptyHost());
      after.namespaces[on[0]].ifaces.mv = {
        name: 'mv',
        kind: 'other',
        up: false,
        addresses: [],
        lower: on[1],
      };
      const n = after.namespaces[rename[0]];
      n.ifaces[`${rename[1]}x`] = { ...n.ifaces[rename[1]], name: `${rename[1]}x` };
      delete n.ifaces[rename[1]];
      const peerNs = rename[0] === ROOT_NS ? 'ns1' : ROOT_NS;
      const peer = after.namespaces[peerNs].ifaces[rename[0] === ROOT_NS ? 'eth0' : 'p1'];
      peer.peer = { ns: rename[0], name: `${rename[1]}x` };
      const r = plan(resolve(lab()), after);
      expect(r.changes).toEqual([]);
      expect(r.conflicts).toHaveLength(1);
      expect(r.conflicts[0].message).toMatch(
        /but mv, which netplumb did not make, sits on it, and the kernel deletes it with it/,
      );
      // Once it is gone, the repair goes on.
      delete after.namespaces[on[0]].ifaces.mv;
      expect(plan(resolve(lab()), after).conflicts).toEqual([]);
    }
    // The lab's own link gone from the file (and the whole lab, as destroy plans it): refused the same way.
    const { after } = applyTo(lab(), emptyHost());
    after.namespaces[ROOT_NS].ifaces.mv = {
      name: 'mv',
      kind: 'other',
      up: false,
      addresses: [],
      lower: 'p2',
    };
    const fewer = lab({ links: lab().links.slice(0, 1) });
    expect(
      plan(resolve(fewer), after)
        .conflicts.map((c) => c.message)
        .join(),
    ).toContain('mv');
    const none = lab({ nodes: [], links: [] });
    expect(
      plan(resolve(none), after)
        .conflicts.map((c) => c.message)
        .join(),
    ).toContain('mv');
    // Not on a deleted interface: no business of the plan's.
    after.namespaces[ROOT_NS].ifaces.mv.lower = 'eth0';
    expect(plan(resolve(none), after).conflicts).toEqual([]);
  });

  it("deleting a namespace never deletes a veth end elsewhere that carries another lab's mark (its peer)", () => {
    const { after } = applyTo(lab(), emptyHost());
    after.namespaces[ROOT_NS].ifaces.p2.mark = 'netplumb:otherlab:x:b';
    const r = plan(resolve(lab({ nodes: [], links: [] })), after);
    expect(r.changes).toEqual([]);
    expect(r.conflicts.map((c) => c.message)).toEqual([
      expect.stringContaining(
        'whose peer p2 in the root namespace carries the mark of netplumb lab "otherlab"',
      ),
    ]);
    expect(r.conflicts[0].message).toContain('ip link set dev p2 alias netplumb:tlab:l2:b');
    // apply and status refuse it too, and say how to mark it again (its peer proves the pair the file's).
    const refused = plan(resolve(lab()), after);
    expect(refused.changes).toEqual([]);
    expect(refused.conflicts.map((c) => c.message)).toEqual([
      expect.stringContaining(
        'belongs to netplumb lab "otherlab". Rename it in the file, or destroy lab "otherlab" first. If it is this lab\'s and its mark was cleared or written over by hand, mark it again: ip link set dev p2 alias netplumb:tlab:l2:b',
      ),
    ]);
    // Both ends with the other lab's mark (a lab renamed keeps the old name's marks): no re-mark hint.
    const both = structuredClone(after);
    both.namespaces.ns2.ifaces.eth0.mark = 'netplumb:otherlab:x:a';
    const renamed = plan(resolve(lab()), both);
    expect(renamed.conflicts.length).toBeGreaterThan(0);
    expect(renamed.conflicts.map((c) => c.message).join('\n')).not.toContain('mark it again');
    // Its mark cleared (or any alias that is no netplumb mark): provably the lab's pair, deleted with it.
    after.namespaces[ROOT_NS].ifaces.p2.mark = 'uplink';
    expect(plan(resolve(lab({ nodes: [], links: [] })), after).conflicts).toEqual([]);
  });

  it("a second route to a destination of the file, with another metric, made by hand, is deleted; the file's stays", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100000 }),
        fc.constantFrom('10.0.0.2', '10.0.0.254'),
        (metric, via) => {
          const { after } = applyTo(lab(), emptyHost());
          after.namespaces.ns1.routes.push({ to: 'default', family: 4, via, dev: 'eth0', metric });
          const r = plan(resolve(lab()), after);
          expect(r.changes.map((c) => c.argv.join(' '))).toEqual([
            `ip -n ns1 route delete default via ${via} dev eth0 metric ${metric}`,
          ]);
          // Its reason names the metric: the route of the file (metric 0) is the same otherwise.
          expect(r.changes[0].reason).toBe(
            `route default via ${via} metric ${metric} in namespace ns1 is not in the file`,
          );
          const fixed = simulate(after, r.changes);
          expect(fixed.namespaces.ns1.routes.filter((x) => x.to === 'default')).toEqual([
            expect.objectContaining({ via: '10.0.0.254' }),
          ]);
          expect(plan(resolve(lab()), fixed).changes).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a veth's MTU set by hand where the file is silent goes back to the kernel's 1500; one the file sets is kept", () => {
    fc.assert(
      fc.property(fc.integer({ min: 68, max: 9000 }), fc.boolean(), (mtu, root) => {
        const { after } = applyTo(lab(), emptyHost());
        const i = root ? after.namespaces[ROOT_NS].ifaces.p1 : after.namespaces.ns2.ifaces.eth0;
        i.mtu = mtu;
        const r = plan(resolve(lab()), after);
        if (mtu === 1500) {
          // Not `return expect(…)`: fast-check fails a property that returns anything but true or undefined.
          expect(r.changes).toEqual([]);
          return;
        }
        expect(r.changes.map((c) => c.argv.join(' '))).toEqual([
          `ip ${root ? '' : '-n ns2 '}link set dev ${i.name} mtu 1500`.replace('  ', ' '),
        ]);
        expect(r.changes[0].reason).toContain(`is ${mtu}, as set by hand: the file does not set it`);
        expect(plan(resolve(lab()), simulate(after, r.changes)).changes).toEqual([]);
        // Not judged where it was not read (undefined), nor for the bridge (it follows its ports).
        delete i.mtu;
        after.namespaces[ROOT_NS].ifaces.br0.mtu = mtu;
        expect(plan(resolve(lab()), after).changes).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("never deletes a peer netplumb did not make: a lab veth end whose peer is foreign is refused, and no hint marks a stranger's veth", () => {
    const { after } = applyTo(lab(), emptyHost());
    const root = after.namespaces[ROOT_NS];
    // Someone made a pair p1/x in the root namespace after deleting the lab's p1 (and ns1's eth0 with it).
    delete after.namespaces.ns1.ifaces.eth0;
    root.ifaces.p1 = { name: 'p1', kind: 'veth', up: true, addresses: [], peer: { ns: ROOT_NS, name: 'x' } };
    root.ifaces.x = { name: 'x', kind: 'veth', up: true, addresses: [], peer: { ns: ROOT_NS, name: 'p1' } };
    const unmarked = plan(resolve(lab()), after);
    expect(unmarked.conflicts.map((c) => c.message).join('\n')).toContain('Interface "p1" already exists');
    // No "mark it again": its peer is not the file's other end.
    expect(unmarked.conflicts.map((c) => c.message).join('\n')).not.toContain('mark it again');
    // Marked by hand anyway: the pair must be re-made, which would delete x: refused, nothing planned.
    root.ifaces.p1.mark = resolve(lab()).state.namespaces[ROOT_NS].ifaces.p1.mark;
    const marked = plan(resolve(lab()), after);
    expect(marked.conflicts.map((c) => c.message)).toEqual([
      expect.stringContaining('its peer x in the root namespace was not made by netplumb'),
    ]);
    // The same pair with the file's other end as its peer (only the mark lost) gets the hint.
    const { after: lost } = applyTo(lab(), emptyHost());
    delete lost.namespaces[ROOT_NS].ifaces.p1.mark;
    const hint = plan(resolve(lab()), lost);
    expect(
      [...hint.conflicts.map((c) => c.message), ...hint.changes.map((c) => c.reason)].join('\n'),
    ).toMatch(/mark it again|is the peer of eth0/);
  });

  it('a next hop reached only through a route without one: that route is added first, also when the interface is re-created', () => {
    // A point-to-point /32 as Kathará and containerlab labs write it: the gateway is outside every subnet.
    const ptp = () =>
      lab({
        nodes: [
          { id: 'ns1', name: 'ns1', kind: 'namespace', gateway: { ipv4: '10.99.0.1' } },
          { id: 'ns2', name: 'ns2', kind: 'namespace' },
          { id: 'br0', name: 'br0', kind: 'bridge' },
        ].map((n) =>
          n.id === 'ns1'
            ? {
                ...n,
                routes: [
                  { to: '10.60.0.0/16', via: '10.99.0.1' },
                  { to: '10.99.0.1/32', dev: 'eth0' },
                ],
              }
            : n,
        ) as Topology['nodes'],
      });
    const routeLines = (changes: { argv: string[] }[]) =>
      changes.map((c) => c.argv.join(' ')).filter((l) => / route replace /.test(l) && l.includes('-n ns1'));
    // simulate throws, as the kernel does, on a next hop it cannot reach yet.
    const { changes, after } = applyTo(ptp(), emptyHost());
    const lines = routeLines(changes);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('10.99.0.1/32 dev eth0');
    expect(plan(resolve(ptp()), after).changes).toEqual([]);
    // The host end renamed by hand: the pair is made again, and every route of ns1 after it.
    const root = after.namespaces[ROOT_NS];
    root.ifaces.p1x = { ...root.ifaces.p1, name: 'p1x' };
    delete root.ifaces.p1;
    after.namespaces.ns1.ifaces.eth0.peer = { ns: ROOT_NS, name: 'p1x' };
    const r = plan(resolve(ptp()), after);
    expect(routeLines(r.changes)[0]).toContain('10.99.0.1/32 dev eth0');
    expect(plan(resolve(ptp()), simulate(after, r.changes)).changes).toEqual([]);
  });

  it('a route made by hand through an interface the plan re-creates is not deleted on its own (it goes with the interface)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (metric) => {
        const { after } = applyTo(lab(), emptyHost());
        const root = after.namespaces[ROOT_NS];
        root.ifaces.p1x = { ...root.ifaces.p1, name: 'p1x' };
        delete root.ifaces.p1;
        after.namespaces.ns1.ifaces.eth0.peer = { ns: ROOT_NS, name: 'p1x' };
        after.namespaces.ns1.routes.push({ to: '10.0.0.0/24', family: 4, dev: 'eth0', metric });
        const r = plan(resolve(lab()), after);
        expect(r.conflicts).toEqual([]);
        expect(r.changes.some((c) => c.argv.join(' ').includes(`metric ${metric}`))).toBe(false);
        // simulate throws as the kernel would on a delete of a route that is gone.
        const fixed = simulate(after, r.changes);
        expect(plan(resolve(lab()), fixed).changes).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('one plan repairs a veth re-created because an end was renamed by hand: the routes the kernel dropped with it come back (every end)', () => {
    // ns1's default route goes through eth0 (its gateway); renaming either end breaks the pair.
    const ends = [
      { ns: ROOT_NS, name: 'p1', peerNs: 'ns1', peer: 'eth0' },
      { ns: 'ns1', name: 'eth0', peerNs: ROOT_NS, peer: 'p1' },
      { ns: ROOT_NS, name: 'p2', peerNs: 'ns2', peer: 'eth0' },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...ends), fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), (e, suffix) => {
        const { after } = applyTo(lab(), emptyHost());
        const n = after.namespaces[e.ns];
        const renamed = `${e.name}${suffix}x`;
        fc.pre(!n.ifaces[renamed]);
        n.ifaces[renamed] = { ...n.ifaces[e.name], name: renamed };
        delete n.ifaces[e.name];
        after.namespaces[e.peerNs].ifaces[e.peer].peer = { ns: e.ns, name: renamed };
        const r = plan(resolve(lab()), after);
        expect(r.conflicts).toEqual([]);
        const fixed = simulate(after, r.changes);
        expect(fixed.namespaces.ns1.routes.map((x) => x.to)).toContain('default');
        expect(plan(resolve(lab()), fixed).changes.map((c) => c.reason)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('status names every difference: a port taken off its bridge is reported even when an address on the same link is missing', () => {
    const { after } = applyTo(lab(), emptyHost());
    delete after.namespaces[ROOT_NS].ifaces.p2.master;
    after.namespaces.ns2.ifaces.eth0.addresses = [];
    const drift = driftFromChanges(plan(resolve(lab()), after).changes);
    expect(drift.map((d) => `${d.state} ${d.kind} ${d.linkId}`).sort()).toEqual([
      'changed interface l2',
      'missing address l2',
    ]);
    // A link missing as a whole is one item, not one per setting of its ends.
    const gone = structuredClone(after);
    delete gone.namespaces[ROOT_NS].ifaces.p1;
    delete gone.namespaces.ns1.ifaces.eth0;
    expect(
      driftFromChanges(plan(resolve(lab()), gone).changes)
        .filter((d) => d.linkId === 'l1')
        .map((d) => `${d.state} ${d.kind}`),
    ).toEqual(['missing link']);
  });

  it('status leaves out a route the repair only sets again (an address of its namespace changed): it is not drift', () => {
    // ns1 has its gateway and a route with a metric (the undo's route lists the device the file leaves out).
    const withMetric = () =>
      lab({
        nodes: lab().nodes.map((n) =>
          n.id === 'ns1' ? { ...n, routes: [{ to: '10.5.0.0/16', via: '10.0.0.2', metric: 5 }] } : n,
        ),
      });
    const { after } = applyTo(withMetric(), emptyHost());
    // ns1's address changed by hand to another prefix length; its routes are untouched.
    after.namespaces.ns1.ifaces.eth0.addresses = ['10.0.0.1/16'];
    const r = plan(resolve(withMetric()), after);
    expect(r.changes.filter((c) => c.target.kind === 'route')).toHaveLength(2);
    expect(r.changes.some((c) => c.target.kind === 'route')).toBe(true);
    expect(driftFromChanges(r.changes).map((d) => `${d.state} ${d.kind} ${d.name}`)).toEqual([
      'changed address 10.0.0.1/16 on eth0 in namespace ns1',
      'missing address 10.0.0.1/24 on eth0 in namespace ns1',
    ]);
    // A route that really differs is still drift.
    after.namespaces.ns1.routes = after.namespaces.ns1.routes.map((x) =>
      x.to === 'default' ? { ...x, via: '10.0.0.253' } : x,
    );
    expect(driftFromChanges(plan(resolve(withMetric()), after).changes).some((d) => d.kind === 'route')).toBe(
      true,
    );
  });

  it('does not touch another lab of netplumb', () => {
    const { after } = applyTo(lab(), emptyHost());
    const other = lab({ name: 'other' } as Partial<Topology>);
    other.nodes = [{ id: 'z1', name: 'z1', kind: 'namespace', routes: [] }];
    other.links = [];
    const r = plan(resolve(other), after);
    expect(r.changes.every((c) => c.target.name === 'z1' || c.ns === 'z1' || c.argv.includes('z1'))).toBe(
      true,
    );
  });
});

describe('plan properties (on the kernel model)', () => {
  it('converges: from any applied lab to any other, then nothing is left to do, and foreign objects stay', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 7 }), arbValidTopology({ maxNodes: 7 }), (t1, t2) => {
        const t2same = { ...t2, name: t1.name };
        const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
        expect(plan(resolve(t1), s1).changes).toEqual([]);
        const r2 = plan(resolve(t2same), s1);
        if (r2.conflicts.length) return; // a name of t2 is taken by... t1's own objects are ours, so this cannot happen
        const s2 = simulate(s1, r2.changes);
        expect(plan(resolve(t2same), s2).changes).toEqual([]);
        expect(s2.namespaces[ROOT_NS].ifaces.eth0).toEqual(emptyHost().namespaces[ROOT_NS].ifaces.eth0);
        // Destroying (an empty desired lab) leaves only what was not ours.
        const empty = resolve({ ...t1, nodes: [], links: [] });
        const s3 = simulate(s2, plan(empty, s2).changes);
        expect(s3).toEqual(emptyHost());
      }),
      { numRuns: 150 },
    );
  });

  it("a root qdisc added by hand on a lab interface goes (or becomes the file's netem); on a foreign one it stays", () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 7, netem: true }), fc.nat(), (t1, pick) => {
        const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
        const ours = Object.values(s1.namespaces).flatMap((n) =>
          Object.values(n.ifaces)
            .filter((i) => i.kind !== 'loopback' && i.mark)
            .map((i) => [n.name, i] as const),
        );
        s1.namespaces[ROOT_NS].ifaces.eth0.rootQdisc = 'htb';
        if (!ours.length) return;
        const [ns, iface] = ours[pick % ours.length];
        // A tbf put in place of whatever root qdisc the interface had (the file's netem included).
        const hadNetem = iface.netem !== undefined;
        delete iface.netem;
        iface.rootQdisc = 'tbf';
        const r = plan(resolve(t1), s1);
        const touching = r.changes.filter(
          (c) => c.ns === ns && (c.op as { dev?: string }).dev === iface.name,
        );
        expect(touching).toHaveLength(1);
        expect(touching[0].op.op).toBe(hadNetem ? 'qdisc-replace' : 'qdisc-delete');
        expect(driftFromChanges(r.changes).length).toBeGreaterThan(0);
        const s2 = simulate(s1, r.changes);
        expect(plan(resolve(t1), s2).changes).toEqual([]);
        expect(s2.namespaces[ROOT_NS].ifaces.eth0.rootQdisc).toBe('htb');
      }),
      { numRuns: 150 },
    );
  });

  it('ARP turned off, port flags and a port held out of forwarding by hand are put back; a foreign interface keeps its own', () => {
    const handMade = fc.record({
      arpOff: fc.boolean(),
      flags: fc.dictionary(fc.constantFrom(...Object.keys(PORT_FLAG_DEFAULTS)), fc.boolean(), { maxKeys: 3 }),
      state: fc.constantFrom(...PORT_STATES),
    });
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 7 }), fc.nat(), handMade, (t1, pick, h) => {
        const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
        s1.namespaces[ROOT_NS].ifaces.eth0.arpOff = true;
        const ours = Object.values(s1.namespaces).flatMap((n) =>
          Object.values(n.ifaces)
            .filter((i) => i.kind !== 'loopback' && i.mark)
            .map((i) => [n, i] as const),
        );
        if (!ours.length) return;
        const [n, iface] = ours[pick % ours.length];
        if (h.arpOff) iface.arpOff = true;
        const sysctlKey = `net.ipv4.conf.${iface.name}.forwarding`;
        if (h.arpOff && n.name !== ROOT_NS) iface.sysctls = { [sysctlKey]: { have: '0', want: '1' } };
        const flags = Object.fromEntries(
          Object.entries(h.flags).filter(([k, v]) => PORT_FLAG_DEFAULTS[k] !== v),
        );
        const br = iface.master ? n.ifaces[iface.master] : undefined;
        if (br && Object.keys(flags).length) iface.portFlags = flags;
        if (br && iface.up && h.state !== 'forwarding') iface.portState = h.state;
        // A port state is the bridge's own business with STP on, or while the bridge is down.
        const stateCounts = iface.portState !== undefined && br?.up === true && br.bridge?.stp === false;
        const expected = handMadeSettings(iface).length > (iface.portState && !stateCounts ? 1 : 0);
        const r = plan(resolve(t1), s1);
        expect(driftFromChanges(r.changes).length > 0).toBe(expected);
        const words = r.changes.map((c) => c.argv.join(' ')).join('\n');
        if (iface.arpOff) expect(words).toContain(`dev ${iface.name} arp on`);
        if (iface.sysctls) expect(words).toContain(`ip netns exec ${n.name} sysctl -q -w ${sysctlKey}=1`);
        if (iface.portFlags || stateCounts) expect(words).toContain(`dev ${iface.name} type bridge_slave`);
        const s2 = simulate(s1, r.changes);
        expect(plan(resolve(t1), s2).changes).toEqual([]);
        expect(s2.namespaces[ROOT_NS].ifaces.eth0.arpOff).toBe(true);
        if (expected) {
          // The undo puts the hand-made settings back, as a rollback does.
          const back = simulate(
            s2,
            r.changes.flatMap((c) => (c.undoOp ? [{ ...c, op: c.undoOp }] : [])).reverse(),
          );
          // (The model does not keep a namespace's defaults, so an interface's sysctl written back
          // by an undo is not told from the namespace's own: those are left out here.)
          const settings = (i: KIface) => handMadeSettings({ ...i, sysctls: undefined }).sort();
          expect(settings(back.namespaces[n.name].ifaces[iface.name])).toEqual(settings(iface));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("an interface's rp_filter is judged by the file's `default` where the file sets it (writing it set the interfaces), else by a new namespace's", () => {
    const key = 'net.ipv4.conf.eth0.rp_filter';
    for (const fileDefault of [undefined, '0', '1']) {
      const t = lab({
        nodes: [
          {
            id: 'ns1',
            name: 'ns1',
            kind: 'namespace',
            ...(fileDefault !== undefined
              ? { sysctls: { 'net.ipv4.conf.default.rp_filter': Number(fileDefault) } }
              : {}),
          },
          { id: 'ns2', name: 'ns2', kind: 'namespace' },
          { id: 'br0', name: 'br0', kind: 'bridge' },
        ] as unknown as Topology['nodes'],
      });
      for (const have of ['0', '1', '2']) {
        const live = simulate(emptyHost(), plan(resolve(t), emptyHost()).changes);
        // The reader names an interface whose value is not a new namespace's default (2 here).
        if (have !== '2') live.namespaces.ns1.ifaces.eth0.sysctls = { [key]: { have, want: '2' } };
        const words = plan(resolve(t), live).changes.map((c) => c.argv.join(' '));
        const writes = words.filter((w) => w.includes(`${key}=`));
        const want = fileDefault ?? '2';
        expect(writes, `file ${fileDefault}, have ${have}`).toEqual(
          have === '2' || have === want ? [] : [`ip netns exec ns1 sysctl -q -w ${key}=${want}`],
        );
      }
    }
  });

  it.each([
    { flag: 'lostOwn', add: 'address add 127.0.0.1/8 dev lo' },
    { flag: 'lostOwn6', add: 'address add ::1/128 dev lo nodad noprefixroute' },
  ] as const)(
    "the loopback's own address ($flag) deleted by hand comes back (added while it stays up, by the kernel when the plan brings it up)",
    ({ flag, add: addWords }) => {
      fc.assert(
        fc.property(arbValidTopology({ maxNodes: 7 }), fc.nat(), fc.boolean(), (t1, pick, down) => {
          const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
          const labNs = Object.values(s1.namespaces).filter((n) => n.name !== ROOT_NS);
          if (!labNs.length) return;
          const n = labNs[pick % labNs.length];
          const lo = n.ifaces.lo;
          expect(lo.up).toBe(true);
          if (down) lo.up = false;
          else lo[flag] = true;
          const r = plan(resolve(t1), s1);
          const words = r.changes.map((c) => c.argv.join(' '));
          const add = `ip -n ${n.name} ${addWords}`;
          expect(words.includes(add)).toBe(!down);
          // Down: brought up (its routes set again); up without it: that one address.
          if (!down) expect(driftFromChanges(r.changes)).toHaveLength(1);
          const s2 = simulate(s1, r.changes);
          expect(s2.namespaces[n.name].ifaces.lo).toEqual({ ...lo, up: true, [flag]: undefined });
          expect(plan(resolve(t1), s2).changes).toEqual([]);
          const back = simulate(
            s2,
            r.changes.flatMap((c) => (c.undoOp ? [{ ...c, op: c.undoOp }] : [])).reverse(),
          );
          expect(back.namespaces[n.name].ifaces.lo[flag]).toBe(down ? undefined : true);
        }),
        { numRuns: 100 },
      );
    },
  );

  it("the kernel's routes for addresses deleted by hand come back; a route of protocol kernel made by hand goes", () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 7 }), fc.nat(), fc.boolean(), (t1, pick, extra) => {
        const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
        const withV4 = Object.values(s1.namespaces)
          .filter((n) => n.name !== ROOT_NS)
          .flatMap((n) =>
            Object.values(n.ifaces)
              .filter((i) => i.up && connectedRoutes(i).some((r) => r.family === 4))
              .map((i) => [n, i] as const),
          );
        if (!withV4.length) return;
        const [n, iface] = withV4[pick % withV4.length];
        const lost = connectedRoutes(iface).filter((r) => r.family === 4);
        n.lostRoutes = lost;
        if (extra) n.routes = [...n.routes, { to: '10.250.0.1/32', family: 4, dev: 'lo', proto: 'kernel' }];
        const r = plan(resolve(t1), s1);
        const drift = driftFromChanges(r.changes);
        for (const x of lost)
          expect(
            drift.some((d) => d.state === 'missing' && d.kind === 'route' && d.name.startsWith(x.to)),
          ).toBe(true);
        const words = r.changes.map((c) => c.argv.join(' '));
        for (const x of lost)
          expect(words).toContain(
            `ip -n ${n.name} route replace ${x.to} dev ${iface.name} proto kernel src ${x.src}`,
          );
        if (extra) expect(words).toContain(`ip -n ${n.name} route delete 10.250.0.1/32 dev lo proto kernel`);
        const s2 = simulate(s1, r.changes);
        expect(s2.namespaces[n.name].lostRoutes).toBeUndefined();
        expect(plan(resolve(t1), s2).changes).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it("policy rules, permanent neighbour entries and routes of other tables made by hand go; the kernel's own rules and local routes come back; undo puts all back", () => {
    const arbRule: fc.Arbitrary<KRule> = fc.record({
      pref: fc.integer({ min: 1, max: 40000 }),
      words: fc.constantFrom<string[]>(
        ['to', '10.0.0.2', 'prohibit'],
        ['from', '10.9.0.0/16', 'table', '100'],
        ['iif', 'lo', 'blackhole'],
      ),
    });
    fc.assert(
      fc.property(
        arbValidTopology({ maxNodes: 7 }),
        fc.nat(),
        fc.uniqueArray(arbRule, { maxLength: 3, selector: (r) => r.pref }),
        fc.subarray([...RULE_DEFAULTS]),
        fc.boolean(),
        fc.subarray(['local', 'blackhole', 'v6default'] as const),
        fc.nat(),
        (t1, pick, rules, lostRules, neigh, tables, lostPick) => {
          const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
          const labNs = Object.values(s1.namespaces).filter((n) => n.name !== ROOT_NS);
          if (!labNs.length) return;
          const n = labNs[pick % labNs.length];
          const dev = Object.values(n.ifaces).find((i) => i.kind !== 'loopback');
          if (rules.length) n.rules = rules;
          if (lostRules.length) n.lostRules = lostRules;
          if (neigh && dev) n.neighs = [{ addr: '10.0.0.77', dev: dev.name, lladdr: '02:de:ad:00:00:01' }];
          // Routes of other tables made by hand, and the kernel's local routes of some addresses deleted.
          const tableShapes: Record<(typeof tables)[number], KTableRoute> = {
            local: {
              family: 4,
              words: ['local', '10.0.0.2', 'table', 'local', 'dev', 'lo', 'proto', 'boot'],
              extra: ['scope', 'host'],
              dev: 'lo',
            },
            blackhole: { family: 4, words: ['blackhole', '10.0.0.1', 'table', 'local', 'proto', 'boot'] },
            v6default: { family: 6, words: ['::/0', 'table', '100', 'metric', '1024', 'proto', 'static'] },
          };
          if (tables.length) n.tableRoutes = tables.map((k) => tableShapes[k]);
          const locals = Object.values(n.ifaces).flatMap(localRoutes);
          const lost = locals.filter((_, i) => (lostPick >> i) & 1);
          if (lost.length) n.lostLocal = lost;
          const before = structuredClone(n);
          const r = plan(resolve(t1), s1);
          const expected = rules.length + lostRules.length + (n.neighs ? 1 : 0) + tables.length + lost.length;
          expect(driftFromChanges(r.changes)).toHaveLength(expected);
          const words = r.changes.map((c) => c.argv.join(' '));
          for (const x of n.tableRoutes ?? [])
            expect(words).toContain(`ip -n ${n.name} route delete ${x.words.join(' ')}`);
          for (const x of lost)
            expect(words).toContain(`ip -n ${n.name} route add ${[...x.words, ...x.extra!].join(' ')}`);
          for (const x of rules)
            expect(words).toContain(`ip -n ${n.name} rule delete pref ${x.pref} ${x.words.join(' ')}`);
          for (const x of lostRules)
            expect(words).toContain(
              `ip -n ${n.name} rule add pref ${x.pref} ${x.words.join(' ')} protocol kernel`,
            );
          const s2 = simulate(s1, r.changes);
          expect([
            s2.namespaces[n.name].rules,
            s2.namespaces[n.name].lostRules,
            s2.namespaces[n.name].neighs,
            s2.namespaces[n.name].tableRoutes,
            s2.namespaces[n.name].lostLocal,
          ]).toEqual([undefined, undefined, undefined, undefined, undefined]);
          expect(plan(resolve(t1), s2).changes).toEqual([]);
          const back = simulate(
            s2,
            r.changes.flatMap((c) => (c.undoOp ? [{ ...c, op: c.undoOp }] : [])).reverse(),
          );
          const norm = (x: KNamespace) => ({
            rules: [...(x.rules ?? [])].sort((a, b) => a.pref - b.pref),
            lost: [...(x.lostRules ?? [])].sort((a, b) => a.pref - b.pref),
            neighs: x.neighs ?? [],
            tables: (x.tableRoutes ?? []).map((t) => t.words.join(' ')).sort(),
            lostLocal: (x.lostLocal ?? []).map((t) => t.words.join(' ')).sort(),
          });
          expect(norm(back.namespaces[n.name])).toEqual(norm(before));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never deletes a namespace that holds an interface netplumb did not make; a kept namespace keeps it, set down when it was up', () => {
    fc.assert(
      fc.property(
        arbValidTopology({ maxNodes: 7 }),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom('veth', 'other'),
        (t1, pick, up, kind) => {
          const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
          const labNs = Object.keys(s1.namespaces).filter((n) => n !== ROOT_NS);
          if (!labNs.length) return;
          const ns = labNs[pick % labNs.length];
          // Made by hand, with an address on one of the lab's prefixes when the lab has one.
          const labAddr = Object.values(s1.namespaces[ns].ifaces).flatMap((i) =>
            i.kind === 'loopback' ? [] : i.addresses,
          )[0];
          const foreign: KIface = {
            name: 'zzforeign',
            kind,
            up,
            addresses: labAddr ? [labAddr.replace(/\.\d+\//, '.254/')] : [],
            ...(kind === 'veth' ? { peer: { ns: ROOT_NS, name: 'zzpeer' } } : {}),
          };
          s1.namespaces[ns].ifaces.zzforeign = structuredClone(foreign);
          // Destroying: refused, nothing changed, the interface and namespace named.
          const gone = plan(resolve({ ...t1, nodes: [], links: [] }), s1);
          expect(gone.changes).toEqual([]);
          expect(gone.conflicts.map((c) => c.message)).toEqual([
            expect.stringContaining(`Namespace "${ns}" of lab "${t1.name}" holds zzforeign`),
          ]);
          // The same lab again: a foreign interface that is up is set down (never deleted), and
          // status calls that drift; one that is down is left alone: in sync.
          const same = plan(resolve(t1), s1);
          expect(same.conflicts).toEqual([]);
          if (!up) {
            expect(same.changes).toEqual([]);
            return;
          }
          expect(same.changes.map((c) => [c.ns, c.argv.join(' '), c.action])).toEqual([
            [ns, `ip -n ${ns} link set dev zzforeign down`, 'modify'],
          ]);
          expect(same.changes[0].reason).toMatch(
            /was not made by netplumb for this lab: .* set down, not deleted/,
          );
          expect(driftFromChanges(same.changes).length).toBe(1);
          const s2 = simulate(s1, same.changes);
          expect(s2.namespaces[ns].ifaces.zzforeign).toEqual({ ...foreign, up: false });
          expect(plan(resolve(t1), s2).changes).toEqual([]);
          // Its undo brings it back up, as a rollback does.
          const back = simulate(
            s2,
            same.changes.map((c) => ({ ...c, op: c.undoOp! })),
          );
          expect(back.namespaces[ns].ifaces.zzforeign).toEqual(foreign);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("the host's own interfaces are never set down, up or not in the file", () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 7 }), (t1) => {
        const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
        s1.namespaces[ROOT_NS].ifaces.zzhost = {
          name: 'zzhost',
          kind: 'veth',
          up: true,
          addresses: ['10.0.0.254/24'],
        };
        expect(plan(resolve(t1), s1).changes).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it("a namespace's own settings changed by hand go back to the kernel's value unless the file sets them; not read, not judged", () => {
    fc.assert(
      fc.property(
        arbValidTopology({ maxNodes: 7 }),
        fc.nat(),
        fc.constantFrom(...NS_OWN_SYSCTL_KEYS),
        fc.integer({ min: 0, max: 255 }).map(String),
        fc.option(fc.constantFrom('0', '1'), { nil: undefined }),
        (t1, pick, key, byHand, fileValue) => {
          const labNs = resolve(t1).nsNodes;
          if (!labNs.size) return;
          const [ns, nodeId] = [...labNs][pick % labNs.size];
          // The file may set the key itself (then its value is wanted).
          const t =
            fileValue === undefined
              ? t1
              : ({
                  ...t1,
                  nodes: t1.nodes.map((n) =>
                    n.id === nodeId
                      ? {
                          ...n,
                          sysctls: { ...((n as { sysctls?: object }).sysctls ?? {}), [key]: fileValue },
                        }
                      : n,
                  ),
                } as Topology);
          const parsed = TopologySchema.safeParse(t);
          if (!parsed.success) return;
          const s1 = simulate(emptyHost(), plan(resolve(parsed.data), emptyHost()).changes);
          // Not read (the reader without nsread, or a kernel without the key): nothing to judge.
          s1.namespaces[ns].sysctls = Object.fromEntries(
            Object.entries(s1.namespaces[ns].sysctls).filter(
              ([k]) => !(k in NS_OWN_SYSCTLS) || k in resolve(parsed.data).state.namespaces[ns].sysctls,
            ),
          );
          expect(plan(resolve(parsed.data), s1).changes).toEqual([]);
          // Read, with one changed by hand.
          const wanted = resolve(parsed.data).state.namespaces[ns].sysctls[key] ?? NS_OWN_SYSCTLS[key];
          const fileSets = key in resolve(parsed.data).state.namespaces[ns].sysctls;
          const read = { ...NS_OWN_SYSCTLS, ...s1.namespaces[ns].sysctls, [key]: byHand };
          s1.namespaces[ns].sysctls = read;
          const r = plan(resolve(parsed.data), s1);
          if (byHand === wanted) {
            expect(r.changes).toEqual([]);
            return;
          }
          expect(r.changes.map((c) => [c.ns, c.argv.join(' ')])).toEqual([
            [ns, `ip netns exec ${ns} sysctl -q -w ${key}=${wanted}`],
          ]);
          expect(r.changes[0].reason).toContain(
            !fileSets
              ? `${key} is ${byHand}, as set by hand: the file does not set it, and a new namespace has ${wanted}`
              : `${key} is ${byHand}, the file says ${wanted}`,
          );
          expect(driftFromChanges(r.changes).map((d) => d.kind)).toEqual(['sysctl']);
          const s2 = simulate(s1, r.changes);
          expect(s2.namespaces[ns].sysctls[key]).toBe(wanted);
          expect(plan(resolve(parsed.data), s2).changes).toEqual([]);
          const back = simulate(
            s2,
            r.changes.map((c) => ({ ...c, op: c.undoOp! })),
          );
          expect(back.namespaces[ns].sysctls).toEqual(read);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("marks cleared or written over by hand on what is provably the lab's are written again; otherwise refused as foreign (property)", () => {
    fc.assert(
      fc.property(
        arbValidTopology({ maxNodes: 7 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        // Cleared (`alias ""`), or another alias written over the mark.
        fc.constantFrom(undefined, 'uplink'),
        (t1, clear, alias) => {
          const desired = resolve(t1);
          const s1 = simulate(emptyHost(), plan(desired, emptyHost()).changes);
          // Every marked object: [ns, ifname] (a namespace: its lo).
          const marked = Object.entries(s1.namespaces).flatMap(([ns, n]) =>
            Object.values(n.ifaces)
              .filter((i) => i.mark)
              .map((i) => [ns, i.name] as const),
          );
          const cleared = marked.filter((_, k) => clear[k]);
          if (!cleared.length) return;
          const host = structuredClone(s1);
          for (const [ns, name] of cleared) {
            host.namespaces[ns].ifaces[name].mark = alias;
            if (name === 'lo') host.namespaces[ns].mark = alias;
            if (alias === undefined) {
              delete host.namespaces[ns].ifaces[name].mark;
              if (name === 'lo') delete host.namespaces[ns].mark;
            }
          }
          const r = plan(desired, host);
          const isCleared = (ns: string, name: string) => cleared.some(([a, b]) => a === ns && b === name);
          // Provable: a namespace that holds an interface keeping its mark; a non-veth in a lab
          // namespace of the lab; a veth end whose peer keeps its mark, or whose pair has an end in a
          // lab namespace.
          const holdsMarked = (ns: string) =>
            Object.values(s1.namespaces[ns].ifaces).some(
              (i) => i.name !== 'lo' && i.mark && !isCleared(ns, i.name),
            );
          const nsOk = (ns: string) => ns === ROOT_NS || !isCleared(ns, 'lo') || holdsMarked(ns);
          const provable = ([ns, name]: readonly [string, string]) => {
            if (name === 'lo') return holdsMarked(ns);
            const i = s1.namespaces[ns].ifaces[name];
            if (!nsOk(ns)) return false;
            if (i.kind !== 'veth') return ns !== ROOT_NS;
            const p = i.peer!;
            if (!nsOk(p.ns)) return false;
            return !isCleared(p.ns, p.name!) || ns !== ROOT_NS || p.ns !== ROOT_NS;
          };
          if (!cleared.every(provable)) {
            expect(r.changes).toEqual([]);
            expect(r.conflicts.length).toBeGreaterThan(0);
            return;
          }
          expect(r.conflicts).toEqual([]);
          expect(r.changes.map((c) => `${c.ns}/${c.argv.join(' ')}`).sort()).toEqual(
            cleared
              .map(([ns, name]) => {
                const mark = s1.namespaces[ns].ifaces[name].mark;
                return `${ns}/ip ${ns === ROOT_NS ? '' : `-n ${ns} `}link set dev ${name} alias ${mark}`;
              })
              .sort(),
          );
          const back = simulate(host, r.changes);
          expect(back).toEqual(s1);
          expect(plan(desired, back).changes).toEqual([]);
          // The undo takes them away again, as a rollback does.
          expect(simulate(back, r.changes.map((c) => ({ ...c, op: c.undoOp! })).reverse())).toEqual(host);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('converges between a lab and an edited version of it (links removed, routes dropped, addresses changed), both ways', () => {
    fc.assert(
      fc.property(
        arbValidTopology({ maxNodes: 7 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (t1, keep) => {
          const t2: Topology = JSON.parse(JSON.stringify(t1));
          t2.links = t2.links.filter((_, i) => keep[i % keep.length]);
          for (const n of t2.nodes)
            if (n.kind === 'namespace' || n.kind === 'router') {
              n.routes = [];
              delete n.gateway;
            }
          for (const l of t2.links)
            for (const e of [l.a, l.b]) if (e.addresses.length) e.addresses = e.addresses.slice(1);
          const s1 = simulate(emptyHost(), plan(resolve(t1), emptyHost()).changes);
          const s2 = simulate(s1, plan(resolve(t2), s1).changes);
          expect(plan(resolve(t2), s2).changes).toEqual([]);
          const s3 = simulate(s2, plan(resolve(t1), s2).changes);
          expect(plan(resolve(t1), s3).changes).toEqual([]);
          expect(s3).toEqual(s1);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('netem planning', () => {
  it('clears a rate the file no longer has (tc replace keeps an old rate), and converges', () => {
    const withRate = lab();
    withRate.links[0].a.netem = { delayMs: 10, rateKbit: 1000 };
    const { after } = applyTo(withRate, emptyHost());
    expect(after.namespaces.ns1.ifaces.eth0.netem).toEqual({ delayMs: 10, rateKbit: 1000 });
    const noRate = lab();
    noRate.links[0].a.netem = { delayMs: 20 };
    const r = plan(resolve(noRate), after);
    expect(r.changes.map((c) => c.argv.join(' '))).toEqual([
      'tc -n ns1 qdisc replace dev eth0 root netem delay 20ms rate 0bit',
    ]);
    const s2 = simulate(after, r.changes);
    expect(plan(resolve(noRate), s2).changes).toEqual([]);
    // Undo restores the rate.
    expect(r.changes[0].undo?.join(' ')).toBe(
      'tc -n ns1 qdisc replace dev eth0 root netem delay 10ms rate 1000kbit',
    );
  });
});
