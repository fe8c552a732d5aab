import { describe, expect, it } from 'vitest';
import type { CreatedObject } from './change';
import { type KIface, type KNamespace, type KState, ROOT_NS } from './kstate';
import { unmarkedLeftovers } from './recover';

const LAB = 'lab1';
const M = (what = '') => `netplumb:${LAB}${what}`;
const lo = (over: Partial<KIface> = {}): KIface => ({
  name: 'lo',
  kind: 'loopback',
  up: false,
  addresses: [],
  ...over,
});
const veth = (name: string, peer: { ns: string; name?: string }, over: Partial<KIface> = {}): KIface => ({
  name,
  kind: 'veth',
  up: false,
  addresses: [],
  peer,
  ...over,
});
const ns = (name: string, ifaces: KIface[], over: Partial<KNamespace> = {}): KNamespace => ({
  name,
  sysctls: {},
  routes: [],
  ifaces: Object.fromEntries(ifaces.map((i) => [i.name, i])),
  ...over,
});
const host = (...n: KNamespace[]): KState => ({ namespaces: Object.fromEntries(n.map((x) => [x.name, x])) });
const eth0: KIface = { name: 'eth0', kind: 'other', up: true, addresses: ['192.0.2.1/24'] };

// What an apply killed right after its root batch ran leaves: namespace h1 and a veth
// pair (p1 in the root, eth0 in h1), none of them marked yet.
const facts: CreatedObject[] = [
  { kind: 'namespace', ns: ROOT_NS, name: 'h1', mark: M() },
  { kind: 'veth', ns: 'h1', name: 'eth0', mark: M(':l1:a'), peer: { ns: ROOT_NS, name: 'p1' } },
  { kind: 'veth', ns: ROOT_NS, name: 'p1', mark: M(':l1:b'), peer: { ns: 'h1', name: 'eth0' } },
  { kind: 'bridge', ns: ROOT_NS, name: 'br0', mark: M(':bridge:br0') },
];
const crashed = () =>
  host(
    ns(ROOT_NS, [
      eth0,
      veth('p1', { ns: 'h1', name: 'eth0' }),
      { name: 'br0', kind: 'bridge', up: false, addresses: [] },
    ]),
    ns('h1', [lo(), veth('eth0', { ns: ROOT_NS, name: 'p1' })]),
  );
const lines = (s: KState, f: CreatedObject[] = facts) =>
  unmarkedLeftovers(LAB, f, s).changes.map((c) => c.argv.join(' '));

describe('unmarkedLeftovers (recovery from recorded facts)', () => {
  it('removes a bare namespace, the veth pair dying with it, and an empty bridge, all made by the interrupted apply', () => {
    expect(lines(crashed())).toEqual(['ip netns delete h1', 'ip link delete dev br0']);
  });

  it('removes an unmarked veth pair only when its peer is the recorded one and it is anchored in a lab namespace', () => {
    const s = crashed();
    s.namespaces.h1.mark = M();
    s.namespaces.h1.ifaces.lo.mark = M();
    expect(lines(s)).toEqual(['ip link delete dev br0', 'ip -n h1 link delete dev eth0']);
    // The same names, but the kernel shows a different peer: not the pair the step made.
    s.namespaces.h1.ifaces.eth0.peer = { ns: ROOT_NS, name: 'other' };
    s.namespaces[ROOT_NS].ifaces.p1.peer = { ns: 'h9', name: 'x' };
    const r = unmarkedLeftovers(LAB, facts, s);
    expect(r.changes.map((c) => c.argv.join(' '))).toEqual(['ip link delete dev br0']);
    expect(r.ignored.join('\n')).toMatch(/eth0 in namespace h1 carries no mark and is not provably/);
  });

  it('never removes a namespace in use, a foreign interface, a bridge with ports or addresses, or what carries a mark', () => {
    const s = crashed();
    s.namespaces.h1.ifaces.lo = lo({ up: true, addresses: ['127.0.0.1/8'] });
    s.namespaces[ROOT_NS].ifaces.br0 = { name: 'br0', kind: 'bridge', up: true, addresses: ['192.0.2.9/24'] };
    s.namespaces[ROOT_NS].ifaces.eth0.master = 'br0';
    expect(lines(s)).toEqual([]);
    // Marked objects are left to the re-plan of the previous lab.
    const marked = crashed();
    marked.namespaces.h1.mark = M();
    for (const i of [
      marked.namespaces.h1.ifaces.eth0,
      marked.namespaces[ROOT_NS].ifaces.p1,
      marked.namespaces[ROOT_NS].ifaces.br0,
    ])
      i.mark = M(':x');
    expect(lines(marked)).toEqual([]);
  });

  it("ignores tampered facts: a foreign interface, another lab's mark, names the validator refuses", () => {
    const s = crashed();
    const forged: CreatedObject[] = [
      // The host's own interface claimed as a veth this lab created.
      { kind: 'veth', ns: ROOT_NS, name: 'eth0', mark: M(':x:a'), peer: { ns: 'h1', name: 'eth0' } },
      { kind: 'bridge', ns: ROOT_NS, name: 'eth0', mark: M(':x') },
      { kind: 'namespace', ns: ROOT_NS, name: 'h1', mark: 'netplumb:otherlab' },
      { kind: 'namespace', ns: ROOT_NS, name: '../../etc', mark: M() },
      { kind: 'bridge', ns: ROOT_NS, name: 'x y', mark: M() },
      { kind: 'namespace', ns: 'h1', name: 'h1', mark: M() },
    ];
    const r = unmarkedLeftovers(LAB, forged, s);
    expect(r.changes).toEqual([]);
    expect(r.ignored).toHaveLength(forged.length);
    expect(r.ignored.join('\n')).toMatch(/recorded mark is not lab "lab1"'s/);
  });
});
