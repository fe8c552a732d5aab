/** Pure parts of the live lab: address scoping, output parsers, document edits, step-mode explanations. */
import { describe, expect, it } from 'vitest';
import { Topology } from '../../../shared/model';
import { classicLab, richLab } from '../test-support/labs';
import { isLabAddress, labTarget } from './lab-addresses';
import { withLinkState, withNetem } from './link-edit';
import { notInstalled } from '../missing-tool';
import { parsePing, pingFailure } from './ping';
import { parseFdb, parseRoutes } from './tables';
import { explainTrace, type CapturePoint } from './trace-explain';
import { parseTcpdumpLine } from './trace-parse';
import { parseHop } from './traceroute';

const classic = Topology.parse(classicLab('t'));
const rich = Topology.parse(richLab('t'));

describe('lab addresses', () => {
  it("accepts the lab's addresses and subnets, refuses everything else", () => {
    expect(isLabAddress(classic, '10.0.0.2')).toBe(true);
    expect(isLabAddress(classic, '10.0.0.200')).toBe(true);
    expect(isLabAddress(classic, 'fd00::2')).toBe(true);
    expect(isLabAddress(classic, '10.0.1.1')).toBe(false);
    expect(isLabAddress(classic, '8.8.8.8')).toBe(false);
    expect(isLabAddress(classic, '127.0.0.1')).toBe(false);
    expect(isLabAddress(classic, 'not-an-ip')).toBe(false);
  });
  it("keeps the host end's subnet out (it may be a real network), but not its exact address", () => {
    // richLab: host end 10.3.0.1/30 in the root namespace, router end 10.3.0.2/30.
    expect(isLabAddress(rich, '10.3.0.1')).toBe(true);
    expect(isLabAddress(rich, '10.3.0.2')).toBe(true);
    // .3 is in the router end's /30 (a lab namespace), so it counts; nothing outside the /30 does.
    expect(isLabAddress(rich, '10.3.0.5')).toBe(false);
  });
  it('resolves node ids to their first IPv4 address', () => {
    expect(labTarget(classic, 'ns2')).toMatchObject({ address: '10.0.0.2', nodeId: 'ns2' });
    expect(() => labTarget(classic, 'br0')).toThrow(/no address/);
    expect(() => labTarget(classic, '192.0.2.1')).toThrow(/outside/);
  });
});

