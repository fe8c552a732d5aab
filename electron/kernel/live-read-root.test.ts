/**
 * The root namespace's read (live-read.ts): its nsid table comes from `ip -j
 * netns list` (every /run/netns entry with the id the root knows it by),
 * which prints nothing when /run/netns does not exist.
 */
import { describe, expect, it } from 'vitest';
import { checkIpJson, IpRouteList, splitJsonDocuments } from './ip-json';
import { staticRoutes } from './live-parse';
import { BATCH, readLive, ROOT_BATCH } from './live-read';
import { execaRunner, type Runner } from './runner';
import { isRoot, NOT_ROOT_REASON, withScratchLab } from './test-support/scratch-netns';

const rootLinks = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP'], mtu: 65536, link_type: 'loopback' },
  { ifindex: 7, ifname: 'h0', flags: [], link_index: 2, link_netnsid: 4, linkinfo: { info_kind: 'veth' } },
  { ifindex: 8, ifname: 'h1', flags: [], link_index: 2, link_netnsid: 9, linkinfo: { info_kind: 'veth' } },
]);

/** A runner for the root's one batch: address/link table, no boot or static routes, then `tail` (the netns list, or nothing). */
const rootOnly =
  (tail: string, inputs: string[], routes = ['[]', '[]']): Runner =>
  async (argv, opts) => {
    inputs.push(opts?.input ?? '');
    return { exitCode: 0, stdout: `${rootLinks}\n${routes.join('\n')}\n${tail}`, stderr: '' };
  };

describe('the root read', () => {
  it('asks for `netns list` (not list-id) and names peers by it; an entry without an id names nothing', async () => {
    const inputs: string[] = [];
    const list = JSON.stringify([{ name: 'n4', id: 4 }, { name: 'n-no-id' }]);
    const s = await readLive(rootOnly(`${list}\n`, inputs), {
      namespaces: [],
      includeRoot: true,
      peerNames: false,
    });
    // Only what the root's state is made of: no kernel routes, rules or neighbour entries.
    expect(inputs).toEqual([
      'address show\nroute show table all proto boot\nroute show table all proto static\nnetns list\n',
    ]);
    expect(s.namespaces[''].ifaces.h0.peer).toEqual({ ns: 'n4' });
    expect(s.namespaces[''].ifaces.h1.peer).toBeUndefined();
  });

  it('reads a host with no /run/netns (netns list prints nothing): no peer is named', async () => {
    const s = await readLive(rootOnly('', []), { namespaces: [], includeRoot: true, peerNames: false });
    expect(Object.keys(s.namespaces[''].ifaces).sort()).toEqual(['h0', 'h1', 'lo']);
    expect(s.namespaces[''].ifaces.h0.peer).toBeUndefined();
  });

  it('still refuses a root read missing its route tables', async () => {
    const short: Runner = async () => ({ exitCode: 0, stdout: `${rootLinks}\n[]\n`, stderr: '' });
    await expect(readLive(short, { namespaces: [], includeRoot: true })).rejects.toThrow(/expected 4/);
  });

  it('keeps the static and boot routes of both lines (of both families), in table main only', async () => {
    const boot = JSON.stringify([
      { dst: 'default', gateway: '192.0.2.1', dev: 'h0', protocol: 'boot', flags: [] },
      { dst: '2001:db8:9::/64', dev: 'h0', protocol: 'boot', metric: 1024, flags: [], pref: 'medium' },
    ]);
    const stat = JSON.stringify([
      { dst: '198.51.100.0/24', gateway: '192.0.2.9', dev: 'h1', protocol: 'static', flags: [] },
      { dst: '203.0.113.0/24', dev: 'h1', table: '42', protocol: 'static', flags: [] },
    ]);
    const s = await readLive(rootOnly('', [], [boot, stat]), {
      namespaces: [],
      includeRoot: true,
      peerNames: false,
    });
    expect(s.namespaces[''].routes.map((r) => r.to).sort()).toEqual([
      '198.51.100.0/24',
      '2001:db8:9::/64',
      'default',
    ]);
  });
});

describe.skipIf(!isRoot())(`the root batch on the real kernel (${NOT_ROOT_REASON})`, () => {
  it('its two route lines give exactly the routes the full table gives the root (static, boot; main; both families)', async () => {
    await withScratchLab(async (lab) => {
      const [ns] = await lab.netns(1, 'nprb');
      // Routes of every protocol, table and type the root can hold, in a namespace of the test's own.
      await lab.batch(ns, [
        'link set dev lo up',
        'address add 10.77.0.1/24 dev lo',
        'address add fd77::1/64 dev lo nodad',
        'route add 10.78.0.0/24 dev lo',
        'route add 10.79.0.0/24 dev lo proto static metric 7',
        'route add 10.80.0.0/24 dev lo proto kernel',
        'route add 10.81.0.0/24 dev lo proto dhcp',
        'route add 10.82.0.0/24 dev lo proto 99',
        'route add blackhole 10.83.0.0/24',
        'route add unreachable 10.84.0.0/24 proto static',
        'route add 10.85.0.0/24 dev lo table 42',
        'route add 10.86.0.0/24 dev lo table 42 proto static',
        'route add fd78::/64 dev lo',
        'route add fd79::/64 dev lo proto static',
        'route add fd80::/64 dev lo proto ra',
        'route add prohibit fd81::/64',
      ]);
      const ip = async (input: string) => {
        const r = await execaRunner(['ip', '-n', ns, '-j', '-d', '-batch', '-'], { input });
        expect(r.exitCode).toBe(0);
        return splitJsonDocuments(r.stdout, 'test');
      };
      const full = await ip(BATCH);
      const parts = await ip(ROOT_BATCH.replace('netns list\n', ''));
      expect(parts).toHaveLength(3);
      const routes = (doc: unknown) => checkIpJson(IpRouteList, doc, 'test');
      const want = staticRoutes(routes(full[1]));
      const got = staticRoutes([...routes(parts[1]), ...routes(parts[2])]);
      expect(got).toEqual(want);
      // What the lines leave out is only what staticRoutes drops: the test holds both kinds.
      expect(want.map((r) => r.to)).toEqual(
        expect.arrayContaining(['10.78.0.0/24', '10.79.0.0/24', 'fd79::/64']),
      );
      expect(routes(full[1]).length).toBeGreaterThan(routes(parts[1]).length + routes(parts[2]).length);
    });
  });
});
