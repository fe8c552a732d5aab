/**
 * The read cache's record of a check (live-reader.ts `check`, read-cache.ts
 * `checked`): an output is checked before it is cached, an entry cached
 * unchecked (primed after an apply) is checked on its first hit, and a hit on
 * an entry checked under the same schemas is not checked again, so that a
 * new process (the CLI) does not check every unchanged namespace of a lab.
 * nsread is played by a recording runner (its answers are the test's); the
 * entries live in root's real cache directory under unique names, removed
 * after. Needs root (the cache is root's only).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_SCHEMA_ID } from './ip-json';
import { primeReads, readLive, storePrimedReads } from './live-read';
import { readJobs, useNsread, type NsJob, type ReadJobsOptions } from './live-reader';
import { cacheDir, dropEntry } from './read-cache';
import { recordingRunner } from './runner';
import { RULES_AND_NEIGHS } from './test-support/iproute2-samples';

const BATCH = 'address show\nroute show table all\nrule show\nneigh show nud permanent nud noarp\n';
const tag = `rc${randomBytes(3).toString('hex')}`;
const names = [`${tag}a`, `${tag}b`];
const fpOf = (n: number) => n.toString(16).repeat(64).slice(0, 64);
/** A namespace's `ip -j -d -batch` output (links, routes, rules, neighbours). */
const out = (ifindex: unknown) =>
  `${JSON.stringify([{ ifindex, ifname: 'lo', flags: ['LOOPBACK', 'UP'], addr_info: [] }])}\n[]\n${RULES_AND_NEIGHS}`;

/** A runner playing nsread: every namespace `status` with fingerprint `fp` and output `stdout`. */
function nsread(status: 'read' | 'hit', fp: string, stdout: string) {
  return recordingRunner((argv) => {
    expect(argv[1]).toBe('read');
    const rec = (ns: string) =>
      [ns, status, fp, '1', '0', '', status === 'read' ? stdout : '', ''].map((f) => f + '\0').join('');
    return { exitCode: 0, stdout: names.map(rec).join(''), stderr: '' };
  }).run;
}
const jobs: NsJob[] = names.map((ns) => ({
  ns,
  kind: 'batch',
  job: { argv: ['ip', '-j', '-d', '-n', ns, '-batch', '-'], input: BATCH },
}));
/** A check that counts its runs and refuses an output with the word "bad" in it. */
function counting(id = 'schemas 1') {
  const seen: string[] = [];
  const check: NonNullable<ReadJobsOptions['check']> = {
    id,
    run: (ns, stdout) => {
      seen.push(ns);
      if (stdout.includes('bad')) throw new Error('not of the shape');
    },
  };
  return { check, seen };
}

describe.skipIf(process.geteuid?.() !== 0 || !cacheDir())('the read cache remembers a checked output', () => {
  // A fake path: the recording runner answers in nsread's place (readerFor takes any runner then).
  beforeAll(() => useNsread('/nonexistent/nsread'));
  const forget = () => names.forEach((ns) => dropEntry(cacheDir()!, ns));
  afterEach(forget);
  afterAll(() => useNsread(undefined));

  it('checks a full read before caching it, and not again when it is found unchanged', async () => {
    const { check, seen } = counting();
    const first = await readJobs(nsread('read', fpOf(1), out(1)), jobs, { check });
    expect(first.map((r) => r.checked)).toEqual([true, true]);
    expect(seen).toEqual(names);
    const again = await readJobs(nsread('hit', fpOf(1), ''), jobs, { check });
    expect(again.map((r) => [r.stdout, r.checked])).toEqual(names.map(() => [out(1), true]));
    expect(seen).toEqual(names);
  });

  it('checks an entry cached unchecked (primed) on its first hit only, and again under other schemas', async () => {
    await readJobs(nsread('read', fpOf(2), out(2)), jobs, { prime: true });
    const { check, seen } = counting();
    const hit = () => readJobs(nsread('hit', fpOf(2), ''), jobs, { check });
    expect((await hit()).map((r) => r.checked)).toEqual([true, true]);
    expect((await hit()).map((r) => r.checked)).toEqual([true, true]);
    expect(seen).toEqual(names);
    const other = counting('schemas 2');
    await readJobs(nsread('hit', fpOf(2), ''), jobs, { check: other.check });
    expect(other.seen).toEqual(names);
  });

  it("an apply's primes are checked as they are stored: the first hit after it checks nothing again", async () => {
    // The two ways an apply primes: a pass of reads after its writes, and reads made in its writes.
    await primeReads(nsread('read', fpOf(6), out(6)), names);
    const { check, seen } = counting(BATCH_SCHEMA_ID);
    const hit = await readJobs(nsread('hit', fpOf(6), ''), jobs, { check });
    expect(hit.map((r) => [r.stdout, r.checked])).toEqual(names.map(() => [out(6), true]));
    forget();
    storePrimedReads(new Map(names.map((ns) => [ns, { fp: fpOf(7), stdout: out(7) }])));
    const again = await readJobs(nsread('hit', fpOf(7), ''), jobs, { check });
    expect(again.map((r) => [r.stdout, r.checked])).toEqual(names.map(() => [out(7), true]));
    expect(seen).toEqual([]);
    // A prime of a shape the schemas refuse is stored unchecked: the read that finds it checks it, and fails.
    forget();
    storePrimedReads(new Map(names.map((ns) => [ns, { fp: fpOf(8), stdout: out('bad') }])));
    const bad = await readJobs(nsread('hit', fpOf(8), ''), jobs, { check });
    expect(bad.map((r) => r.checked)).toEqual([undefined, undefined]);
    expect(seen).toEqual(names);
  });

  it('an output the check refuses is never marked checked, however often it is found', async () => {
    const { check, seen } = counting();
    const first = await readJobs(nsread('read', fpOf(3), out('bad')), jobs, { check });
    expect(first.map((r) => r.checked)).toEqual([undefined, undefined]);
    const again = await readJobs(nsread('hit', fpOf(3), ''), jobs, { check });
    expect(again.map((r) => [r.stdout, r.checked])).toEqual(names.map(() => [out('bad'), undefined]));
    expect(seen).toEqual([...names, ...names]);
  });

  it('readLive checks what it has not checked before: a bad shape read in full is refused, every time', async () => {
    const read = (runner: ReturnType<typeof nsread>) =>
      readLive(runner, { namespaces: names, includeRoot: false, peerNames: false });
    await expect(read(nsread('read', fpOf(4), out('1')))).rejects.toThrow(/unexpected shape at 0\.ifindex/);
    await expect(read(nsread('hit', fpOf(4), ''))).rejects.toThrow(/unexpected shape at 0\.ifindex/);
    forget();
    const ok = await read(nsread('read', fpOf(5), out(1)));
    expect(Object.keys(ok.namespaces[names[0]].ifaces)).toEqual(['lo']);
    const hit = await read(nsread('hit', fpOf(5), ''));
    expect(hit).toEqual(ok);
  });
});
