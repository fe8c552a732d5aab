import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { fromClab, toClab } from './clab';
import { clabNodeNames } from './clab-export';
import { loadTopologyText } from './document';
import { idMaker } from './import-names';
import { serializeTopology } from './serialize';
import { arbValidTopology } from '../model/arbitraries';
import { golden as goldenFile } from '../testing/golden';
import { isNetnsNode, type Topology, type TopoNode, type Route } from '../model';

const HERE = dirname(fileURLToPath(import.meta.url));
const GOLDEN = join(HERE, '__golden__');
const EXAMPLES = join(HERE, '../../examples');

/** Compares with a golden file under __golden__/; UPDATE_GOLDEN=1 rewrites it. */
const golden = (rel: string, actual: string) => goldenFile(join(GOLDEN, rel), actual);

const importFile = (name: string) => fromClab(readFileSync(join(GOLDEN, 'clab-import', name), 'utf8'), name);
const problemLines = (ps: { severity: string; line?: number; column?: number; message: string }[]) =>
  ps.map((p) => `# ${p.severity} ${p.line}:${p.column} ${p.message}`).join('\n');

describe('containerlab import', () => {
  it('reads a bridge lab: defaults, both endpoint forms, exec address/link lines', () => {
    const r = importFile('bridge-lab.clab.yml');
    // The lab is named after the file (its "name:" is br-lab), said at line 2; h2's MTU (1400, its exec
    // line) differs from its bridge port's (9500, containerlab's link default): the validator says so.
    expect(r.problems).toMatchObject([
      { code: 'clab-lab-name', severity: 'warning', line: 2 },
      { code: 'mtu-mismatch', severity: 'warning', line: 27 },
    ]);
    const t = r.topology!;
    // named after the file (two imported files never share a lab)
    expect(t.name).toBe('bridge-lab');
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual([
      'namespace:h1',
      'namespace:h2',
      'namespace:h3',
      'bridge:lab-br',
    ]);
    // alpine:3.20 is netplumb's own export default: no origin to keep
    expect(t.nodes[0].origin).toBeUndefined();
    expect(t.nodes[2].position).toEqual({ x: 300, y: 40 });
    expect(t.links.map((l) => [l.a.node, l.a.ifname, l.b.node, l.b.ifname])).toEqual([
      ['h1', 'eth1', 'lab-br', 'h1-port'],
      ['h2', 'eth1', 'lab-br', 'h2-port'],
      ['h3', 'eth1', 'lab-br', 'h3-port'],
    ]);
    expect(t.links[1].a).toMatchObject({ addresses: ['192.168.10.2/24'], mtu: 1400 });
    expect(t.links[1].b.mtu).toBe(9500);
    expect(t.links[2].a).toMatchObject({
      addresses: ['192.168.10.3/24', 'fd00:10::3/64'],
      mac: '02:00:00:00:00:03',
      up: true,
    });
    expect(t.links[2].b.mac).toBe('02:00:00:00:03:ff');
  });

  it('reads a routed lab: forwarding makes routers, default routes become gateways', () => {
    const r = importFile('routed.clab.yml');
    const t = r.topology!;
    const node = (n: string) => t.nodes.find((x) => x.name === n)!;
    expect(node('r1').kind).toBe('router');
    expect(node('r1')).toMatchObject({ ipv6Forwarding: false });
    expect(node('r2')).toMatchObject({ kind: 'router', ipv6Forwarding: true });
    expect(node('client')).toMatchObject({
      kind: 'namespace',
      gateway: { ipv4: '10.0.1.1', ipv6: '2001:db8:1::1' },
    });
    expect((node('r1') as { routes: Route[] }).routes).toEqual([
      { to: '10.0.2.0/24', via: '10.0.12.2' },
      { to: '192.0.2.0/24', via: '10.0.12.2', dev: 'eth2', metric: 20 },
    ]);
    expect((node('r2') as { routes: Route[] }).routes).toContainEqual({
      to: 'default',
      via: '10.0.12.1',
      dev: 'eth1',
    });
    expect(node('r1').origin).toEqual({ kind: 'linux', image: 'frrouting/frr:v8.4.1' });
    // the one line it cannot express is kept and named, at its line
    const touch = r.problems.find((p) => p.message.includes('touch /tmp/ready'))!;
    const src = readFileSync(join(GOLDEN, 'clab-import', 'routed.clab.yml'), 'utf8');
    expect(touch).toMatchObject({
      severity: 'warning',
      line: src.slice(0, src.indexOf('touch /tmp/ready')).split('\n').length,
    });
    expect(node('server').notes).toContain('exec: touch /tmp/ready');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('turns unsupported kinds into namespaces with warnings naming each dropped thing', () => {
    const r = importFile('mixed-kinds.clab.yml');
    const t = r.topology!;
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual([
      'namespace:spine',
      'namespace:leaf',
      'bridge:ovs',
      'namespace:pc',
      'host:host',
    ]);
    const text = r.problems.map((p) => p.message).join('\n');
    for (const needle of [
      '"nokia_srlinux"',
      '"ceos"',
      'Open vSwitch',
      'startup-config: ',
      'binds: ',
      'apk add tcpdump',
      'kernel.panic',
      'table 100',
      'mgmt-net',
      'VXLAN tunnel (VNI 100) to the remote host 192.0.2.99, outside the lab',
      '10.255.255.1/32',
    ]) {
      expect(text).toContain(needle);
    }
    expect(t.links.map((l) => `${l.a.node}:${l.a.ifname}-${l.b.node}:${l.b.ifname}`)).toEqual([
      'spine:e1-1-leaf:eth1',
      'pc:eth1-ovs:pc-port',
      'pc:eth3-host:pc-host',
    ]);
    // The type (ixrd3l, a hardware model) is kept with kind and image for export.
    expect(t.nodes[0].origin).toEqual({
      kind: 'nokia_srlinux',
      image: 'ghcr.io/nokia/srlinux:24.3',
      type: 'ixrd3l',
    });
    // the image is inherited from kinds: (line 9), the kind warning points at the node's kind line (13)
    expect(r.problems.find((p) => p.message.includes('"nokia_srlinux"'))).toMatchObject({ line: 13 });
    for (const p of r.problems) expect(p.line).toBeGreaterThan(1);
  });

  it.each(['vxlan', 'vxlan-stitch'])(
    'drops a %s link (a tunnel to a remote host) saying why, though netplumb has VXLAN links',
    (type) => {
      const text = [
        'name: vx',
        'topology:',
        '  nodes:',
        '    a: { kind: linux }',
        '  links:',
        `    - type: ${type}`,
        '      endpoint: { node: a, interface: eth1 }',
        '      remote: 198.51.100.7',
        '      vni: 4242',
        '      udp-port: 14789',
      ].join('\n');
      const r = fromClab(text, 'vx.clab.yml');
      expect(r.topology!.links).toEqual([]);
      expect(r.problems.filter((p) => /VXLAN/.test(p.message))).toEqual([
        expect.objectContaining({
          severity: 'warning',
          line: 6,
          message:
            'link 1: a:eth1 is joined by a VXLAN tunnel (VNI 4242) to the remote host 198.51.100.7, outside the lab; a netplumb VXLAN link joins two nodes of the lab, so it is dropped (to keep it, draw the remote side as a lab node and join the two with a VXLAN link)',
        }),
      ]);
    },
  );

  it.each(['bridge-lab', 'routed', 'mixed-kinds'])('%s.clab.yml imports as the golden file', (name) => {
    const r = importFile(`${name}.clab.yml`);
    const yaml = serializeTopology(r.topology!, { format: 'yaml' });
    golden(`clab-import/${name}.expected.yaml`, `${problemLines(r.problems)}\n${yaml}`);
    expect(loadTopologyText(yaml, 'x.yaml').topology).toEqual(r.topology);
  });

  it('reports broken files with a position instead of throwing', () => {
    expect(fromClab('name: x\ntopology:\n  nodes: [a, b]\n').problems[0]).toMatchObject({
      severity: 'error',
      line: 3,
      column: 10,
    });
    expect(fromClab('topology: {nodes: {}}\n').problems[0]).toMatchObject({
      severity: 'error',
      message: expect.stringContaining('name'),
    });
    const r = fromClab(
      'name: x\ntopology:\n  nodes:\n    a: {kind: linux}\n  links:\n    - endpoints: ["a:eth1", "ghost:eth1"]\n',
    );
    expect(r.problems).toMatchObject([
      { severity: 'error', line: 6, message: expect.stringContaining('ghost') },
    ]);
  });
});

describe('containerlab import: a route the kernel refuses', () => {
  it('is left out with a warning at the exec line it came from, inherited or its own', () => {
    const text = [
      'name: g', //                                   1
      'topology:', //                                 2
      '  groups:', //                                 3
      '    hosts:', //                                4
      '      kind: linux', //                         5
      '      exec:', //                               6
      '        - ip addr add 10.0.0.1/24 dev eth1', // 7
      '        - ip route add default via 10.9.9.1', // 8
      '  nodes:', //                                  9
      '    a: { group: hosts }', //                  10
      '    b:', //                                   11
      '      kind: linux', //                        12
      '      exec:', //                              13
      '        - ip addr add 10.0.0.2/24 dev eth1', // 14
      '        - ip route add 10.5.0.0/16 via 10.0.0.1', // 15
      '        - ip route add 10.6.0.0/16 via 10.7.7.7', // 16
      '  links:', //                                 17
      '    - endpoints: ["a:eth1", "b:eth1"]', //    18
      '',
    ].join('\n');
    const r = fromClab(text, 'g.clab.yml');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(
      r.problems.filter((p) => p.code === 'import-route-dropped').map((p) => [p.line, p.column]),
    ).toEqual([
      [8, 11],
      [16, 11],
    ]);
    const b = r.topology!.nodes.find((n) => n.name === 'b');
    expect(b).toMatchObject({ routes: [{ to: '10.5.0.0/16', via: '10.0.0.1' }] });
    expect(r.topology!.nodes.find((n) => n.name === 'a')).not.toHaveProperty('gateway');
  });
});

describe('containerlab export', () => {
  it.each(['linux-bridge', 'router', 'campus', 'direct-veth', 'vlan-bridge'])(
    'examples/%s.yaml exports as the golden file',
    (name) => {
      const t = loadTopologyText(
        readFileSync(join(EXAMPLES, `${name}.yaml`), 'utf8'),
        `${name}.yaml`,
      ).topology!;
      const r = toClab(t, { image: 'alpine:3.20' });
      golden(`clab-export/${name}.clab.yml`, r.text);
      checkClabShape(r.text);
    },
  );

  it('names what it drops', () => {
    const t = loadTopologyText(readFileSync(join(EXAMPLES, 'vlan-bridge.yaml'), 'utf8'), 'v.yaml').topology!;
    const msgs = toClab(t)
      .problems.map((p) => p.message)
      .join('\n');
    expect(msgs).toContain('VLAN settings of "vbr0-a10"');
    expect(msgs).toContain('expectation');
  });

  it("writes each link's MTU: containerlab's default (9500) is not netplumb's (1500)", () => {
    const t = loadTopologyText(
      [
        'version: 1',
        'name: m',
        'nodes:',
        '  - { id: a, kind: namespace }',
        '  - { id: b, kind: namespace }',
        '  - { id: br, kind: bridge }',
        'links:',
        '  - { a: { node: a, ifname: e1, mtu: 1400 }, b: { node: b, ifname: e1 } }',
        '  - { a: { node: a, ifname: e2, mtu: 9000 }, b: { node: br, ifname: br-a } }',
        '  - { a: { node: b, ifname: e2 }, b: { node: br, ifname: br-b, mtu: 2000 } }',
        '',
      ].join('\n'),
      'm.yaml',
    ).topology!;
    const r = toClab(t);
    const f = parse(r.text).topology;
    // The end no exec line can set (the bridge's) gives the link's MTU, else end a; the other end, when it differs, its exec line.
    expect(f.links.map((l: { mtu: number }) => l.mtu)).toEqual([1400, 1500, 2000]);
    expect(f.nodes.a.exec).toEqual(['ip link set dev e2 mtu 9000']);
    expect(f.nodes.b.exec).toEqual(['ip link set dev e1 mtu 1500', 'ip link set dev e2 mtu 1500']);
    expect(r.problems.filter((p) => p.message.includes('mtu'))).toEqual([]);
    const back = fromClab(r.text).topology!;
    // An end set apart by its exec line reads back with its MTU written, 1500 included.
    expect(back.links.map((l) => [l.a.mtu, l.b.mtu])).toEqual([
      [1400, 1500],
      [9000, undefined],
      [1500, 2000],
    ]);
  });

  it('writes a route without a next hop before the gateway or route that only it reaches, and reads the lab back whole', () => {
    const t = loadTopologyText(
      [
        'version: 1',
        'name: p',
        'nodes:',
        '  - id: a',
        '    kind: namespace',
        '    gateway: { ipv4: 10.99.0.1 }',
        '    routes:',
        '      - { to: 10.60.0.0/16, via: 10.99.0.5 }',
        '      - { to: 10.70.0.0/16, dev: e1 }',
        '      - { to: 10.99.0.0/29, dev: e1 }',
        '  - { id: b, kind: namespace }',
        'links:',
        '  - { a: { node: a, ifname: e1, addresses: [10.1.0.1/32] }, b: { node: b, ifname: e1, addresses: [10.99.0.1/32] } }',
        '',
      ].join('\n'),
      'p.yaml',
    );
    expect(t.problems).toEqual([]);
    const r = toClab(t.topology!);
    const exec: string[] = parse(r.text).topology.nodes.a.exec;
    const at = (s: string) => exec.findIndex((l) => l.includes(s));
    // Only the route a next hop lies in moves ahead; the others keep their place after the gateway.
    expect(at('10.99.0.0/29 dev e1')).toBeLessThan(at('default via 10.99.0.1'));
    expect(at('default via 10.99.0.1')).toBeLessThan(at('10.60.0.0/16 via 10.99.0.5'));
    expect(at('10.60.0.0/16 via')).toBeLessThan(at('10.70.0.0/16 dev e1'));
    const back = fromClab(r.text);
    expect(back.problems.filter((p) => p.severity === 'error' || p.code === 'import-route-dropped')).toEqual(
      [],
    );
    const a = back.topology!.nodes.find((n) => n.id === 'a') as { gateway?: object; routes?: object[] };
    expect(a.gateway).toEqual({ ipv4: '10.99.0.1' });
    expect(a.routes).toEqual([
      { to: '10.99.0.0/29', dev: 'e1' },
      { to: '10.60.0.0/16', via: '10.99.0.5' },
      { to: '10.70.0.0/16', dev: 'e1' },
    ]);
  });

  it('uses the image option and tells how to create bridges', () => {
    const t = loadTopologyText(readFileSync(join(EXAMPLES, 'linux-bridge.yaml'), 'utf8'), 'l.yaml').topology!;
    const text = toClab(t, { image: 'nicolaka/netshoot' }).text;
    expect(parse(text).topology.nodes.ns1.image).toBe('nicolaka/netshoot');
    expect(text).toContain('sudo ip link add br0 type bridge && sudo ip link set br0 up');
  });
});

/**
 * The rules of containerlab's topology schema that an export can break (our
 * own summary, checked structurally): top-level keys, node kinds, non-empty
 * exec/links lists of strings, string label values, "node:iface" endpoints
 * naming declared nodes or "host".
 */
function checkClabShape(text: string) {
  const doc = parse(text);
  expect(Object.keys(doc).every((k) => ['name', 'prefix', 'mgmt', 'topology', 'settings'].includes(k))).toBe(
    true,
  );
  expect(typeof doc.name).toBe('string');
  const nodes = doc.topology.nodes as Record<string, Record<string, unknown>>;
  for (const n of Object.values(nodes)) {
    expect(['linux', 'bridge']).toContain(n.kind);
    if (n.kind === 'linux') expect(typeof n.image).toBe('string');
    if (n.exec !== undefined) {
      expect(
        Array.isArray(n.exec) && n.exec.length > 0 && n.exec.every((l: unknown) => typeof l === 'string'),
      ).toBe(true);
    }
    if (n.labels !== undefined)
      expect(Object.values(n.labels as object).every((v) => typeof v === 'string')).toBe(true);
    if (n['network-mode'] !== undefined) expect(n['network-mode']).toBe('none');
  }
  if (doc.topology.links !== undefined) {
    expect(doc.topology.links.length).toBeGreaterThan(0);
    for (const l of doc.topology.links) {
      expect(l.endpoints).toHaveLength(2);
      for (const ep of l.endpoints) {
        const m = /^([^:]+):([^:]+)$/.exec(ep);
        expect(m).not.toBeNull();
        expect(m![1] === 'host' || m![1] in nodes).toBe(true);
      }
    }
  }
}

/**
 * What a topology looks like after a trip through containerlab: the part both
 * formats express. Each veth end has its own MTU where an exec line can set it
 * (a namespace's end), else its link's: the export writes that link's `mtu:`
 * from the end no exec line can set (on a bridge or the host), else from end
 * a, 1500 when unset (a netplumb veth's own, which reads back as no MTU); an
 * end of another MTU gets an exec line, read back as written.
 */
function clabView(t: Topology): Topology {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const names = clabNodeNames(t);
  // The import names nodes after their containerlab names, cleaned and made unique in file order.
  const idOf = idMaker();
  const ids = new Map(t.nodes.filter((n) => n.kind !== 'host').map((n) => [n.id, idOf(names.get(n.id)!)]));
  const refName = (id: string) => ids.get(id) ?? 'host';
  const usesHost = t.links.some(
    (l) => byId.get(l.a.node)?.kind === 'host' || byId.get(l.b.node)?.kind === 'host',
  );
  const nodes: TopoNode[] = [];
  for (const n of t.nodes) {
    const common = {
      id: refName(n.id),
      name: n.kind === 'bridge' && n.namespace ? n.name : refName(n.id),
      ...(n.label !== undefined ? { label: n.label } : {}),
      ...(n.position ? { position: { x: n.position.x + 0, y: n.position.y + 0 } } : {}),
    };
    // A bridge inside a namespace keeps its place, addresses, MTU and MAC (its node's exec lines).
    if (n.kind === 'bridge' && n.namespace)
      nodes.push({
        ...common,
        kind: 'bridge',
        namespace: refName(n.namespace),
        stp: false,
        vlanFiltering: false,
        addresses: n.addresses,
        ...(n.mtu !== undefined ? { mtu: n.mtu } : {}),
        ...(n.mac !== undefined ? { mac: n.mac.toLowerCase() } : {}),
      });
    else if (n.kind === 'bridge')
      nodes.push({ ...common, kind: 'bridge', stp: false, vlanFiltering: false, addresses: [] });
    if (!isNetnsNode(n)) continue;
    const sysctls: Record<string, number> = Object.fromEntries(
      Object.entries(n.sysctls ?? {}).map(([k, v]) => [k, Number(v)]),
    );
    const router = n.kind === 'router' || sysctls['net.ipv4.ip_forward'] === 1;
    let v6 = false;
    if (router) {
      v6 = n.kind === 'router' && n.ipv6Forwarding ? true : sysctls['net.ipv6.conf.all.forwarding'] === 1;
      delete sysctls['net.ipv4.ip_forward'];
      delete sysctls['net.ipv6.conf.all.forwarding'];
    }
    const gateway = { ...(n.gateway ?? {}) };
    const routes: Route[] = [];
    for (const r of n.routes) {
      const to = r.to === '0.0.0.0/0' || r.to === '::/0' ? 'default' : r.to;
      const fam = r.via?.includes(':') ? 'ipv6' : 'ipv4';
      if (
        to === 'default' &&
        r.via !== undefined &&
        r.dev === undefined &&
        r.metric === undefined &&
        gateway[fam] === undefined
      )
        gateway[fam] = r.via;
      else routes.push({ ...r, to });
    }
    const base = {
      ...common,
      routes,
      ...(Object.keys(gateway).length ? { gateway } : {}),
      ...(Object.keys(sysctls).length ? { sysctls } : {}),
    };
    nodes.push(router ? { ...base, kind: 'router', ipv6Forwarding: v6 } : { ...base, kind: 'namespace' });
  }
  if (usesHost) nodes.push({ id: 'host', name: 'host', kind: 'host' });
  const linkMtu = (l: Topology['links'][number]) =>
    ([l.a, l.b].find((e) => !isNetnsNode(byId.get(e.node)!)) ?? l.a).mtu ?? 1500;
  const end = (e: Topology['links'][number]['a'], l: Topology['links'][number]) => {
    const onNetns = isNetnsNode(byId.get(e.node)!);
    // An end of another MTU than its link's has its own exec line, which reads back as written.
    const own = onNetns ? (e.mtu ?? 1500) : linkMtu(l);
    const mtu = own !== linkMtu(l) ? own : own === 1500 ? undefined : own;
    return {
      node: refName(e.node),
      ifname: e.ifname,
      addresses: onNetns ? e.addresses : [],
      up: onNetns ? e.up : true,
      ...(onNetns && e.mac !== undefined ? { mac: e.mac.toLowerCase() } : {}),
      ...(mtu !== undefined ? { mtu } : {}),
    };
  };
  return {
    version: 1,
    name: t.name,
    nodes,
    links: t.links.map((l, i) => ({ id: `link${i + 1}`, a: end(l.a, l), b: end(l.b, l) })),
    expect: [],
    annotations: [],
  };
}

const stripNotes = (t: Topology): Topology => ({
  ...t,
  nodes: t.nodes.map(({ notes: _n, ...n }) => n as TopoNode),
});

describe('containerlab round trip', () => {
  it('import(export(x)) equals x for everything both formats express', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 7 }), (x) => {
        const { text } = toClab(x);
        const back = fromClab(text);
        expect(back.topology, JSON.stringify(back.problems)).toBeDefined();
        expect(back.problems.filter((p) => p.code.startsWith('clab'))).toEqual([]);
        expect(stripNotes(back.topology!)).toEqual(clabView(x));
      }),
      { numRuns: 200 },
    );
  });
});

