/**
 * nsread on the real kernel (issue 13): the native reader's fingerprint
 * changes with every kind of drift, so a cached read is never served for a
 * changed namespace; a read through nsread (cached or not) equals the
 * fan-out's read of the same kernel; and when nsread is missing, broken or
 * its cache corrupt, reads still come out right (the fan-out, or a full read).
 *
 * nsread is compiled here from native/ into a temporary directory (skipped,
 * with the reason, when there is no C compiler).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab } from './engine';
import { ALWAYS_READ_KEYS, SYSCTL_READ_KEYS } from '../../shared/model/common';
import { parseSysctlOutput } from './live-parse';
import { SYSCTL_SCRIPT, readLive } from './live-read';
import { readLinkTables } from './link-tables';
import { lastReaderStats, useNsread } from './live-reader';
import { cacheDir } from './read-cache';
import { execaRunner } from './runner';
import { cleanupPrefix, tempRunDir, uniquePrefix } from './test-support/lab-fixture';
import { buildTestNsread } from './test-support/nsread-bin';
import { must, withScratchLab } from './test-support/scratch-netns';

const { bin, skip, remove } = buildTestNsread();
const out = path.dirname(bin);
afterAll(remove);

/** h1, h2 on a root bridge (h2 with a route); h1—h3 a namespace-to-namespace link. */
function lab(p: string) {
  return {
    version: 1,
    name: `${p}-nsr`,
    nodes: [
      { id: 'h1', name: `${p}h1`, kind: 'namespace' },
      { id: 'h2', name: `${p}h2`, kind: 'namespace', routes: [{ to: '10.9.0.0/24', via: '10.0.0.1' }] },
      { id: 'h3', name: `${p}h3`, kind: 'namespace' },
      { id: 'br', name: `${p}br`, kind: 'bridge' },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'h1', ifname: 'eth0', addresses: ['10.0.0.1/24'] },
        b: { node: 'br', ifname: `${p}p1` },
      },
      {
        id: 'l2',
        a: { node: 'h2', ifname: 'eth0', addresses: ['10.0.0.2/24'] },
        b: { node: 'br', ifname: `${p}p2` },
      },
      {
        id: 'l3',
        a: { node: 'h1', ifname: 'eth1', addresses: ['10.1.0.1/24'] },
        b: { node: 'h3', ifname: 'eth0', addresses: ['10.1.0.2/24'] },
      },
    ],
  };
}

