import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { commandsOf, fromKathara, MAX_LAB_BYTES, NOTE_LINES, uniqueIfname, WARNINGS_LISTED } from './kathara';
import { serializeTopology } from './serialize';
import { splitShellList } from './shell-lists';
import type { NetnsNode, Route } from '../model';
import { readKatharaFiles } from '../../electron/cli/kathara-files';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '__golden__', 'kathara', 'office');
/** A Kathará lab written for these tests: two LANs, a router, Netkit-era and modern startup lines. */
const LAB_CONF = readFileSync(join(DIR, 'lab.conf'), 'utf8');
const STARTUPS = Object.fromEntries(
  ['pc1', 'pc2', 'r1'].map((m) => [m, readFileSync(join(DIR, `${m}.startup`), 'utf8')]),
);

describe('Kathará import', () => {
  it('turns collision domains into bridges and startup lines into addresses and routes', () => {
    const r = fromKathara(LAB_CONF, { startups: STARTUPS, labName: 'Two LANs' });
    const t = r.topology!;
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(t.name).toBe('two-lans');
    expect(t.description).toBe('two LANs joined by r1 (Kathará lab: by me)');
    // Kathará turns IPv4 forwarding on in every machine
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual([
      'bridge:cd-A',
      'bridge:cd-B',
      'router:pc1',
      'router:pc2',
      'router:r1',
    ]);
    const node = (n: string) =>
      t.nodes.find((x) => x.name === n) as { gateway?: unknown; routes: Route[]; notes?: string };
    expect(node('pc1').gateway).toEqual({ ipv4: '192.168.1.1' });
    expect(node('pc2').gateway).toEqual({ ipv4: '192.168.2.1' });
    expect(node('r1').routes).toEqual([{ to: '10.0.0.0/8', via: '192.168.2.254', dev: 'eth1' }]);
    expect(t.nodes.find((x) => x.name === 'r1')!.origin).toEqual({ kind: 'kathara', image: 'kathara/frr' });
    const ends = t.links.map(
      (l) => `${l.a.node}:${l.a.ifname}[${l.a.addresses.join(',')}] -> ${l.b.node}:${l.b.ifname}`,
    );
    expect(ends).toEqual([
      'pc1:eth0[192.168.1.10/24] -> cd-A:pc1-eth0',
      'pc2:eth0[192.168.2.10/24] -> cd-B:pc2-eth0',
      'r1:eth0[192.168.1.1/24] -> cd-A:r1-eth0',
      'r1:eth1[192.168.2.1/24] -> cd-B:r1-eth1',
    ]);
    expect(t.links[1].a.mac).toBe('02:42:ac:11:00:02');
  });

  it('a machine whose startup makes a Linux bridge of its interfaces gets that bridge, with them as its ports', () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'kathara', '03-switch');
    const conf = readFileSync(join(dir, 'lab.conf'), 'utf8');
    const r = fromKathara(conf, { ...readKatharaFiles(dir, conf), fileName: join(dir, 'lab.conf') });
    expect(r.problems).toEqual([]);
    const t = r.topology!;
    const sw = t.nodes.find((n) => n.name === 'sw')!;
    const br = t.nodes.find((n) => n.name === 'br0')!;
    expect(br).toMatchObject({ kind: 'bridge', namespace: sw.id, stp: false, addresses: ['10.0.0.254/24'] });
    // sw's three interfaces are br0's ports; the hosts' ends are untouched
    const ends = t.links.map(
      (l) => `${t.nodes.find((n) => n.id === l.a.node)!.name}:${l.a.ifname}[${l.a.addresses}]`,
    );
    expect(ends.sort()).toEqual([
      'br0:eth0[]',
      'br0:eth1[]',
      'br0:eth2[]',
      'pc1:eth0[10.0.0.1/24]',
      'pc2:eth0[10.0.0.2/24]',
      'pc3:eth0[10.0.0.3/24]',
    ]);
  });

  it('bridge lines it cannot carry are said at their line: never up, a port with an address, a route through a port, a port lab.conf does not connect', () => {
    const conf = ['sw[0]="A"', 'sw[1]="B"', 'h[0]="A"', ''].join('\n');
    const sw = [
      'brctl addbr br0',
      'ip address add 10.0.0.9/24 dev eth0',
      'ip link set eth0 master br0',
      'ip link set eth1 master br0',
      'ip link set eth7 master br0',
      'ip route add 10.5.0.0/16 via 10.0.0.1 dev eth0',
      'ip route add 10.6.0.0/16 dev br0',
      '',
    ].join('\n');
    const r = fromKathara(conf, { startups: { sw } });
    const said = r.problems.map((p) => `${p.file}:${p.line} ${p.message}`);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(said.find((m) => m.startsWith('sw.startup:1 '))).toMatch(/never brought up/);
    expect(said.find((m) => m.startsWith('sw.startup:3 '))).toMatch(
      /10\.0\.0\.9\/24 of eth0 dropped: eth0 is a port of bridge br0/,
    );
    expect(said.find((m) => m.startsWith('sw.startup:5 '))).toMatch(/eth7 .* does not connect eth7/);
    expect(said.find((m) => m.startsWith('sw.startup:6 '))).toMatch(/eth0 is a port of bridge br0/);
    const node = r.topology!.nodes.find((n) => n.name === 'sw') as NetnsNode;
    // The route through the bridge stays; the one through a port is a note.
    expect(node.routes).toEqual([{ to: '10.6.0.0/16', dev: 'br0' }]);
  });

  it('Netkit switch lines and bridge lines the real tools refuse: as iproute2, brctl and ifconfig would end', () => {
    const conf = ['sw[0]="A"', 'sw[1]="B"', 'sw[2]="C"', 'h[0]="A"', ''].join('\n');
    const sw = [
      'brctl addbr br0',
      'ifconfig eth0 0.0.0.0 up',
      'brctl addif br0 eth0 eth1',
      'ifconfig br0 10.0.0.254 netmask 255.255.255.0',
      'brctl delif br9 eth1',
      'ip link add name eth2 type bridge',
      'ip link add br1 type bridge forward_delay 0 vlan_filtering 1',
      'ip link set eth2 master br1',
      'ip link set dev br1 up',
      'ip link add name averyveryverylongname type bridge',
      '',
    ].join('\n');
    const r = fromKathara(conf, { startups: { sw } });
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const said = r.problems.map((p) => `${p.file}:${p.line} ${p.message}`);
    // ifconfig with an address brings br0 up; `ifconfig eth0 0.0.0.0 up` is that up
    expect(said.filter((m) => /never brought up/.test(m))).toEqual([]);
    expect(said.filter((m) => m.startsWith('sw.startup:2 '))).toEqual([]);
    expect(said.find((m) => m.startsWith('sw.startup:5 '))).toMatch(/eth1 is not a port of br9/);
    expect(said.find((m) => m.startsWith('sw.startup:6 '))).toMatch(/eth2 exists already/);
    expect(said.find((m) => m.startsWith('sw.startup:7 '))).toMatch(
      /its option forward_delay 0 has no netplumb form .*the bridge br1 itself is made/,
    );
    expect(said.find((m) => m.startsWith('sw.startup:10 '))).toMatch(
      /longer than the kernel's 15 characters/,
    );
    const t = r.topology!;
    const name = (id: string) => t.nodes.find((n) => n.id === id)!.name;
    // eth1 stays br0's (delif named another bridge); eth2 is br1's
    expect(
      t.links.filter((l) => name(l.a.node) !== 'h').map((l) => `${name(l.a.node)}:${l.a.ifname}`),
    ).toEqual(['br0:eth0', 'br0:eth1', 'br1:eth2']);
    expect(t.nodes.find((n) => n.name === 'br0')).toMatchObject({ addresses: ['10.0.0.254/24'] });
    expect(t.nodes.find((n) => n.name === 'br1')).toMatchObject({ vlanFiltering: true });
  });

  it('keeps a loopback route, an out-of-range sysctl and loopback addresses as located notes; the lab stays valid', () => {
    const conf = ['leaf[0]="A"', 'leaf[sysctl]="net.ipv4.conf.all.arp_announce=8"', 'host[0]="A"', ''].join(
      '\n',
    );
    const leaf = [
      'ip address add 10.9.0.1/24 dev eth0',
      'ip address add 192.168.0.1/32 dev lo',
      'ip route add 192.168.0.1/32 dev lo',
      'ip route add 10.10.0.0/16 dev eth0',
      'ip link set up dev eth0',
      '',
    ].join('\n');
    const host = 'ip address add 10.9.0.2/24 dev eth0\nip route add 192.168.0.1/32 via 10.9.0.1\n';
    const r = fromKathara(conf, { startups: { leaf, host } });
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const leafNode = r.topology!.nodes.find((n) => n.name === 'leaf') as NetnsNode;
    expect(leafNode.routes).toEqual([{ to: '10.10.0.0/16', dev: 'eth0' }]);
    expect(leafNode.sysctls?.['net.ipv4.conf.all.arp_announce']).toBeUndefined();
    const w = (s: string) => r.problems.filter((p) => p.message.includes(s));
    expect(w('dev lo" is not imported')).toMatchObject([{ file: 'leaf.startup', line: 3 }]);
    expect(w('loopback interface "lo" dropped')).toMatchObject([{ file: 'leaf.startup', line: 2 }]);
    expect(w('arp_announce=8')).toMatchObject([{ line: 2, message: expect.stringContaining('0 to 2') }]);
    expect(w('ip link set up dev eth0')).toEqual([]);
  });

  it('places a problem of a route or a sysctl at the startup line it came from', () => {
    const conf = 'a[0]="A"\nb[0]="A"\n';
    const a = 'ip address add 10.9.0.1/24 dev eth0\nip route add 10.20.0.0/16 via 10.99.0.1\n';
    const r = fromKathara(conf, { startups: { a } });
    // (an error or, once the import leaves such a route out, a warning: either way at its line)
    expect(r.problems.filter((p) => p.message.includes('10.99.0.1'))).toMatchObject([
      { file: 'a.startup', line: 2 },
    ]);
  });

  it('names everything it drops, with the file and line', () => {
    const r = fromKathara(LAB_CONF, { startups: { ...STARTUPS, ghost: 'true\n' } });
    const w = (s: string) => r.problems.find((p) => p.message.includes(s));
    const lineOf = (needle: string) => LAB_CONF.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(w('mem="256m"')).toMatchObject({ severity: 'warning', line: lineOf('r1[mem]') });
    expect(w('junk')).toMatchObject({ line: lineOf('junk') });
    expect(w('/etc/init.d/apache2 start')).toMatchObject({ file: 'pc2.startup', line: 3 });
    expect(w('/etc/init.d/frr start')).toMatchObject({ file: 'r1.startup', line: 4 });
    expect(w('ghost.startup')).toBeDefined();
  });

  it('keeps generated root interface names within 15 bytes and unique', () => {
    const conf =
      'averyveryverylongmachinename[0]=A\naveryveryverylongmachinename[1]=A\naveryveryverylongmachinenam2[0]=A\n';
    const t = fromKathara(conf).topology!;
    const ports = t.links.map((l) => l.b.ifname);
    for (const p of ports) expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(15);
    expect(new Set(ports).size).toBe(ports.length);
    const used = new Set<string>();
    expect([uniqueIfname('x'.repeat(20), used), uniqueIfname('x'.repeat(20), used)]).toEqual([
      'x'.repeat(15),
      'x'.repeat(13) + '-2',
    ]);
  });

  it('an empty lab.conf is a located error', () => {
    expect(fromKathara('# nothing\n').problems).toMatchObject([
      { severity: 'error', line: 1, message: expect.stringContaining('this is not a lab.conf') },
    ]);
  });

  it('never throws; every problem is located (random and mutated input)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.nat(),
        fc.string(),
        fc.dictionary(fc.constantFrom('pc1', 'pc2', 'r1', 'x'), fc.string()),
        (noise, at, s2, startups) => {
          const cut = at % (LAB_CONF.length + 1);
          for (const conf of [noise, LAB_CONF.slice(0, cut) + noise + LAB_CONF.slice(cut)]) {
            const r = fromKathara(conf, { startups: { ...startups, pc1: s2 } });
            if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
            for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Kathará layout', () => {
  it('gives every imported node a canvas position', () => {
    const t = fromKathara(LAB_CONF, { startups: STARTUPS }).topology!;
    for (const n of t.nodes) expect(n.position).toBeDefined();
    expect(new Set(t.nodes.map((n) => `${n.position!.x},${n.position!.y}`)).size).toBe(t.nodes.length);
  });
});

describe('Kathará shared.startup', () => {
  it('applies shared.startup lines to every machine and warns once about what it drops', () => {
    const r = fromKathara('a[0]=X\nb[0]=X\n', {
      startups: {
        shared: 'sysctl -w net.ipv4.conf.all.rp_filter=0\necho hello\n',
        a: 'ip addr add 10.7.0.1/24 dev eth0\n',
      },
    });
    for (const n of r.topology!.nodes.filter((x) => x.kind === 'router'))
      expect((n as { sysctls?: unknown }).sysctls).toEqual({ 'net.ipv4.conf.all.rp_filter': 0 });
    // once, at its own line, although it runs on both machines
    expect(r.problems.filter((p) => p.message.includes('echo hello'))).toMatchObject([
      { file: 'shared.startup', line: 2 },
    ]);
    expect(r.topology!.links[0].a.addresses).toEqual(['10.7.0.1/24']);
  });
});

const FIX = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'kathara');
/** Imports a Kathará fixture folder the way `netplumb import` does (startup files, lab.ext, machine folders). */
function importLab(name: string, root = FIX) {
  const dir = join(root, name);
  const conf = readFileSync(join(dir, 'lab.conf'), 'utf8');
  return fromKathara(conf, { fileName: join(dir, 'lab.conf'), ...readKatharaFiles(dir, conf) });
}

