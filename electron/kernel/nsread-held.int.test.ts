/**
 * Kept sysctl directories and files (native/nsread-held.c): `nsread serve`
 * keeps each namespace's /proc/sys/net/ipv4 and net/ipv6 open from one
 * request to the next, so a read does not look them up under the shared
 * /proc/sys/net again, and each sysctl file it read, read again by pread.
 * What must hold whatever is kept: every read shows each namespace's own
 * values as they are now (equal to a start of nsread's own, which keeps
 * nothing), a namespace deleted and made again under its name (its inode
 * number reused) is read as the new one, so is an interface renamed or
 * deleted and made again, a kept fd does not keep a deleted namespace
 * alive, and the server's table does not grow with namespaces that are gone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecords } from './live-reader';
import { parseRunRecords } from './native-run';
import { answerAssembler, execaRunner, serveNsread, serveRequest, type RunResult } from './runner';
import { cleanupPrefix, uniquePrefix } from './test-support/lab-fixture';
import { buildTestNsread } from './test-support/nsread-bin';
import { must } from './test-support/scratch-netns';

const nsread = buildTestNsread();
afterAll(() => nsread.remove());

const KEYS = [
  'net.ipv4.icmp_echo_ignore_all',
  'net.ipv4.conf.all.arp_ignore',
  'net.ipv6.conf.all.disable_ipv6',
  'net.ipv6.icmp.echo_ignore_all',
  'net.ipv4.conf.*.rp_filter',
];
const READ = ['read', '2', 'link show\n', ...KEYS];
/** READ's input: each namespace named, nothing cached, all its sysctls asked. */
const readInput = (names: readonly string[]) => names.map((n) => `${n}\t-\t1\n`).join('');
/** Writes to each namespace (its lo up), each followed by a primed read (nsread run --prime), with PRIME_RUN. */
const PRIME_RUN = ['run', '4', '--prime=link show\n', ...KEYS];
const primeInput = (names: readonly string[]) =>
  names.map((n) => `${n}\0ip\0prime\0link set dev lo up\n\0`).join('');

/** Each namespace's sysctls as nsread prints them (key → value). */
function sysctlsOf(out: string): Map<string, Record<string, string>> {
  const recs = parseRecords(out);
  if (!recs) throw new Error(`not nsread's output: ${JSON.stringify(out.slice(0, 200))}`);
  const m = new Map<string, Record<string, string>>();
  for (const [name, r] of recs) {
    if (r.status !== 'read' && r.status !== 'hit') throw new Error(`${name}: ${r.status} ${r.stderr}`);
    m.set(
      name,
      Object.fromEntries(
        r.sysctls
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' = ') as [string, string]),
      ),
    );
  }
  return m;
}

/** Through the server (which keeps directories) and by a start of nsread's own (which keeps none). */
async function readBoth(names: string[]) {
  const input = readInput(names);
  const served = await execaRunner([nsread.bin, ...READ], { input });
  const own = spawnSync(nsread.bin, READ, { input, encoding: 'utf8', env: { LC_ALL: 'C' } });
  expect(served.exitCode, served.stderr).toBe(0);
  expect(own.status, own.stderr).toBe(0);
  return { served: sysctlsOf(served.stdout), own: sysctlsOf(own.stdout) };
}

/**
 * The sysctl files a read of KEYS opens in namespace `ns`: 4 by name, and rp_filter of each entry
 * of its net/ipv4/conf but lo and default ("all", eth0, and the kernel's fallback tunnels, gre0
 * and the like, which every namespace has once ip_gre is loaded).
 */
async function filesOf(...ns: string[]): Promise<number> {
  let n = 0;
  for (const x of ns) {
    const conf = await must(['ip', 'netns', 'exec', x, 'ls', '/proc/sys/net/ipv4/conf']);
    n += 4 + conf.stdout.split(/\s+/).filter((e) => e && e !== 'lo' && e !== 'default').length;
  }
  return n;
}