/** Hand-made changes inside the lab's namespaces: each must change its namespace's fingerprint. */
const DRIFTS: { name: string; ns?: string; run: (p: string) => string[][] }[] = [
  {
    name: 'address removed',
    ns: 'h2',
    run: (p) => [['ip', '-n', `${p}h2`, 'address', 'delete', '10.0.0.2/24', 'dev', 'eth0']],
  },
  {
    name: 'address added',
    ns: 'h1',
    run: (p) => [['ip', '-n', `${p}h1`, 'address', 'add', '10.0.0.99/24', 'dev', 'eth0']],
  },
  { name: 'route removed', ns: 'h2', run: (p) => [['ip', '-n', `${p}h2`, 'route', 'delete', '10.9.0.0/24']] },
  {
    name: 'route changed',
    ns: 'h2',
    run: (p) => [['ip', '-n', `${p}h2`, 'route', 'replace', '10.9.0.0/24', 'via', '10.0.0.3']],
  },
  {
    name: 'route in another table',
    ns: 'h3',
    run: (p) => [['ip', '-n', `${p}h3`, 'route', 'add', '10.7.0.0/24', 'dev', 'eth0', 'table', '7']],
  },
  { name: 'link removed', ns: 'h1', run: (p) => [['ip', 'link', 'delete', 'dev', `${p}p1`]] },
  {
    name: 'namespace link removed',
    ns: 'h3',
    run: (p) => [['ip', '-n', `${p}h1`, 'link', 'delete', 'dev', 'eth1']],
  },
  {
    name: 'interface set down',
    ns: 'h1',
    run: (p) => [['ip', '-n', `${p}h1`, 'link', 'set', 'dev', 'eth0', 'down']],
  },
  {
    name: 'policy rule added',
    ns: 'h2',
    run: (p) => [['ip', '-n', `${p}h2`, 'rule', 'add', 'to', '10.0.0.1', 'prohibit']],
  },
  {
    name: 'route added to table local',
    ns: 'h1',
    run: (p) => [['ip', '-n', `${p}h1`, 'route', 'add', 'local', '10.0.0.2', 'dev', 'lo', 'table', 'local']],
  },
  {
    name: "the kernel's local route of an address deleted",
    ns: 'h2',
    run: (p) => [
      ['ip', '-n', `${p}h2`, 'route', 'delete', 'local', '10.0.0.2', 'dev', 'eth0', 'table', 'local'],
    ],
  },
  {
    name: 'noarp neighbour entry added',
    ns: 'h1',
    run: (p) => [
      [
        'ip',
        '-n',
        `${p}h1`,
        'neigh',
        'replace',
        '10.0.0.2',
        'lladdr',
        '02:de:ad:00:00:03',
        'dev',
        'eth0',
        'nud',
        'noarp',
      ],
    ],
  },
  {
    name: 'permanent neighbour entry added',
    ns: 'h2',
    run: (p) => [
      [
        'ip',
        '-n',
        `${p}h2`,
        'neigh',
        'replace',
        '10.0.0.1',
        'lladdr',
        '02:de:ad:00:00:01',
        'dev',
        'eth0',
        'nud',
        'permanent',
      ],
    ],
  },
  {
    name: 'ARP turned off',
    ns: 'h1',
    run: (p) => [['ip', '-n', `${p}h1`, 'link', 'set', 'dev', 'eth0', 'arp', 'off']],
  },
  {
    name: 'MTU changed',
    ns: 'h1',
    run: (p) => [['ip', '-n', `${p}h1`, 'link', 'set', 'dev', 'eth0', 'mtu', '1300']],
  },
  {
    name: 'MAC changed',
    ns: 'h1',
    run: (p) => [['ip', '-n', `${p}h1`, 'link', 'set', 'dev', 'eth0', 'address', '02:00:00:00:00:99']],
  },
  {
    name: 'ownership mark changed',
    ns: 'h3',
    run: (p) => [['ip', '-n', `${p}h3`, 'link', 'set', 'dev', 'lo', 'alias', 'netplumb:someone-else']],
  },
  {
    name: 'interface added',
    ns: 'h3',
    run: (p) => [['ip', '-n', `${p}h3`, 'link', 'add', 'name', 'x0', 'type', 'veth', 'peer', 'name', 'x1']],
  },
  {
    name: 'interface renamed',
    ns: 'h3',
    run: (p) => [
      ['ip', '-n', `${p}h3`, 'link', 'set', 'dev', 'lo', 'down'],
      ['ip', '-n', `${p}h3`, 'link', 'set', 'dev', 'eth0', 'down'],
      ['ip', '-n', `${p}h3`, 'link', 'set', 'dev', 'eth0', 'name', 'eth9'],
    ],
  },
  {
    name: 'qdisc added',
    ns: 'h2',
    run: (p) => [
      [
        'ip',
        'netns',
        'exec',
        `${p}h2`,
        'tc',
        'qdisc',
        'add',
        'dev',
        'eth0',
        'root',
        'tbf',
        'rate',
        '1mbit',
        'burst',
        '32kbit',
        'latency',
        '400ms',
      ],
    ],
  },
  { name: 'namespace deleted', ns: 'h2', run: (p) => [['ip', 'netns', 'delete', `${p}h2`]] },
];

/** Runs a drift's commands; false when one failed (an earlier drift took its object: nothing changed). */
const sh = async (argvs: string[][]) => {
  for (const argv of argvs) if ((await execaRunner(argv)).exitCode !== 0) return false;
  return true;
};
const names = (p: string) => ['h1', 'h2', 'h3'].map((h) => `${p}${h}`);
const read = (p: string) => readLive(execaRunner, { namespaces: names(p), includeRoot: true, sysctls: true });