describe('Kathará labs with Kathará semantics', () => {
  it('every machine forwards unless something turns it off, so a two-router lab routes', () => {
    const r = importLab('02-two-routers');
    expect(r.problems).toEqual([]);
    const t = r.topology!;
    expect(t.name).toBe('02-two-routers');
    const kind = Object.fromEntries(t.nodes.map((n) => [n.name, n.kind]));
    expect(kind).toMatchObject({
      pc1: 'router',
      r1: 'router',
      r2: 'router',
      pc2: 'router',
      'cd-lana': 'bridge',
      'cd-transit': 'bridge',
      'cd-lanb': 'bridge',
    });
    const end = (node: string, ifname: string) =>
      t.links.flatMap((l) => [l.a, l.b]).find((e) => e.node === node && e.ifname === ifname)!;
    expect(end('r1', 'eth1').addresses).toEqual(['10.10.99.1/30']);
    expect(end('pc2', 'eth0').addresses).toEqual(['10.10.2.10/24']);
    const r2 = t.nodes.find((n) => n.name === 'r2') as NetnsNode;
    expect(r2.routes).toEqual([{ to: '10.10.1.0/24', via: '10.10.99.1', dev: 'eth0' }]);
    expect((t.nodes.find((n) => n.name === 'pc2') as NetnsNode).gateway).toEqual({ ipv4: '10.10.2.1' });
  });

  it('reads options, shared.startup, exec, lab.ext and machine folders, and names each loss at its file:line', () => {
    const r = importLab('campus-ext');
    const t = r.topology!;
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    // the folder names the lab, not LAB_NAME: two labs called "campus" must not share a lab
    expect(t.name).toBe('campus-ext');
    const n = (name: string) =>
      t.nodes.find((x) => x.name === name) as NetnsNode & { ipv6Forwarding?: boolean };
    expect(n('r1')).toMatchObject({ kind: 'router', ipv6Forwarding: true, origin: { image: 'kathara/frr' } });
    expect(n('ws')).toMatchObject({
      kind: 'router',
      ipv6Forwarding: false,
      origin: { image: 'kathara/base:latest' },
    });
    // srv[sysctl] turns forwarding off; its exec option adds a route after the startup file
    expect(n('srv')).toMatchObject({
      kind: 'namespace',
      gateway: { ipv4: '10.20.2.1' },
      routes: [{ to: '172.16.0.0/12', via: '10.20.2.1' }],
    });
    // shared.startup's sysctl reaches every machine
    for (const m of ['r1', 'srv', 'ws'])
      expect(n(m).sysctls).toMatchObject({ 'net.ipv4.conf.all.rp_filter': 0 });
    const r1e1 = t.links.find((l) => l.a.node === 'r1' && l.a.ifname === 'eth1')!.a;
    expect(r1e1).toMatchObject({ mac: '02:00:00:00:01:01', addresses: ['10.20.2.1/24'] });
    expect(t.links.find((l) => l.a.node === 'r1' && l.a.ifname === 'eth0')!.a.addresses).toEqual([
      '10.20.1.1/24',
      '2001:db8:20::1/64',
    ]);

    const at = (needle: string) =>
      r.problems.filter((p) => p.message.includes(needle)).map((p) => `${p.file ?? 'lab.conf'}:${p.line}`);
    const conf = readFileSync(join(FIX, 'campus-ext', 'lab.conf'), 'utf8').split('\n');
    const lineOf = (s: string) => conf.findIndex((l) => l.includes(s)) + 1;
    expect(at('resolv.conf')).toEqual(['shared.startup:2']);
    expect(at('systemctl start frr')).toEqual(['r1.startup:5']);
    expect(at('10.255.0.1/32')).toEqual(['r1.startup:4']);
    expect(at('enp9s0')).toEqual(['lab.ext:2']);
    expect(at('etc/frr/frr.conf')).toEqual(['r1/etc/frr/daemons:1']);
    expect(at('mem="128m"')).toEqual([`lab.conf:${lineOf('ws[mem]')}`]);
    expect(at('replaces image="kathara/base"')).toEqual([
      `lab.conf:${lineOf('ws[image]="kathara/base:latest"')}`,
    ]);
    // defaults are not losses
    for (const quiet of ['ipv6', 'bridged', 'num_terms']) expect(at(quiet)).toEqual([]);
  });

  it('puts net-tools alias addresses (eth1:1) on eth1 and reads route add -host/-net with or without gw', () => {
    const r = importLab('nat-aliases');
    const t = r.topology!;
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const end = (node: string, ifname: string) =>
      t.links.flatMap((l) => [l.a, l.b]).find((e) => e.node === node && e.ifname === ifname)!;
    expect(end('gw', 'eth1').addresses).toEqual(['20.0.0.1/24', '20.0.0.3/24', '20.0.0.5/24', '20.0.0.7/24']);
    // no interface named eth1:1, and no warning that it is not on a collision domain
    expect(t.links.flatMap((l) => [l.a, l.b]).some((e) => e.ifname.includes(':'))).toBe(false);
    expect(r.problems.filter((p) => /eth1:|collision domain/.test(p.message))).toEqual([]);
    const gw = t.nodes.find((n) => n.name === 'gw') as NetnsNode;
    expect(gw.routes).toEqual([
      { to: '30.0.0.0/24', via: '20.0.0.2', dev: 'eth1' },
      { to: '10.8.0.6/32', via: '20.0.0.2', dev: 'eth1' },
      { to: '10.8.0.1/32', dev: 'eth2' },
      { to: '10.9.0.0/16', dev: 'eth2' },
    ]);
    expect((t.nodes.find((n) => n.name === 'admin') as NetnsNode).routes).toEqual([
      { to: '10.8.0.1/32', dev: 'eth0' },
    ]);
    // the NAT rules that use those addresses are still named, at their lines
    expect(
      r.problems.filter((p) => p.message.includes('iptables')).map((p) => `${p.file}:${p.line}`),
    ).toEqual(['gw.startup:14', 'gw.startup:15']);
  });

  it('refuses a second definition of an interface, as Kathará does, at its line', () => {
    const r = fromKathara('a[0]="X"\nb[0]="X"\na[0]="Y"\n');
    // the first definition is kept; the error makes `netplumb import` exit 1
    expect(r.topology!.links.filter((l) => l.a.node === 'a')).toHaveLength(1);
    expect(r.problems).toMatchObject([
      {
        severity: 'error',
        line: 3,
        message: expect.stringContaining('already on collision domain "X" at line 1'),
      },
    ]);
  });

  it('says once that a file of another format is not a lab.conf', () => {
    const xml = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '__golden__', 'core', 'office.xml'),
      'utf8',
    );
    const r = fromKathara(xml);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/^this is not a lab\.conf \(it looks like XML\)/),
    });
  });
});

