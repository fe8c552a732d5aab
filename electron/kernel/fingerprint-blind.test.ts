/**
 * The native reader's fingerprint (native/nsread-fp.c) leaves out what the
 * kernel changes by itself after a link comes up: the end of IPv6 duplicate
 * address detection (an address's tentative and optimistic flags, the
 * kernel's local and anycast routes of table local), carrier (a link's
 * lower-up and dormant flags, its operstate, a bridge port's state unless
 * the port is up, running and not forwarding, the "linkdown" flag of routes), what IPv6 adds with carrier (link-local
 * addresses, the kernel's IPv6 routes to link-local and multicast
 * destinations), and counters a bridge keeps (learnt addresses, a port's
 * multicast groups). A read cached before they settle keeps being served
 * after. That is only right if netplumb's state of a namespace never depends
 * on any of them: this checks it on the parser the cached output goes
 * through (readLive), for any mix of them over the recorded samples, and
 * that what the state does hold still changes it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLive } from './live-read';
import { recordingRunner } from './runner';
import { ADDRESS_SHOW, ROUTES_ALL, RULES_AND_NEIGHS } from './test-support/iproute2-samples';

type Json = Record<string, unknown>;
const links = (): Json[] => JSON.parse(ADDRESS_SHOW) as Json[];
const routes = (): Json[] => JSON.parse(ROUTES_ALL) as Json[];

/** The namespace ns1 as readLive makes it from one batch output (the fan-out, as for a cache hit's text). */
async function stateOf(linkDoc: Json[], routeDoc: Json[]) {
  const { run } = recordingRunner((argv) =>
    argv.join(' ') === 'ip -j -d -n ns1 -batch -'
      ? {
          exitCode: 0,
          stdout: `${JSON.stringify(linkDoc)}\n${JSON.stringify(routeDoc)}\n${RULES_AND_NEIGHS}`,
          stderr: '',
        }
      : { exitCode: 0, stdout: '[]\n', stderr: '' },
  );
  const s = await readLive(run, { namespaces: ['ns1'], includeRoot: false, peerNames: false });
  return s.namespaces.ns1;
}

/** Every IPv6 address of the sample, with its device. */
const v6 = () =>
  links().flatMap((l) =>
    ((l.addr_info ?? []) as Json[])
      .filter((a) => a.family === 'inet6')
      .map((a) => ({ dev: String(l.ifname), local: String(a.local), prefixlen: Number(a.prefixlen) })),
  );

const kernelRoute = (type: string, dst: string, dev: unknown, table: string): Json => ({
  type,
  dst,
  dev,
  table,
  protocol: 'kernel',
  metric: type === 'unicast' || type === 'multicast' ? 256 : 0,
  flags: [],
  pref: 'medium',
});

/** What the kernel may change by itself on one link (see the top). */
const linkNoise = fc.record({
  carrier: fc.boolean(),
  dormant: fc.boolean(),
  operstate: fc.constantFrom('UP', 'DOWN', 'LOWERLAYERDOWN', 'DORMANT', 'UNKNOWN'),
  portState: fc.constantFrom('disabled', 'listening', 'learning', 'forwarding', 'blocking'),
  counters: fc.nat({ max: 5000 }),
  linkLocal: fc.array(fc.integer({ min: 1, max: 0xffff }), { maxLength: 2 }),
  linkLocalFlags: fc.subarray(['tentative', 'dadfailed', 'optimistic', 'nodad', 'permanent'] as const),
  kernelRoutes: fc.boolean(),
});

/** What DAD may change on one IPv6 address. */
const dadNoise = fc.record({
  tentative: fc.boolean(),
  optimistic: fc.boolean(),
  local: fc.boolean(),
  anycast: fc.boolean(),
});

