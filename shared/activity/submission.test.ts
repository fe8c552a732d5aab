import { describe, expect, it } from 'vitest';
import { hostTouches, prepareSubmission } from './submission';
import { routerActivity, routerSolution } from './test-fixtures';
import { parseTopology } from '../model';

describe('prepareSubmission', () => {
  it("gives a valid submission the activity's lab name and the prefix on every kernel name, and drops its activity block", () => {
    const sub = {
      ...routerSolution(),
      activity: {
        version: 1,
        checks: [{ id: 'free-points', kind: 'reach', from: 'h1', to: 'h1', points: 100 }],
      },
    };
    const r = prepareSubmission(sub, routerActivity(), 'g1a-');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.topology.name).toBe('g1a-act-router');
    expect(r.topology.activity).toBeUndefined();
    expect(r.topology.nodes.map((n) => n.name)).toEqual(['g1a-h1', 'g1a-r1', 'g1a-h2']);
    expect(r.topology.links.flatMap((l) => [l.a.ifname, l.b.ifname])).toEqual([
      'g1a-eth0',
      'g1a-eth0',
      'g1a-eth1',
      'g1a-eth0',
    ]);
    expect(r.mapping.find((m) => m.kind === 'lab')).toEqual({
      kind: 'lab',
      from: 'act-router',
      to: 'g1a-act-router',
    });
  });

  it('refuses, in order: invalid, touching the host, changing locked parts, names too long with the prefix', () => {
    const start = routerActivity();
    const invalid = {
      ...routerSolution(),
      links: [{ id: 'x', a: { node: 'h1', ifname: 'e' }, b: { node: 'ghost', ifname: 'e' } }],
    };
    const host = { ...routerSolution(), nodes: [...routerSolution().nodes, { name: 'me', kind: 'host' }] };
    const locked = routerSolution();
    locked.nodes[1] = { name: 'r9', id: 'r1', kind: 'router' };
    const long = routerSolution();
    long.links[1] = {
      id: 'right',
      a: { node: 'r1', ifname: 'eth1-long-name', addresses: ['10.2.0.1/24'] },
      b: { node: 'h2', ifname: 'eth0', addresses: ['10.2.0.2/24'] },
    };
    const reason = (doc: unknown) => {
      const r = prepareSubmission(doc, start, 'g1a-');
      return r.ok ? 'ok' : `${r.refusal.kind}: ${r.refusal.reason}`;
    };
    expect(reason(invalid)).toMatch(/^invalid: not a valid topology: .*ghost/);
    expect(reason('just text')).toMatch(/^invalid: /);
    expect(reason(host)).toBe(
      'host: touches the host: node "me" is the host (root namespace): graded labs may not put interfaces on the host',
    );
    expect(reason(locked)).toBe('locked: changes locked parts: node "r1" is locked: its name changed');
    expect(reason(long)).toMatch(
      /^prefix: cannot be prefixed: interface name "eth1-long-name" becomes "g1a-eth1-long-name"/,
    );
  });

  it('refuses addresses on a root-namespace bridge, not a plain root bridge', () => {
    const t = (addresses: string[]) => {
      const r = parseTopology({ version: 1, name: 'x', nodes: [{ name: 'br0', kind: 'bridge', addresses }] });
      if (!r.ok) throw new Error('bad fixture');
      return r.topology;
    };
    expect(hostTouches(t([]))).toEqual([]);
    expect(hostTouches(t(['10.9.0.1/24'])).map((p) => p.code)).toEqual(['grade-host-address']);
  });

  it('refuses a submission too large to grade on a shared machine', () => {
    const big = {
      ...routerSolution(),
      nodes: [
        ...routerSolution().nodes,
        ...Array.from({ length: 60 }, (_, i) => ({ name: `n${i}`, kind: 'namespace' })),
      ],
    };
    const r = prepareSubmission(big, routerActivity(), 'g1a-');
    expect(r.ok ? 'ok' : r.refusal.reason).toBe(
      'too large to grade: 63 nodes and 2 links (at most 50 and 100 for this activity)',
    );
  });
});