const labOf = (p: string, k: Awaited<ReturnType<typeof read>>) => names(p).map((n) => k.namespaces[n]);

/** A read through nsread and one through the fan-out; they must agree. */
async function bothWays(p: string) {
  useNsread(bin);
  const fast = await read(p);
  const stats = lastReaderStats();
  useNsread(false);
  const slow = await read(p);
  useNsread(bin);
  expect(stats.used, stats.fallback).toBe(true);
  // Only the lab's namespaces: the root's interfaces change with other tests running at the same time.
  expect(labOf(p, fast)).toEqual(labOf(p, slow));
  return stats;
}

/** True while an address of the lab is still in IPv6 duplicate address detection (its flags will change). */
async function tentative(p: string) {
  for (const ns of names(p)) {
    const r = await execaRunner(['ip', '-n', ns, '-j', 'address', 'show']);
    if (r.exitCode === 0 && /"tentative"/.test(r.stdout)) return true;
  }
  return false;
}

/**
 * Waits for the lab to settle (no address in duplicate address detection,
 * which changes address flags about a second after a link comes up), then
 * reads both ways until nsread serves all `n` namespaces from its cache
 * (at most ~15 s); the last stats.
 */
async function settled(p: string, n: number) {
  for (let k = 0; k < 60 && (await tentative(p)); k++) await new Promise((r) => setTimeout(r, 250));
  await read(p);
  let st = await bothWays(p);
  for (let k = 0; k < 60 && st.hits < n; k++) {
    await new Promise((r) => setTimeout(r, 250));
    st = await bothWays(p);
  }
  return st;
}

/** Applies the lab, warms the cache, runs `drifts`, checks that each drifted namespace was read again. */
async function round(drifts: number[], signal: AbortSignal) {
  const p = uniquePrefix();
  const run = tempRunDir();
  try {
    expect((await applyDocument(lab(p), { runDir: run.dir })).result?.ok).toBe(true);
    expect(await settled(p, 3), 'an unchanged lab is all hits').toMatchObject({ hits: 3, reads: 0 });
    // A round whose test timed out stops here: the reader's stats are the
    // process's, and a round left running would mix its reads into the next test's.
    signal.throwIfAborted();
    const done: number[] = [];
    for (const i of drifts) if (await sh(DRIFTS[i].run(p))) done.push(i);
    expect(done.length, 'the first drift always applies').toBeGreaterThan(0);
    const after = await bothWays(p);
    signal.throwIfAborted();
    const alive = new Set(
      done.some((i) => DRIFTS[i].name === 'namespace deleted') ? ['h1', 'h3'] : ['h1', 'h2', 'h3'],
    );
    const drifted = done.map((i) => DRIFTS[i].ns).filter((h) => h !== undefined && alive.has(h));
    // Each drifted namespace is read in full (more may be: a veth's two ends move together).
    for (const h of drifted)
      expect(after.readNs, `drift ${drifts.map((i) => DRIFTS[i].name).join(', ')}`).toContain(`${p}${h}`);
    expect(after.hits + after.reads).toBe(alive.size);
    // Once the kernel has settled again (a removed address takes routes with it), all hits.
    expect(await settled(p, alive.size), 'read again: hits').toMatchObject({ hits: alive.size, reads: 0 });
  } finally {
    await destroyLab(lab(p).name, { runDir: run.dir }).catch(() => undefined);
    await cleanupPrefix(p);
    run.remove();
  }
}

