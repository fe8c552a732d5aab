/**
 * The native reader's fingerprint leaves out what the end of IPv6 duplicate
 * address detection changes (native/nsread-fp.c: an address's tentative and
 * optimistic flags, the kernel's local and anycast routes of table local),
 * so a read cached while DAD ran keeps being served after it. That is only
 * right if netplumb's state of a namespace never depends on those: this
 * checks it on the parser the cached output goes through (readLive), for any
 * mix of them over the recorded samples.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLive } from './live-read';
import { recordingRunner } from './runner';
import { ADDRESS_SHOW, ROUTES_ALL } from './test-support/iproute2-samples';

type Json = Record<string, unknown>;
const links = (): Json[] => JSON.parse(ADDRESS_SHOW) as Json[];
const routes = (): Json[] => JSON.parse(ROUTES_ALL) as Json[];

/** The namespace ns1 as readLive makes it from one batch output (the fan-out, as for a cache hit's text). */
async function stateOf(linkDoc: Json[], routeDoc: Json[]) {
  const { run } = recordingRunner((argv) =>
    argv.join(' ') === 'ip -j -d -n ns1 -batch -'
      ? { exitCode: 0, stdout: `${JSON.stringify(linkDoc)}\n${JSON.stringify(routeDoc)}\n`, stderr: '' }
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

describe('what the fingerprint leaves out for IPv6 DAD is not in the state', () => {
  it('has IPv6 addresses to vary (the samples are not empty)', () => {
    expect(v6().length).toBeGreaterThan(1);
  });

  it('tentative/optimistic flags and table-local local/anycast routes, in any mix, give the same namespace (property)', async () => {
    const base = await stateOf(links(), routes());
    const n = v6().length;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            tentative: fc.boolean(),
            optimistic: fc.boolean(),
            local: fc.boolean(),
            anycast: fc.boolean(),
          }),
          {
            minLength: n,
            maxLength: n,
          },
        ),
        fc.boolean(),
        async (marks, dropKernelLocal) => {
          const ls = links();
          let i = 0;
          const extra: Json[] = [];
          for (const l of ls)
            for (const a of (l.addr_info ?? []) as Json[]) {
              if (a.family !== 'inet6') continue;
              const m = marks[i++];
              delete a.tentative;
              if (m.tentative) a.tentative = true;
              if (m.optimistic) a.optimistic = true;
              const route = (type: string, dst: string) => ({
                type,
                dst,
                dev: l.ifname,
                table: 'local',
                protocol: 'kernel',
                metric: 0,
                flags: [],
                pref: 'medium',
              });
              if (m.local) extra.push(route('local', String(a.local)));
              if (m.anycast) extra.push(route('anycast', String(a.local).replace(/[0-9a-f]+$/, '')));
            }
          const dad = (r: Json) =>
            r.table === 'local' && r.protocol === 'kernel' && (r.type === 'local' || r.type === 'anycast');
          const rs = routes().filter((r) => !(dropKernelLocal && dad(r) && String(r.dst).includes(':')));
          expect(await stateOf(ls, [...rs, ...extra])).toEqual(base);
        },
      ),
      { numRuns: 60 },
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
});
