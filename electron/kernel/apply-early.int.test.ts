/**
 * An apply of a lab that has a record takes the lab's lock and starts reading
 * its namespaces before it validates the file (engine.ts beginApply), and
 * uses that read only when the file's namespaces, and how they are read,
 * turn out the same (lab-scope.ts prepareLab). On the real kernel: the read
 * is asked first; a file that names a namespace made by hand, or that now
 * sets sysctls, is read again and planned as before; a refused file leaves
 * the lock free; a held lock still lets validation speak first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab } from './engine';
import { LabBusyError, LabStore } from './lab-store';
import { execaRunner, type Runner } from './runner';
import { hostSnapshot, useKernelLab } from './test-support/lab-fixture';
import { classicLab, richHostNet } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const lab = useKernelLab({ beforeEach, afterEach });

/** The real kernel through a runner that keeps each command line (so without nsread: one `ip` per read). */
function recording() {
  const calls: string[] = [];
  const run: Runner = (argv, opts) => {
    calls.push(argv.join(' '));
    return execaRunner(argv, opts);
  };
  return { run, calls };
}

/** The classic lab with an end in the root namespace: validating it asks the host's own addresses (checkHost). */
function withHostEnd(p: string) {
  const doc = classicLab(p);
  const [hostEnd, nsEnd] = richHostNet(p);
  doc.nodes.push({ id: 'host', name: 'host', kind: 'host' });
  doc.links.push({
    id: 'e',
    a: { node: 'host', ifname: `${p}hx`, addresses: [hostEnd] },
    b: { node: 'ns1', ifname: 'up0', addresses: [nsEnd] },
  });
  return doc;
}

/** `doc` with one more host on its bridge. */
function withHost(doc: ReturnType<typeof classicLab>, p: string, addr = '10.0.0.3/24') {
  const d = structuredClone(doc);
  d.nodes.push({ id: 'ns3', name: `${p}c`, kind: 'namespace' });
  d.links.push({
    id: 'l3',
    a: { node: 'ns3', ifname: 'eth0', addresses: [addr] },
    b: { node: 'br0', ifname: `${p}p3` },
  });
  return d;
}

const readsOf = (calls: string[], ns: string) => calls.filter((c) => c.includes(`-d -n ${ns} -batch`)).length;