describe.skipIf(!!skip)(`nsread, the native reader${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(() => useNsread(bin));
  afterEach(() => useNsread(bin));
  afterAll(() => useNsread(undefined));

  it('prints its version and hashes SHA-256 test vectors', () => {
    expect(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout).toBe('nsread 1\n');
    expect(spawnSync(bin, ['--self-test'], { encoding: 'utf8' }).stdout.trim()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('--always=N reads the first N sysctl keys in every named namespace (S 0 too), all of them where S is 1, none in the root without S', async () => {
    await withScratchLab(async (scratch) => {
      const [a, b] = await scratch.netns(2);
      await must(['ip', 'netns', 'exec', a, 'sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=1']);
      const keys = ['net.ipv4.icmp_echo_ignore_all', 'net.ipv4.ip_default_ttl', 'net.ipv4.ip_forward'];
      const r = spawnSync(
        bin,
        ['read', '2', 'address show\n', '--root=address show\n', '--always=2', ...keys],
        {
          input: `${a}\t-\t0\n${b}\t-\t1\n\t-\t0\n`,
          encoding: 'utf8',
        },
      );
      expect(r.status, r.stderr).toBe(0);
      const f = r.stdout.split('\0');
      const sysctls = new Map<string, string>();
      for (let i = 0; i + 8 <= f.length; i += 8) sysctls.set(f[i], f[i + 5]);
      expect(sysctls.get(a)).toBe('net.ipv4.icmp_echo_ignore_all = 1\nnet.ipv4.ip_default_ttl = 64\n');
      expect(sysctls.get(b)).toBe(
        'net.ipv4.icmp_echo_ignore_all = 0\nnet.ipv4.ip_default_ttl = 64\nnet.ipv4.ip_forward = 0\n',
      );
      expect(sysctls.get('')).toBe('');
    });
  });

  it('ip is started before the fingerprint: an ip that cannot run, or fails, still gives its own exit status and words', async () => {
    await withScratchLab(async (scratch) => {
      const [a] = await scratch.netns(1);
      const failing = path.join(out, 'ip-failing');
      const none = path.join(out, 'ip-none');
      mkdirSync(failing, { recursive: true });
      mkdirSync(none, { recursive: true });
      // An ip that reads its batch, says why it fails, and exits 3; and a PATH with no ip at all.
      writeFileSync(
        path.join(failing, 'ip'),
        '#!/bin/sh\ncat >/dev/null\necho "ip: broken here" >&2\nexit 3\n',
        {
          mode: 0o755,
        },
      );
      const read = (dirs: string, input: string) => {
        const r = spawnSync(bin, ['read', '1', 'address show\n', '--root=address show\n'], {
          input,
          encoding: 'utf8',
          env: { ...process.env, PATH: dirs },
        });
        expect(r.status, r.stderr).toBe(0);
        const f = r.stdout.split('\0');
        const recs = new Map<string, { status: string; exit: string; stderr: string }>();
        for (let i = 0; i + 8 <= f.length; i += 8)
          recs.set(f[i], { status: f[i + 1], exit: f[i + 4], stderr: f[i + 7] });
        return recs;
      };
      const failed = read(`${failing}:/usr/bin:/bin`, `${a}\t-\t0\n\t-\t0\n`);
      for (const ns of [a, '']) {
        expect(failed.get(ns)?.status, ns).toBe('read');
        expect(failed.get(ns)?.exit, ns).toBe('3');
        expect(failed.get(ns)?.stderr, ns).toContain('ip: broken here');
      }
      const missing = read(none, `${a}\t-\t0\n`).get(a);
      expect(missing?.exit).toBe('127');
      expect(missing?.stderr).toContain('nsread: cannot run ip');
    });
  });

  it('every key the reader asks for reads as sysctl(8) reads it: any values, interfaces whose names have dots, directories opened once (property)', async () => {
    await withScratchLab(async (scratch) => {
      const [ns] = await scratch.netns(1);
      // Interfaces named with dots: sysctl(8) writes their keys with "/".
      for (const [a, b] of [
        ['v.1', 'w.1'],
        ['eth0', 'x0'],
      ])
        await must(['ip', '-n', ns, 'link', 'add', 'name', a, 'type', 'veth', 'peer', 'name', b]);
      // Below 1280 bytes an interface has no IPv6 (no net/ipv6/conf entry), though its link is listed:
      // nsread takes the "*" keys' interfaces from the fingerprint's link dump, the fan-out from the directory.
      await must([
        'ip',
        '-n',
        ns,
        'link',
        'add',
        'name',
        'm0',
        'mtu',
        '1000',
        'type',
        'veth',
        'peer',
        'name',
        'm1',
        'mtu',
        '1000',
      ]);
      const writable = SYSCTL_READ_KEYS.filter((k) => !k.includes('*') && !k.startsWith('net.bridge.'));
      const ifaceKeys = ['v.1', 'w.1', 'eth0', 'x0', 'all', 'default'].flatMap((i) => [
        `net.ipv4.conf.${i.replaceAll('.', '/')}.arp_ignore`,
        `net.ipv4.conf.${i.replaceAll('.', '/')}.forwarding`,
        `net.ipv6.conf.${i.replaceAll('.', '/')}.disable_ipv6`,
      ]);
      const fanOut = async () => {
        const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-c', SYSCTL_SCRIPT], { encoding: 'utf8' });
        const all = parseSysctlOutput(r.stdout);
        // The glob of the fan-out also names lo and default; nsread's leaves them out (judged by
        // all), reading of them only the keys asked for by name (lo's disable_ipv6).
        return Object.fromEntries(
          Object.entries(all).filter(
            ([k]) => !(/\.conf\.(lo|default)\./.test(k) && !SYSCTL_READ_KEYS.includes(k)),
          ),
        );
      };
      const native = (always: number, s: 0 | 1) => {
        const r = spawnSync(bin, ['read', '1', 'address show\n', `--always=${always}`, ...SYSCTL_READ_KEYS], {
          input: `${ns}\t-\t${s}\n`,
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
        return parseSysctlOutput(r.stdout.split('\0')[5]);
      };
      await fc.assert(
        fc.asyncProperty(
          fc.subarray([...writable, ...ifaceKeys], { maxLength: 6 }),
          fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }),
          async (set, values) => {
            for (const [i, k] of set.entries())
              spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${k}=${values[i]}`]);
            const want = await fanOut();
            expect(native(ALWAYS_READ_KEYS.length, 1)).toEqual(want);
            // S 0: exactly the always-read keys, read alike.
            const always = native(ALWAYS_READ_KEYS.length, 0);
            const isAlways = (k: string) =>
              ALWAYS_READ_KEYS.some((a) =>
                a.includes('*')
                  ? new RegExp(`^${a.replaceAll('.', '\\.').replace('*', '[^.]+')}$`).test(k)
                  : a === k,
              );
            expect(always).toEqual(Object.fromEntries(Object.entries(want).filter(([k]) => isAlways(k))));
          },
        ),
        { numRuns: 15 },
      );
    });
  });

  // One test per drift: under load a round takes tens of seconds (applies, settling).
  it.for(DRIFTS.map((d, i) => [d.name, i] as const))(
    'drift "%s" changes the fingerprint of its namespace, and the read equals the fan-out',
    { timeout: 120_000 },
    async ([, i], { signal }) => round([i], signal),
  );

  it('random combinations of drift: never a cached read of a changed namespace (property, real kernel)', async ({
    signal,
  }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: DRIFTS.length - 1 }), { minLength: 1, maxLength: 3 }),
        (d) => round(d, signal),
      ),
      { numRuns: 8 },
    );
  }, 600_000);

  it('a read stays stable through notifications its fingerprint is blind to, never through a change that came and went (writes in the read itself)', async () => {
    await withScratchLab(async (scratch) => {
      const [a, b] = await scratch.netns(2);
      const ip = (line: string) => must(['ip', '-n', a, ...line.split(' ')]);
      for (const line of [
        'link add name x type veth peer name y netns ' + b,
        'link set dev x up',
        'address add 10.7.0.1/24 dev x',
        'address add fd07::1/64 dev x nodad',
      ])
        await ip(line);
      await must(['ip', '-n', b, 'link', 'set', 'dev', 'y', 'up']);
      /**
       * nsread's read of `a` whose batch first runs `writes`: they happen after the
       * first fingerprint and before the second, with their notifications in between.
       */
      const readWith = (writes: string[]) => {
        const r = spawnSync(bin, ['read', '1', [...writes, 'address show', ''].join('\n')], {
          input: `${a}\t-\t0\n`,
          encoding: 'utf8',
        });
        const f = r.stdout.split('\0');
        expect(f[1], r.stderr).toBe('read');
        expect(f[4], f[7]).toBe('0');
        return { fp: f[2], stable: f[3] === '1' };
      };
      const fp0 = readWith([]).fp;
      // Blind: an IPv6 link-local address and a kernel route to a link-local destination, both
      // come and gone; the end of DAD of an address (tentative, then not: the same address).
      const blind: [string, string[]][] = [
        [
          'a link-local address added and deleted',
          ['address add fe80::77/64 dev x', 'address del fe80::77/64 dev x'],
        ],
        [
          'a kernel route to fe80:0:0:7::/64 added and deleted',
          ['route add fe80:0:0:7::/64 dev x proto kernel', 'route del fe80:0:0:7::/64 dev x proto kernel'],
        ],
      ];
      for (const [what, writes] of blind) {
        // Each write is taken back in the same batch: the state after is the one before.
        let stable = false;
        for (let k = 0; k < 5 && !stable; k++) stable = readWith(writes).stable;
        expect(stable, what).toBe(true);
      }
      // Not blind: the same state before and after, but another one in between.
      const aba: [string, string[]][] = [
        [
          'an address added and deleted',
          ['address add fd07::99/64 dev x nodad', 'address del fd07::99/64 dev x'],
        ],
        [
          'an IPv4 address deleted and added back',
          ['address del 10.7.0.1/24 dev x', 'address add 10.7.0.1/24 dev x'],
        ],
        ['the MTU changed and changed back', ['link set dev x mtu 1400', 'link set dev x mtu 1500']],
        [
          'the queue length changed and changed back',
          ['link set dev x txqueuelen 500', 'link set dev x txqueuelen 1000'],
        ],
        ['a route added and deleted', ['route add 10.6.0.0/16 dev x', 'route del 10.6.0.0/16 dev x']],
        // Rules and pinned neighbour entries are hashed too: their notifications are watched as well
        // (no second fingerprint after ip; nsread.c finish).
        ['a rule added and deleted', ['rule add from 10.9.9.9 lookup 9', 'rule del from 10.9.9.9 lookup 9']],
        [
          'a permanent neighbour entry added and deleted',
          ['neigh add 10.7.0.9 lladdr 02:00:00:00:07:09 dev x nud permanent', 'neigh del 10.7.0.9 dev x'],
        ],
      ];
      for (const [what, writes] of aba) {
        expect(readWith(writes).stable, what).toBe(false);
        // The state is back (the next read starts from the same fingerprint): only the notifications could tell.
        expect(readWith([]).fp, what).toBe(fp0);
      }
      // A pinned (permanent) entry hashed: an entry that is not pinned, of another address, comes and goes
      // with traffic and is no change; one that takes the pinned entry's place, even for a moment, is.
      await ip('neigh add 10.7.0.8 lladdr 02:00:00:00:07:08 dev x nud permanent');
      const fp1 = readWith([]).fp;
      let stable = false;
      for (let k = 0; k < 5 && !stable; k++)
        stable = readWith([
          'neigh add 10.7.0.50 lladdr 02:00:00:00:07:50 dev x nud reachable',
          'neigh del 10.7.0.50 dev x',
        ]).stable;
      expect(stable, 'another entry, not pinned, came and went').toBe(true);
      // Its only notification shows an entry that is not pinned: its key is what tells.
      expect(
        readWith(['neigh replace 10.7.0.8 lladdr 02:00:00:00:07:08 dev x nud reachable']).stable,
        'the pinned entry replaced by one that is not',
      ).toBe(false);
      await ip('neigh replace 10.7.0.8 lladdr 02:00:00:00:07:08 dev x nud permanent');
      expect(readWith([]).fp).toBe(fp1);
    });
  });

  it('carrier coming and going (and the link-local addresses, routes and port state it brings) leaves a cached read served; drift by hand is still read', async () => {
    await withScratchLab(async (scratch) => {
      const [a, b] = await scratch.netns(2);
      const ip = (ns: string, line: string) => must(['ip', '-n', ns, ...line.split(' ')]);
      for (const line of [
        'link add name b0 type bridge',
        'link set dev b0 up',
        'link add name x type veth peer name y netns ' + b,
        'link set dev x master b0',
        'link set dev x up',
        'address add 10.9.0.1/24 dev b0',
        'address add fd09::1/64 dev b0',
        'route add 10.8.0.0/16 via 10.9.0.2 dev b0 onlink',
      ])
        await ip(a, line);
      await ip(b, 'address add 10.9.0.2/24 dev y');
      const readA = () => readLive(execaRunner, { namespaces: [a], includeRoot: false, peerNames: false });
      /** Reads until the read is served from the cache (a read is cached once it was stable). */
      const cachedNow = async () => {
        for (let k = 0; k < 40; k++) {
          await readA();
          if (lastReaderStats().hits === 1) return true;
          await new Promise((r) => setTimeout(r, 100));
        }
        return false;
      };
      /** Waits until what carrier brings has come: b0 and x up with link-local addresses past DAD. */
      const settledUp = async () => {
        for (let k = 0; k < 80; k++) {
          const links = JSON.parse((await must(['ip', '-n', a, '-j', 'address', 'show'])).stdout) as {
            ifname: string;
            operstate: string;
            addr_info: { local: string; tentative?: boolean }[];
          }[];
          const ready = ['b0', 'x'].every((n) => {
            const l = links.find((x) => x.ifname === n);
            return (
              l?.operstate === 'UP' && l.addr_info.some((x) => x.local.startsWith('fe80:') && !x.tentative)
            );
          });
          if (ready) return true;
          await new Promise((r) => setTimeout(r, 100));
        }
        return false;
      };
      /** The namespace's state via the fan-out (no cache). */
      const fresh = async () => {
        useNsread(false);
        try {
          return (await readA()).namespaces[a];
        } finally {
          useNsread(bin);
        }
      };
      // Without carrier (y is down): b0 and x have no link-local address, x's port is disabled.
      expect(await cachedNow(), 'a quiet namespace is cached').toBe(true);
      await ip(b, 'link set dev y up');
      expect(await settledUp(), 'carrier came, with link-local addresses').toBe(true);
      const served = (await readA()).namespaces[a];
      expect(lastReaderStats(), 'served from the read made without carrier').toMatchObject({
        hits: 1,
        reads: 0,
      });
      expect(served).toEqual(await fresh());
      // A port held out of forwarding by hand, or isolated, is read again.
      await must(['bridge', '-n', a, 'link', 'set', 'dev', 'x', 'state', '0']);
      const held = (await readA()).namespaces[a];
      expect(lastReaderStats().readNs).toEqual([a]);
      expect(held.ifaces.x.portState).toBe('disabled');
      expect(held).toEqual(await fresh());
      await ip(a, 'link set dev x type bridge_slave state 3 isolated on');
      const isolated = (await readA()).namespaces[a];
      expect(lastReaderStats().readNs).toEqual([a]);
      expect(isolated.ifaces.x.portFlags).toEqual({ isolated: true });
      expect(isolated.ifaces.x.portState).toBeUndefined();
      expect(isolated).toEqual(await fresh());
      await ip(a, 'link set dev x type bridge_slave isolated off');
      // Drift by hand is still read: the port taken off its bridge.
      await ip(a, 'link set dev x nomaster');
      const drifted = (await readA()).namespaces[a];
      expect(lastReaderStats().readNs).toEqual([a]);
      expect(drifted.ifaces.x, 'x read again').toBeDefined();
      expect(drifted.ifaces.x.master).toBeUndefined();
      expect(drifted).toEqual(await fresh());
      // Carrier going is not a change either.
      await ip(a, 'link set dev x master b0');
      expect(await cachedNow()).toBe(true);
      await ip(b, 'link set dev y down');
      await new Promise((r) => setTimeout(r, 1500));
      expect((await readA()).namespaces[a]).toEqual(await fresh());
      await readA();
      expect(lastReaderStats()).toMatchObject({ hits: 1, reads: 0 });
    });
  }, 60_000);

  it('without nsread, with a broken one, or with a corrupt cache, reads come out the same', async () => {
    const p = uniquePrefix();
    const run = tempRunDir();
    const junk = path.join(out, 'junk');
    writeFileSync(junk, '#!/bin/sh\necho garbage\n', { mode: 0o755 });
    try {
      expect((await applyDocument(lab(p), { runDir: run.dir })).result?.ok).toBe(true);
      useNsread(false);
      const truth = await read(p);
      expect(lastReaderStats()).toMatchObject({ used: false, fallback: 'nsread not available' });
      for (const broken of [path.join(out, 'missing'), junk]) {
        useNsread(broken);
        expect(labOf(p, await read(p))).toEqual(labOf(p, truth));
        expect(lastReaderStats().used).toBe(false);
        expect(lastReaderStats().fallback).toMatch(/^nsread failed/);
      }
      useNsread(bin);
      await read(p);
      const dir = cacheDir()!;
      // Only this lab's entries: the cache is the machine's, other labs' reads stay whole.
      for (const f of readdirSync(dir))
        if (readFileSync(path.join(dir, f), 'utf8').includes(`"ns":"${p}`))
          writeFileSync(path.join(dir, f), '{"ns": broken');
      expect(labOf(p, await read(p))).toEqual(labOf(p, truth));
      expect(lastReaderStats()).toMatchObject({ used: true, hits: 0 });
    } finally {
      await destroyLab(lab(p).name, { runDir: run.dir }).catch(() => undefined);
      await cleanupPrefix(p);
      run.remove();
    }
  }, 120_000);

  it('destroy forgets the cached reads of the namespaces it deleted', async () => {
    const p = uniquePrefix();
    const run = tempRunDir();
    const dir = cacheDir()!;
    const entriesOf = () =>
      readdirSync(dir).filter((f) => readFileSync(path.join(dir, f), 'utf8').includes(`"ns":"${p}`));
    try {
      useNsread(bin);
      expect((await applyDocument(lab(p), { runDir: run.dir })).result?.ok).toBe(true);
      await read(p);
      await read(p);
      expect(lastReaderStats().used).toBe(true);
      expect(entriesOf().length).toBeGreaterThan(0);
      await destroyLab(lab(p).name, { runDir: run.dir });
      expect(entriesOf()).toEqual([]);
    } finally {
      await destroyLab(lab(p).name, { runDir: run.dir }).catch(() => undefined);
      await cleanupPrefix(p);
      run.remove();
    }
  }, 120_000);

  it("the live views' link tables (nsread links) print what `ip -j -s link show` prints, gone namespaces failing alike", async () => {
    const p = uniquePrefix();
    const run = tempRunDir();
    try {
      expect((await applyDocument(lab(p), { runDir: run.dir })).result?.ok).toBe(true);
      const spaces = [...names(p), `${p}nope`];
      const rows = (r: { exitCode: number; stdout: string }) =>
        r.exitCode === 0
          ? (JSON.parse(r.stdout) as Record<string, unknown>[]).map((l) => ({
              ifindex: l.ifindex,
              ifname: l.ifname,
              ifalias: l.ifalias,
              address: l.address,
              operstate: l.operstate,
              counters: Object.keys((l.stats64 as object | undefined) ?? {}),
            }))
          : 'gone';
      for (const stats of [false, true]) {
        useNsread(bin);
        const fast = await readLinkTables(execaRunner, spaces, stats);
        useNsread(false);
        const slow = await readLinkTables(execaRunner, spaces, stats);
        expect(fast.map(rows)).toEqual(slow.map(rows));
        expect(fast.map(rows).at(-1)).toBe('gone');
      }
    } finally {
      await destroyLab(lab(p).name, { runDir: run.dir }).catch(() => undefined);
      await cleanupPrefix(p);
      run.remove();
    }
  }, 60_000);
});