describe('parsers', () => {
  it('ping summaries', () => {
    expect(
      parsePing(
        '3 packets transmitted, 3 received, 0% packet loss, time 402ms\nrtt min/avg/max/mdev = 0.031/0.052/0.080/0.020 ms\n',
      ),
    ).toEqual({ sent: 3, received: 3, lossPercent: 0, rtt: { min: 0.031, avg: 0.052, max: 0.08 } });
    expect(
      parsePing('2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1010ms\n'),
    ).toEqual({ sent: 2, received: 0, lossPercent: 100 });
    expect(parsePing('ping: connect: Network is unreachable\n')).toEqual({
      sent: 0,
      received: 0,
      lossPercent: 100,
    });
  });
  it('a ping that never ran, told from one that got no reply', () => {
    const r = (exitCode: number, stdout: string, stderr = '') => ({ exitCode, stdout, stderr });
    // It ran: replies, no reply (iputils exits 1 after its summary), no route (exit 2, no summary).
    expect(
      pingFailure('a', r(0, '1 packets transmitted, 1 received, 0% packet loss, time 0ms\n')),
    ).toBeUndefined();
    expect(
      pingFailure('a', r(1, '2 packets transmitted, 0 received, 100% packet loss, time 1010ms\n')),
    ).toBeUndefined();
    expect(pingFailure('a', r(2, '', 'ping: connect: Network is unreachable\n'))).toBeUndefined();
    // A namespace whose name says "unreachable" is still gone: only ping's own words count.
    expect(
      pingFailure(
        'unreachable1',
        r(255, '', 'Cannot open network namespace "unreachable1": No such file or directory'),
      ),
    ).toMatch(/^ping could not run in unreachable1/);
    // It did not: `ip netns exec` without the program (exit 1, as "no reply"), the namespace gone, no permission.
    expect(pingFailure('a', r(1, '', 'exec of "ping" failed: No such file or directory\n'))).toMatch(
      /ping is not installed.*apt install iputils-ping/,
    );
    expect(
      pingFailure('a', r(255, '', 'Cannot open network namespace "a": No such file or directory\n')),
    ).toBe('ping could not run in a: Cannot open network namespace "a": No such file or directory');
    expect(pingFailure('a', r(2, '', 'ping: socket: Operation not permitted\n'))).toBe(
      'ping could not run in a: ping: socket: Operation not permitted',
    );
    // The runner's own failure (it could not start `ip`, or stopped it at its time limit).
    expect(pingFailure('a', r(127, '', 'Command timed out after 3400 milliseconds'))).toBe(
      'ping could not run in a: Command timed out after 3400 milliseconds',
    );
    expect(pingFailure('a', r(127, '', ''))).toBe('ping could not run in a: exit code 127');
  });
  it('a program missing in a namespace, as ip netns exec and spawn say it', () => {
    expect(notInstalled('tcpdump', 'exec of "tcpdump" failed: No such file or directory\n')).toBe(
      'tcpdump is not installed on this host (Debian and Ubuntu: sudo apt install tcpdump)',
    );
    expect(notInstalled('ping', 'spawn ping ENOENT')).toMatch(/apt install iputils-ping/);
    // Another program missing, or the namespace missing, is not this one missing.
    expect(notInstalled('ping', 'exec of "tcpdump" failed: No such file or directory')).toBeUndefined();
    expect(
      notInstalled('tcpdump', 'Cannot open network namespace "x": No such file or directory'),
    ).toBeUndefined();
  });
  it('traceroute hops', () => {
    expect(parseHop(1, 'From 10.1.0.1 icmp_seq=1 Time to live exceeded\n')).toEqual({
      ttl: 1,
      address: '10.1.0.1',
      kind: 'time-exceeded',
    });
    expect(parseHop(2, '64 bytes from 10.2.0.2: icmp_seq=1 ttl=63 time=0.101 ms\n')).toEqual({
      ttl: 2,
      address: '10.2.0.2',
      rttMs: 0.101,
      kind: 'reply',
    });
    expect(parseHop(1, 'From 10.1.0.2 icmp_seq=1 Destination Host Unreachable\n')).toEqual({
      ttl: 1,
      address: '10.1.0.2',
      kind: 'unreachable',
    });
    expect(parseHop(3, '1 packets transmitted, 0 received, 100% packet loss\n')).toEqual({
      ttl: 3,
      kind: 'none',
    });
  });
  it('routes: main-table unicast only, both families', () => {
    const rows = parseRoutes([
      { dst: '10.0.0.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', table: 'main', type: 'unicast' },
      { dst: 'default', gateway: '10.0.0.254', dev: 'eth0', table: 'main' },
      { type: 'local', dst: '10.0.0.1', dev: 'eth0', table: 'local' },
      { dst: 'fd00::/64', dev: 'eth0', metric: 256, table: 'main' },
    ]);
    expect(rows).toEqual([
      { dst: '10.0.0.0/24', family: 4, dev: 'eth0', protocol: 'kernel', scope: 'link' },
      { dst: 'default', family: 4, via: '10.0.0.254', dev: 'eth0' },
      { dst: 'fd00::/64', family: 6, dev: 'eth0', metric: 256 },
    ]);
  });
  it("FDB: learned entries on the bridge's ports only", () => {
    const rows = parseFdb(
      [
        { mac: '33:33:00:00:00:01', ifname: 'br0', flags: ['self'], state: 'permanent' },
        { mac: '86:22:01:4d:b1:6b', ifname: 'p1', flags: [], master: 'br0', state: '' },
        { mac: '16:e9:fc:0c:0d:e4', ifname: 'p1', flags: [], master: 'br0', state: 'permanent' },
        { mac: '16:e9:fc:0c:0d:e5', ifname: 'p2', flags: [], master: 'other', state: '' },
        { mac: '16:e9:fc:0c:0d:e6', ifname: 'p2', flags: [], master: 'br0', vlan: 10 },
      ],
      'br0',
    );
    expect(rows).toEqual([
      { mac: '86:22:01:4d:b1:6b', port: 'p1' },
      { mac: '16:e9:fc:0c:0d:e6', port: 'p2', vlan: 10 },
    ]);
  });
});