const IFUP = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'kathara-ifupdown');
describe('the files netplumb import reads beside a lab.conf', () => {
  it("reads each machine's etc/network/interfaces, never a folder outside the lab's", () => {
    const top = mkdtempSync(join(tmpdir(), 'np-kathara-'));
    try {
      const dir = join(top, 'lab');
      for (const d of [
        join(top, 'etc', 'network'),
        join(dir, 'r1', 'etc', 'network'),
        join(dir, 'shared', 'etc', 'network'),
      ])
        mkdirSync(d, { recursive: true });
      writeFileSync(join(top, 'etc', 'network', 'interfaces'), 'outside the lab\n');
      writeFileSync(join(dir, 'r1', 'etc', 'network', 'interfaces'), 'auto eth0\n');
      writeFileSync(join(dir, 'shared', 'etc', 'network', 'interfaces'), 'auto eth0\n');
      const conf = 'r1[0]="A"\n..[0]="A"\n.[0]="A"\n';
      const f = readKatharaFiles(dir, conf);
      expect(f.machineTexts).toEqual({ r1: { 'etc/network/interfaces': 'auto eth0\n' } });
      expect(Object.keys(f.machineFiles).sort()).toEqual(['r1', 'shared']);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});

describe('Kathará machines configured by ifupdown (etc/network/interfaces)', () => {
  it('applies the file where a startup line brings it up: networking restart, ifup -a, init.d stop; start', () => {
    const r = importLab('lan-wan', IFUP);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const t = r.topology!;
    const end = (node: string, ifname: string) =>
      t.links.flatMap((l) => [l.a, l.b]).find((e) => e.node === node && e.ifname === ifname)!;
    const node = (n: string) => t.nodes.find((x) => x.name === n) as NetnsNode;
    // pc: systemctl restart networking; the `up` line after a blank line is still eth0's
    expect(end('pc', 'eth0')).toMatchObject({ addresses: ['192.168.1.10/24'], mac: '02:00:00:00:01:0a' });
    expect(node('pc')).toMatchObject({
      gateway: { ipv4: '192.168.1.1' },
      routes: [{ to: '172.16.0.0/12', via: '192.168.1.254' }],
    });
    // r1: ifup -a brings up the auto interfaces (not the allow-hotplug eth2); the startup's own route
    // through the file's address is kept, after the file's post-up route
    expect(end('r1', 'eth0')).toMatchObject({ addresses: ['192.168.1.1/24'], mtu: 1400 });
    expect(end('r1', 'eth1').addresses).toEqual(['192.168.2.1/24', '2001:db8:2::1/64', '192.168.2.2/24']);
    expect(node('r1').routes).toEqual([
      { to: '10.60.0.0/16', via: '192.168.2.254' },
      { to: '10.50.0.0/16', via: '192.168.2.254' },
    ]);
    // srv: `/etc/init.d/networking stop; /etc/init.d/networking start` (start brings up allow-hotplug too)
    expect(end('srv', 'eth0').addresses).toEqual(['192.168.2.10/24']);
    expect(node('srv').gateway).toEqual({ ipv4: '192.168.2.1' });
    // old: nothing brings its file up
    expect(end('old', 'eth0').addresses).toEqual([]);
    const said = r.problems
      .filter((p) => p.code.startsWith('kathara'))
      .map((p) => `${p.file}:${p.line} ${p.message}`);
    expect(said).toEqual([
      'old/etc/network/interfaces:1 machine "old": old/etc/network/interfaces is not imported: no startup line applies it. Kathará machines start no networking service, so ifupdown reads this file only when a line runs `systemctl restart networking`, `/etc/init.d/networking restart` or `ifup`; its addresses and routes are left out',
      'srv/etc/network/interfaces:5 machine "srv": "dns-nameservers 192.168.2.53" is not imported (option dns-nameservers of inet static has no netplumb form and is not imported)',
      'srv/etc/network/interfaces:7 machine "srv": "iface eth0 inet6 auto" is not imported (eth0 takes its IPv6 address from router advertisements (SLAAC); netplumb does not import that)',
    ]);
    // a problem of a gateway is placed at the file's gateway line
    expect(node('srv').notes).toContain('srv/etc/network/interfaces: dns-nameservers 192.168.2.53');
  });

  it('places a problem of a gateway from the file at its line there', () => {
    const r = fromKathara('a[0]="A"\n', {
      startups: { a: 'ifup eth0\n' },
      machineTexts: {
        a: { 'etc/network/interfaces': 'iface eth0 inet static\n address 10.0.0.1/24\n gateway 10.0.0.1\n' },
      },
    });
    expect(r.problems.filter((p) => p.message.includes('10.0.0.1 is this node'))).toMatchObject([
      { file: 'a/etc/network/interfaces', line: 3 },
    ]);
  });

  it('a restart of networking without a file, or with a file the importer was not given, is said at its line', () => {
    const r = fromKathara('a[0]="A"\nb[0]="A"\n', {
      startups: { shared: 'echo start; systemctl restart networking\n' },
      machineFiles: { b: ['etc/network/interfaces'] },
    });
    const said = r.problems.filter((p) => p.message.includes('restart networking')).map((p) => p.message);
    expect(said).toEqual([
      'machine "a": "systemctl restart networking" is not imported (the lab has no a/etc/network/interfaces, so this brings up what the image\'s own file says, which netplumb does not know)',
      'machine "b": "systemctl restart networking" is not imported (b/etc/network/interfaces was not read, so what it brings up is not known)',
    ]);
    // `echo start` is the other command of the same line, said once for every machine
    expect(r.problems.filter((p) => p.message.includes('"echo start"'))).toMatchObject([
      { file: 'shared.startup', line: 1, message: expect.stringMatching(/^every machine/) },
    ]);
  });

  it('a file ifup refuses brings nothing up, said once at its line; a later ifdown of what it brought up is said', () => {
    const r = fromKathara('a[0]="A"\nb[0]="A"\n', {
      startups: { a: 'ifup -a\nifup -a\n', b: 'ifup -a\nifdown eth0\n' },
      machineTexts: {
        a: { 'etc/network/interfaces': 'address 10.0.0.1/24\nauto eth0\niface eth0 inet static\n' },
        b: { 'etc/network/interfaces': 'auto eth0\niface eth0 inet static\n address 10.0.0.2/24\n' },
      },
    });
    const at = (s: string) =>
      r.problems.filter((p) => p.message.includes(s)).map((p) => `${p.file}:${p.line}`);
    expect(at('ifup refuses the file')).toEqual(['a/etc/network/interfaces:1']);
    expect(at('it takes down eth0')).toEqual(['b.startup:2']);
    expect(r.topology!.links.map((l) => l.a.addresses)).toEqual([[], ['10.0.0.2/24']]);
  });

  it('a line that only stops networking applies nothing', () => {
    const r = fromKathara('a[0]="A"\n', {
      startups: { a: '/etc/init.d/networking stop\n' },
      machineTexts: {
        a: { 'etc/network/interfaces': 'auto eth0\niface eth0 inet static\n address 10.0.0.1/24\n' },
      },
    });
    expect(r.topology!.links[0].a.addresses).toEqual([]);
    expect(r.problems.map((p) => `${p.file}:${p.line} ${p.message.slice(0, 60)}`)).toEqual([
      'a/etc/network/interfaces:1 machine "a": a/etc/network/interfaces is not imported: no st',
    ]);
  });

  it("a MAC set by a line wins over lab.conf's, which is the interface's at creation", () => {
    const r = fromKathara('a[0]="A/02:00:00:00:00:01"\n', {
      startups: { a: 'ip link set dev eth0 address 02:00:00:00:00:02\n' },
    });
    expect(r.topology!.links[0].a.mac).toBe('02:00:00:00:00:02');
  });
});

describe('Kathará startup lines as shell', () => {
  it('reads each command of `a; b` and `a && b`, and the commands of sh -c, at their line', () => {
    const r = fromKathara('a[0]="A"\nb[0]="A"\n', {
      startups: {
        a: "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up; echo ok\nsh -c 'ip route add 10.5.0.0/16 via 10.0.0.2'\n",
      },
    });
    expect(r.topology!.links[0].a.addresses).toEqual(['10.0.0.1/24']);
    expect((r.topology!.nodes.find((n) => n.name === 'a') as NetnsNode).routes).toEqual([
      { to: '10.5.0.0/16', via: '10.0.0.2' },
    ]);
    expect(r.problems.filter((p) => p.code === 'kathara-startup')).toMatchObject([
      {
        file: 'a.startup',
        line: 1,
        message: 'machine "a": "echo ok" is not imported (not a command netplumb can express)',
      },
    ]);
  });
});

describe('Kathará bridges with VLANs', () => {
  it("a VLAN-filtering bridge made by startup lines gets its ports' VLANs", () => {
    const r = importLab('vlan-switch');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const t = r.topology!;
    const vlansOf = (bridge: string) =>
      t.links.filter((l) => l.a.node === bridge).map((l) => [l.a.ifname, l.a.vlans]);
    expect(t.nodes.find((n) => n.id === 'sw-br0')).toMatchObject({ kind: 'bridge', vlanFiltering: true });
    expect(vlansOf('sw-br0')).toEqual([
      ['eth0', { pvid: 10, untagged: [10], tagged: [] }],
      ['eth1', { pvid: 10, untagged: [10], tagged: [] }],
      ['eth2', { pvid: 20, untagged: [20], tagged: [] }],
      ['eth3', { untagged: [], tagged: [10, 20] }],
    ]);
    // bridge-utils lines, and filtering turned on inside sh -c
    expect(t.nodes.find((n) => n.id === 'sw2-br0')).toMatchObject({ kind: 'bridge', vlanFiltering: true });
    expect(vlansOf('sw2-br0')).toEqual([
      ['eth0', { untagged: [], tagged: [10, 20] }],
      ['eth1', { pvid: 20, untagged: [20], tagged: [] }],
    ]);
    expect(r.problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      'sw.startup:17 machine "sw": "bridge vlan add vid 10 dev br0 self" is not imported (the VLANs of the bridge br0 itself (`self`) have no netplumb form; netplumb sets VLANs on bridge ports)',
    ]);
  });

  it("places a problem of a port's VLANs at the first bridge vlan line of that port", () => {
    const sw = [
      'ip link add br0 type bridge vlan_filtering 1',
      'ip link set eth0 master br0',
      'ip link set br0 up',
      'bridge vlan add vid 10 dev eth0 pvid untagged',
    ].join('\n');
    const r = fromKathara('sw[0]="A"\nh[0]="A"\n', { startups: { sw } });
    expect(r.problems.filter((p) => p.code === 'vlan-multiple-untagged')).toMatchObject([
      { severity: 'warning', file: 'sw.startup', line: 4 },
    ]);
  });
});

describe('kathara: machine names that are Object members', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    '%s never makes the import throw',
    (name) => {
      const startups = JSON.parse(`{"${name}": "ip link set eth0 up", "pc": "ifup -a"}`) as Record<
        string,
        string
      >;
      const r = fromKathara(`${name}[0]="A"\npc[0]="A"\n`, {
        startups,
        machineTexts: {
          pc: { 'etc/network/interfaces': 'auto eth0\niface eth0 inet static\n  address 10.0.0.1/24\n' },
        },
        machineFiles: { pc: ['etc/network/interfaces'] },
      });
      expect(r.problems.length + (r.topology?.nodes.length ?? 0)).toBeGreaterThan(0);
      const plain = fromKathara(`${name}[0]="A"\n`);
      expect(plain.problems.length + (plain.topology?.nodes.length ?? 0)).toBeGreaterThan(0);
    },
  );

  it('ifup -a over 8000 auto stanzas finishes quickly (took 29 s)', () => {
    const text = Array.from(
      { length: 8000 },
      (_, i) => `auto e${i}\niface e${i} inet static\n  address 10.${(i >> 8) & 255}.${i & 255}.1/24`,
    ).join('\n');
    const t = performance.now();
    fromKathara('pc[0]="A"\n', {
      startups: { pc: 'ifup -a' },
      machineTexts: { pc: { 'etc/network/interfaces': text } },
      machineFiles: { pc: ['etc/network/interfaces'] },
    });
    expect(performance.now() - t).toBeLessThan(15000);
  });
});