/** How many kept directories a request finds: of the namespaces named, else all. */
const held = async (...names: string[]) => {
  const r = await execaRunner([nsread.bin, 'held', ...names]);
  expect(r.exitCode, r.stderr).toBe(0);
  return Number(r.stdout.trim());
};
/** How many kept sysctl files a request finds: of the namespaces named, else all. */
const heldFiles = async (...names: string[]) => held('--files', ...names);

/** A namespace `ns` with a veth whose end `eth0` is in it and whose other end, `rootEnd`, is in the root. */
async function nsWithVeth(ns: string, rootEnd: string) {
  await must(['ip', 'netns', 'add', ns]);
  await must(['ip', 'link', 'add', 'name', rootEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
}

/** Waits (up to 2 s) until the root's interface `dev` is gone (its peer's namespace freed): true when it is. */
async function untilGone(dev: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if ((await execaRunner(['ip', 'link', 'show', 'dev', dev])).exitCode !== 0) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** Sets sysctls in a namespace by `ip netns exec … sysctl -w` (nothing of nsread's). */
const setSysctls = (ns: string, kv: Record<string, number>) =>
  must(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...Object.entries(kv).map(([k, v]) => `${k}=${v}`)]);

/** An `nsread serve` of the test's own, started as `argv`: its process, and a request to it (up to 10 s for an answer). */
function ownServer(argv: string[]) {
  const server = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers: RunResult[] = [];
  const asm = answerAssembler();
  server.stdout.on('data', (d: Buffer) => {
    const a = asm.push(d);
    if (a) answers.push(a);
  });
  const ask = async (args: string[], input = '') => {
    const n = answers.length;
    server.stdin.write(serveRequest(args, input));
    for (let i = 0; answers.length === n; i++) {
      if (i > 1000) throw new Error('the server did not answer');
      await new Promise((r) => setTimeout(r, 10));
    }
    return answers[n];
  };
  const stop = async () => {
    server.stdin.end();
    await new Promise((r) => server.once('exit', r));
  };
  return { server, ask, stop };
}

describe.skipIf(!!nsread.skip)(
  `nsread serve keeps sysctl directories${nsread.skip ? ` (skipped: ${nsread.skip})` : ''}`,
  () => {
    let p = '';
    const names = () => [0, 1, 2, 3].map((i) => `${p}n${i}`);
    beforeAll(async () => {
      p = uniquePrefix();
      serveNsread(nsread.bin);
      // An interface of its own in each, so the "*" key has more than "all" to show.
      for (const [i, n] of names().entries()) await nsWithVeth(n, `${p}v${i}`);
    });
    afterAll(() => cleanupPrefix(p));

    it('a read leaves both directories and every file it read of each namespace kept, and the next request finds them', async () => {
      expect(await held(...names())).toBe(0);
      expect(await heldFiles(...names())).toBe(0);
      await readBoth(names());
      expect(await held(...names())).toBe(2 * names().length);
      // KEYS: 4 by name, and rp_filter of "all" and of eth0 (lo and default are not asked for): 6 each
      // (more where the kernel added fallback tunnels).
      expect(await heldFiles(...names())).toBe(await filesOf(...names()));
      const all = await held();
      const files = await heldFiles();
      // Read again: nothing is kept twice.
      await readBoth(names());
      expect(await held()).toBe(all);
      expect(await heldFiles()).toBe(files);
    });

    it('an interface renamed, or deleted and made again under its name, is read as it is now, not through its kept file', async () => {
      const n = names()[0];
      const p0 = await readBoth([n]);
      expect(p0.served).toEqual(p0.own);
      // Renamed: its key follows its new name (the kept file of the old name fails, and is dropped).
      await must(['ip', '-n', n, 'link', 'set', 'dev', 'eth0', 'name', 'eth7']);
      await setSysctls(n, { 'net.ipv4.conf.eth7.rp_filter': 2 });
      const p1 = await readBoth([n]);
      expect(p1.served).toEqual(p1.own);
      expect(p1.served.get(n)?.['net.ipv4.conf.eth7.rp_filter']).toBe('2');
      expect(p1.served.get(n)?.['net.ipv4.conf.eth0.rp_filter']).toBeUndefined();
      // Deleted, and a new eth0 made with another value: the new one's value.
      await must(['ip', '-n', n, 'link', 'delete', 'dev', 'eth7']);
      await must(['ip', '-n', n, 'link', 'add', 'name', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
      await setSysctls(n, { 'net.ipv4.conf.eth0.rp_filter': 1, 'net.ipv4.conf.eth1.rp_filter': 2 });
      const p2 = await readBoth([n]);
      expect(p2.served).toEqual(p2.own);
      expect(p2.served.get(n)?.['net.ipv4.conf.eth0.rp_filter']).toBe('1');
      expect(p2.served.get(n)?.['net.ipv4.conf.eth7.rp_filter']).toBeUndefined();
      // Its rp_filter read again from the kept file: still the value of now.
      await setSysctls(n, { 'net.ipv4.conf.eth0.rp_filter': 0 });
      const p3 = await readBoth([n]);
      expect(p3.served).toEqual(p3.own);
      expect(p3.served.get(n)?.['net.ipv4.conf.eth0.rp_filter']).toBe('0');
    });

    it('every read shows each namespace its own values as they are now (any values, any order of changes)', async () => {
      const values = fc.record({
        'net.ipv4.icmp_echo_ignore_all': fc.integer({ min: 0, max: 1 }),
        'net.ipv4.conf.all.arp_ignore': fc.integer({ min: 0, max: 8 }),
        'net.ipv6.conf.all.disable_ipv6': fc.integer({ min: 0, max: 1 }),
        'net.ipv6.icmp.echo_ignore_all': fc.integer({ min: 0, max: 1 }),
        'net.ipv4.conf.eth0.rp_filter': fc.integer({ min: 0, max: 2 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), values), { minLength: 1, maxLength: 4 }),
          async (sets) => {
            for (const [i, kv] of sets) await setSysctls(names()[i], kv);
            const { served, own } = await readBoth(names());
            expect(served).toEqual(own);
            // The last values set in each namespace are what the read shows there.
            const last = new Map(sets.map(([i, kv]) => [names()[i], kv]));
            for (const [ns, kv] of last)
              for (const [k, v] of Object.entries(kv))
                expect(served.get(ns)?.[k], `${ns} ${k}`).toBe(String(v));
          },
        ),
        { numRuns: 12 },
      );
    });

    it('a namespace deleted and made again under its name is read as the new one; the table keeps no dead ones', async () => {
      const n = `${p}re`;
      let reused = 0;
      let ino = -1;
      for (let round = 0; round < 30 && reused < 3; round++) {
        const base = await held();
        await nsWithVeth(n, `${p}r`);
        const now = statSync(`/run/netns/${n}`).ino;
        if (now === ino) reused++;
        ino = now;
        await setSysctls(n, { 'net.ipv4.conf.all.arp_ignore': round % 9 });
        const { served, own } = await readBoth([n]);
        expect(served).toEqual(own);
        expect(served.get(n)?.['net.ipv4.conf.all.arp_ignore']).toBe(String(round % 9));
        await must(['ip', 'netns', 'delete', n]);
        // The kernel frees a namespace after `netns delete` returns: its sysctl tables go, then its number is free.
        await untilGone(`${p}r`);
        for (let i = 0; i < 100 && (await held()) > base; i++) await new Promise((r) => setTimeout(r, 20));
      }
      // The case this test is for happened: the new namespace had the old one's inode number.
      expect(reused).toBeGreaterThan(0);
      // 4 live namespaces kept (8) and what the sweep leaves between runs; not 12 rounds' worth.
      expect(await held()).toBeLessThanOrEqual(2 * names().length + 2 + 64);
      // Files alike: those of the 4 live namespaces (7 at most each) and what a sweep leaves, not 30 rounds' worth (6 each).
      expect(await heldFiles()).toBeLessThanOrEqual(7 * names().length + 6 + 64);
    });

    it('a kept directory or file does not keep its namespace alive: deleting it takes its interfaces', async () => {
      const n = `${p}gone`;
      await nsWithVeth(n, `${p}g`);
      await readBoth([n]);
      expect(await held(n)).toBe(2);
      expect(await heldFiles(n)).toBeGreaterThan(0);
      await must(['ip', 'netns', 'delete', n]);
      expect(await untilGone(`${p}g`)).toBe(true);
    });

    it('with little room for fds, what namespaces deleted leave behind makes room for the next ones (a server of its own, 600 fds)', async () => {
      // 600 fds leave the table 88 (nsread-held.c fd_room): 8 namespaces' 2 directories and 6 files each fit (9 files each
      // where ip_gre's fallback tunnels are in every namespace: 88, still), 16 do not.
      const { ask, stop } = ownServer(['prlimit', '--nofile=600:600', nsread.bin, 'serve']);
      const kept = async (files: boolean, ns: string[]) =>
        Number((await ask(['held', ...(files ? ['--files'] : []), ...ns])).stdout.trim());
      try {
        const batch = (tag: string) => [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `${p}${tag}${i}`);
        const first = batch('x');
        for (const [i, n] of first.entries()) await nsWithVeth(n, `${p}xv${i}`);
        const read = (ns: string[]) => ask(READ, readInput(ns));
        expect((await read(first)).exitCode).toBe(0);
        expect(await kept(false, first)).toBe(16);
        expect(await kept(true, first)).toBe(await filesOf(...first));
        // The next 8 made while the first live: none can have an inode number of theirs (and so their keys).
        const next = batch('y');
        for (const [i, n] of next.entries()) await nsWithVeth(n, `${p}yv${i}`);
        for (const [i, n] of first.entries()) {
          await must(['ip', 'netns', 'delete', n]);
          await untilGone(`${p}xv${i}`);
        }
        // A run request (its sweep looks at what is kept), then the 8 new namespaces read twice.
        expect((await ask(['run', '1'], '')).exitCode).toBe(0);
        await read(next);
        await read(next);
        expect(await kept(false, next)).toBe(16);
        expect(await kept(true, next)).toBe(await filesOf(...next));
      } finally {
        await stop();
      }
    });

    it('more namespaces than one procfs of its own serves are each read with their own values, their directories kept from procfs instances of its own (a server of its own)', async () => {
      // 40: more than PROCFS_SPAN (32) namespaces looked up under one procfs (native/nsread-procfs.c).
      const { server, ask, stop } = ownServer([nsread.bin, 'serve']);
      /** The server's kept directories of net/ipv4, by what their fd names: a path and a device each. */
      const keptIpv4 = () =>
        readdirSync(`/proc/${server.pid}/fd`).flatMap((fd) => {
          const f = `/proc/${server.pid}/fd/${fd}`;
          try {
            const path = readlinkSync(f);
            return path.endsWith('/net/ipv4') ? [{ path, dev: statSync(f).dev }] : [];
          } catch {
            return []; // closed meanwhile
          }
        });
      const ns = Array.from({ length: 40 }, (_, i) => `${p}s${i}`);
      const value = (i: number) => ({
        'net.ipv4.conf.all.arp_ignore': i % 9,
        'net.ipv4.icmp_echo_ignore_all': i % 2,
        'net.ipv4.conf.eth0.rp_filter': i % 3,
      });
      try {
        for (const [i, n] of ns.entries()) {
          await nsWithVeth(n, `${p}sv${i}`);
          await setSysctls(n, value(i));
        }
        // The first half read, the other half warmed by primed writes (nsread run), then all read.
        const read = await ask(READ, readInput(ns.slice(0, 20)));
        expect(read.exitCode, read.stderr).toBe(0);
        const run = await ask(PRIME_RUN, primeInput(ns.slice(20)));
        expect(run.exitCode, run.stderr).toBe(0);
        const all = await ask(READ, readInput(ns));
        expect(all.exitCode, all.stderr).toBe(0);
        const got = sysctlsOf(all.stdout);
        for (const [i, n] of ns.entries())
          for (const [k, v] of Object.entries(value(i))) expect(got.get(n)?.[k], `${n} ${k}`).toBe(String(v));
        const kept = keptIpv4();
        expect(kept.length).toBe(ns.length);
        // Looked up under procfs instances of nsread's own (named from their own root), more than one.
        expect(kept.filter((k) => k.path !== '/sys/net/ipv4')).toEqual([]);
        expect(new Set(kept.map((k) => k.dev)).size).toBeGreaterThan(1);
      } finally {
        await stop();
      }
    });

    it("a primed job under the server reports its namespace's --always sysctls as the read after it prints them, kept already or not (a server of its own)", async () => {
      const { ask, stop } = ownServer([nsread.bin, 'serve']);
      // Two interfaces besides lo, named against the kernel's order, so the "*" key's lines have an order to keep.
      const ns = [0, 1, 2, 3].map((i) => `${p}a${i}`);
      const value = (i: number) => ({
        'net.ipv4.icmp_echo_ignore_all': i % 2,
        'net.ipv4.conf.all.arp_ignore': i,
        'net.ipv4.conf.zz.rp_filter': (i + 1) % 3,
        'net.ipv4.conf.eth0.rp_filter': i % 3,
      });
      try {
        for (const [i, n] of ns.entries()) {
          await nsWithVeth(n, `${p}av${i}`);
          await must(['ip', '-n', n, 'link', 'add', 'name', 'zz', 'type', 'veth', 'peer', 'name', 'aa']);
          await setSysctls(n, value(i));
        }
        // Half of them read first: their directories are kept when the writes come.
        const first = await ask(READ, readInput(ns.slice(0, 2)));
        expect(first.exitCode, first.stderr).toBe(0);
        const run = await ask(PRIME_RUN, primeInput(ns));
        expect(run.exitCode, run.stderr).toBe(0);
        const recs = parseRunRecords(
          run.stdout,
          ns.map((n) => ({ ns: n, prime: true })),
          true,
        );
        expect(recs).toBeDefined();
        // What a read after the writes prints for the same keys (all of them asked as --always).
        const fps = recs!.map((r) => (r?.primed?.stable ? r.primed.fp : '-'));
        const after = await ask(
          ['read', '2', 'link show\n', `--always=${KEYS.length}`, ...KEYS],
          ns.map((n, i) => `${n}\t${fps[i]}\t0\n`).join(''),
        );
        expect(after.exitCode, after.stderr).toBe(0);
        const read = parseRecords(after.stdout)!;
        for (const [i, n] of ns.entries()) {
          const r = recs![i];
          expect(r?.primed?.stable, `${n}: ${r?.stderr}`).toBe(true);
          const sysctls = r?.primed?.stable ? r.primed.sysctls : undefined;
          expect(sysctls, n).toBe(read.get(n)?.sysctls);
          for (const [k, v] of Object.entries(value(i)))
            expect(sysctls, `${n} ${k}`).toContain(`${k} = ${v}\n`);
        }
      } finally {
        await stop();
      }
    });

    it("writes primed under the server leave the namespace's directories kept for the read after them", async () => {
      const n = `${p}w`;
      await must(['ip', 'netns', 'add', n]);
      expect(await held(n)).toBe(0);
      const r = await execaRunner([nsread.bin, 'run', '1', '--prime=link show\n'], {
        input: primeInput([n]),
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(await held(n)).toBe(2);
      const { served, own } = await readBoth([n]);
      expect(served).toEqual(own);
      expect(await held(n)).toBe(2);
    });
  },
);
