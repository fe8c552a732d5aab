/**
 * The engine on the real kernel: apply, read back, ping, status, minimal
 * re-plans, rollback after a failure at every step, foreign objects left
 * alone, one lock per lab. Every kernel name carries a unique prefix and is
 * removed in afterEach, even when a test fails.
 */
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, planDocument, statusDocument } from './engine';
import { execaRunner } from './runner';
import { LabStore } from './lab-store';
import { failingRunner, hostSnapshot, useKernelLab } from './test-support/lab-fixture';
import { classicLab, richLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const lab = useKernelLab({ beforeEach, afterEach });

const ping = async (ns: string, to: string) =>
  (await execaRunner(['ip', 'netns', 'exec', ns, 'ping', '-c1', '-W2', to])).exitCode === 0;

describe.skipIf(!root)(`engine on the real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  it('applies the classic lab: namespaces, bridge ports, addresses as read back by ip -j; ping works both ways', async () => {
    const doc = classicLab(lab.p);
    const a = await applyDocument(doc, { runDir: lab.run.dir });
    expect(a.result?.error).toBeUndefined();
    expect(a.result?.ok).toBe(true);
    const links = JSON.parse(
      (await execaRunner(['ip', '-j', '-d', 'link', 'show', 'master', `${lab.p}br`])).stdout,
    );
    expect(links.map((l: { ifname: string }) => l.ifname).sort()).toEqual([`${lab.p}p1`, `${lab.p}p2`]);
    const addrs = JSON.parse(
      (await execaRunner(['ip', '-j', '-n', `${lab.p}a`, 'address', 'show', 'dev', 'eth0'])).stdout,
    );
    expect(addrs[0].addr_info.map((x: { local: string }) => x.local)).toEqual(
      expect.arrayContaining(['10.0.0.1', 'fd00::1']),
    );
    const link = JSON.parse(
      (await execaRunner(['ip', '-j', '-n', `${lab.p}a`, 'link', 'show', 'dev', 'eth0'])).stdout,
    );
    expect(link[0].ifalias).toBe(`netplumb:${lab.p}-classic:l1:a`);
    expect(await ping(`${lab.p}a`, '10.0.0.2')).toBe(true);
    expect(await ping(`${lab.p}b`, '10.0.0.1')).toBe(true);
    expect(await ping(`${lab.p}a`, 'fd00::2')).toBe(true);

    const s = await statusDocument(doc, { runDir: lab.run.dir });
    expect(s).toMatchObject({ inSync: true, applied: true, drift: [] });
    expect((await planDocument(doc, { runDir: lab.run.dir })).changes).toEqual([]);

    const d = await destroyLab(doc.name, { runDir: lab.run.dir });
    expect(d.removed.length).toBeGreaterThan(0);
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
  });

  it('re-plans minimally on a running lab and reports drift made by hand', async () => {
    const doc = classicLab(lab.p);
    await applyDocument(doc, { runDir: lab.run.dir });
    // Add one host.
    const bigger = structuredClone(doc);
    bigger.nodes.push({ id: 'ns3', name: `${lab.p}c`, kind: 'namespace' });
    bigger.links.push({
      id: 'l3',
      a: { node: 'ns3', ifname: 'eth0', addresses: ['10.0.0.3/24'] },
      b: { node: 'br0', ifname: `${lab.p}p3` },
    });
    const plan = await planDocument(bigger, { runDir: lab.run.dir });
    expect(plan.changes.every((c) => c.target.nodeId === 'ns3' || c.target.linkId === 'l3')).toBe(true);
    const applied = await applyDocument(bigger, { runDir: lab.run.dir });
    expect(applied.problems).toEqual([]);
    expect(applied.result?.ok).toBe(true);
    expect(await ping(`${lab.p}c`, '10.0.0.1')).toBe(true);
    // Change an address: exactly one delete and one add.
    const moved = structuredClone(bigger);
    moved.links[2].a.addresses = ['10.0.0.33/24'];
    const p2 = await planDocument(moved, { runDir: lab.run.dir });
    expect(p2.changes.map((c) => c.argv.join(' '))).toEqual([
      `ip -n ${lab.p}c address delete 10.0.0.3/24 dev eth0`,
      `ip -n ${lab.p}c address add 10.0.0.33/24 dev eth0`,
    ]);
    await applyDocument(moved, { runDir: lab.run.dir });
    // Drift made by hand shows in status, and a plain apply repairs it (no namespace is assumed in sync).
    await execaRunner(['ip', '-n', `${lab.p}a`, 'address', 'delete', '10.0.0.1/24', 'dev', 'eth0']);
    await execaRunner(['ip', 'link', 'set', 'dev', `${lab.p}p2`, 'down']);
    // The file sets no MTU: a veth's is the kernel's 1500, so 1300 was set by hand.
    await execaRunner(['ip', 'link', 'set', 'dev', `${lab.p}p1`, 'mtu', '1300']);
    const s = await statusDocument(moved, { runDir: lab.run.dir });
    expect(s.inSync).toBe(false);
    expect(s.drift.map((d) => `${d.state} ${d.kind} ${d.linkId ?? d.nodeId}`).sort()).toEqual([
      'changed interface l1',
      'changed interface l2',
      'missing address l1',
    ]);
    expect(s.drift.filter((d) => d.kind === 'interface').map((d) => d.detail)).toEqual(
      expect.arrayContaining([
        `${lab.p}p2 in the root namespace is down, the file says up`,
        `mtu of ${lab.p}p1 in the root namespace is 1300, as set by hand: the file does not set it, and a new veth has 1500`,
      ]),
    );
    const repaired = await applyDocument(moved, { runDir: lab.run.dir });
    expect(repaired.result?.steps).toBeGreaterThan(0);
    expect((await statusDocument(moved, { runDir: lab.run.dir })).inSync).toBe(true);
    expect(await ping(`${lab.p}a`, '10.0.0.2')).toBe(true);
    // Remove the link again: only that link (namespace) goes.
    const p3 = await planDocument(doc, { runDir: lab.run.dir });
    expect(p3.changes.map((c) => c.argv.join(' '))).toEqual([`ip netns delete ${lab.p}c`]);
  });

  it('applies a rich lab (router, bridge in a namespace, host end, STP, MTU, MAC, IPv6, sysctls) and routes across it', async () => {
    const doc = richLab(lab.p);
    const a = await applyDocument(doc, { runDir: lab.run.dir });
    expect(a.result?.error).toBeUndefined();
    expect(await ping(`${lab.p}h1`, '10.2.0.13')).toBe(true);
    expect(await ping(`${lab.p}h3`, '10.1.0.12')).toBe(true);
    expect(await ping(`${lab.p}h1`, 'fd01::1')).toBe(true);
    const fwd = await execaRunner([
      'ip',
      'netns',
      'exec',
      `${lab.p}r1`,
      'sysctl',
      '-n',
      'net.ipv4.ip_forward',
      'net.ipv4.conf.all.rp_filter',
    ]);
    expect(fwd.stdout.trim().split('\n')).toEqual(['1', '2']);
    const stp = JSON.parse(
      (await execaRunner(['ip', '-j', '-d', 'link', 'show', 'dev', `${lab.p}stp`])).stdout,
    )[0];
    expect(stp.linkinfo.info_data.stp_state).toBe(1);
    const sw = JSON.parse(
      (await execaRunner(['ip', '-j', '-d', 'link', 'show', 'dev', `${lab.p}sw`])).stdout,
    )[0];
    expect(sw.mtu).toBe(1400);
    expect((await statusDocument(doc, { runDir: lab.run.dir })).inSync).toBe(true);
    await destroyLab(doc.name, { runDir: lab.run.dir });
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
  });

  it('a /32 point-to-point lab: next hops reached only through a route without one are applied after it, and packets flow', async () => {
    // As Kathará and containerlab labs write it: no shared subnet, a host route to the peer, routes via it.
    const doc = {
      version: 1,
      name: `${lab.p}-ptp`,
      nodes: [
        {
          id: 'a',
          name: `${lab.p}a`,
          kind: 'namespace' as const,
          routes: [
            { to: '10.77.0.0/24', via: '10.99.0.1' },
            { to: '10.99.0.1/32', dev: 'eth0' },
          ],
        },
        {
          id: 'r',
          name: `${lab.p}r`,
          kind: 'namespace' as const,
          routes: [{ to: '10.1.0.1/32', dev: 'eth0' }],
        },
      ],
      links: [
        {
          id: 'l1',
          a: { node: 'a', ifname: 'eth0', addresses: ['10.1.0.1/32'] },
          b: { node: 'r', ifname: 'eth0', addresses: ['10.99.0.1/32', '10.77.0.1/32'] },
        },
      ],
    };
    const a = await applyDocument(doc, { runDir: lab.run.dir });
    expect(a.result?.error).toBeUndefined();
    expect(a.result?.ok).toBe(true);
    const routes = JSON.parse((await execaRunner(['ip', '-j', '-n', `${lab.p}a`, 'route', 'show'])).stdout);
    expect(
      routes.map((r: { dst: string; gateway?: string }) => `${r.dst} ${r.gateway ?? ''}`.trim()).sort(),
    ).toEqual(['10.77.0.0/24 10.99.0.1', '10.99.0.1']);
    expect(await ping(`${lab.p}a`, '10.77.0.1')).toBe(true);
    expect((await planDocument(doc, { runDir: lab.run.dir })).changes).toEqual([]);
    // The host route deleted by hand: the repair puts it back (the route through it stayed).
    await execa('ip', ['-n', `${lab.p}a`, 'route', 'delete', '10.99.0.1/32', 'dev', 'eth0']);
    expect(await statusDocument(doc, { runDir: lab.run.dir })).toMatchObject({ inSync: false });
    expect((await applyDocument(doc, { runDir: lab.run.dir })).result?.ok).toBe(true);
    expect(await ping(`${lab.p}a`, '10.77.0.1')).toBe(true);
    expect(await statusDocument(doc, { runDir: lab.run.dir })).toMatchObject({ inSync: true });
    await destroyLab(doc.name, { runDir: lab.run.dir });
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
  });

  it('rolls back a failure at every step of a fresh apply, leaving the host unchanged', async () => {
    const doc = richLab(lab.p);
    const before = await hostSnapshot(lab.p);
    const plan = await planDocument(doc, { runDir: lab.run.dir });
    expect(plan.changes.length).toBeGreaterThan(30);
    for (let k = 0; k < plan.changes.length; k++) {
      const r = await applyDocument(doc, { runDir: lab.run.dir, runner: failingRunner(plan.changes, k) });
      expect(r.result?.ok, `step ${k}`).toBe(false);
      expect(r.result?.failedStep, `step ${k}`).toBe(k);
      expect(r.result?.rolledBack, `step ${k}: ${r.result?.error}`).toBe(true);
      expect(
        await hostSnapshot(lab.p),
        `host after failure at step ${k}: ${plan.changes[k].argv.join(' ')}`,
      ).toEqual(before);
    }
  }, 300_000);

  it('rolls back a failure at every step of a change to a running lab, back to the lab as it was', async () => {
    const v1 = richLab(lab.p);
    expect((await applyDocument(v1, { runDir: lab.run.dir })).result?.ok).toBe(true);
    const before = await hostSnapshot(lab.p);
    const v2 = structuredClone(v1);
    v2.links[1].a.addresses = ['10.1.0.22/24'];
    v2.links[0].a.mtu = 1300;
    v2.links[0].b.mtu = 1300;
    v2.nodes[3] = {
      id: 'h3',
      name: `${lab.p}h3`,
      kind: 'namespace',
      routes: [{ to: '10.9.0.0/24', via: '10.2.0.1' }],
    };
    v2.links = v2.links.filter((l) => l.id !== 'e');
    v2.nodes.push({ id: 'h4', name: `${lab.p}h4`, kind: 'namespace' });
    v2.links.push({
      id: 'f',
      a: { node: 'h4', ifname: 'eth0', addresses: ['10.1.0.14/24'] },
      b: { node: 'sw', ifname: `${lab.p}s4`, mtu: 1400 },
    });
    const plan = await planDocument(v2, { runDir: lab.run.dir });
    expect(plan.changes.length).toBeGreaterThan(8);
    for (let k = 0; k < plan.changes.length; k++) {
      const r = await applyDocument(v2, { runDir: lab.run.dir, runner: failingRunner(plan.changes, k) });
      expect(r.result?.rolledBack, `step ${k}: ${r.result?.error}`).toBe(true);
      expect(
        await hostSnapshot(lab.p),
        `after failure at step ${k}: ${plan.changes[k].argv.join(' ')}`,
      ).toEqual(before);
      expect((await statusDocument(v1, { runDir: lab.run.dir })).inSync, `status after step ${k}`).toBe(true);
    }
    const final = await applyDocument(v2, { runDir: lab.run.dir });
    expect(final.result?.error).toBeUndefined();
    expect((await statusDocument(v2, { runDir: lab.run.dir })).drift).toEqual([]);
  }, 300_000);

  it('a failure while repairing drift made by hand: the rollback leaves that drift as it was (it does not finish the repair)', async () => {
    const doc = richLab(lab.p);
    expect((await applyDocument(doc, { runDir: lab.run.dir })).result?.ok).toBe(true);
    const h1 = `${lab.p}h1`;
    // Made by hand: a rule to table 100, a route there, a permanent neighbour entry.
    await execaRunner(['ip', '-n', h1, 'rule', 'add', 'from', 'all', 'lookup', '100', 'pref', '10']);
    await execaRunner(['ip', '-n', h1, 'route', 'add', '10.77.0.0/24', 'dev', 'eth0', 'table', '100']);
    await execaRunner([
      'ip',
      '-n',
      h1,
      'neigh',
      'replace',
      '10.1.0.99',
      'lladdr',
      '02:de:ad:00:00:01',
      'dev',
      'eth0',
      'nud',
      'permanent',
    ]);
    const drift = (await statusDocument(doc, { runDir: lab.run.dir })).drift;
    expect(drift.length).toBe(3);
    const plan = await planDocument(doc, { runDir: lab.run.dir });
    expect(plan.changes).toHaveLength(3);
    const handMade = async () =>
      [
        (await execaRunner(['ip', '-n', h1, 'rule', 'show', 'pref', '10'])).stdout.trim(),
        (await execaRunner(['ip', '-n', h1, 'route', 'show', 'table', '100'])).stdout.trim(),
        (await execaRunner(['ip', '-n', h1, 'neigh', 'show', 'nud', 'permanent'])).stdout.trim(),
      ].join('\n');
    const before = await handMade();
    for (let k = 0; k < plan.changes.length; k++) {
      const r = await applyDocument(doc, { runDir: lab.run.dir, runner: failingRunner(plan.changes, k) });
      expect(r.result?.failedStep, `step ${k}`).toBe(k);
      expect(r.result?.rolledBack, `step ${k}: ${r.result?.error}`).toBe(true);
      expect(r.result?.error).toContain('the host is as it was');
      expect(await handMade(), `after a failure at step ${k}`).toBe(before);
      expect((await statusDocument(doc, { runDir: lab.run.dir })).drift, `status after step ${k}`).toEqual(
        drift,
      );
    }
    expect((await applyDocument(doc, { runDir: lab.run.dir })).result?.ok).toBe(true);
    expect((await statusDocument(doc, { runDir: lab.run.dir })).inSync).toBe(true);
  }, 120_000);

  it('never deletes what the kernel would take with a lab interface: a macvlan on a veth end, a peer marked for another lab', async () => {
    const doc = {
      version: 1,
      name: `${lab.p}-direct`,
      nodes: [
        { id: 'a', name: `${lab.p}a`, kind: 'namespace' as const },
        { id: 'b', name: `${lab.p}b`, kind: 'namespace' as const },
      ],
      links: [
        {
          id: 'l1',
          a: { node: 'a', ifname: 'eth0', addresses: ['10.0.0.1/24'] },
          b: { node: 'b', ifname: 'eth0', addresses: ['10.0.0.2/24'] },
        },
      ],
    };
    expect((await applyDocument(doc, { runDir: lab.run.dir })).result?.ok).toBe(true);
    const [A, B] = [`${lab.p}a`, `${lab.p}b`];
    await execa('ip', [
      '-n',
      A,
      'link',
      'add',
      'name',
      'mv0',
      'link',
      'eth0',
      'type',
      'macvlan',
      'mode',
      'bridge',
    ]);
    // The pair broken by hand from the other end: re-making it would delete a's eth0, and mv0 with it.
    await execa('ip', ['-n', B, 'link', 'set', 'dev', 'eth0', 'down']);
    await execa('ip', ['-n', B, 'link', 'set', 'dev', 'eth0', 'name', 'eth9']);
    const r = await applyDocument(doc, { runDir: lab.run.dir });
    expect(r.result).toBeUndefined();
    expect(r.problems.map((p) => p.message).join(' ')).toMatch(
      /mv0 \(macvlan\), which netplumb did not make, sits on it/,
    );
    const exists = async (ns: string, dev: string) =>
      (await execa('ip', ['-n', ns, 'link', 'show', 'dev', dev], { reject: false })).exitCode === 0;
    expect(await exists(A, 'mv0')).toBe(true);
    await execa('ip', ['-n', A, 'link', 'delete', 'dev', 'mv0']);
    expect((await applyDocument(doc, { runDir: lab.run.dir })).result?.ok).toBe(true);
    expect(await ping(A, '10.0.0.2')).toBe(true);
    await destroyLab(doc.name, { runDir: lab.run.dir });

    // Destroy: a namespace's veth whose root end carries another lab's mark is not deleted with it.
    const classic = classicLab(lab.p);
    expect((await applyDocument(classic, { runDir: lab.run.dir })).result?.ok).toBe(true);
    const p2 = `${lab.p}p2`;
    const mark = JSON.parse((await execaRunner(['ip', '-j', 'link', 'show', 'dev', p2])).stdout)[0].ifalias;
    await execa('ip', ['link', 'set', 'dev', p2, 'alias', `netplumb:${lab.p}-other:x:b`]);
    await expect(destroyLab(classic.name, { runDir: lab.run.dir })).rejects.toThrow(
      /was refused\. Nothing was changed\..*carries the mark of netplumb lab/,
    );
    expect(await exists(`${lab.p}b`, 'eth0')).toBe(true);
    await execa('ip', ['link', 'set', 'dev', p2, 'alias', mark]);
    await destroyLab(classic.name, { runDir: lab.run.dir });
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
  });

  it('never touches a foreign namespace or interface, and refuses a name that collides with one', async () => {
    await execaRunner(['ip', 'netns', 'add', `${lab.p}fns`]);
    await execaRunner([
      'ip',
      'link',
      'add',
      'name',
      `${lab.p}fx`,
      'type',
      'veth',
      'peer',
      'name',
      `${lab.p}fy`,
    ]);
    await execaRunner(['ip', 'address', 'add', '10.77.0.1/24', 'dev', `${lab.p}fx`]);
    const before = await hostSnapshot(lab.p);
    const doc = classicLab(lab.p);
    await applyDocument(doc, { runDir: lab.run.dir });
    await statusDocument(doc, { runDir: lab.run.dir });
    await destroyLab(doc.name, { runDir: lab.run.dir });
    expect(await hostSnapshot(lab.p)).toEqual(before);

    const clash = classicLab(lab.p);
    clash.nodes[2].name = `${lab.p}fx`;
    clash.nodes[1].name = `${lab.p}fns`;
    const r = await applyDocument(clash, { runDir: lab.run.dir });
    expect(r.result).toBeUndefined();
    const text = r.problems.map((x) => x.message).join('\n');
    expect(text).toContain(
      `Interface "${lab.p}fx" already exists in the root namespace and was not made by netplumb`,
    );
    expect(text).toContain(
      `Namespace "${lab.p}fns" already exists on this host and was not made by netplumb`,
    );
    expect(await hostSnapshot(lab.p)).toEqual(before);
    const d = await destroyLab(clash.name, { runDir: lab.run.dir });
    expect(d.removed).toEqual([]);
    expect(await hostSnapshot(lab.p)).toEqual(before);
  });

  // The kernel tears a namespace deleted by hand down on its own time, and the root's end of each of its veth
  // pairs goes with it: here that happens after the plan and before the look right before the delete.
  it('a namespace deleted by hand whose root veth end goes away after the plan: the delete is done, the apply repairs', async () => {
    const doc = classicLab(lab.p);
    const o = { runDir: lab.run.dir };
    expect((await applyDocument(doc, o)).result?.ok).toBe(true);
    // A process inside keeps the namespace (and so the root's p1) alive after `ip netns delete`.
    const holder = execa('ip', ['netns', 'exec', `${lab.p}a`, 'sleep', '60'], { reject: false });
    await new Promise((r) => setTimeout(r, 200));
    await execaRunner(['ip', 'netns', 'delete', `${lab.p}a`]);
    const p1 = async () => (await execaRunner(['ip', 'link', 'show', 'dev', `${lab.p}p1`])).exitCode === 0;
    expect(await p1()).toBe(true);
    let looked = false;
    // The look right before the deletes (ownership.ts verifyMarks: `ip -j link show` in the root,
    // with a runner other than the real one): the holder is stopped first, and p1 waited away.
    const runner = async (argv: readonly string[], opts?: Parameters<typeof execaRunner>[1]) => {
      if (!looked && argv.join(' ') === 'ip -j link show') {
        looked = true;
        holder.kill('SIGKILL');
        await holder;
        for (let i = 0; i < 200 && (await p1()); i++) await new Promise((r) => setTimeout(r, 25));
      }
      return execaRunner(argv, opts);
    };
    const r = await applyDocument(doc, { ...o, runner });
    expect(looked).toBe(true);
    expect(r.result?.error).toBeUndefined();
    expect(r.result?.changes.some((c) => c.argv.join(' ') === `ip link delete dev ${lab.p}p1`)).toBe(true);
    expect((await statusDocument(doc, o)).inSync).toBe(true);
    expect(await ping(`${lab.p}a`, '10.0.0.2')).toBe(true);
    await destroyLab(doc.name, o);
    expect(await hostSnapshot(lab.p)).toEqual({ netns: [], links: [], inside: {} });
  });

  it('refuses a second concurrent apply of the same lab; different labs do not block each other', async () => {
    const doc = classicLab(lab.p);
    const results = await Promise.allSettled([
      applyDocument(doc, { runDir: lab.run.dir }),
      applyDocument(doc, { runDir: lab.run.dir }),
    ]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(String((refused[0] as PromiseRejectedResult).reason.message)).toMatch(
      new RegExp(
        `Lab "${lab.p}-classic" is being changed by another request in this process \\(.*pid ${process.pid}\\)`,
      ),
    );
    const other = classicLab(lab.p + 'z');
    other.nodes.forEach((n, i) => (n.name = `${lab.p}o${i}`));
    other.links.forEach((l, i) => (l.b.ifname = `${lab.p}op${i}`));
    const both = await Promise.all([
      destroyLab(doc.name, { runDir: lab.run.dir }),
      applyDocument(other, { runDir: lab.run.dir }),
    ]);
    expect(both[1].result?.ok).toBe(true);
    await destroyLab(other.name, { runDir: lab.run.dir });
  });

  it("reads (status, plan) do not wait on the lab lock; status counts only this lab's marks as applied", async () => {
    const doc = classicLab(lab.p);
    await applyDocument(doc, { runDir: lab.run.dir });
    const release = new LabStore(lab.run.dir).lock(doc.name);
    try {
      expect(await statusDocument(doc, { runDir: lab.run.dir })).toMatchObject({
        inSync: true,
        applied: true,
      });
      expect((await planDocument(doc, { runDir: lab.run.dir })).changes).toEqual([]);
    } finally {
      release();
    }
    // Another drawing naming the same namespaces (as every new drawing did when all were called "lab"): not applied.
    const other = { ...structuredClone(doc), name: `${lab.p}-other` };
    const s = await statusDocument(other, { runDir: lab.run.dir });
    expect(s.applied).toBe(false);
    expect(s.inSync).toBe(false);
    await destroyLab(doc.name, { runDir: lab.run.dir });
  });
});
