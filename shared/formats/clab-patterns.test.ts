/**
 * containerlab patterns read with containerlab's semantics: link addresses in
 * both link formats, interface aliases, network-mode, kinds:/groups:
 * inheritance located at the inherited line, templates and malformed links
 * named plainly. Each test asserts the imported model.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { LinkEnd, NetnsNode, Topology } from '../model';
import { fromClab, toClab } from './clab';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'clab');
const text = (name: string) => readFileSync(join(FIX, name), 'utf8');
const load = (name: string) => fromClab(text(name), join('/labs', name.replace(/\..*$/, ''), name));
const lineOf = (name: string, needle: string) =>
  text(name)
    .split('\n')
    .findIndex((l) => l.includes(needle)) + 1;
const ends = (t: Topology): LinkEnd[] => t.links.flatMap((l) => [l.a, l.b]);
const end = (t: Topology, node: string, ifname: string) =>
  ends(t).find((e) => e.node === node && e.ifname === ifname);

describe('containerlab link addresses and interface aliases', () => {
  it('brief links carry their ipv4/ipv6 lists; SR Linux ethernet-1/1 is e1-1', () => {
    const r = load('srl-link-addrs.clab.yml');
    const t = r.topology!;
    expect(t.name).toBe('srl-link-addrs');
    expect(end(t, 'leaf1', 'e1-49')!.addresses).toEqual(['10.0.0.1/31', '2001:db8::1/127']);
    expect(end(t, 'leaf2', 'e1-49')!.addresses).toEqual(['10.0.0.0/31', '2001:db8::/127']);
    expect(end(t, 'leaf1', 'e1-1-3')!.addresses).toEqual(['192.168.1.1/24']);
    expect(end(t, 'leaf2', 'e1-2')!.addresses).toEqual([]);
    expect(end(t, 'client', 'eth2')!.addresses).toEqual(['192.168.2.10/24']);
    expect((t.nodes.find((n) => n.name === 'client') as NetnsNode).routes).toEqual([
      { to: '10.0.0.0/8', via: '192.168.1.1' },
    ]);
    expect(t.nodes.map((n) => [n.name, n.origin])).toEqual([
      // The type (hardware variant) is kept for export with kind and image.
      ['leaf1', { kind: 'nokia_srlinux', image: 'ghcr.io/nokia/srlinux:24.10.1', type: 'ixrd2l' }],
      ['leaf2', { kind: 'nokia_srlinux', image: 'ghcr.io/nokia/srlinux:24.10.1', type: 'ixrd2l' }],
      ['client', { kind: 'linux', image: 'ghcr.io/hellt/network-multitool' }],
    ]);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    // the kind warning is at each node's kind line; the type (hardware variant) is no loss
    const kindLines = text('srl-link-addrs.clab.yml')
      .split('\n')
      .flatMap((l, i) => (l.includes('kind: nokia_srlinux') ? [i + 1] : []));
    expect(r.problems.filter((p) => p.code === 'clab-kind').map((p) => p.line)).toEqual(kindLines);
  });

  it('extended links carry endpoint addresses and MACs; other link types are named at their line', () => {
    const r = load('extended-links.clab.yml');
    const t = r.topology!;
    expect(end(t, 'a', 'eth1')).toMatchObject({
      addresses: ['172.20.0.1/30', 'fd00:20::1/64'],
      mac: '02:aa:00:00:00:01',
      mtu: 9000,
    });
    expect(end(t, 'b', 'eth1')).toMatchObject({ addresses: ['172.20.0.2/30'], mtu: 9000 });
    expect(t.nodes.find((n) => n.name === 'a')!.kind).toBe('router');
    expect(end(t, 'host', 'ext-b')).toBeDefined();
    const at = (needle: string) => r.problems.filter((p) => p.message.includes(needle)).map((p) => p.line);
    const f = 'extended-links.clab.yml';
    expect(at('management network')).toEqual([lineOf(f, 'type: mgmt-net')]);
    expect(at('macvlan')).toEqual([lineOf(f, 'type: macvlan')]);
    expect(at('dummy interface')).toEqual([lineOf(f, 'type: dummy')]);
  });

  it('network-mode: container:X puts a bridge or a sidecar in X, host puts the node on the host', () => {
    const r = load('network-modes.clab.yml');
    const t = r.topology!;
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual([
      'namespace:sw',
      'bridge:br-in',
      'namespace:srv',
    ]);
    expect(t.nodes[1]).toMatchObject({ namespace: 'sw' });
    // links to the bridge are its ports, not interfaces of the node it lives in
    expect(end(t, 'br-in', 'p-sw')).toBeDefined();
    expect(end(t, 'br-in', 'p-srv')).toBeDefined();
    expect(end(t, 'sw', 'eth1')).toBeDefined();
    expect(ends(t).filter((e) => e.node === 'sw')).toHaveLength(1);
    // the sidecar's interface and exec lines belong to srv
    expect(end(t, 'srv', 'eth1')!.addresses).toEqual(['10.30.0.2/24']);
    const f = 'network-modes.clab.yml';
    const at = (needle: string) => r.problems.filter((p) => p.message.includes(needle)).map((p) => p.line);
    expect(at('node "sidecar" shares the network namespace of "srv"')).toEqual([
      lineOf(f, 'network-mode: container:srv'),
    ]);
    expect(at('node "mon" runs in the host\'s network namespace')).toEqual([lineOf(f, 'network-mode: host')]);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('a `<bridge>|<node>` bridge lives in that node, is called <bridge>, takes its ports and its exec addresses', () => {
    const r = load('bridge-in-ns.clab.yml');
    const t = r.topology!;
    const bridges = t.nodes.filter((n) => n.kind === 'bridge');
    const id = (name: string) => t.nodes.find((n) => n.name === name)!.id;
    expect(bridges.map((b) => [b.name, b.kind === 'bridge' && b.namespace])).toEqual([
      ['bp', id('card1')],
      ['bp', id('card2')],
    ]);
    const [bp1, bp2] = bridges.map((b) => b.id);
    expect(end(t, bp1, 'l1')).toBeDefined();
    expect(end(t, bp2, 'p0')).toBeDefined();
    expect(end(t, 'line1', 'eth1')!.addresses).toEqual(['10.60.0.11/24']);
    expect(end(t, 'card2', 'eth1')).toBeDefined();
    expect(bridges[0]).toMatchObject({ addresses: ['10.60.0.1/24'] });
    // The only word: the lab is named after the file, not the file's "name: backplane".
    expect(r.problems.map((p) => p.code)).toEqual(['clab-lab-name']);
  });

  it('inherits from defaults, kinds and groups as containerlab does, and warns once at the inherited line', () => {
    const r = load('groups-inherit.clab.yml');
    const t = r.topology!;
    const f = 'groups-inherit.clab.yml';
    const n = (name: string) => t.nodes.find((x) => x.name === name)!;
    // kinds: sysctls turn forwarding on; the node's own sysctls win
    expect(n('s1').kind).toBe('router');
    expect(n('h1').kind).toBe('namespace');
    // exec lines of the kind and the node are joined
    expect(end(t, 's1', 'eth1')).toMatchObject({ addresses: ['10.40.0.1/24'], mtu: 1500 });
    const at = (needle: string) => r.problems.filter((p) => p.message.includes(needle)).map((p) => p.line);
    expect(at('binds')).toEqual([lineOf(f, '- frr.conf:')]);
    expect(at('startup-config')).toEqual([lineOf(f, 'startup-config: spine.cfg')]);
    expect(at('ports')).toEqual([lineOf(f, '- 8080:80')]);
    expect(r.problems.find((p) => p.message.includes('binds'))!.message).toContain('"s1", "s2", "h1"');
    // every setting without a netplumb form is named, at the kind, group or defaults line that sets it
    expect(at('cpu: 2')).toEqual([lineOf(f, 'cpu: 2')]);
    expect(at('env: {"TZ":"UTC"}')).toEqual([lineOf(f, 'TZ: UTC')]);
  });
});

describe('containerlab environment variables, veth-stitch links and SR-SIM port names', () => {
  it('reads ${VAR:=default} as its default and names each variable at its line', () => {
    const r = load('env-stitch.clab.yml');
    const t = r.topology!;
    const f = 'env-stitch.clab.yml';
    expect(end(t, 'c1', 'eth1')).toMatchObject({ addresses: ['10.80.0.1/24'], mtu: 9000 });
    expect(end(t, 'c2', 'eth1')).toMatchObject({ addresses: ['10.80.0.2/24'], mtu: 9000 });
    const env = r.problems.filter((p) => p.code === 'clab-env');
    expect(env.map((p) => p.line)).toEqual(
      ['${SRSIM_TAG}', '${C1_ADDR', '${C2_IF', '${C2_ADDR', '${MTU'].map((v) => lineOf(f, v)),
    );
    expect(env[0].message).toContain('left as written');
    expect(env[1].message).toContain('imported as "10.80.0.1/24"');
  });

  it('a veth-stitch is a veth between the two nodes; SR-SIM ports get the names containerlab gives them', () => {
    const r = load('env-stitch.clab.yml');
    const t = r.topology!;
    const f = 'env-stitch.clab.yml';
    expect(t.links[0]).toMatchObject({
      a: { node: 'pe1', ifname: 'e1-1-c1-1' },
      b: { node: 'pe2', ifname: 'e1-x2-1-3' },
    });
    const at = (needle: string) => r.problems.filter((p) => p.message.includes(needle)).map((p) => p.line);
    expect(at('veth-stitch')).toEqual([lineOf(f, 'type: veth-stitch')]);
    expect(r.problems.filter((p) => p.code === 'clab-renamed')).toEqual([]);
  });

  it('link settings netplumb cannot hold are named at their line', () => {
    const r = load('env-stitch.clab.yml');
    const f = 'env-stitch.clab.yml';
    const at = (needle: string) => r.problems.filter((p) => p.message.includes(needle)).map((p) => p.line);
    expect(at('setting vars')).toEqual([lineOf(f, 'role: access')]);
    expect(at('mtu "jumbo" is not a number')).toEqual([lineOf(f, 'mtu: jumbo')]);
    // The link gets containerlab's default MTU instead (links/link_veth.go, DefaultLinkMTU).
    expect(end(r.topology!, 'c1', 'eth2')!.mtu).toBe(9500);
  });
});

describe('containerlab exec routes', () => {
  it('a route through the loopback or an interface on no link is a located note; the lab stays valid', () => {
    const text = [
      'name: lo-routes',
      'topology:',
      '  nodes:',
      '    r1:',
      '      kind: linux',
      '      exec:',
      '        - ip address add 10.1.0.1/24 dev eth1',
      '        - ip route add 192.168.0.1/32 dev lo',
      '        - ip route add 10.7.0.0/16 dev eth0',
      '        - ip route add 10.8.0.0/16 dev eth1',
      '    r2:',
      '      kind: linux',
      '  links:',
      '    - endpoints: ["r1:eth1", "r2:eth1"]',
      '',
    ].join('\n');
    const r = fromClab(text, '/labs/lo-routes/lo-routes.clab.yml');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect((r.topology!.nodes.find((n) => n.name === 'r1') as NetnsNode).routes).toEqual([
      { to: '10.8.0.0/16', dev: 'eth1' },
    ]);
    expect(r.problems.filter((p) => p.code === 'clab-exec').map((p) => [p.line, p.message])).toEqual([
      [8, expect.stringContaining('through the loopback')],
      [9, expect.stringContaining('interface eth0 is on no link')],
    ]);
  });
});

describe('a node called "host"', () => {
  it('is the host, as containerlab reads the name, and is named at its line (it threw before)', () => {
    const r = fromClab(
      'name: h\ntopology:\n  nodes:\n    host:\n      kind: linux\n      exec: [touch /x]\n',
    );
    expect(r.problems.filter((p) => p.code === 'clab-network-mode')).toMatchObject([
      { line: 5, message: expect.stringContaining('"host" is the name containerlab gives the host') },
    ]);
  });
});

describe('containerlab management settings', () => {
  it("the mgmt block, the prefix and a node's mgmt-ipv4 are named at their lines", () => {
    const text = [
      'name: m',
      'prefix: ""',
      'mgmt:',
      '  network: custom',
      '  ipv4-subnet: 172.100.100.0/24',
      'topology:',
      '  nodes:',
      '    a:',
      '      kind: linux',
      '      mgmt-ipv4: 172.100.100.11',
      '',
    ].join('\n');
    const r = fromClab(text, '/labs/m/m.clab.yml');
    const at = (needle: string) => r.problems.filter((p) => p.message.includes(needle)).map((p) => p.line);
    expect(at('setting prefix')).toEqual([2]);
    expect(at('setting mgmt:')).toEqual([4]);
    expect(at('setting mgmt-ipv4')).toEqual([10]);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('containerlab kind and group resolution', () => {
  it('a node without kind or group takes the defaults group; a kind can name a group; a group can set network-mode', () => {
    const r = load('groups-resolved.clab.yml');
    const t = r.topology!;
    const f = 'groups-resolved.clab.yml';
    const n = (name: string) => t.nodes.find((x) => x.name === name);
    // h1: kind and exec from the defaults' group "hosts"
    expect(n('h1')).toMatchObject({ kind: 'namespace', origin: { kind: 'linux', image: 'alpine:3.19' } });
    expect(end(t, 'h1', 'eth1')!.addresses).toEqual(['10.70.0.1/24']);
    // s1: the kind's group "spines" wins over the defaults' group
    expect(n('s1')).toMatchObject({
      origin: { kind: 'nokia_srlinux', image: 'ghcr.io/nokia/srlinux:24.10.1' },
    });
    expect(end(t, 's1', 'e1-1')!.addresses).toEqual([]);
    // e1: its group puts it on the host, located at the group's line
    expect(n('e1')).toBeUndefined();
    expect(end(t, 'host', 'eth9')).toBeDefined();
    expect(
      r.problems.filter((p) => p.message.includes('node "e1" runs in the host')).map((p) => p.line),
    ).toEqual([lineOf(f, 'network-mode: host')]);
  });
});

describe('containerlab files netplumb cannot read say why, plainly', () => {
  it('Go-template names are named as templates', () => {
    const r = load('template.clab.yml');
    expect(r.problems.filter((p) => p.severity === 'error')).toMatchObject([
      {
        code: 'clab-template',
        line: lineOf('template.clab.yml', '{{'),
        message: expect.stringContaining('is a Go template'),
      },
    ]);
    expect(r.problems.map((p) => p.message).join('\n')).not.toMatch(/bytes/);
  });

  it('three endpoints, one-string endpoints and list or number nodes are errors that say what is wrong', () => {
    const base = (links: string, nodes = '    a: {}\n    b: {}\n    c: {}\n') =>
      fromClab(`name: x\ntopology:\n  nodes:\n${nodes}  links:\n${links}`);
    expect(base('    - endpoints: ["a:eth1", "b:eth1", "c:eth1"]\n').problems).toMatchObject([
      {
        severity: 'error',
        line: 8,
        message: 'link 1 has 3 endpoints; a link joins exactly two (use a bridge node to join more)',
      },
    ]);
    expect(base('    - endpoints: "a:eth1, b:eth1"\n').problems).toMatchObject([
      { severity: 'error', message: expect.stringContaining('the single string "a:eth1, b:eth1"') },
    ]);
    const r = base('    - endpoints: ["a:eth1", "b:eth1"]\n', '    a: [linux]\n    b: 7\n');
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([
      'node "a" should be a mapping of settings (kind, image, …); here it is a list',
      'node "b" should be a mapping of settings (kind, image, …); here it is number',
      'link 1: node "a" is not in topology.nodes',
      'link 1: node "b" is not in topology.nodes',
    ]);
  });
});

describe('round trips', () => {
  it('clab → netplumb → clab keeps kinds, images and link addresses', () => {
    const first = load('srl-link-addrs.clab.yml').topology!;
    const out = toClab(first).text;
    const doc = parse(out);
    const src = parse(text('srl-link-addrs.clab.yml'));
    for (const name of ['leaf1', 'leaf2'])
      expect(doc.topology.nodes[name]).toMatchObject({
        kind: 'nokia_srlinux',
        image: src.topology.kinds.nokia_srlinux.image,
      });
    expect(doc.topology.nodes.client).toMatchObject({
      kind: 'linux',
      image: 'ghcr.io/hellt/network-multitool',
    });
    // SR Linux addresses go back on the link (containerlab configures them there), not into exec lines
    expect(doc.topology.links[0]).toMatchObject({
      endpoints: ['leaf1:e1-49', 'leaf2:e1-49'],
      ipv4: ['10.0.0.1/31', '10.0.0.0/31'],
    });
    const again = fromClab(out, '/labs/srl-link-addrs/srl-link-addrs.clab.yml').topology!;
    expect(again.nodes.map((n) => [n.name, n.kind, n.origin])).toEqual(
      first.nodes.map((n) => [n.name, n.kind, n.origin]),
    );
    expect(ends(again).map((e) => [e.node, e.ifname, e.addresses])).toEqual(
      ends(first).map((e) => [e.node, e.ifname, e.addresses]),
    );
  });
});