describe('what the fingerprint leaves out is not in the state', () => {
  it('has what to vary (the samples have IPv6 addresses, carrier flags and a bridge port)', () => {
    expect(v6().length).toBeGreaterThan(1);
    expect(links().some((l) => (l.flags as string[]).includes('LOWER_UP'))).toBe(true);
    expect(links().some((l) => (l.linkinfo as Json | undefined)?.info_slave_kind === 'bridge')).toBe(true);
  });

  it('DAD, carrier, link-local addresses, kernel IPv6 routes and bridge counters, in any mix, give the same namespace (property)', async () => {
    const base = await stateOf(links(), routes());
    const n = v6().length;
    const l = links().length;
    await fc.assert(
      fc.asyncProperty(
        fc.array(dadNoise, { minLength: n, maxLength: n }),
        fc.array(linkNoise, { minLength: l, maxLength: l }),
        fc.boolean(),
        fc.boolean(),
        async (dad, noise, dropKernelLocal, linkdown) => {
          const ls = links();
          let i = 0;
          const extra: Json[] = [];
          ls.forEach((link, k) => {
            const m = noise[k];
            const info = link.linkinfo as Json | undefined;
            for (const a of (link.addr_info ?? []) as Json[]) {
              if (a.family !== 'inet6') continue;
              const d = dad[i++];
              delete a.tentative;
              if (d.tentative) a.tentative = true;
              if (d.optimistic) a.optimistic = true;
              if (d.local) extra.push(kernelRoute('local', String(a.local), link.ifname, 'local'));
              if (d.anycast)
                extra.push(
                  kernelRoute('anycast', String(a.local).replace(/[0-9a-f]+$/, ''), link.ifname, 'local'),
                );
            }
            // Carrier: lower-up / no-carrier and dormant follow it; the admin "UP" flag does not.
            const admin = (link.flags as string[]).filter(
              (f) => !['LOWER_UP', 'NO-CARRIER', 'DORMANT'].includes(f),
            );
            link.flags = [
              ...admin,
              ...(m.carrier ? ['LOWER_UP'] : admin.includes('UP') ? ['NO-CARRIER'] : []),
              ...(m.dormant ? ['DORMANT'] : []),
            ];
            link.operstate = m.operstate;
            if (info?.info_slave_kind === 'bridge')
              info.info_slave_data = {
                ...((info.info_slave_data as Json | undefined) ?? {}),
                // Hashed (and read) only for a port that is up, running (operstate UP) and not forwarding.
                state: m.operstate === 'UP' && admin.includes('UP') ? 'forwarding' : m.portState,
                mcast_n_groups: m.counters,
              };
            if (info?.info_kind === 'bridge')
              info.info_data = { ...((info.info_data as Json | undefined) ?? {}), fdb_n_learned: m.counters };
            for (const x of m.linkLocal) {
              const local = `fe80::${x.toString(16)}`;
              link.addr_info = [
                ...((link.addr_info ?? []) as Json[]),
                {
                  family: 'inet6',
                  local,
                  prefixlen: 64,
                  scope: 'link',
                  ...Object.fromEntries(m.linkLocalFlags.map((f) => [f, true])),
                  valid_life_time: 4294967295,
                  preferred_life_time: 4294967295,
                },
              ];
              extra.push(kernelRoute('local', local, link.ifname, 'local'));
            }
            if (m.kernelRoutes)
              extra.push(
                kernelRoute('unicast', 'fe80::/64', link.ifname, 'main'),
                kernelRoute('multicast', 'ff00::/8', link.ifname, 'local'),
              );
          });
          // Link-local addresses the sample has may be gone too (carrier lost).
          for (const link of ls)
            if (noise[ls.indexOf(link)].linkLocal.length === 0 && !noise[ls.indexOf(link)].carrier)
              link.addr_info = ((link.addr_info ?? []) as Json[]).filter(
                (a) => !(a.family === 'inet6' && String(a.local).startsWith('fe80:')),
              );
          const dadRoute = (r: Json) =>
            r.table === 'local' && r.protocol === 'kernel' && (r.type === 'local' || r.type === 'anycast');
          const rs = routes()
            .filter((r) => !(dropKernelLocal && dadRoute(r) && String(r.dst).includes(':')))
            .map((r) => (linkdown ? { ...r, flags: [...((r.flags as string[]) ?? []), 'linkdown'] } : r));
          expect(await stateOf(ls, [...rs, ...extra])).toEqual(base);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('an IPv6 address that comes or goes does change the namespace (the fingerprint hashes it)', async () => {
    const base = await stateOf(links(), routes());
    const ls = links();
    const eth = ls.find((l) =>
      ((l.addr_info ?? []) as Json[]).some((a) => a.family === 'inet6' && a.scope === 'global'),
    )!;
    eth.addr_info = ((eth.addr_info ?? []) as Json[]).filter(
      (a) => !(a.family === 'inet6' && a.scope === 'global'),
    );
    expect(await stateOf(ls, routes())).not.toEqual(base);
  });

  it('a running port that does not forward, or a port flag set by hand, does change the namespace', async () => {
    const base = await stateOf(links(), routes());
    const port = (ls: Json[]) =>
      ls.find((l) => (l.linkinfo as Json | undefined)?.info_slave_kind === 'bridge')!.linkinfo as Json;
    for (const change of [
      { state: 'disabled' },
      { state: 'blocking' },
      { isolated: true },
      { bcast_flood: false },
    ]) {
      const ls = links();
      const info = port(ls);
      const link = ls.find((l) => l.linkinfo === info)!;
      link.flags = [...new Set([...(link.flags as string[]), 'UP', 'LOWER_UP'])];
      link.operstate = 'UP';
      info.info_slave_data = { ...((info.info_slave_data as Json | undefined) ?? {}), state: 'forwarding' };
      const before = await stateOf(ls, routes());
      info.info_slave_data = { ...(info.info_slave_data as Json), ...change };
      expect(await stateOf(ls, routes()), JSON.stringify(change)).not.toEqual(before);
    }
    expect(base).toBeDefined();
  });

  it('a link set down by hand, or a static route that goes, does change the namespace', async () => {
    const base = await stateOf(links(), routes());
    const ls = links();
    const up = ls.find((l) => l.ifname !== 'lo' && (l.flags as string[]).includes('UP'))!;
    up.flags = (up.flags as string[]).filter((f) => f !== 'UP' && f !== 'LOWER_UP');
    expect(await stateOf(ls, routes())).not.toEqual(base);
    const rs = routes().filter((r) => r.protocol !== 'static');
    expect(rs.length).toBeLessThan(routes().length);
    expect(await stateOf(links(), rs)).not.toEqual(base);
  });
});
