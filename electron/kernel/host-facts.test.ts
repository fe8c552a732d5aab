import { chmodSync, chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTopology, type Topology, type TopologyInput } from '../../shared/model';
import { DEFAULT_HOST_POLICY } from '../../shared/validate/host-safety';
import { checkHost, readHostFacts, readHostPolicy } from './host-facts';
import type { Runner } from './runner';

const LINKS = [
  {
    ifindex: 1,
    ifname: 'lo',
    flags: ['UP'],
    addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }],
  },
  {
    ifindex: 2,
    ifname: 'eth0',
    flags: ['UP'],
    addr_info: [
      { family: 'inet', local: '192.0.2.2', prefixlen: 24 },
      { family: 'inet6', local: 'fd00::2', prefixlen: 64 },
    ],
  },
  {
    ifindex: 3,
    ifname: 'veth-ns1',
    ifalias: 'netplumb:hs:l1:a',
    flags: ['UP'],
    addr_info: [{ family: 'inet', local: '198.18.5.1', prefixlen: 24 }],
  },
  {
    ifindex: 4,
    ifname: 'other',
    ifalias: 'netplumb:otherlab:l1:a',
    flags: ['UP'],
    addr_info: [{ family: 'inet', local: '198.18.9.1', prefixlen: 24 }],
  },
];
const ROUTES4 = [
  { dst: 'default', gateway: '192.0.2.1', dev: 'eth0', flags: [] },
  { dst: 'default', table: '51820', nexthops: [{ gateway: '192.0.2.9', dev: 'eth0' }], flags: [] },
  { dst: '192.0.2.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', flags: [] },
  { dst: '198.18.5.0/24', dev: 'veth-ns1', protocol: 'kernel', scope: 'link', flags: [] },
  { type: 'broadcast', dst: '192.0.2.255', dev: 'eth0', table: 'local', flags: [] },
  { type: 'local', dst: '127.0.0.0/8', dev: 'lo', table: 'local', flags: [] },
];
const ROUTES6 = [
  { dst: 'fe80::/64', dev: 'eth0', flags: [] },
  { dst: 'default', via: { family: 'inet6', host: 'fe80::1' }, dev: 'eth0', flags: [] },
  { type: 'multicast', dst: 'ff00::/8', dev: 'eth0', table: 'local', flags: [] },
];

/** A runner that answers the three reads and records every command. */
function fakeHost(fail = false): Runner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = (async (argv: readonly string[]) => {
    calls.push([...argv]);
    const a = argv.join(' ');
    if (fail) return { exitCode: 1, stdout: '', stderr: 'Cannot talk to rtnetlink\n' };
    if (a === 'ip -j -d address show') return { exitCode: 0, stdout: JSON.stringify(LINKS), stderr: '' };
    if (a === 'ip -j -4 route show table all')
      return { exitCode: 0, stdout: JSON.stringify(ROUTES4), stderr: '' };
    if (a === 'ip -j -6 route show table all')
      return { exitCode: 0, stdout: JSON.stringify(ROUTES6), stderr: '' };
    return { exitCode: 1, stdout: '', stderr: `unexpected ${a}` };
  }) as Runner & { calls: string[][] };
  run.calls = calls;
  return run;
}

function lab(root: string[]): Topology {
  const doc: TopologyInput = {
    version: 1,
    name: 'hs',
    nodes: [
      { id: 'host', name: 'host', kind: 'host' },
      { id: 'ns1', name: 'ns1', kind: 'namespace' },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'host', ifname: 'veth-ns1', addresses: root },
        b: { node: 'ns1', ifname: 'eth0' },
      },
    ],
  };
  const r = parseTopology(doc);
  if (!r.ok) throw new Error('bad test lab');
  return r.topology;
}

