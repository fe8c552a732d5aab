/**
 * The root namespace's read (live-read.ts): its nsid table comes from `ip -j
 * netns list` (every /run/netns entry with the id the root knows it by),
 * which prints nothing when /run/netns does not exist.
 */
import { describe, expect, it } from 'vitest';
import { readLive } from './live-read';
import type { Runner } from './runner';
import { RULES_AND_NEIGHS } from './test-support/iproute2-samples';

const rootLinks = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP'], mtu: 65536, link_type: 'loopback' },
  { ifindex: 7, ifname: 'h0', flags: [], link_index: 2, link_netnsid: 4, linkinfo: { info_kind: 'veth' } },
  { ifindex: 8, ifname: 'h1', flags: [], link_index: 2, link_netnsid: 9, linkinfo: { info_kind: 'veth' } },
]);

/** A runner for the root's one batch: address/link table, no routes, then `tail` (the netns list, or nothing). */
const rootOnly =
  (tail: string, inputs: string[]): Runner =>
  async (argv, opts) => {
    inputs.push(opts?.input ?? '');
    return { exitCode: 0, stdout: `${rootLinks}\n[]\n${RULES_AND_NEIGHS}${tail}`, stderr: '' };
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
    expect(inputs).toEqual([
      'address show\nroute show table all\nrule show\nneigh show nud permanent nud noarp\nnetns list\n',
    ]);
    expect(s.namespaces[''].ifaces.h0.peer).toEqual({ ns: 'n4' });
    expect(s.namespaces[''].ifaces.h1.peer).toBeUndefined();
  });

  it('reads a host with no /run/netns (netns list prints nothing): no peer is named', async () => {
    const s = await readLive(rootOnly('', []), { namespaces: [], includeRoot: true, peerNames: false });
    expect(Object.keys(s.namespaces[''].ifaces).sort()).toEqual(['h0', 'h1', 'lo']);
    expect(s.namespaces[''].ifaces.h0.peer).toBeUndefined();
  });

  it('still refuses a root read missing its route table', async () => {
    const short: Runner = async () => ({ exitCode: 0, stdout: `${rootLinks}\n`, stderr: '' });
    await expect(readLive(short, { namespaces: [], includeRoot: true })).rejects.toThrow(/expected 5/);
  });
});