describe('containerlab import fuzz', () => {
  const seeds = readdirSync(join(GOLDEN, 'clab-import'))
    .filter((f) => f.endsWith('.clab.yml'))
    .map((f) => readFileSync(join(GOLDEN, 'clab-import', f), 'utf8'));
  it('never throws; every failure is a located error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.nat(),
        fc.nat(),
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            '\n',
            ':',
            '- ',
            '  ',
            '\t',
            '[',
            '{',
            '"',
            'exec: 1',
            'kind: ',
            'endpoints: [',
            'host:',
            '::',
          ),
        ),
        (seed, at, len, noise) => {
          const cut = at % (seed.length + 1);
          for (const text of [noise, seed.slice(0, cut) + noise + seed.slice(cut + (len % 20))]) {
            const r = fromClab(text, 'f.clab.yml');
            if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
            for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('containerlab names netplumb ids cannot hold', () => {
  it('cleans ids and names, keeps them unique, and says so', () => {
    const r = fromClab(
      'name: x\ntopology:\n  nodes:\n    "a|b": {kind: linux}\n    a_b: {kind: linux}\n  links:\n    - endpoints: ["a|b:eth1", "a_b:eth1"]\n',
    );
    expect(r.topology?.nodes.map((n) => [n.id, n.name])).toEqual([
      ['a_b', 'a_b-2'],
      ['a_b-2', 'a_b'],
    ]);
    expect(r.problems).toMatchObject([
      { code: 'clab-renamed', line: 4, message: expect.stringContaining('"a|b" is called "a_b-2"') },
    ]);
    expect(r.topology?.links[0].a.node).toBe('a_b');
    expect(r.topology?.links[0].b.node).toBe('a_b-2');
  });
});
