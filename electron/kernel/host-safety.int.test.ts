/**
 * The host stays the user's, on the real host: documents that would take the
 * host's routing are refused by apply, plan and status before any change.
 *
 * Safety of the test itself: the engine runs with a guard runner that lets
 * only reads through and blocks (records, never runs) anything that could
 * change the host, so even a broken check cannot add these addresses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDocument, planDocument, statusDocument } from './engine';
import { execaRunner, type Runner } from './runner';
import { useKernelLab } from './test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const lab = useKernelLab({ beforeEach, afterEach });

const MUTATING = new Set([
  'add',
  'del',
  'delete',
  'set',
  'replace',
  'change',
  'flush',
  'append',
  'prepend',
  'attach',
  'detach',
  'up',
  'down',
  '-force',
]);

/** Runs reads for real; blocks and records every command that could change anything. */
function guard(): { runner: Runner; blocked: string[][]; reads: string[][] } {
  const blocked: string[][] = [];
  const reads: string[][] = [];
  const runner: Runner = async (argv, opts) => {
    // A batch is a read only when every word of its input is (the live reader batches its `show`s).
    const words = [...argv, ...(opts?.input ?? '').split(/\s+/)];
    const writes =
      words.some((w) => MUTATING.has(w)) ||
      (argv.includes('exec') && !argv.includes('sysctl')) ||
      argv.includes('-w');
    if (writes) {
      blocked.push([...argv]);
      return { exitCode: 1, stdout: '', stderr: 'blocked by the test guard\n' };
    }
    reads.push([...argv]);
    return execaRunner(argv, opts);
  };
  return { runner, blocked, reads };
}

/** The host's root namespace as ip sees it: addresses and every route (both families, all tables). */
/**
 * The root namespace's addresses and routes, without what other test files
 * running at the same time own (interfaces named with another lab's test
 * prefix, `q` + five hex digits, and their routes) and without IPv6 DAD's
 * passing "tentative" state: those change on their own while this test runs.
 */
async function rootSnapshot(own: string): Promise<string> {
  const otherLab = (name?: string) => !!name && /^q[0-9a-f]{5}/.test(name) && !name.startsWith(own);
  const out: string[] = [];
  for (const argv of [
    ['ip', '-j', 'address', 'show'],
    ['ip', '-j', '-4', 'route', 'show', 'table', 'all'],
    ['ip', '-j', '-6', 'route', 'show', 'table', 'all'],
  ]) {
    const rows = JSON.parse((await execaRunner(argv)).stdout || '[]') as {
      ifname?: string;
      dev?: string;
      addr_info?: { tentative?: boolean }[];
    }[];
    const kept = rows
      .filter((r) => !otherLab(r.ifname) && !otherLab(r.dev))
      .map((r) => (r.addr_info ? { ...r, addr_info: r.addr_info.map(({ tentative: _t, ...a }) => a) } : r));
    out.push(JSON.stringify(kept));
  }
  return out.join('\n');
}

const hijack = (p: string, addresses: string[]) => ({
  version: 1,
  name: `${p}-hijack`,
  nodes: [
    { id: 'host', name: 'host', kind: 'host' },
    { id: 'ns1', name: `${p}n1`, kind: 'namespace' },
  ],
  links: [
    {
      id: 'l1',
      a: { node: 'host', ifname: `${p}h`, addresses },
      b: { node: 'ns1', ifname: 'eth0', addresses: ['198.18.77.2/30'] },
    },
  ],
});

describe.skipIf(!root)(`host safety on the real host${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  it("refuses documents that would take the host's traffic, runs nothing that changes, leaves the host as it was", async () => {
    const routes = JSON.parse(
      (await execaRunner(['ip', '-j', '-4', 'route', 'show', 'default'])).stdout || '[]',
    ) as { gateway?: string }[];
    const gw = routes.find((r) => r.gateway)?.gateway;
    const addrs = JSON.parse((await execaRunner(['ip', '-j', 'address', 'show'])).stdout) as {
      addr_info: { family: string; local: string; scope: string }[];
    }[];
    const mine = addrs
      .flatMap((l) => l.addr_info)
      .find((a) => a.family === 'inet' && a.scope === 'global')?.local;
    const cases: [string[], string][] = [
      [['1.0.0.1/1', '128.0.0.1/1'], 'host-prefix-too-broad'],
      [['2000::1/3'], 'host-prefix-too-broad'],
      ...(gw ? ([[[`${gw}/32`], 'host-gateway-taken']] as [string[], string][]) : []),
      ...(mine
        ? ([[[`${mine}/32`], mine === gw ? 'host-gateway-taken' : 'host-address-taken']] as [
            string[],
            string,
          ][])
        : []),
    ];
    const before = await rootSnapshot(lab.p);
    const g = guard();
    for (const [addresses, code] of cases) {
      const doc = hijack(lab.p, addresses);
      const o = { runDir: lab.run.dir, runner: g.runner };
      const a = await applyDocument(doc, o);
      expect(a.result).toBeUndefined();
      expect(a.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.linkId])).toContainEqual([
        code,
        'l1',
      ]);
      expect((await planDocument(doc, o)).changes).toEqual([]);
      expect((await statusDocument(doc, o)).problems.some((p) => p.code === code)).toBe(true);
    }
    expect(g.blocked).toEqual([]);
    expect(g.reads.length).toBeGreaterThan(0);
    expect(await rootSnapshot(lab.p)).toBe(before);
  });

  it('lets a lab that leaves the host alone through to planning (reads only)', async () => {
    const g = guard();
    const p = await planDocument(hijack(lab.p, ['198.18.77.1/30']), {
      runDir: lab.run.dir,
      runner: g.runner,
    });
    expect(p.problems.filter((x) => x.severity === 'error')).toEqual([]);
    expect(p.changes.some((c) => c.argv.includes('198.18.77.1/30'))).toBe(true);
    expect(g.blocked).toEqual([]);
  });
});
