import { describe, expect, it } from 'vitest';
import { validate } from './index';
import { variant, withCode } from './test-fixtures';

describe('unique ids and names', () => {
  it('duplicate node id', () => {
    const ps = validate(variant((d) => d.nodes.push({ id: 'ns1', name: 'ns9', kind: 'namespace' })));
    expect(withCode(ps, 'duplicate-node-id')).toMatchObject([
      { severity: 'error', path: ['nodes', 4, 'id'], nodeId: 'ns1' },
    ]);
  });

  it('duplicate link id', () => {
    const ps = validate(variant((d) => (d.links[2].id = 'l1')));
    expect(withCode(ps, 'duplicate-link-id')).toMatchObject([{ path: ['links', 2, 'id'], linkId: 'l1' }]);
  });

  it('duplicate annotation id', () => {
    const note = (id: string) => ({ id, kind: 'text', text: 'hi', position: { x: 0, y: 0 } });
    const ps = validate(
      variant((d) => ((d as Record<string, unknown>).annotations = [note('a1'), note('a2'), note('a1')])),
    );
    expect(withCode(ps, 'duplicate-annotation-id')).toMatchObject([
      { severity: 'error', path: ['annotations', 2, 'id'] },
    ]);
  });

  it('a namespace and a router with the same kernel name', () => {
    const ps = validate(variant((d) => (d.nodes[2].name = 'ns1')));
    const p = withCode(ps, 'duplicate-netns-name');
    expect(p).toMatchObject([{ path: ['nodes', 2, 'name'], nodeId: 'r1' }]);
    expect(p[0].message).toContain('"ns1"');
  });

  it('a bridge may share a name with a namespace (different kinds of kernel object)', () => {
    const ps = validate(variant((d) => (d.nodes[3].name = 'ns1')));
    expect(withCode(ps, 'duplicate-netns-name')).toEqual([]);
    expect(withCode(ps, 'duplicate-ifname')).toEqual([]);
  });
});

describe('references', () => {
  it('link to a missing node', () => {
    const ps = validate(variant((d) => (d.links[0].b.node = 'nope')));
    expect(withCode(ps, 'link-unknown-node')).toMatchObject([
      { path: ['links', 0, 'b', 'node'], linkId: 'l1' },
    ]);
  });

  it('link between the same interface twice', () => {
    const ps = validate(
      variant((d) =>
        d.links.push({ id: 'l9', a: { node: 'ns1', ifname: 'x0' }, b: { node: 'ns1', ifname: 'x0' } }),
      ),
    );
    expect(withCode(ps, 'link-self')).toMatchObject([
      { path: ['links', 3, 'b', 'ifname'], linkId: 'l9', nodeId: 'ns1' },
    ]);
    expect(withCode(ps, 'duplicate-ifname')).toEqual([]);
  });

  it('a link inside one namespace with two names is fine', () => {
    const ps = validate(
      variant((d) =>
        d.links.push({ id: 'l9', a: { node: 'ns1', ifname: 'x0' }, b: { node: 'ns1', ifname: 'x1' } }),
      ),
    );
    expect(ps).toEqual([]);
  });

  it('a link between two bridges is fine', () => {
    const ps = validate(
      variant((d) => {
        d.nodes.push({ id: 'br1', kind: 'bridge' });
        d.links.push({
          id: 'l9',
          a: { node: 'br0', ifname: 'br0-p3' },
          b: { node: 'br1', ifname: 'br1-p1' },
        });
      }),
    );
    expect(ps).toEqual([]);
  });

  it('bridge.namespace must exist and be a namespace or router', () => {
    const missing = validate(variant((d) => (d.nodes[3].namespace = 'ghost')));
    expect(withCode(missing, 'bridge-namespace-unknown')).toMatchObject([
      { path: ['nodes', 3, 'namespace'], nodeId: 'br0' },
    ]);
    const wrong = validate(
      variant((d) => {
        d.nodes.push({ id: 'br1', kind: 'bridge' });
        d.nodes[3].namespace = 'br1';
      }),
    );
    expect(withCode(wrong, 'bridge-namespace-not-netns')).toMatchObject([
      { path: ['nodes', 3, 'namespace'], nodeId: 'br0' },
    ]);
    const ok = validate(variant((d) => (d.nodes[3].namespace = 'r1')));
    expect(
      withCode(ok, 'bridge-namespace-unknown').concat(withCode(ok, 'bridge-namespace-not-netns')),
    ).toEqual([]);
  });
});

