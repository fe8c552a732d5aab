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

/** The root namespace's addresses and routes, per interface (routes without one under ''). */
type RootSnapshot = Map<string, string>;

/**
 * What of the root namespace this test could change: each interface's
 * addresses and the routes through it, and the routes through none. Left out,
 * because they change on their own while the test runs: IPv6 DAD's passing
 * "tentative" state, the lifetimes of dynamic addresses and the expiry of
 * learned routes (a DHCP or SLAAC host counts them down every second).
 */
async function rootSnapshot(): Promise<RootSnapshot> {
  const snap = new Map<string, unknown[]>();
  const put = (dev: string, row: unknown) => snap.set(dev, [...(snap.get(dev) ?? []), row]);
  const links = JSON.parse((await execaRunner(['ip', '-j', 'address', 'show'])).stdout || '[]') as {
    ifname: string;
    addr_info?: Record<string, unknown>[];
  }[];
  for (const l of links)
    put(l.ifname, {
      ...l,
      addr_info: (l.addr_info ?? []).map(
        ({ tentative: _t, valid_life_time: _v, preferred_life_time: _p, ...a }) => a,
      ),
    });
  for (const family of ['-4', '-6']) {
    const routes = JSON.parse(
      (await execaRunner(['ip', '-j', family, 'route', 'show', 'table', 'all'])).stdout || '[]',
    ) as { dev?: string; expires?: number }[];
    for (const { expires: _e, ...r } of routes) put(r.dev ?? '', r);
  }
  return new Map([...snap].map(([dev, rows]) => [dev, JSON.stringify(rows)]));
}

/**
 * The root is as it was for this test: every interface there both times is
 * unchanged, none of this lab's names appeared, and the interfaces that carry
 * the host's own addresses are still there. Other test files add and remove
 * their own interfaces at the same time, so interfaces that came or went
 * under other names are theirs.
 */
function expectRootAsBefore(before: RootSnapshot, after: RootSnapshot, own: string, host: string[]) {
  const changed = [...before.keys()].filter((d) => after.has(d) && after.get(d) !== before.get(d));
  expect(
    changed.map((d) => [d, before.get(d), after.get(d)]),
    'interfaces (or routes through none) that changed',
  ).toEqual([]);
  expect([...after.keys()].filter((d) => d.startsWith(own) && !before.has(d))).toEqual([]);
  expect(
    host.filter((d) => !after.has(d)),
    "the host's own interfaces",
  ).toEqual([]);
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
    ) as { gateway?: string; dev?: string }[];
    const gw = routes.find((r) => r.gateway)?.gateway;
    const addrs = JSON.parse((await execaRunner(['ip', '-j', 'address', 'show'])).stdout) as {
      ifname: string;
      addr_info: { family: string; local: string; scope: string }[];
    }[];
    // The host's own address: on the default route's interface when there is
    // one (another test's lab may have global addresses in the root too).
    const hostDevs = [...new Set(routes.flatMap((r) => (r.dev ? [r.dev] : [])))];
    const mine = [...addrs]
      .sort((x, y) => Number(hostDevs.includes(y.ifname)) - Number(hostDevs.includes(x.ifname)))
      .filter((l) => hostDevs.includes(l.ifname) || !/^q[0-9a-f]{5}/.test(l.ifname))
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
    const before = await rootSnapshot();
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
    expectRootAsBefore(before, await rootSnapshot(), lab.p, ['lo', ...hostDevs]);
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