describe('reading the host facts', () => {
  it("keeps the host's and other labs' addresses and routes, leaves out this lab's own, collects every default gateway", async () => {
    const facts = await readHostFacts(fakeHost(), 'hs');
    expect(facts.addresses.map((a) => a.cidr)).toEqual([
      '127.0.0.1/8',
      '192.0.2.2/24',
      'fd00::2/64',
      '198.18.9.1/24',
    ]);
    expect(facts.routes.map((r) => r.dst)).toEqual(['192.0.2.0/24', '127.0.0.0/8']);
    expect(facts.gateways).toEqual([
      { ip: '192.0.2.1', dev: 'eth0' },
      { ip: '192.0.2.9', dev: 'eth0' },
      { ip: 'fe80::1', dev: 'eth0' },
    ]);
  });

  it('reads nothing for a lab with no address in the root namespace', async () => {
    const run = fakeHost();
    expect(await checkHost(lab([]), run)).toEqual([]);
    expect(run.calls).toEqual([]);
  });

  it('refuses when the facts cannot be read, and only ever reads', async () => {
    const run = fakeHost(true);
    const ps = await checkHost(lab(['198.18.5.1/24']), run, '/nonexistent/policy.json');
    expect(ps.map((p) => p.code)).toEqual(['host-facts-unreadable']);
    expect(ps[0].message).toMatch(/could not be read.*Cannot talk to rtnetlink/);
    const ok = fakeHost();
    expect(await checkHost(lab(['198.18.5.1/24']), ok, '/nonexistent/policy.json')).toEqual([]);
    expect(await checkHost(lab(['192.0.2.1/32']), ok, '/nonexistent/policy.json')).toMatchObject([
      { code: 'host-gateway-taken', linkId: 'l1', path: ['links', 0, 'a', 'addresses', 0] },
    ]);
    expect(ok.calls.every((c) => c[0] === 'ip' && c[1] === '-j' && c.includes('show'))).toBe(true);
  });
});

describe.skipIf(process.getuid?.() !== 0)('the machine policy file', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const policyIn = (text: string, mode = 0o644) => {
    dir = mkdtempSync(join(tmpdir(), 'np-names-policy-'));
    chmodSync(dir, 0o755);
    const f = join(dir, 'host-policy.json');
    writeFileSync(f, text);
    chmodSync(f, mode);
    return f;
  };
  const good = JSON.stringify({ minPrefixV4: 1, allow: ['10.8.0.0/16'] });

  it('is honoured when root owns it and its directory and nobody else may write them', () => {
    expect(readHostPolicy(policyIn(good))).toEqual({
      policy: { ...DEFAULT_HOST_POLICY, minPrefixV4: 1, allow: ['10.8.0.0/16'] },
      problems: [],
    });
  });

  it('is missing: the defaults, silently', () => {
    expect(readHostPolicy('/nonexistent/host-policy.json')).toEqual({
      policy: DEFAULT_HOST_POLICY,
      problems: [],
    });
  });

  it.each([
    ['writable by others', (f: string) => chmodSync(f, 0o666), /may be written by group or others/],
    ['owned by another user', (f: string) => chownSync(f, 65534, 65534), /is not owned by root/],
    [
      'in a directory others may write',
      (f: string) => chmodSync(join(f, '..'), 0o777),
      /may be written by group or others/,
    ],
    [
      'a symlink',
      (f: string) => {
        const real = `${f}.real`;
        writeFileSync(real, good);
        rmSync(f);
        symlinkSync(real, f);
      },
      /is not a regular file/,
    ],
    [
      'not valid',
      (f: string) => writeFileSync(f, JSON.stringify({ minPrefixV4: 'x', extra: 1 })),
      /minPrefixV4/,
    ],
  ])('is ignored with a warning when %s', (_what, spoil, why) => {
    const f = policyIn(good);
    spoil(f);
    const r = readHostPolicy(f);
    expect(r.policy).toEqual(DEFAULT_HOST_POLICY);
    expect(r.problems).toMatchObject([{ code: 'host-policy-ignored', severity: 'warning' }]);
    expect(r.problems[0].message).toMatch(why);
  });
});
