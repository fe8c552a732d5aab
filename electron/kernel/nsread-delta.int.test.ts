/**
 * The root read by its changed links only (issue 13; plan_delta in
 * native/nsread.c, mergeRootDelta in live-reader.ts), on the real kernel.
 * When the root changed since the read the caller caches, `nsread serve`
 * compares the new fingerprint's link and address digests with those of
 * that read and asks ip only for the interfaces that differ (and the routes
 * and the netns list, read whole); the caller puts them into its cached
 * table. The rule tested: whatever changed, the root's state made from
 * that merge is the state made from a whole read taken at the same time,
 * read after read (each merge is the next one's cache), and a link removed
 * or renamed is read whole (another link's element may name it).
 *
 * The root here is a scratch namespace (`ip netns exec`) with a private
 * /run/netns: other test files change the real root all the time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_NS } from '../../shared/plan/kstate';
import { readLive, ROOT_BATCH } from './live-read';
import { mergeRootDelta, parseRecords } from './live-reader';
import { answerAssembler, execaRunner, recordingRunner, serveRequest, type RunResult } from './runner';
import { cleanupPrefix, uniquePrefix } from './test-support/lab-fixture';
import { buildTestNsread } from './test-support/nsread-bin';
import { inPrivateMounts, PRIVATE_NETNS, startInPrivateNetns } from './test-support/private-netns';
import { must } from './test-support/scratch-netns';

const { bin, skip, remove } = buildTestNsread();
const work = mkdtempSync(path.join(tmpdir(), 'netplumb-delta-'));
afterAll(() => {
  remove();
  rmSync(work, { recursive: true, force: true });
});

const BATCH = 'address show\n';
const READ_ARGS = ['read', '4', BATCH, `--root=${ROOT_BATCH}`];

/** `nsread serve` in `home` (its root), spoken to as runner.ts does: one request at a time. */
function serveIn(home: string, prefix: string) {
  const proc = startInPrivateNetns(path.join(work, `stage-${home}`), prefix, home, [bin, 'serve']);
  const answers = answerAssembler();
  let waiting: { resolve: (r: RunResult) => void; reject: (e: Error) => void } | undefined;
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.on('exit', (code) => waiting?.reject(new Error(`nsread serve ended (${code}): ${stderr}`)));
  proc.stdout.on('data', (d: Buffer) => {
    const r = answers.push(d);
    if (r && waiting) waiting.resolve(r);
  });
  return {
    /** The root's record of a read whose cache holds `fp` ("-": nothing). */
    async root(fp: string) {
      const r = await new Promise<RunResult>((resolve, reject) => {
        waiting = { resolve, reject };
        proc.stdin.write(serveRequest(READ_ARGS, `\t${fp}\t0\n`));
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const rec = parseRecords(r.stdout)?.get('');
      expect(rec, r.stdout).toBeDefined();
      return rec!;
    },
    stop: () => proc.stdin.end(),
  };
}

/** A whole read of `home`'s root by nsread alone (no server: nothing of the server's is touched). */
function wholeRead(home: string, prefix: string) {
  const stage = path.join(work, `stage-whole-${home}`);
  const r = inPrivateMounts(stage, PRIVATE_NETNS, [stage, prefix, home, bin, ...READ_ARGS], {
    input: '\t-\t0\n',
  });
  expect(r.status, r.stderr).toBe(0);
  return parseRecords(r.stdout)!.get('')!;
}

/** The root's state as the engine makes it from the root batch's output `text`. */
async function stateOf(text: string) {
  const { run } = recordingRunner((argv, opts) =>
    argv.join(' ') === 'ip -j -d -batch -' && opts?.input === ROOT_BATCH
      ? { exitCode: 0, stdout: text, stderr: '' }
      : { exitCode: 0, stdout: '', stderr: '' },
  );
  const s = await readLive(run, { namespaces: [], includeRoot: true, peerNames: false });
  return s.namespaces[ROOT_NS];
}

/** `ip -n home ...` lines, one batch; fails the test when one fails. */
const ipIn = (home: string, lines: string[]) =>
  must(['ip', '-n', home, '-batch', '-'], execaRunner, lines.join('\n') + '\n');

type Change = { name: string; whole: boolean; lines: (k: number) => string[] };
/**
 * Changes by hand in the scratch root (bridge br; ports pa, pb with their
 * peers in another namespace; a veth pair va/vb; a pool of veth pairs dN/eN
 * to remove; wa, renamed again and again), k: a number of the run's own.
 */
function changesIn(indexOf: ReadonlyMap<string, number>): { changes: Change[]; reusedLast: () => boolean } {
  let removed = 0;
  let reused = 0;
  let reusedNow = false;
  let wa = 'wa';
  const rename = (k: number) => {
    const was = wa;
    wa = `w${k}`;
    return [`link set dev ${was} down`, `link set dev ${was} name ${wa}`, `link set dev ${wa} up`];
  };
  // A link made with the number of one removed in an earlier run (below the highest: d99 stays).
  const reuse = (k: number) => {
    reusedNow = reused < removed;
    return reusedNow
      ? [`link add name z${k} index ${indexOf.get(`d${reused++}`)} type veth peer name y${k}`]
      : [];
  };
  const changes: Change[] = [
    {
      name: 'a port added',
      whole: false,
      lines: (k) => [
        `link add name n${k} type veth peer name m${k}`,
        `link set dev n${k} master br`,
        `link set dev n${k} up`,
      ],
    },
    { name: 'an MTU', whole: false, lines: (k) => [`link set dev va mtu ${1300 + k}`] },
    {
      name: 'a port set down and up',
      whole: false,
      lines: () => ['link set dev pb down', 'link set dev pb up'],
    },
    { name: 'a link set down', whole: false, lines: () => ['link set dev vb down'] },
    { name: 'a link set up', whole: false, lines: () => ['link set dev vb up'] },
    { name: 'an IPv4 address', whole: false, lines: (k) => [`address add 10.77.${k}.1/24 dev br`] },
    { name: 'an IPv6 address', whole: false, lines: (k) => [`address add fd77::${k + 1}/64 dev va nodad`] },
    { name: 'addresses flushed', whole: false, lines: () => ['address flush dev br scope global'] },
    { name: 'a port released', whole: false, lines: () => ['link set dev pa nomaster'] },
    { name: 'a port enslaved', whole: false, lines: () => ['link set dev pa master br'] },
    {
      name: "a port's cost",
      whole: false,
      lines: (k) => [`link set dev pb type bridge_slave cost ${10 + k}`],
    },
    {
      name: "the bridge's ageing time",
      whole: false,
      lines: (k) => [`link set dev br type bridge ageing_time ${2000 + k}`],
    },
    {
      name: 'a static route',
      whole: false,
      lines: (k) => ['link set dev br up', `route add 10.78.${k}.0/24 dev br proto static`],
    },
    {
      name: 'a route of protocol boot',
      whole: false,
      lines: (k) => ['link set dev br up', `route add 10.79.${k}.0/24 dev br`],
    },
    { name: 'a link renamed', whole: true, lines: rename },
    { name: 'a link removed', whole: true, lines: () => [`link del dev d${removed++}`] },
    { name: 'a link made with the number of one that went', whole: false, lines: reuse },
  ];
  return {
    changes,
    // Whether the last `reuse` made one (then the read must be whole: another element may name that number).
    reusedLast: () => {
      const r = reusedNow;
      reusedNow = false;
      return r;
    },
  };
}
/** How many veth pairs there are to remove: more than a run can pick. */
const POOL = 100;

describe.skipIf(!!skip)(`the root read by its changed links${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('after any changes by hand, the merge of the cached read and the changed links is the whole read, read after read; a removal or a rename is read whole', async () => {
    const p = uniquePrefix();
    const [home, x] = [`${p}r`, `${p}x`];
    let server: ReturnType<typeof serveIn> | undefined;
    try {
      for (const ns of [home, x]) await must(['ip', 'netns', 'add', ns]);
      await ipIn(home, [
        'link add name br type bridge',
        `link add name pa type veth peer name eth0 netns ${x}`,
        `link add name pb type veth peer name eth1 netns ${x}`,
        'link add name va type veth peer name vb',
        'link set dev pa master br',
        'link set dev pb master br',
        'link add name wa type veth peer name wb',
        ...Array.from({ length: POOL }, (_, i) => `link add name d${i} type veth peer name e${i}`),
        ...['pa', 'pb', 'va', 'vb', 'wa', 'wb', 'br'].map((l) => `link set dev ${l} up`),
      ]);
      const links = JSON.parse((await must(['ip', '-n', home, '-j', 'link', 'show'])).stdout) as {
        ifname: string;
        ifindex: number;
      }[];
      const { changes, reusedLast } = changesIn(new Map(links.map((l) => [l.ifname, l.ifindex])));
      server = serveIn(home, p);
      const srv = server;
      // The cache: the last stable read's fingerprint and text (a merge's when it was one).
      let first = await srv.root('-');
      for (let k = 0; !first.stable && k < 20; k++) first = await srv.root('-');
      expect(first.stable).toBe(true);
      let cache = { fp: first.fp, text: first.stdout };
      let k = 0;
      const seen = { delta: 0, whole: 0, compared: 0 };
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...changes), { minLength: 1, maxLength: 3 }),
          async (picked) => {
            let reusedNumber = false;
            for (const c of picked) {
              await ipIn(home, c.lines(++k));
              reusedNumber ||= reusedLast();
            }
            const rec = await srv.root(cache.fp);
            // A removal, a rename or a number that went reused is never merged.
            const whole = reusedNumber || picked.some((c) => c.whole);
            // Anything else may be read whole only when unstable.
            if (whole) expect(rec.status).toBe('read');
            else expect(['delta', 'hit'].includes(rec.status) || !rec.stable, rec.status).toBe(true);
            const text =
              rec.status === 'delta'
                ? mergeRootDelta(cache.text, rec.stdout)
                : rec.status === 'hit'
                  ? cache.text
                  : rec.stdout;
            expect(text, rec.stdout.slice(0, 200)).toBeDefined();
            if (rec.status !== 'hit') seen[rec.status === 'delta' ? 'delta' : 'whole']++;
            // The same moment read whole, by nsread alone; the kernel may still be settling (IPv6): until both are stable.
            let now = wholeRead(home, p);
            for (let t = 0; (now.fp !== rec.fp || !now.stable) && t < 20; t++) now = wholeRead(home, p);
            if (rec.stable && now.fp === rec.fp) {
              expect(await stateOf(text!)).toEqual(await stateOf(now.stdout));
              seen.compared++;
            }
            if (rec.stable) cache = { fp: rec.fp, text: text! };
          },
        ),
        // The kernel's state goes on from run to run: a shrunk run would start from another state.
        { numRuns: 30, endOnFailure: true },
      );
      // Most runs changed no link away: the merge was what the reads used, and each was compared.
      expect(seen.delta, JSON.stringify(seen)).toBeGreaterThan(seen.whole);
      expect(seen.compared, JSON.stringify(seen)).toBeGreaterThanOrEqual(25);
    } finally {
      server?.stop();
      await cleanupPrefix(p);
    }
  }, 180_000);
});
