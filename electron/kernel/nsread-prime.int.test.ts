/**
 * Reads primed in an apply's writes (`nsread run --prime`, issue 13) on the
 * real kernel: the write part of a job reports as an unprimed one does; a
 * read called stable is, byte for byte, what a fresh `ip -j -d -batch -`
 * prints of the state its fingerprint names (timers aside); the cache an apply fills this
 * way never hides drift made by hand; and a read primed while IPv6 DAD runs
 * is still served once DAD has ended, with the same state as a fresh read.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, planDocument, statusDocument } from './engine';
import { splitJsonDocuments } from './ip-json';
import { isNamespaceGone, lastNamespacesMade, primeBatchFor, readLive } from './live-read';
import { lastPrimeStats, lastReaderStats, useNsread } from './live-reader';
import { runBatches, type NsBatch } from './native-run';
import { cacheDir, envKey, loadEntry } from './read-cache';
import { execaRunner } from './runner';
import { cleanupPrefix, tempRunDir, uniquePrefix } from './test-support/lab-fixture';
import { classicLab, richLab } from './test-support/labs';
import { buildTestNsread } from './test-support/nsread-bin';
import { must } from './test-support/scratch-netns';
import { whichOnPath } from './which';

const nsread = buildTestNsread();
afterAll(() => nsread.remove());

let batch = '';
/** Runs jobs through the test's nsread with the live reader's batch as the read. */
async function primed(jobs: NsBatch[]) {
  const r = await runBatches(nsread.bin, execaRunner, jobs, { primeBatch: batch });
  expect(r).toBeDefined();
  return r!;
}

/** True when nsread finds `ns` in the state fingerprint `fp` names. */
const stillAt = (ns: string, fp: string) =>
  spawnSync(nsread.bin, ['read', '1', batch], { input: `${ns}\t${fp}\t0\n`, encoding: 'utf8' }).stdout.split(
    '\0',
  )[1] === 'hit';

/** A fresh read of `ns`, when the namespace is in the state `fp` names before and after it; else undefined. */
async function freshAt(ns: string, fp: string): Promise<string | undefined> {
  if (!stillAt(ns, fp)) return undefined;
  const r = await execaRunner(['ip', '-n', ns, '-j', '-d', '-batch', '-'], { input: batch });
  expect(r.exitCode, r.stderr).toBe(0);
  return stillAt(ns, fp) ? r.stdout : undefined;
}

type Json = Record<string, unknown>;
/** An IPv6 address in fe80::/10 as ip prints it. */
const linkLocal = (a: unknown) => /^fe[89ab][0-9a-f]:/i.test(String(a));
/**
 * A route the kernel adds by itself once a link is up: IPv6, protocol
 * kernel, in table local when DAD of an address ends, or to a link-local or
 * multicast destination.
 */
const kernelRoute = (r: Json) =>
  r.protocol === 'kernel' &&
  String(r.dst).includes(':') &&
  ((r.table === 'local' && (r.type === 'local' || r.type === 'anycast')) ||
    r.type === 'multicast' ||
    linkLocal(r.dst));

/**
 * ip's output without what the fingerprint leaves out (nsread-fp.c): what
 * changes by itself (bridge and port timers and counters, address
 * lifetimes), what the end of IPv6 DAD changes (tentative flags, table
 * local's local and anycast routes), and what carrier changes (lower-up and
 * dormant flags, operstate, a port's state, routes' linkdown flag, IPv6
 * link-local addresses and the kernel's routes for them). A cached read is
 * the state its fingerprint names; only these may differ.
 */
const steady = (out: string) => {
  const [links, routes] = splitJsonDocuments(out, 'the test read') as [Json[], Json[]];
  for (const l of links) {
    l.flags = ((l.flags ?? []) as string[]).filter((f) => !['LOWER_UP', 'NO-CARRIER', 'DORMANT'].includes(f));
    delete l.operstate;
    const info = l.linkinfo as Json | undefined;
    if (info?.info_slave_kind === 'bridge') {
      const d = (info.info_slave_data ?? {}) as Json;
      delete d.state;
      delete d.mcast_n_groups;
    }
    if (info?.info_kind === 'bridge') delete ((info.info_data ?? {}) as Json).fdb_n_learned;
    l.addr_info = ((l.addr_info ?? []) as Json[]).filter(
      (a) => !(a.family === 'inet6' && linkLocal(a.local)),
    );
    for (const a of l.addr_info as Json[]) {
      delete a.tentative;
      delete a.optimistic;
    }
  }
  const kept = routes
    .filter((r) => !kernelRoute(r))
    .map((r) => ({ ...r, flags: ((r.flags ?? []) as string[]).filter((f) => f !== 'linkdown') }));
  return JSON.stringify([links, kept]).replace(
    /"(\w+_timer|valid_life_time|preferred_life_time)":[\d.]+/g,
    '"$1":-',
  );
};