describe('interface names per kernel namespace', () => {
  it('two link ends with one name on one namespace', () => {
    const ps = validate(variant((d) => (d.links[1].a.ifname = 'eth0')));
    const p = withCode(ps, 'duplicate-ifname');
    expect(p).toMatchObject([
      { path: ['links', 1, 'a', 'ifname'], linkId: 'l2', nodeId: 'r1', severity: 'error' },
    ]);
    expect(p[0].message).toContain('namespace "r1"');
  });

  it('the same name in two namespaces is fine', () => {
    expect(withCode(validate(variant(() => {})), 'duplicate-ifname')).toEqual([]);
  });

  it('bridge ports live in the bridge namespace (root): a port name clashing with a root bridge', () => {
    const ps = validate(
      variant((d) => {
        d.nodes.push({ id: 'br1', kind: 'bridge' });
        d.links[2].b.ifname = 'br1';
      }),
    );
    expect(withCode(ps, 'duplicate-ifname')).toMatchObject([
      { path: ['links', 2, 'b', 'ifname'], nodeId: 'br0' },
    ]);
  });

  it('bridge inside a router: its ports and the bridge clash with the router interfaces', () => {
    const ps = validate(
      variant((d) => {
        d.nodes[3].namespace = 'r1';
        d.links[2].b.ifname = 'eth0'; // r1 already has eth0
      }),
    );
    const p = withCode(ps, 'duplicate-ifname');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ path: ['links', 2, 'b', 'ifname'], linkId: 'l3' });
    expect(p[0].message).toContain('namespace "r1"');
    const ps2 = validate(variant((d) => ((d.nodes[3].namespace = 'r1'), (d.nodes[3].name = 'eth1'))));
    expect(withCode(ps2, 'duplicate-ifname').length).toBe(1);
  });

  it('all host nodes share the root namespace', () => {
    const ps = validate(
      variant((d) => {
        d.nodes.push({ id: 'h1', kind: 'host' }, { id: 'h2', kind: 'host' });
        d.links.push({ id: 'l8', a: { node: 'h1', ifname: 'np-x' }, b: { node: 'ns1', ifname: 'up1' } });
        d.links.push({ id: 'l9', a: { node: 'h2', ifname: 'np-x' }, b: { node: 'ns2', ifname: 'up1' } });
      }),
    );
    const p = withCode(ps, 'duplicate-ifname');
    expect(p).toMatchObject([{ path: ['links', 4, 'a', 'ifname'], nodeId: 'h2', linkId: 'l9' }]);
    expect(p[0].message).toMatch(/root namespace/);
  });
});

describe('node kinds', () => {
  it('host links warn about the root namespace', () => {
    const ps = validate(
      variant((d) => {
        d.nodes.push({ id: 'h1', kind: 'host' });
        d.links.push({ id: 'l9', a: { node: 'ns1', ifname: 'up' }, b: { node: 'h1', ifname: 'np-up' } });
      }),
    );
    expect(ps.every((p) => p.severity === 'warning')).toBe(true);
    expect(withCode(ps, 'host-root-namespace')).toMatchObject([
      { path: ['links', 3, 'b'], nodeId: 'h1', linkId: 'l9' },
    ]);
  });

  it('sysctls and routes on a host or bridge (objects built in code bypass the schema)', () => {
    const t = variant(() => {});
    (t.nodes[3] as unknown as Record<string, unknown>).sysctls = { 'net.ipv4.ip_forward': 1 };
    t.nodes.push({
      id: 'h1',
      name: 'h1',
      kind: 'host',
      routes: [{ to: 'default', via: '10.0.0.1' }],
    } as never);
    const ps = validate(t);
    expect(withCode(ps, 'sysctls-not-allowed')).toMatchObject([
      { path: ['nodes', 3, 'sysctls'], nodeId: 'br0' },
    ]);
    expect(withCode(ps, 'routes-not-allowed')).toMatchObject([
      { path: ['nodes', 4, 'routes'], nodeId: 'h1' },
    ]);
  });

  it('sysctl keys outside the allowlist (built in code)', () => {
    const t = variant(() => {});
    (t.nodes[0] as unknown as Record<string, unknown>).sysctls = { 'kernel.core_pattern': '|/bin/sh' };
    expect(withCode(validate(t), 'sysctl-not-allowed')).toMatchObject([
      { path: ['nodes', 0, 'sysctls', 'kernel.core_pattern'], nodeId: 'ns1' },
    ]);
  });
});