describe.skipIf(!isRoot())(`an apply reads while it validates (${NOT_ROOT_REASON})`, () => {
  it("asks for the lab's namespaces before the host's own addresses, which validating the file reads, and reads them once", async () => {
    const o = { runDir: lab.run.dir };
    const doc = withHostEnd(lab.p);
    expect((await applyDocument(doc, o)).result?.ok).toBe(true);
    const r = recording();
    const a = await applyDocument(withHost(doc, lab.p), { ...o, runner: r.run });
    expect(a.result?.ok, JSON.stringify(a.problems)).toBe(true);
    const read = r.calls.findIndex((c) => c.includes(`-d -n ${lab.p}a -batch`));
    const host = r.calls.findIndex((c) => / -d address show$/.test(c));
    expect(read).toBeGreaterThanOrEqual(0);
    expect(host).toBeGreaterThan(read);
    expect(readsOf(r.calls, `${lab.p}a`)).toBe(1);

    // A lab without a record (its first apply, here after a destroy): validated first, as always.
    expect((await destroyLab(doc.name, o)).removed.length).toBeGreaterThan(0);
    const fresh = recording();
    expect((await applyDocument(doc, { ...o, runner: fresh.run })).result?.ok).toBe(true);
    const read2 = fresh.calls.findIndex((c) => c.includes(`-d -n ${lab.p}a -batch`));
    const host2 = fresh.calls.findIndex((c) => / -d address show$/.test(c));
    expect(host2).toBeGreaterThanOrEqual(0);
    expect(read2 === -1 || read2 > host2).toBe(true);
  });

  it('reads again, and refuses as before, when the file names a namespace that was made by hand', async () => {
    const o = { runDir: lab.run.dir };
    const doc = classicLab(lab.p);
    expect((await applyDocument(doc, o)).result?.ok).toBe(true);
    await execaRunner(['ip', 'netns', 'add', `${lab.p}c`]);
    const before = await hostSnapshot(lab.p);
    const r = recording();
    const a = await applyDocument(withHost(doc, lab.p), { ...o, runner: r.run });
    expect(a.result).toBeUndefined();
    expect(a.problems.map((x) => x.message).join('\n')).toContain(
      `Namespace "${lab.p}c" already exists on this host and was not made by netplumb`,
    );
    expect(await hostSnapshot(lab.p)).toEqual(before);
    // The read begun before validating did not have it: the lab was read again.
    expect(readsOf(r.calls, `${lab.p}a`)).toBe(2);
    expect(readsOf(r.calls, `${lab.p}c`)).toBe(1);
  });

  it('reads again with all its sysctls a namespace whose file now sets some: a value already set by hand is not written', async () => {
    const o = { runDir: lab.run.dir };
    const doc = classicLab(lab.p);
    expect((await applyDocument(doc, o)).result?.ok).toBe(true);
    const set = await execaRunner([
      'ip',
      'netns',
      'exec',
      `${lab.p}a`,
      'sysctl',
      '-qw',
      'net.ipv4.conf.all.proxy_arp=1',
    ]);
    expect(set.exitCode, set.stderr).toBe(0);
    const next = withHost(doc, lab.p);
    next.nodes[0] = {
      id: 'ns1',
      name: `${lab.p}a`,
      kind: 'namespace',
      sysctls: { 'net.ipv4.conf.all.proxy_arp': 1 },
    };
    const r = recording();
    const a = await applyDocument(next, { ...o, runner: r.run });
    expect(a.result?.ok, JSON.stringify(a.problems)).toBe(true);
    const sysctlWrites = (a.result?.changes ?? []).filter(
      (c) => c.op.op === 'sysctl-write' && c.ns === `${lab.p}a`,
    );
    expect(sysctlWrites).toEqual([]);
    expect(r.calls.some((c) => c.startsWith(`ip netns exec ${lab.p}a sh -c`))).toBe(true);
    // Its own sysctls changed back by hand: now there is one to write, and the apply writes it.
    await execaRunner(['ip', 'netns', 'exec', `${lab.p}a`, 'sysctl', '-qw', 'net.ipv4.conf.all.proxy_arp=0']);
    const again = await applyDocument(next, o);
    expect(again.result?.changes.filter((c) => c.op.op === 'sysctl-write').map((c) => c.ns)).toEqual([
      `${lab.p}a`,
    ]);
  });

  it('a refused file leaves the lock free and no lock file; a held lock still lets validation speak first', async () => {
    const o = { runDir: lab.run.dir };
    const doc = classicLab(lab.p);
    expect((await applyDocument(doc, o)).result?.ok).toBe(true);
    const bad = withHost(doc, lab.p);
    bad.links[2] = { ...bad.links[2], a: { ...bad.links[2].a, node: 'nowhere' } };
    const refused = await applyDocument(bad, o);
    expect(refused.result).toBeUndefined();
    expect(refused.problems.length).toBeGreaterThan(0);
    expect(existsSync(join(lab.run.dir, 'labs', doc.name, 'lock'))).toBe(false);
    expect((await applyDocument(withHost(doc, lab.p), o)).result?.ok).toBe(true);

    // Another request of this process holds the lab: the bad file is still told its problems,
    // a good one that the lab is busy.
    const release = new LabStore(lab.run.dir).lock(doc.name);
    try {
      const told = await applyDocument(bad, o);
      expect(told.problems.some((x) => x.severity === 'error')).toBe(true);
      await expect(applyDocument(doc, o)).rejects.toBeInstanceOf(LabBusyError);
    } finally {
      release();
    }
    expect((await applyDocument(doc, o)).result?.ok).toBe(true);
  });
});