describe('Kathará import of a large lab: bounded time, warnings and notes', () => {
  /** Problems of each code from each file, counted. */
  const perKind = (problems: { code: string; file?: string }[]) => {
    const n = new Map<string, number>();
    for (const p of problems)
      n.set(`${p.code} ${p.file ?? 'lab.conf'}`, (n.get(`${p.code} ${p.file ?? 'lab.conf'}`) ?? 0) + 1);
    return n;
  };

  it('300,000 lines it does not read finish in seconds (took minutes), said in 20 warnings and one that counts the rest', () => {
    const startup = 'echo hi\n'.repeat(300_000);
    const t = performance.now();
    const r = fromKathara('pc1[0]="A"\n', { startups: { pc1: startup } });
    expect(performance.now() - t).toBeLessThan(5000);
    const said = r.problems.filter((p) => p.file === 'pc1.startup');
    expect(said).toHaveLength(WARNINGS_LISTED + 1);
    expect(said.slice(0, WARNINGS_LISTED).map((p) => p.line)).toEqual(
      Array.from({ length: WARNINGS_LISTED }, (_, i) => i + 1),
    );
    expect(said[WARNINGS_LISTED]).toMatchObject({
      code: 'kathara-startup',
      severity: 'warning',
      line: WARNINGS_LISTED + 1,
      column: 1,
      message: 'and 299,980 more lines like it in pc1.startup, not imported',
    });
    const notes = (r.topology!.nodes.find((n) => n.name === 'pc1') as NetnsNode).notes!.split('\n');
    expect(notes).toHaveLength(NOTE_LINES + 1);
    expect(notes[0]).toBe('startup: echo hi');
    expect(notes[NOTE_LINES]).toBe(`… ${(300_000 - NOTE_LINES).toLocaleString('en-US')} more lines`);
  });

  it('a lab whose files hold more than 8 MB in all is one located error, shared.startup counted once per machine', () => {
    const big = fromKathara('pc1[0]="A"\npc2[0]="A"\n', {
      startups: { pc1: 'x\n'.repeat(2_500_000), pc2: 'x\n'.repeat(2_500_000) },
    });
    expect(big.topology).toBeUndefined();
    expect(big.problems).toEqual([
      {
        code: 'kathara-too-large',
        severity: 'error',
        message:
          "the lab's files hold 9.5 MB, more than netplumb imports from one lab (8 MB): pc1.startup 4.8 MB, pc2.startup 4.8 MB; nothing was imported",
        path: [],
        line: 1,
        column: 1,
        file: 'pc1.startup',
      },
    ]);
    // 1 MB of shared.startup: Kathará runs it on each machine, so nine machines make 9 MB and seven 7 MB.
    const shared = 'echo hi\n'.repeat(131_072);
    const conf = (n: number) => Array.from({ length: n }, (_, i) => `pc${i}[0]="A"`).join('\n');
    const nine = fromKathara(conf(9), { startups: { shared } });
    expect(nine.topology).toBeUndefined();
    expect(nine.problems).toHaveLength(1);
    expect(nine.problems[0]).toMatchObject({ code: 'kathara-too-large', file: 'shared.startup' });
    expect(nine.problems[0].message).toMatch(
      /^the lab's files hold 9\.0 MB, .*shared\.startup 1\.0 MB run on 9 machines \(9\.0 MB\)/,
    );
    const seven = fromKathara(conf(7), { startups: { shared } });
    expect(seven.topology).toBeDefined();
    expect(seven.problems.some((p) => p.code === 'kathara-too-large')).toBe(false);
  });

  it('a line longer than 200 characters is quoted cut, in its warning and its note', () => {
    const long = `echo ${'a'.repeat(5000)}`;
    const r = fromKathara('pc1[0]="A"\n', { startups: { pc1: long } });
    const w = r.problems.find((p) => p.file === 'pc1.startup')!;
    expect(w.message).toContain(`"echo ${'a'.repeat(195)}… (5,005 characters)"`);
    const notes = (r.topology!.nodes.find((n) => n.name === 'pc1') as NetnsNode).notes!;
    expect(notes.length).toBeLessThan(300);
  });

  it('any count of lines it does not read: min(count, 20) warnings of a kind per file, plus one past 20; the file stays under 8 MB (property)', () => {
    const unsupported = fc.constantFrom(
      'echo hi',
      'x',
      'sleep 1',
      '/etc/init.d/frr start',
      'tcpdump -i eth0 &',
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(unsupported, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (count, sharedCount, kinds, machines) => {
          const own = Array.from({ length: count }, (_, i) => kinds[i % kinds.length]).join('\n');
          const shared = Array.from({ length: sharedCount }, (_, i) => `echo shared ${i}`).join('\n');
          const conf = Array.from({ length: machines }, (_, i) => `pc${i}[0]="A"`).join('\n');
          const r = fromKathara(conf, {
            startups: { pc0: own, ...(sharedCount ? { shared } : {}) },
          });
          const expected = (n: number) => Math.min(n, WARNINGS_LISTED) + (n > WARNINGS_LISTED ? 1 : 0);
          const n = perKind(r.problems);
          expect(n.get('kathara-startup pc0.startup') ?? 0).toBe(expected(count));
          // A line of shared.startup is said once, however many machines run it.
          expect(n.get('kathara-startup shared.startup') ?? 0).toBe(expected(sharedCount));
          for (const k of n.values()) expect(k).toBeLessThanOrEqual(WARNINGS_LISTED + 1);
          if (count > WARNINGS_LISTED) {
            const more = r.problems.filter((p) => p.file === 'pc0.startup').at(-1)!;
            expect(more.message).toBe(
              `and ${(count - WARNINGS_LISTED).toLocaleString('en-US')} more lines like it in pc0.startup, not imported`,
            );
          }
          const yaml = serializeTopology(r.topology!, { format: 'yaml' });
          expect(yaml.length).toBeLessThan(MAX_LAB_BYTES);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a whole file of 8 MB of lines it does not read imports to a small file', () => {
    const r = fromKathara('pc1[0]="A"\n', { startups: { pc1: 'x\n'.repeat(4_000_000) } });
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(serializeTopology(r.topology!, { format: 'yaml' }).length).toBeLessThan(64 * 1024);
  });

  it("reads a line of plain words as the shell's reading of it does (property)", () => {
    const word = fc.oneof(
      fc.constantFrom(
        'ip',
        'echo',
        'if',
        'then',
        'fi',
        'do',
        'done',
        'while',
        'time',
        '{',
        '}',
        '!',
        'in',
        'case',
      ),
      fc.stringMatching(/^[\w./:=,+@%^~-]{1,6}$/),
      fc.constantFrom(';', '&&', '||', '|', '&', '#', "'a b'", '"x"', '$(y)', '\\', '(', ')', '<', '>'),
    );
    const blank = fc.constantFrom(' ', '\t', '  ', '\r', '');
    fc.assert(
      fc.property(fc.array(fc.tuple(blank, word)), blank, (parts, end) => {
        const line = parts.map(([b, w]) => b + w).join(' ') + end;
        expect(commandsOf(line)).toEqual(splitShellList(line) ?? [line]);
      }),
      { numRuns: 2000 },
    );
  });
});