describe('document edits', () => {
  it('link state on both ends or one, leaving the input alone', () => {
    const both = withLinkState(classic, 'l1', false);
    expect([both.links[0].a.up, both.links[0].b.up]).toEqual([false, false]);
    const one = withLinkState(classic, 'l1', false, 'b');
    expect([one.links[0].a.up, one.links[0].b.up]).toEqual([true, false]);
    expect(classic.links[0].a.up).toBe(true);
    expect(() => withLinkState(classic, 'zz', false)).toThrow(/no link "zz"/);
  });
  it('netem set, changed and removed on one end', () => {
    const a = withNetem(classic, 'l2', 'a', { delayMs: 50, lossPercent: undefined });
    expect(a.links[1].a.netem).toEqual({ delayMs: 50 });
    expect(a.links[1].b.netem).toBeUndefined();
    expect(withNetem(a, 'l2', 'a', { delayMs: 80, jitterMs: 5 }).links[1].a.netem).toEqual({
      delayMs: 80,
      jitterMs: 5,
    });
    expect('netem' in withNetem(a, 'l2', 'a', null).links[1].a).toBe(false);
    expect('netem' in withNetem(a, 'l2', 'a', {}).links[1].a).toBe(false);
  });
});

describe('step-mode explanations', () => {
  // A router between two hosts: h1 -> r1 -> h2 (no bridge).
  const M = {
    h1: '02:00:00:00:00:01',
    r1a: '02:00:00:00:00:11',
    r1b: '02:00:00:00:00:12',
    h2: '02:00:00:00:00:02',
  };
  const pt = (
    nodeId: string,
    kind: CapturePoint['nodeKind'],
    iface: string,
    mac: string,
    addrs: string[],
  ): CapturePoint => ({
    nodeId,
    nodeName: nodeId,
    nodeKind: kind,
    iface,
    linkId: 'x',
    end: 'a',
    mac,
    nodeAddresses: addrs,
  });
  const h1 = pt('h1', 'namespace', 'eth0', M.h1, ['10.1.0.2']);
  const r1a = pt('r1', 'router', 'eth0', M.r1a, ['10.1.0.1', '10.2.0.1']);
  const r1b = pt('r1', 'router', 'eth1', M.r1b, ['10.1.0.1', '10.2.0.1']);
  const line = (t: string, src: string, dst: string, rest: string) =>
    parseTcpdumpLine(`${t} ${src} > ${dst}, ethertype IPv4 (0x0800), length 98: ${rest}`)!;
  it('names the routing table at the source and at the router, and local delivery at the target', () => {
    const req = (t: string, s: string, d: string) =>
      line(t, s, d, '10.1.0.2 > 10.2.0.2: ICMP echo request, id 1, seq 1, length 64');
    const hops = explainTrace(
      [
        { point: r1b, frame: req('1.000300', M.r1b, M.h2) },
        { point: h1, frame: req('1.000100', M.h1, M.r1a) },
        { point: r1a, frame: req('1.000200', M.h1, M.r1a) },
      ],
      {
        routes: { h1: { '10.2.0.2': '10.2.0.2 via 10.1.0.1 dev eth0 src 10.1.0.2' } },
        neighBefore: {},
        fdbBefore: {},
      },
    );
    expect(hops.map((h) => [h.nodeId, h.iface, h.direction, h.decidedBy])).toEqual([
      ['h1', 'eth0', 'out', 'routing table'],
      ['r1', 'eth0', 'in', 'routing table'],
      ['r1', 'eth1', 'out', 'routing table'],
    ]);
    expect(hops[0].explanation).toMatch(/leaves h1 via eth0 \(routing table: 10\.2\.0\.2 via 10\.1\.0\.1/);
    expect(hops[1].explanation).toMatch(/not its own address, so it forwards it/);
    expect(hops[2].explanation).toMatch(/is forwarded by r1 via eth1/);
  });
});