/** The cached read of `ns`, if any. */
function cached(ns: string) {
  const ip = whichOnPath('ip', process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')?.path;
  return loadEntry(cacheDir()!, ns, envKey(batch, ip));
}

/**
 * Applies the classic lab under a fresh prefix and run directory, runs `fn`,
 * and removes the lab, every kernel object of the prefix and the directory,
 * also when `fn` fails.
 */
async function withClassicLab(
  fn: (p: string, runDir: string, lab: ReturnType<typeof classicLab>) => Promise<void>,
) {
  const p = uniquePrefix();
  const run = tempRunDir();
  const lab = classicLab(p);
  try {
    expect((await applyDocument(lab, { runDir: run.dir })).result?.ok).toBe(true);
    await fn(p, run.dir, lab);
  } finally {
    await destroyLab(lab.name, { runDir: run.dir }).catch(() => undefined);
    await cleanupPrefix(p);
    run.remove();
  }
}

describe.skipIf(!!nsread.skip)(
  `reads primed in the writes${nsread.skip ? ` (skipped: ${nsread.skip})` : ''}`,
  () => {
    beforeAll(() => {
      useNsread(nsread.bin);
      batch = primeBatchFor(execaRunner) ?? '';
    });
    afterAll(() => useNsread(undefined));

    it("there is a cache to fill (root, nsread): the read is the live reader's own batch", () => {
      expect(batch).toMatch(/^address show\n/);
    });

    it('a primed job reports its writes as an unprimed one does, and a stable read equals a fresh one byte for byte', async () => {
      const p = uniquePrefix();
      const [a, b] = [`${p}a`, `${p}b`];
      try {
        await execaRunner(['ip', '-batch', '-'], { input: `netns add ${a}\nnetns add ${b}\n` });
        const busy = [
          'link set dev lo up',
          'link add name v0 type veth peer name v1',
          'link set dev v1 name w1',
          'link set dev v0 mtu 1400 address 02:00:00:00:00:01 alias hello',
          'address add 10.7.0.1/24 dev v0',
          'address add fd07::1/64 dev v0',
          'link add name b0 type bridge',
          'link set dev w1 master b0',
          'link set dev b0 up',
          'link set dev w1 up',
          'link set dev v0 up',
          'route add 10.8.0.0/16 via 10.7.0.2 dev v0',
          'route add 10.9.0.0/16 dev v0 table 100',
        ];
        const [quiet, rich, failed, gone] = await primed([
          { ns: b, tool: 'ip', input: 'link set dev lo up\naddress add 10.6.0.1/8 dev lo\n', prime: true },
          { ns: a, tool: 'ip', input: busy.join('\n') + '\n', prime: true },
          { ns: b, tool: 'ip', input: 'link set dev lo up\nlink set dev nope up\n', prime: true },
          { ns: `${p}gone`, tool: 'ip', input: 'link set dev lo up\n', prime: true },
        ]);
        // A line that prints (taken for the marker's document at first) before a failing one: still the job's failure.
        const [printed, long] = await primed([
          { ns: b, tool: 'ip', input: 'netns identify\nlink set dev nope up\n', prime: true },
          // More write lines than a pipe holds: fed while ip runs them.
          { ns: b, tool: 'ip', input: 'link set dev lo up\n'.repeat(6000), prime: true },
        ]);
        expect({ ...long, primed: undefined }).toEqual({ exitCode: 0, stdout: '', stderr: '' });
        expect(long.primed).toBeDefined();
        expect(printed.exitCode).not.toBe(0);
        expect(printed.stderr).toMatch(/Command failed -:2/);
        expect(printed.primed).toBeUndefined();
        // The write part alone: nothing printed (the marker's document is not the job's), no words.
        for (const r of [quiet, rich])
          expect({ ...r, primed: undefined }).toEqual({ exitCode: 0, stdout: '', stderr: '' });
        // Nothing changes lo-only namespaces by itself: this read is stable.
        expect(quiet.primed?.stable).toBe(true);
        let compared = 0;
        for (const [ns, r] of [
          [b, quiet],
          [a, rich],
        ] as const) {
          if (!r.primed?.stable) continue; // a late kernel event during the read: not cached, nothing to compare
          const fresh = await freshAt(ns, r.primed.fp);
          if (fresh === undefined) continue; // the namespace moved on since (IPv6 DAD): the cache misses, as it must
          expect(steady(r.primed.stdout)).toBe(steady(fresh));
          compared++;
        }
        expect(compared).toBeGreaterThan(0);
        // A failed line: ip's own words and line, as unprimed; no read.
        expect(failed.exitCode).not.toBe(0);
        expect(failed.stderr).toMatch(/Command failed -:2/);
        expect(failed.primed).toBeUndefined();
        expect(isNamespaceGone(gone)).toBe(true);
        expect(gone.primed).toBeUndefined();
      } finally {
        await cleanupPrefix(p);
      }
    }, 60_000);

    it('an apply caches reads made in its writes; each equals a fresh read of the state it was cached for', async () => {
      const p = uniquePrefix();
      const run = tempRunDir();
      const labs = [richLab(`${p}r`), classicLab(`${p}c`)];
      try {
        let inWrites = 0;
        let compared = 0;
        for (const lab of labs) {
          const r = await applyDocument(lab, { runDir: run.dir });
          expect(r.result?.ok, r.result?.error).toBe(true);
          // Per lab: the classic lab's bridge comes up in a root wave after its hosts, which must not discard their reads.
          expect(lastPrimeStats()?.inWrites ?? 0, lab.name).toBeGreaterThan(0);
          // The root (where both labs have a bridge) is read after the writes too, for the next plan:
          // whole, or by the links that changed since its cached read (mergeRootDelta).
          if (lab.nodes.some((n) => n.kind === 'bridge' && !('namespace' in n)))
            expect(['read', 'delta'], lab.name).toContain(lastPrimeStats()?.root);
          inWrites += lastPrimeStats()?.inWrites ?? 0;
          for (const n of lab.nodes) {
            if (n.kind !== 'namespace' && n.kind !== 'router') continue;
            const e = cached(n.name);
            const fresh = e && (await freshAt(n.name, e.fp));
            if (fresh === undefined || !e) continue;
            expect(steady(e.stdout), n.name).toBe(steady(fresh));
            compared++;
          }
        }
        expect(inWrites).toBeGreaterThan(0);
        expect(compared).toBeGreaterThan(0);
      } finally {
        for (const lab of labs) await destroyLab(lab.name, { runDir: run.dir }).catch(() => undefined);
        await cleanupPrefix(p);
        run.remove();
      }
    }, 120_000);

    it('an apply leaves the sysctl directories and files of each namespace it made kept: the first read after it opens none', async () => {
      await withClassicLab(async (p, runDir, lab) => {
        const names = [`${p}a`, `${p}b`];
        const held = async (...a: string[]) => {
          const r = await execaRunner([nsread.bin, 'held', ...a, ...names]);
          expect(r.exitCode, r.stderr).toBe(0);
          return Number(r.stdout.trim());
        };
        const dirs = await held();
        const files = await held('--files');
        expect(dirs).toBe(2 * names.length);
        expect(files).toBeGreaterThan(0);
        expect((await planDocument(lab, { runDir })).changes).toEqual([]);
        // The plan's read asked each namespace for exactly those: nothing more was opened and kept.
        expect(await held()).toBe(dirs);
        expect(await held('--files')).toBe(files);
      });
    });

    it("an apply of 64 hosts at once leaves every namespace's sysctl directories and files kept, and the plan after it opens none and makes none of them anew", async () => {
      const p = uniquePrefix();
      const run = tempRunDir();
      const n = 64;
      const names = Array.from({ length: n }, (_, i) => `${p}h${i}`);
      const lab = {
        version: 1,
        name: `${p}-star`,
        nodes: [
          { id: 'br', name: `${p}br`, kind: 'bridge' },
          ...names.map((name, i) => ({ id: `h${i}`, name, kind: 'namespace' })),
        ],
        links: names.map((_, i) => ({
          id: `l${i}`,
          a: { node: `h${i}`, ifname: 'eth0', addresses: [`10.9.${i}.1/24`] },
          b: { node: 'br', ifname: `${p}p${i}` },
        })),
      };
      // By 32 names a request (nsread serve takes at most 64 arguments).
      const held = async (...a: string[]) => {
        let sum = 0;
        for (let i = 0; i < names.length; i += 32) {
          const r = await execaRunner([nsread.bin, 'held', ...a, ...names.slice(i, i + 32)]);
          expect(r.exitCode, r.stderr).toBe(0);
          sum += Number(r.stdout.trim());
        }
        return sum;
      };
      try {
        expect((await applyDocument(lab, { runDir: run.dir })).result?.ok).toBe(true);
        expect(lastPrimeStats()?.inWrites).toBe(n);
        expect(await held()).toBe(2 * n);
        const files = await held('--files');
        expect((await planDocument(lab, { runDir: run.dir })).changes).toEqual([]);
        expect(await held('--files')).toBe(files);
        // Each made by the apply with the sysctls nsread read right after its writes (warmOwnSysctls).
        expect(lastReaderStats().hits).toBe(n);
        expect(lastNamespacesMade()).toBe(0);
        // A namespace whose own setting changed since is made anew, with it: the plan sees the drift.
        await must([
          'ip',
          'netns',
          'exec',
          names[5],
          'sysctl',
          '-q',
          '-w',
          'net.ipv4.icmp_echo_ignore_all=1',
        ]);
        const drift = await planDocument(lab, { runDir: run.dir });
        expect(lastNamespacesMade()).toBe(1);
        expect(drift.changes.map((c) => c.ns)).toEqual([names[5]]);
      } finally {
        await destroyLab(lab.name, { runDir: run.dir }).catch(() => undefined);
        await cleanupPrefix(p);
        run.remove();
      }
    }, 120_000);

    it('without a bridge coming up last, the namespaces are made with their sysctls while the last read runs: the plan after the apply makes none anew', async () => {
      const p = uniquePrefix();
      const run = tempRunDir();
      const pairs = 4;
      const lab = {
        version: 1,
        name: `${p}-pairs`,
        nodes: Array.from({ length: 2 * pairs }, (_, i) => ({
          id: `n${i}`,
          name: `${p}n${i}`,
          kind: 'namespace',
        })),
        links: Array.from({ length: pairs }, (_, i) => ({
          id: `l${i}`,
          a: { node: `n${2 * i}`, ifname: 'eth0', addresses: [`10.8.${i}.1/24`] },
          b: { node: `n${2 * i + 1}`, ifname: 'eth0', addresses: [`10.8.${i}.2/24`] },
        })),
      };
      try {
        expect((await applyDocument(lab, { runDir: run.dir })).result?.ok).toBe(true);
        expect(lastPrimeStats()?.inWrites).toBe(2 * pairs);
        expect((await planDocument(lab, { runDir: run.dir })).changes).toEqual([]);
        expect(lastReaderStats().hits).toBe(2 * pairs);
        expect(lastNamespacesMade()).toBe(0);
      } finally {
        await destroyLab(lab.name, { runDir: run.dir }).catch(() => undefined);
        await cleanupPrefix(p);
        run.remove();
      }
    }, 60_000);

    it('drift made by hand right after a primed apply is seen by plan and status, and repaired', async () => {
      await withClassicLab(async (p, runDir, lab) => {
        expect(lastPrimeStats()?.inWrites).toBeGreaterThan(0);
        await execaRunner(['ip', '-n', `${p}a`, 'address', 'add', '10.0.0.99/24', 'dev', 'eth0']);
        await execaRunner(['ip', '-n', `${p}b`, 'address', 'del', '10.0.0.2/24', 'dev', 'eth0']);
        const plan = await planDocument(lab, { runDir });
        expect(plan.changes.some((c) => c.ns === `${p}a` && c.argv.join(' ').includes('10.0.0.99/24'))).toBe(
          true,
        );
        expect(plan.changes.some((c) => c.ns === `${p}b` && c.argv.join(' ').includes('10.0.0.2/24'))).toBe(
          true,
        );
        expect((await statusDocument(lab, { runDir })).inSync).toBe(false);
        expect((await applyDocument(lab, { runDir })).result?.ok).toBe(true);
        expect((await planDocument(lab, { runDir })).changes).toEqual([]);
      });
    }, 60_000);

    it('a read primed while IPv6 DAD runs is still served once DAD has ended, and gives the state a fresh read gives', async () => {
      await withClassicLab(async (p, runDir, lab) => {
        const names = [`${p}a`, `${p}b`];
        // The cached reads show addresses still tentative (DAD takes a second or more after link-up).
        const during = names.filter((n) => cached(n)?.stdout.includes('"tentative":true'));
        expect(during.length).toBeGreaterThan(0);
        let over = false;
        for (let i = 0; i < 100 && !over; i++) {
          const r = await execaRunner(['ip', '-j', '-n', names[0], '-6', 'address', 'show']);
          const r2 = await execaRunner(['ip', '-j', '-n', names[1], '-6', 'address', 'show']);
          over = !`${r.stdout}${r2.stdout}`.includes('"tentative":true');
          if (!over) await new Promise((res) => setTimeout(res, 100));
        }
        expect(over).toBe(true);
        const plan = await planDocument(lab, { runDir });
        expect(plan.changes).toEqual([]);
        for (const n of during) expect(lastReaderStats().readNs, n).not.toContain(n);
        // What the cache gave is the state: the same as the fan-out's fresh reads.
        const opts = { namespaces: names, includeRoot: true, peerNames: false };
        const viaCache = await readLive(execaRunner, opts);
        expect(lastReaderStats().hits).toBe(names.length);
        useNsread(false);
        let fresh;
        try {
          fresh = await readLive(execaRunner, opts);
        } finally {
          useNsread(nsread.bin);
        }
        for (const n of names) expect(viaCache.namespaces[n], n).toEqual(fresh.namespaces[n]);
        // A change DAD does not make is still seen: an address added by hand.
        await execaRunner(['ip', '-n', names[0], 'address', 'add', 'fd00::99/64', 'dev', 'eth0']);
        const drift = await planDocument(lab, { runDir });
        expect(lastReaderStats().readNs).toContain(names[0]);
        expect(drift.changes.map((c) => c.argv.join(' ')).join('\n')).toContain('fd00::99/64');
      });
    }, 60_000);
    it("an IPv6 address's local route deleted by hand once DAD has ended is seen (not served from the cache) and put back; ping6 works again", async () => {
      await withClassicLab(async (p, runDir, lab) => {
        const [a, b] = [`${p}a`, `${p}b`];
        // DAD over on both ends: the kernel has added their local routes.
        let over = false;
        for (let i = 0; i < 100 && !over; i++) {
          const r = await execaRunner(['ip', '-j', '-n', a, '-6', 'address', 'show']);
          const r2 = await execaRunner(['ip', '-j', '-n', b, '-6', 'address', 'show']);
          over = !`${r.stdout}${r2.stdout}`.includes('"tentative":true');
          if (!over) await new Promise((res) => setTimeout(res, 100));
        }
        expect(over).toBe(true);
        expect((await planDocument(lab, { runDir })).changes).toEqual([]);
        const ping6 = () =>
          execaRunner(['ip', 'netns', 'exec', a, 'ping', '-6', '-c', '1', '-W', '1', 'fd00::2']);
        expect((await ping6()).exitCode).toBe(0);
        const del = await execaRunner([
          'ip',
          '-n',
          b,
          '-6',
          'route',
          'del',
          'local',
          'fd00::2',
          'dev',
          'eth0',
          'table',
          'local',
        ]);
        expect(del.exitCode, del.stderr).toBe(0);
        expect((await ping6()).exitCode).not.toBe(0);
        const st = await statusDocument(lab, { runDir });
        expect(st.inSync).toBe(false);
        // The fingerprint changed: the namespace was read in full, not served from the cache.
        expect(lastReaderStats().readNs).toContain(b);
        const plan = await planDocument(lab, { runDir });
        expect(plan.changes.map((c) => c.argv.join(' '))).toEqual([
          `ip -n ${b} route add local fd00::2 table local dev eth0 proto kernel metric 0 pref medium`,
        ]);
        const r = await applyDocument(lab, { runDir });
        expect(r.result?.ok, r.result?.error).toBe(true);
        expect((await statusDocument(lab, { runDir })).inSync).toBe(true);
        expect((await ping6()).exitCode).toBe(0);
      });
    }, 60_000);
  },
);
