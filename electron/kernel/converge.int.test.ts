/**
 * Apply converges, always (issue 11 item 1): the issue's own sequence through
 * the CLI — apply, drift by hand, status (exit 3), plan (1 change), apply
 * (repairs, not "already in sync"), ping works — and the app's Apply and the
 * live link edit (the same engine path through dispatch) repairing drift too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { destroyLab, statusDocument } from './engine';
import { localEngine } from './engine';
import { dispatch, type HandlerContext } from './handlers';
import { execaRunner } from './runner';
import { cleanupPrefix, uniquePrefix } from './test-support/lab-fixture';
import { classicLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
const ping = async (ns: string, to: string) =>
  (await execaRunner(['ip', 'netns', 'exec', ns, 'ping', '-c1', '-W2', to])).exitCode === 0;

let p = '';
let tmp = '';
beforeEach(() => {
  p = uniquePrefix();
  tmp = mkdtempSync(join(tmpdir(), 'np-converge-'));
});
afterEach(async () => {
  await destroyLab(`${p}-classic`).catch(() => undefined);
  await destroyLab(`${p}-classic`, { runDir: tmp }).catch(() => undefined);
  await cleanupPrefix(p);
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!root)(`apply converges${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  it("the issue's sequence: drift by hand is shown by status and plan, and repaired by a plain apply; the ping works", async () => {
    const doc = classicLab(p);
    const file = join(tmp, 'lab.json');
    writeFileSync(file, JSON.stringify(doc));
    expect((await cli('apply', file)).exitCode).toBe(0);
    await execaRunner(['ip', '-n', `${p}b`, 'address', 'del', '10.0.0.2/24', 'dev', 'eth0']);
    const status = await cli('status', file);
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toMatch(/missing 10\.0\.0\.2\/24 on eth0/);
    const plan = await cli('plan', file);
    expect(plan.exitCode).toBe(3);
    expect(plan.stdout).toMatch(/1 change\b/);
    const apply = await cli('apply', file);
    expect(apply.exitCode).toBe(0);
    expect(apply.stdout).not.toMatch(/already in sync/);
    expect(apply.stdout).toMatch(/Applied lab .*: 1 change/);
    expect(await ping(`${p}a`, '10.0.0.2')).toBe(true);
    expect((await cli('status', file)).exitCode).toBe(0);
  }, 60_000);

  it('a repair that makes an interface anew (its namespace deleted by hand, a veth renamed) leaves no neighbour entry naming the old MAC: the ping works right after apply', async () => {
    const doc = classicLab(p);
    const file = join(tmp, 'lab.json');
    writeFileSync(file, JSON.stringify(doc));
    expect((await cli('apply', file)).exitCode).toBe(0);
    // Each side learns the other's MAC address.
    expect(await ping(`${p}a`, '10.0.0.2')).toBe(true);
    expect(await ping(`${p}b`, '10.0.0.1')).toBe(true);

    await execaRunner(['ip', 'netns', 'del', `${p}b`]);
    const plan = await cli('plan', file);
    expect(plan.stdout).toMatch(new RegExp(`ip -n ${p}a neigh flush to 10\\.0\\.0\\.2`));
    expect((await cli('apply', file)).exitCode).toBe(0);
    expect(await ping(`${p}a`, '10.0.0.2')).toBe(true);

    await execaRunner(['ip', '-n', `${p}a`, 'link', 'set', 'dev', 'eth0', 'down']);
    await execaRunner(['ip', '-n', `${p}a`, 'link', 'set', 'dev', 'eth0', 'name', 'eth7']);
    expect((await cli('apply', file)).exitCode).toBe(0);
    expect(await ping(`${p}b`, '10.0.0.1')).toBe(true);
    expect((await cli('status', file)).exitCode).toBe(0);
  }, 60_000);

  it('destroy refuses to delete a lab namespace that holds an interface someone else put there, and changes nothing', async () => {
    const doc = classicLab(p);
    const file = join(tmp, 'lab.json');
    writeFileSync(file, JSON.stringify(doc));
    expect((await cli('apply', file)).exitCode).toBe(0);
    await execaRunner(['ip', 'link', 'add', 'name', `${p}fv0`, 'type', 'veth', 'peer', 'name', `${p}fv1`]);
    await execaRunner(['ip', 'link', 'set', 'dev', `${p}fv1`, 'netns', `${p}b`]);
    // The lab itself is in sync: the foreign interface is down, so it is left alone (up, apply sets it down).
    expect((await cli('status', file)).exitCode).toBe(0);
    const refused = await cli('destroy', doc.name);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`holds ${p}fv1 \\(veth\\).*its peer ${p}fv0 in the root namespace`),
    );
    expect((await execaRunner(['ip', 'link', 'show', 'dev', `${p}fv0`])).exitCode).toBe(0);
    expect((await execaRunner(['ip', '-n', `${p}b`, 'link', 'show', 'dev', `${p}fv1`])).exitCode).toBe(0);
    expect((await cli('status', file)).exitCode).toBe(0);
    expect(await ping(`${p}a`, '10.0.0.2')).toBe(true);
    // Once it is gone, destroy goes ahead.
    await execaRunner(['ip', '-n', `${p}b`, 'link', 'delete', 'dev', `${p}fv1`]);
    expect((await cli('destroy', doc.name)).exitCode).toBe(0);
  }, 60_000);

  it('a blackhole route made by hand is drift: status names it, apply deletes it, the ping works', async () => {
    const doc = classicLab(p);
    const file = join(tmp, 'lab.json');
    writeFileSync(file, JSON.stringify(doc));
    expect((await cli('apply', file)).exitCode).toBe(0);
    await execaRunner(['ip', '-n', `${p}a`, 'route', 'add', 'blackhole', '10.0.0.2/32']);
    expect(await ping(`${p}a`, '10.0.0.2')).toBe(false);
    const status = await cli('status', file);
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toMatch(/blackhole route 10\.0\.0\.2\/32 in namespace \S+ is not in the file/);
    expect((await cli('apply', file)).exitCode).toBe(0);
    expect(await ping(`${p}a`, '10.0.0.2')).toBe(true);
    expect((await cli('status', file)).exitCode).toBe(0);
  }, 60_000);

  it('a qdisc added by hand (tbf) that starves a link is drift: status names it, apply removes it', async () => {
    const doc = classicLab(p);
    const file = join(tmp, 'lab.json');
    writeFileSync(file, JSON.stringify(doc));
    expect((await cli('apply', file)).exitCode).toBe(0);
    const tbf = ['root', 'tbf', 'rate', '8kbit', 'burst', '1600', 'latency', '1ms'];
    expect(
      (await execaRunner(['tc', '-n', `${p}a`, 'qdisc', 'replace', 'dev', 'eth0', ...tbf])).exitCode,
    ).toBe(0);
    const status = await cli('status', file);
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toMatch(
      /a tbf qdisc on eth0 in namespace \S+ shapes its traffic, and it is not in the file/,
    );
    expect((await cli('apply', file)).exitCode).toBe(0);
    expect((await execaRunner(['tc', '-n', `${p}a`, 'qdisc', 'show', 'dev', 'eth0'])).stdout).not.toMatch(
      /tbf/,
    );
    expect((await cli('status', file)).exitCode).toBe(0);
    expect(await ping(`${p}a`, '10.0.0.2')).toBe(true);
  }, 60_000);

  it('IPv4 link-local addresses (169.254/16) in the file are set, read back as in sync, and carry a ping', async () => {
    const doc = classicLab(p);
    doc.links[0].a.addresses = ['169.254.7.1/16'];
    doc.links[1].a.addresses = ['169.254.7.2/16'];
    const file = join(tmp, 'lab.json');
    writeFileSync(file, JSON.stringify(doc));
    expect((await cli('apply', file)).exitCode).toBe(0);
    expect((await cli('status', file)).exitCode).toBe(0);
    expect(await ping(`${p}a`, '169.254.7.2')).toBe(true);
  }, 60_000);

  it("the app's Apply and a live link edit read the whole lab too, so they repair drift as well", async () => {
    const doc = classicLab(p);
    const ctx: HandlerContext = {
      mode: 'browser',
      version: '0',
      engine: localEngine,
      examplesDir: '/nonexistent',
      privilege: async () => ({ privilege: 'root' }),
      capabilities: async () => ({ capabilities: {}, missing: [] }),
      runDir: tmp,
    };
    const applied = await dispatch('topology:apply', { topology: doc }, ctx);
    expect(applied.ok).toBe(true);
    await execaRunner(['ip', '-n', `${p}b`, 'address', 'del', '10.0.0.2/24', 'dev', 'eth0']);
    const again = (await dispatch('topology:apply', { topology: doc }, ctx)) as {
      ok: true;
      value: { result: { changes: { argv: string[] }[] } };
    };
    expect(again.value.result.changes.map((c) => c.argv.join(' '))).toEqual([
      `ip -n ${p}b address add 10.0.0.2/24 dev eth0`,
    ]);
    // Drift again, then a live edit of the other link: its apply repairs the drift too.
    await execaRunner(['ip', '-n', `${p}b`, 'address', 'del', '10.0.0.2/24', 'dev', 'eth0']);
    const edit = (await dispatch(
      'lab:link-state',
      { topology: doc, linkId: 'l1', end: 'b', up: false },
      ctx,
    )) as { ok: true; value: { topology: object; result: { ok: boolean; changes: { argv: string[] }[] } } };
    expect(edit.ok, JSON.stringify(edit)).toBe(true);
    expect(edit.value.result.changes.map((c) => c.argv.join(' ')).sort()).toEqual([
      `ip -n ${p}b address add 10.0.0.2/24 dev eth0`,
      `ip link set dev ${p}p1 down`,
    ]);
    expect((await statusDocument(edit.value.topology, { runDir: tmp })).inSync).toBe(true);
  }, 60_000);
});
