import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromMiniEdit } from './miniedit';
import { ipAdd, ipv4Num, netParse, tcTimeMs } from './mininet-rules';

/** A MiniEdit file as MiniEdit 2.x saves it (written for these tests). */
const MN = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '__golden__', 'miniedit', 'office.mn'),
  'utf8',
);

describe('MiniEdit import', () => {
  it('maps hosts, switches, routers and links with Mininet interface names', () => {
    const r = fromMiniEdit(MN, 'my lab.mn');
    const t = r.topology!;
    expect(t.name).toBe('my-lab');
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual([
      'namespace:h1',
      'namespace:h2',
      'namespace:h3',
      'bridge:s1',
      'bridge:s2',
      'router:r1',
    ]);
    expect(t.nodes[0]).toMatchObject({ position: { x: 100, y: 300 }, gateway: { ipv4: '10.0.0.254' } });
    expect(t.links.map((l) => `${l.a.node}:${l.a.ifname}-${l.b.node}:${l.b.ifname}`)).toEqual([
      'h1:h1-eth0-s1:s1-eth1',
      'h2:h2-eth0-s1:s1-eth2',
      's1:s1-eth3-s2:s2-eth1',
      's2:s2-eth2-r1:r1-eth0',
      'r1:r1-eth1-h3:h3-eth0',
    ]);
    expect(t.links[0].a.addresses).toEqual(['10.0.0.1/8']);
    expect(t.links[1].a.addresses).toEqual(['10.0.0.2/24']);
    // h3 has no ip: Mininet numbers it from ipBase by its host number
    expect(t.links[4].b.addresses).toEqual(['10.0.0.3/8']);
    expect(t.links[1].a.netem).toEqual({ delayMs: 5, lossPercent: 1, rateKbit: 10000 });
    expect(t.links[1].b.netem).toEqual(t.links[1].a.netem);
  });

  it('warns about each dropped thing at its place in the file', () => {
    const r = fromMiniEdit(MN, 'lab.mn');
    const msgs = r.problems.map((p) => p.message).join('\n');
    for (const s of ['startCommand="python3 -m http.server"', 'max_queue_size=100'])
      expect(msgs).toContain(s);
    // a learning controller (and the OVS switch it drives) and empty NetFlow/sFlow targets are defaults, not losses
    for (const s of ['controller "c0"', '"s2"', 'NetFlow', 'sFlow']) expect(msgs).not.toContain(s);
    const q = r.problems.find((p) => p.message.includes('max_queue_size'))!;
    // at the link's "opts": { ... } object, the line just above the option
    const optionLine = MN.split('\n').findIndex((l) => l.includes('max_queue_size')) + 1;
    expect(q.line).toBe(optionLine - 1);
  });

  it('rejects non-MiniEdit JSON and broken JSON with a position', () => {
    expect(fromMiniEdit('{"a": 1}').problems[0]).toMatchObject({ severity: 'error', line: 1 });
    expect(fromMiniEdit('{\n  "hosts": [\n}').problems[0]).toMatchObject({ severity: 'error', line: 3 });
  });

  it('never throws; every problem is located', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), fc.nat(), fc.nat(20), (noise, at, del) => {
        const cut = at % (MN.length + 1);
        for (const text of [noise, MN.slice(0, cut) + noise + MN.slice(cut + del)]) {
          const r = fromMiniEdit(text);
          if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
          for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('MiniEdit names netplumb ids cannot hold', () => {
  it('cleans names to the characters netplumb allows, says so, and links by id', () => {
    const mn = JSON.stringify({
      hosts: [{ opts: { hostname: 'web 1', ip: '10.0.0.1' } }],
      switches: [{ opts: { hostname: 's1', switchType: 'legacySwitch' } }],
      links: [{ src: 'web 1', dest: 's1', opts: {} }],
    });
    const t = fromMiniEdit(mn, 'x.mn').topology!;
    expect(t.nodes[0]).toMatchObject({ id: 'web_1', name: 'web_1' });
    expect(t.links[0].a).toMatchObject({ node: 'web_1', ifname: 'web_1-eth0' });
    expect(fromMiniEdit(mn, 'x.mn').problems).toMatchObject([
      { code: 'miniedit-renamed', message: expect.stringContaining('"web 1" is called "web_1"') },
    ]);
  });
});

const FIX = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'miniedit');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

describe('MiniEdit with Mininet semantics', () => {
  it('numbers hosts without an ip from ipBase, so a pingall lab imports addressed and quiet', () => {
    const r = fromMiniEdit(fixture('pingall-switches.mn'), '/labs/mininet/pingall-switches.mn');
    expect(r.problems).toEqual([]);
    const t = r.topology!;
    expect(t.name).toBe('mininet-pingall-switches');
    const addr = Object.fromEntries(
      t.links
        .flatMap((l) => [l.a, l.b])
        .filter((e) => e.addresses.length)
        .map((e) => [e.node, e.addresses]),
    );
    expect(addr).toEqual({ h1: ['10.0.0.1/8'], h2: ['10.0.0.2/8'], h3: ['10.0.0.3/8'], h4: ['10.0.0.44/8'] });
    expect(t.nodes.filter((n) => n.kind === 'bridge').map((n) => n.name)).toEqual(['s1', 's2']);
  });

  it('reads delay as tc does, and drops what Mininet refuses, each with a located warning', () => {
    const text = fixture('link-options.mn');
    const r = fromMiniEdit(text, 'link-options.mn');
    const t = r.topology!;
    const byHost = (h: string) => t.links.find((l) => l.a.node === h)!.a;
    // ipBase /24, but an address without "/" gets Mininet's /8
    expect(byHost('h1').addresses).toEqual(['192.168.50.1/8']);
    // "10" is 10 µs for tc; bw is in Mbit/s
    expect(byHost('h1').netem).toEqual({ delayMs: 0.01, rateKbit: 5000 });
    expect(byHost('h2').netem).toEqual({ delayMs: 2.5, jitterMs: 0.5, lossPercent: 3 });
    // an unreadable delay makes tc refuse the netem command (loss too); bw 5000 is outside Mininet's 0..1000
    expect(byHost('h3').netem).toBeUndefined();
    // loss 250: Mininet reports a bad loss percentage and sets no delay either
    expect(byHost('web_server').netem).toBeUndefined();
    expect(t.nodes.find((n) => n.name === 'r1')).toMatchObject({ kind: 'router' });
    expect(t.links.find((l) => l.b.node === 'r1')!.b.addresses).toEqual([]);
    const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
    const at = (needle: string) => r.problems.filter((p) => p.message.includes(needle)).map((p) => p.line);
    expect(at('"ten ms"')).toEqual([lineOf('"ten ms"')]);
    expect(at('bandwidth 5000')).toEqual([lineOf('"ten ms"')]);
    expect(at('loss 250')).toEqual([lineOf('"loss": 250')]);
    expect(at('max_queue_size=100')).toEqual([lineOf('"loss": 250')]);
    expect(at('NetFlow export to 10.9.9.9:2055')).toHaveLength(1);
    expect(at('controller "c0" (remote at 127.0.0.1:6653)')).toHaveLength(1);
    expect(at('switch "s1" (default) is an OpenFlow switch driven by c0')).toHaveLength(1);
    expect(at('vlanInterfaces=')).toEqual([lineOf('"hostname": "h3"')]);
    expect(at('"web server" is called "web_server"')).toHaveLength(1);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('Mininet rules (properties)', () => {
  it('ipAdd numbers host N inside any ipBase network, as mininet.util.ipAdd does', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.integer({ min: 8, max: 30 }), fc.nat(), (base, prefixLen, n) => {
        const size = 2 ** (32 - prefixLen);
        const i = n % size;
        const ip = ipAdd(i, prefixLen, base)!;
        const num = ipv4Num(ip)!;
        // same network as the base, host part = i
        expect(Math.floor(num / size)).toBe(Math.floor(base / size));
        expect(num % size).toBe(i);
        expect(ipAdd(size, prefixLen, base)).toBeUndefined();
      }),
    );
  });

  it('hosts 1..N without an ip get ipBase + N with prefix 8, for any base, prefix and host count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 223 }),
        fc.nat(255),
        fc.integer({ min: 8, max: 24 }),
        fc.integer({ min: 1, max: 12 }),
        (a, b, prefixLen, count) => {
          const ipBase = `${a}.${b}.0.0/${prefixLen}`;
          const hosts = Array.from({ length: count }, (_, i) => ({
            number: String(i + 1),
            opts: { hostname: `h${i + 1}`, nodeNum: i + 1 },
          }));
          const mn = JSON.stringify({
            application: { ipBase },
            hosts,
            switches: [{ number: '1', opts: { hostname: 's1', switchType: 'legacySwitch' } }],
            links: hosts.map((h) => ({ src: h.opts.hostname, dest: 's1', opts: {} })),
          });
          const t = fromMiniEdit(mn, 'p.mn').topology!;
          const base = netParse(ipBase)!;
          t.links.forEach((l, i) =>
            expect(l.a.addresses).toEqual([`${ipAdd(i + 1, prefixLen, base.base)}/8`]),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('any unitless, us, ms or s delay becomes the milliseconds tc would use', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.constantFrom(
          ['', 0.001],
          ['us', 0.001],
          ['usec', 0.001],
          ['ms', 1],
          ['msec', 1],
          ['s', 1000],
          ['sec', 1000],
          ['MS', 1],
        ),
        (n, [unit, factor]) => {
          expect(tcTimeMs(`${n}${unit}`)).toBeCloseTo(n * (factor as number), 9);
        },
      ),
    );
    for (const bad of ['10 ms', 'ten', '10min', '', '-5ms']) expect(tcTimeMs(bad)).toBeUndefined();
  });
});

describe('MiniEdit link port1/port2, named as Mininet names the interfaces', () => {
  it('gives the explicit ports their names, numbers the other ends after the highest port, and drops only cost/useNodeGeo', () => {
    const text = fixture('explicit-ports.mn');
    const r = fromMiniEdit(text, 'explicit-ports.mn');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const t = r.topology!;
    expect(t.links.map((l) => `${l.a.ifname}–${l.b.ifname}`)).toEqual([
      's4-eth3–s3-eth4',
      's3-eth1–h3-eth0',
      // s3 has ports 4 and 1: Node.newPort() is max + 1, never a reuse of an explicit port
      'h1-eth0–s3-eth5',
      's4-eth4–h2-eth2',
      'h2-eth3–s3-eth6',
    ]);
    // a host's address is on its default interface, the lowest port (h2-eth2 here, there is no h2-eth0)
    const addressed = t.links.flatMap((l) => [l.a, l.b]).filter((e) => e.addresses.length);
    expect(addressed.map((e) => `${e.ifname} ${e.addresses.join(',')}`)).toEqual([
      'h3-eth0 10.0.0.3/8',
      'h1-eth0 10.0.0.1/8',
      'h2-eth2 10.0.0.2/8',
    ]);
    const dropped = r.problems.filter((p) => p.message.includes('no netplumb equivalent'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0].message).toContain('cost=10, useNodeGeo="1"');
    expect(dropped[0].message).not.toContain('port');
  });

  it('refuses a port that is already an interface of the node, as Mininet fails on it, at its place', () => {
    const mn = (links: unknown[]) =>
      JSON.stringify({
        hosts: [{ number: '1', opts: { hostname: 'h1' } }],
        switches: [{ number: '1', opts: { hostname: 's1', switchType: 'legacySwitch' } }],
        links,
      });
    const r = fromMiniEdit(
      mn([
        { src: 'h1', dest: 's1', opts: {} },
        { src: 's1', dest: 'h1', opts: { port1: 1 } },
      ]),
      'x.mn',
    );
    expect(r.problems.filter((p) => p.severity === 'error')).toMatchObject([
      {
        message: expect.stringContaining('s1-eth1 (port 1) is already an interface of "s1"'),
        line: expect.any(Number),
      },
    ]);
    const odd = fromMiniEdit(mn([{ src: 'h1', dest: 's1', opts: { port1: 'x' } }]), 'x.mn');
    expect(odd.topology!.links[0].a.ifname).toBe('h1-eth0');
    expect(odd.problems).toMatchObject([
      { code: 'miniedit-invalid', message: expect.stringContaining('port1 "x"') },
    ]);
  });

  /**
   * Mininet's own rule, written from mininet/link.py Link.__init__ and node.py
   * newPort: each end takes its explicit port or newPort() (max + 1, else
   * portBase: 0 for hosts, 1 for switches), both chosen before either is
   * added; the name is `<node>-eth<port>`; a name a node already has fails.
   */
  function mininetNames(links: { src: string; dest: string; p1?: number; p2?: number }[]) {
    const ports = new Map<string, number[]>();
    const base = (n: string) => (n.startsWith('s') ? 1 : 0);
    const next = (n: string) => {
      const u = ports.get(n) ?? [];
      return u.length ? Math.max(...u) + 1 : base(n);
    };
    const out: string[] = [];
    for (const l of links) {
      const a = l.p1 ?? next(l.src);
      const b = l.p2 ?? next(l.dest);
      if (
        (ports.get(l.src) ?? []).includes(a) ||
        (ports.get(l.dest) ?? []).includes(b) ||
        (l.src === l.dest && a === b)
      )
        return 'fails';
      ports.set(l.src, [...(ports.get(l.src) ?? []), a]);
      ports.set(l.dest, [...(ports.get(l.dest) ?? []), b]);
      out.push(`${l.src}-eth${a}–${l.dest}-eth${b}`);
    }
    return out;
  }

  it('names every end as Mininet does, for any mix of explicit and automatic ports', () => {
    const node = fc.constantFrom('h1', 'h2', 's1', 's2');
    const port = fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined });
    const link = fc.record({ src: node, dest: node, p1: port, p2: port });
    fc.assert(
      fc.property(fc.array(link, { maxLength: 8 }), (links) => {
        const r = fromMiniEdit(
          JSON.stringify({
            hosts: [1, 2].map((n) => ({ number: String(n), opts: { hostname: `h${n}` } })),
            switches: [1, 2].map((n) => ({
              number: String(n),
              opts: { hostname: `s${n}`, switchType: 'legacySwitch' },
            })),
            links: links.map((l) => ({
              src: l.src,
              dest: l.dest,
              opts: {
                ...(l.p1 === undefined ? {} : { port1: l.p1 }),
                ...(l.p2 === undefined ? {} : { port2: l.p2 }),
              },
            })),
          }),
          'p.mn',
        );
        const expected = mininetNames(links);
        const errors = r.problems.filter(
          (p) => p.severity === 'error' && /already an interface/.test(p.message),
        );
        if (expected === 'fails') expect(errors.length).toBeGreaterThan(0);
        else {
          expect(errors).toEqual([]);
          expect(r.topology!.links.map((l) => `${l.a.ifname}–${l.b.ifname}`)).toEqual(expected);
        }
      }),
    );
  });
});
