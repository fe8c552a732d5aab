import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActivityKey, parseTopology, type Topology } from '../model';
import {
  allChecks,
  describeCheck,
  freshCheckId,
  reachCheck,
  referencedNodes,
  suggestChecks,
  validateActivity,
} from './checks';
import { routerActivity } from './test-fixtures';

const bridgeLab = (): Topology => {
  const r = parseTopology({
    version: 1,
    name: 'b',
    nodes: [
      { name: 'ns1', kind: 'namespace' },
      { name: 'ns2', kind: 'namespace' },
      { name: 'br0', kind: 'bridge' },
      { name: 'r1', kind: 'router' },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'ns1', ifname: 'eth0', addresses: ['10.0.0.1/24'] },
        b: { node: 'br0', ifname: 'p1' },
      },
    ],
  });
  if (!r.ok) throw new Error('fixture');
  return r.topology;
};

describe('check builders and suggestions (authoring by pointing)', () => {
  it('two namespaces selected: must reach / must not reach, with fresh ids', () => {
    const s = suggestChecks(bridgeLab(), { nodes: ['ns1', 'ns2'] }, ['reach-ns1-ns2']);
    expect(s.map((x) => x.label)).toEqual(['ns1 must reach ns2', 'ns1 must not reach ns2']);
    expect(s[0].check).toEqual({
      id: 'reach-ns1-ns2-2',
      kind: 'reach',
      from: 'ns1',
      to: 'ns2',
      points: 1,
      breakIt: false,
    });
  });
  it('an interface selected: down, up, its addresses; a bridge and a namespace: FDB; hosts and a router: the path', () => {
    const t = bridgeLab();
    expect(suggestChecks(t, { nodes: [], end: { linkId: 'l1', end: 'a' } }).map((x) => x.label)).toEqual([
      'eth0 must be down',
      'eth0 must be up',
      'eth0 must have 10.0.0.1/24',
    ]);
    expect(suggestChecks(t, { nodes: ['br0', 'ns1'] }).map((x) => x.check.kind)).toEqual(['fdb']);
    expect(suggestChecks(t, { nodes: ['ns1', 'r1', 'ns2'] }).map((x) => x.check)).toEqual([
      expect.objectContaining({ kind: 'path', from: 'ns1', to: 'ns2', via: ['r1'] }),
    ]);
  });
  it('describes every kind in plain words', () => {
    const t = routerActivity();
    expect(allChecks(t).map((c) => describeCheck(c, t))).toEqual([
      'h1 reaches h2',
      'h1 has a route to default via 10.1.0.1',
    ]);
    expect(describeCheck({ ...reachCheck('a', 'b'), title: 'custom' })).toBe('custom');
    expect(
      describeCheck({ id: 'x', kind: 'rtt', from: 'a', to: 'b', atLeastMs: 10, points: 1, breakIt: false }),
    ).toBe('round trip a → b at least 10 ms');
    expect(
      describeCheck({
        id: 'x',
        kind: 'vlan-isolation',
        from: 'a',
        same: 'b',
        other: 'c',
        points: 1,
        breakIt: false,
      }),
    ).toBe('a reaches b (same VLAN) but not c (other VLAN)');
  });
  it('property: a fresh id is never taken and always a valid id', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string()), (base, taken) => {
        const id = freshCheckId(base, taken);
        expect(taken).not.toContain(id);
        expect(id).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
      }),
    );
  });
});

describe('validateActivity', () => {
  it('a good activity and key have no problem; hidden checks come after visible ones', () => {
    const key = ActivityKey.parse({
      version: 1,
      activity: 'act-router',
      checks: [{ id: 'gw-h2', kind: 'route', node: 'h2', to: 'default' }],
    });
    expect(validateActivity(routerActivity(), key)).toEqual([]);
    expect(allChecks(routerActivity(), key).map((c) => [c.id, c.hidden])).toEqual([
      ['reach-h1-h2', false],
      ['gw-h1', false],
      ['gw-h2', true],
    ]);
  });
  it('names each authoring mistake with its place', () => {
    const t = routerActivity();
    t.activity!.locked.nodes.push('ghost');
    t.activity!.locked.fields.push({ field: 'gateway' });
    t.activity!.checks.push({
      id: 'gw-h1',
      kind: 'rtt',
      from: 'h1',
      to: 'h2',
      points: 1,
      breakIt: false,
      step: 9,
    });
    const key = ActivityKey.parse({
      version: 1,
      activity: 'other',
      checks: [{ id: 'f', kind: 'fdb', bridge: 'br', node: 'h1', mac: '02:00:00:00:00:01' }],
    });
    expect(validateActivity(t, key).map((p) => [p.severity, p.message, p.path.join('.')])).toEqual([
      ['error', 'the answer key is for activity "other", but this activity is "act-router"', 'key.activity'],
      ['error', 'locked node "ghost" is not in the starting topology', 'activity.locked.nodes.1'],
      ['error', 'a field lock names exactly one of "node" or "link"', 'activity.locked.fields.1'],
      ['error', 'check id "gw-h1" is used twice (also in activity.checks.1)', 'activity.checks.2'],
      ['error', 'rtt check "gw-h1" needs atLeastMs or atMostMs', 'activity.checks.2'],
      ['error', 'check "gw-h1" belongs to step 9, but the lesson has 2 steps', 'activity.checks.2'],
      ['error', 'fdb check "f" names exactly one of "node" or "mac"', 'key.checks.0'],
      [
        'warning',
        'check "f" names node "br", which is not in the starting topology (the student must add it with that id)',
        'key.checks.0',
      ],
    ]);
    expect(validateActivity({ ...t, activity: undefined }).map((p) => p.code)).toEqual(['activity-missing']);
    expect(
      referencedNodes({ id: 'x', kind: 'reach', from: 'a', to: '10.0.0.1', points: 1, breakIt: false }),
    ).toEqual(['a']);
  });
});
