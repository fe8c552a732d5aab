/**
 * nsread and the root namespace (issue 13): the root's read goes through the
 * fingerprint cache like any namespace, so hand-made drift there (a bridge
 * port's master, state or cost; an id given to a namespace, a namespace
 * renamed) must change the
 * root's fingerprint and show in the read; and fingerprints taken on several
 * threads equal those of one thread.
 *
 * The root's fingerprint is taken in a scratch namespace (nsread run by `ip
 * netns exec`: its own namespace is its root), seeing only this test's
 * /run/netns entries, so that other tests changing the real root or adding
 * namespaces at the same time can neither hide a missed change nor make a
 * stable root look changed; the last test reads the real root through readLive.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab } from './engine';
import { readLive } from './live-read';
import { lastReaderStats, parseRecords, useNsread } from './live-reader';
import { execaRunner } from './runner';
import { cleanupPrefix, tempRunDir, uniquePrefix } from './test-support/lab-fixture';
import { buildTestNsread } from './test-support/nsread-bin';
import { must } from './test-support/scratch-netns';
import { inPrivateMounts, PRIVATE_NETNS } from './test-support/private-netns';

const { bin, skip, remove } = buildTestNsread();
const out = path.dirname(bin);
afterAll(remove);

const BATCH = 'address show\nroute show table all\n';
const ROOT_BATCH = BATCH + 'netns list-id\n';

const stage = path.join(out, 'stage');

/** nsread run inside `home` (its root there): the records of the root ('') and `names`. */
function nsread(home: string, root: string, names: Record<string, string> = {}, threads = 0) {
  const input = [`\t${root}\t0\n`, ...Object.entries(names).map(([n, fp]) => `${n}\t${fp}\t0\n`)].join('');
  const r = inPrivateMounts(
    stage,
    PRIVATE_NETNS,
    [stage, home.slice(0, uniquePrefix().length), home, bin, 'read', '4', BATCH, `--root=${ROOT_BATCH}`],
    {
      input,
      env: { ...process.env, ...(threads ? { NSREAD_THREADS: String(threads) } : {}) },
    },
  );
  expect(r.status, r.stderr).toBe(0);
  const recs = parseRecords(r.stdout);
  expect(recs).toBeDefined();
  return recs!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the root of `home` until a stable read is followed by a hit (addresses settle after a link comes up); its fingerprint. */
async function settled(home: string): Promise<string> {
  for (let k = 0; k < 60; k++) {
    const first = nsread(home, '-').get('')!;
    if (first.status === 'read' && first.stable && nsread(home, first.fp).get('')!.status === 'hit')
      return first.fp;
    await sleep(250);
  }
  throw new Error('the scratch root never settled');
}

type Link = {
  ifname: string;
  master?: string;
  flags: string[];
  linkinfo?: { info_slave_data?: { cost?: number } };
};
const linksOf = (stdout: string): Link[] => JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as Link[];

describe.skipIf(!!skip)(
  `nsread reads the root namespace through its cache${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('hand-made drift in the root (a port unbridged, set down, its cost changed; a namespace id given, a namespace renamed) is never served from the cache', async () => {
      const p = uniquePrefix();
      const [home, a, b, c, e] = ['r', 'a', 'b', 'c', 'e'].map((x) => `${p}${x}`);
      try {
        for (const ns of [home, a, b, c]) await must(['ip', 'netns', 'add', ns]);
        await must(
          ['ip', '-n', home, '-batch', '-'],
          execaRunner,
          [
            'link add name br type bridge',
            `link add name pa type veth peer name eth0 netns ${a}`,
            `link add name pb type veth peer name eth0 netns ${b}`,
            'link set dev pa master br',
            'link set dev pb master br',
            'link set dev pa up',
            'link set dev pb up',
            'link set dev br up',
            '',
          ].join('\n'),
        );
        const drifts: { name: string; argv: string[]; shows: (recStdout: string) => boolean }[] = [
          {
            name: 'port unbridged',
            argv: ['ip', '-n', home, 'link', 'set', 'dev', 'pa', 'nomaster'],
            shows: (o) => linksOf(o).find((l) => l.ifname === 'pa')?.master === undefined,
          },
          {
            name: 'port set down',
            argv: ['ip', '-n', home, 'link', 'set', 'dev', 'pb', 'down'],
            shows: (o) =>
              !linksOf(o)
                .find((l) => l.ifname === 'pb')!
                .flags.includes('UP'),
          },
          {
            name: 'port cost changed',
            argv: ['ip', '-n', home, 'link', 'set', 'dev', 'pb', 'type', 'bridge_slave', 'cost', '77'],
            shows: (o) => linksOf(o).find((l) => l.ifname === 'pb')?.linkinfo?.info_slave_data?.cost === 77,
          },
          {
            name: 'namespace id given',
            argv: ['ip', '-n', home, 'netns', 'set', c, '42'],
            shows: (o) => o.includes(`"nsid":42,`) && o.includes(`"name":"${c}"`),
          },
          {
            // Only the /run/netns names change: the kernel's tables and every dump stay the same.
            name: 'namespace renamed (same id)',
            argv: [
              'sh',
              '-ec',
              `touch /run/netns/${e}; mount --bind /run/netns/${c} /run/netns/${e}; umount /run/netns/${c}; rm /run/netns/${c}`,
            ],
            shows: (o) => o.includes(`"name":"${e}"`) && !o.includes(`"name":"${c}"`),
          },
        ];
        for (const d of drifts) {
          const fp = await settled(home);
          await must(d.argv);
          const rec = nsread(home, fp).get('')!;
          expect(rec.status, d.name).toBe('read');
          expect(rec.fp, d.name).not.toBe(fp);
          expect(d.shows(rec.stdout), `${d.name}: ${rec.stdout.slice(0, 300)}`).toBe(true);
        }
      } finally {
        await cleanupPrefix(p);
      }
    }, 120_000);

    it("the root's `netns list` that nsread writes from its fingerprint is ip's own, byte for byte (odd names, hidden and stale entries, ids)", async () => {
      const p = uniquePrefix();
      const [home, a, b] = ['r', 'a', 'b'].map((x) => `${p}${x}`);
      // Names ip accepts in /run/netns (anything but "/"): quotes, backslashes, tab, spaces, UTF-8, a hidden one.
      const odd = ['q"x', 'b\\s', 't\tab', 'sp ace', 'ü-ß', '.hidden', "ap'os", 'x'.repeat(200)];
      // ip prints a control byte raw (not JSON): nsread writes JSON's escape for it.
      const ctl = 'c\u0001d';
      const script = `set -e
stage=$1 home=$2 a=$3 b=$4 root=$5 nsread=$6; shift 6
mount -t tmpfs -o size=64k,mode=700 netplumb-test "$stage"
for n in "$home" "$a" "$b"; do : >"$stage/$n"; mount --bind "/run/netns/$n" "$stage/$n"; done
mount -t tmpfs -o size=256k,mode=755 netplumb-test /run/netns
for n in "$home" "$a" "$b"; do : >"/run/netns/$n"; mount --bind "$stage/$n" "/run/netns/$n"; done
i=0
for n in "$@"; do
  src=$a; [ $((i % 2)) = 0 ] || src=$b
  : >"/run/netns/$n"; mount --bind "$stage/$src" "/run/netns/$n"; i=$((i + 1))
done
: >"/run/netns/stale"
ip netns exec "$home" ip netns set "$a" 7 2>/dev/null || true # the second run finds it given
printf 'address show\nnetns list\n' | ip netns exec "$home" ip -j -d -batch -
printf '@@nsread@@'
printf '\t-\t0\n' | ip netns exec "$home" "$nsread" read 1 x "--root=$root"`;
      const run = (names: string[]) => {
        const r = inPrivateMounts(stage, script, [
          stage,
          home,
          a,
          b,
          'address show\nnetns list\n',
          bin,
          ...names,
        ]);
        expect(r.status, r.stderr).toBe(0);
        const [ip, ours] = r.stdout.split('@@nsread@@');
        const rec = parseRecords(ours)!.get('')!;
        expect(rec.status).toBe('read');
        expect(rec.exit, rec.stderr).toBe(0);
        return { ip, ours: rec.stdout };
      };
      try {
        for (const ns of [home, a, b]) await must(['ip', 'netns', 'add', ns]);
        const { ip, ours } = run(odd);
        expect(ours).toBe(ip);
        // What it says: every entry but "." and "..", the one given an id with it.
        const list = JSON.parse(ours.split('\n')[1]) as { name: string; id?: number }[];
        expect(list.map((e) => e.name).sort()).toEqual([home, a, b, ...odd, 'stale'].sort());
        expect(list.find((e) => e.name === a)?.id).toBe(7);
        expect(list.find((e) => e.name === 'stale')?.id).toBeUndefined();
        // A control byte: ip's own line is not JSON; nsread's is, and names the entry exactly.
        const withCtl = run([ctl]);
        expect(() => JSON.parse(withCtl.ip.split('\n')[1])).toThrow();
        const names = (JSON.parse(withCtl.ours.split('\n')[1]) as { name: string }[]).map((e) => e.name);
        expect(names).toContain(ctl);
      } finally {
        await cleanupPrefix(p);
      }
    });

    it('a root read keeps the list it fingerprinted only when /run/netns still names the same namespaces and no id changed (a stat each, not a second listing)', async () => {
      const p = uniquePrefix();
      const [home, a, b, c, d, e] = ['r', 'a', 'b', 'c', 'd', 'e'].map((x) => `${p}${x}`);
      // Each change to /run/netns or to the scratch root's ids a read could meet between its fingerprint and its end.
      const changes: Record<string, string> = {
        none: 'true',
        'the same namespace mounted again at its name': `umount /run/netns/${c}; mount --bind "$stage/${c}" /run/netns/${c}`,
        'a name given to another namespace (mounted over it)': `mount --bind /run/netns/${b} /run/netns/${a}`,
        'two names swapped': `mount --bind "$stage/${b}" /run/netns/${a}; mount --bind "$stage/${a}" /run/netns/${b}`,
        'a namespace renamed': `: >/run/netns/${d}; mount --bind /run/netns/${c} /run/netns/${d}; umount /run/netns/${c}; rm /run/netns/${c}`,
        'an entry removed': `umount /run/netns/${c}; rm /run/netns/${c}`,
        'an entry added': `: >/run/netns/${d}; mount --bind "$stage/${c}" /run/netns/${d}`,
        'a stale entry added': `: >/run/netns/stale`,
        'an id given (the files unchanged)': `ip netns set ${c} 42`,
        'an id given to a namespace mounted over a name': `ip netns set ${e} 43; mount --bind /run/netns/${e} /run/netns/${b}`,
      };
      const script = `set -e
stage=$1 home=$2 a=$3 b=$4 c=$5 e=$6 nsread=$7 change=$8
mount -t tmpfs -o size=64k,mode=700 netplumb-test "$stage"
for n in "$home" "$a" "$b" "$c" "$e"; do : >"$stage/$n"; mount --bind "/run/netns/$n" "$stage/$n"; done
mount -t tmpfs -o size=64k,mode=755 netplumb-test /run/netns
for n in "$home" "$a" "$b" "$c" "$e"; do : >"/run/netns/$n"; mount --bind "$stage/$n" "/run/netns/$n"; done
# Ids kept by the scratch root from one run to the next: given once.
ip netns exec "$home" ip netns set "$a" 7 2>/dev/null || true
ip netns exec "$home" ip netns set "$b" 8 2>/dev/null || true
export stage
exec ip netns exec "$home" "$nsread" netns-same sh -ec "$change"`;
      try {
        for (const ns of [home, a, b, c, e]) await must(['ip', 'netns', 'add', ns]);
        const said: Record<string, { same: number; relisted: number; notified: number }> = {};
        for (const [name, change] of Object.entries(changes)) {
          const r = inPrivateMounts(stage, script, [stage, home, a, b, c, e, bin, change]);
          expect(r.status, `${name}: ${r.stderr}`).toBe(0);
          const m = /^same (-?\d) relisted (\d) notified (\d)$/m.exec(r.stdout);
          expect(m, `${name}: ${r.stdout}`).not.toBeNull();
          said[name] = { same: Number(m![1]), relisted: Number(m![2]), notified: Number(m![3]) };
        }
        for (const [name, s] of Object.entries(said)) {
          // Never a list kept (same, nothing notified) that a second listing would not give.
          if (s.same === 1 && s.notified === 0) expect(s.relisted, name).toBe(1);
          // Every change that alters the list is seen by one witness or the other.
          if (s.relisted === 0) expect(s.same !== 1 || s.notified === 1, name).toBe(true);
        }
        // Where nothing changed (or the same namespace came back), the stat alone keeps the list.
        expect(said.none).toEqual({ same: 1, relisted: 1, notified: 0 });
        expect(said['the same namespace mounted again at its name']).toEqual({
          same: 1,
          relisted: 1,
          notified: 0,
        });
        // Names that lead elsewhere are caught by the stat, whether or not the listed ids differ.
        for (const name of ['a name given to another namespace (mounted over it)', 'two names swapped'])
          expect(said[name].same, name).toBe(0);
        // An id given leaves every file as it was: only the subscription tells.
        expect(said['an id given (the files unchanged)']).toEqual({ same: 1, relisted: 0, notified: 1 });
      } finally {
        await cleanupPrefix(p);
      }
    });

    it('fingerprints taken on several threads equal those of one thread', async () => {
      const p = uniquePrefix();
      const names = Array.from({ length: 24 }, (_, i) => `${p}n${i}`);
      const home = `${p}r`;
      try {
        for (const ns of [home, ...names]) await must(['ip', 'netns', 'add', ns]);
        // Different contents: some with a veth to the scratch root and an address, some bare.
        for (const [i, ns] of names.entries())
          if (i % 2)
            await must(
              ['ip', '-n', home, '-batch', '-'],
              execaRunner,
              [`link add name v${i} type veth peer name eth0 netns ${ns}`, `link set dev v${i} up`, ''].join(
                '\n',
              ),
            );
        const want = Object.fromEntries(names.map((n) => [n, '-']));
        let same = false;
        for (let k = 0; k < 20 && !same; k++) {
          const runs = [1, 2, 4, 1].map((t) => nsread(home, '-', want, t));
          const fps = runs.map((r) => JSON.stringify([...r].map(([n, x]) => [n, x.fp]).sort()));
          same = fps.every((f) => f === fps[0]);
          // Each namespace and the root once, with a fingerprint.
          for (const r of runs) {
            expect([...r.keys()].sort()).toEqual(['', ...names].sort());
            for (const x of r.values()) expect(x.fp).toMatch(/^[0-9a-f]{64}$/);
          }
          if (!same) await sleep(250); // an address still settling: try again
        }
        expect(same, 'one thread and 2 or 4 threads give the same fingerprints').toBe(true);
      } finally {
        await cleanupPrefix(p);
      }
    }, 120_000);

    it('drift in the real root (a port unbridged, a port down) shows in readLive through nsread as through the fan-out', async () => {
      const p = uniquePrefix();
      const run = tempRunDir();
      const doc = {
        version: 1,
        name: `${p}-root`,
        nodes: [
          { id: 'h1', name: `${p}h1`, kind: 'namespace' },
          { id: 'h2', name: `${p}h2`, kind: 'namespace' },
          { id: 'br', name: `${p}br`, kind: 'bridge' },
        ],
        links: ['1', '2'].map((i) => ({
          id: `l${i}`,
          a: { node: `h${i}`, ifname: 'eth0', addresses: [`10.0.0.${i}/24`] },
          b: { node: 'br', ifname: `${p}p${i}` },
        })),
      };
      const read = () =>
        readLive(execaRunner, { namespaces: [`${p}h1`, `${p}h2`], includeRoot: true, peerNames: false });
      const ours = (k: Awaited<ReturnType<typeof read>>) =>
        Object.values(k.namespaces[''].ifaces).filter((f) => f.name.startsWith(p));
      try {
        useNsread(bin);
        expect((await applyDocument(doc, { runDir: run.dir })).result?.ok).toBe(true);
        await read();
        await read(); // the root's read is cached now, when nothing else changed it meanwhile
        for (const argv of [
          ['ip', 'link', 'set', 'dev', `${p}p1`, 'nomaster'],
          ['ip', 'link', 'set', 'dev', `${p}p2`, 'down'],
        ]) {
          await must(argv);
          const fast = await read();
          // Read, not served from the cache: whole, or by the links that changed (mergeRootDelta).
          expect(lastReaderStats()).toMatchObject({ used: true });
          expect(['read', 'delta']).toContain(lastReaderStats().root);
          useNsread(false);
          const slow = await read();
          useNsread(bin);
          expect(ours(fast)).toEqual(ours(slow));
        }
        const last = ours(await read());
        expect(last.find((f) => f.name === `${p}p1`)?.master).toBeUndefined();
        expect(last.find((f) => f.name === `${p}p2`)?.up).toBe(false);
        expect(last.find((f) => f.name === `${p}p2`)?.master).toBe(`${p}br`);
      } finally {
        useNsread(undefined);
        await destroyLab(doc.name, { runDir: run.dir }).catch(() => undefined);
        await cleanupPrefix(p);
        run.remove();
      }
    }, 120_000);
  },
);
