import { execa } from 'execa';
import { rmSync, writeFileSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALWAYS_READ_KEYS,
  NS_OWN_SYSCTL_KEYS,
  NS_OWN_SYSCTLS,
  SYSCTL_ALLOWLIST,
} from '../../shared/model/common';
import type { KNamespace, KState } from '../../shared/plan/kstate';
import { FALLBACK_TUNNEL_IFNAMES } from '../../shared/validate/names';
import { IpJsonError } from './ip-json';
import { LiveReadError, newNamespaceConf, OWN_SYSCTL_SCRIPT, readLive } from './live-read';
import { useNsread } from './live-reader';
import { buildTestNsread } from './test-support/nsread-bin';
import { execaRunner, recordingRunner, type Runner } from './runner';
import { NOT_ROOT_REASON, isRoot, uniqueName, withScratchLab } from './test-support/scratch-netns';
import {
  ADDRESS_SHOW,
  BRIDGE_VLAN_SHOW,
  NETNS_LIST_ID,
  ROUTES_ALL,
  RULES_AND_NEIGHS,
  TC_QDISC_SHOW,
} from './test-support/iproute2-samples';

/** A runner that counts the processes it starts. */
function counting(inner: Runner = execaRunner) {
  const calls: string[][] = [];
  const run: Runner = (argv, opts) => {
    calls.push([...argv]);
    return inner(argv, opts);
  };
  return { run, calls };
}

describe.skipIf(!isRoot())(`readLive on the real kernel (${NOT_ROOT_REASON})`, () => {
  it('reads a hand-made lab exactly', async () => {
    await withScratchLab(async (lab) => {
      const [a, b] = await lab.netns(2);
      const r = lab.rootIface('npr');
      // The classic tutorial's commands, one per step.
      await lab.ip('-n', a, 'link', 'set', 'lo', 'alias', `netplumb:t1:ns:${a}`);
      await lab.ip('-n', a, 'link', 'set', 'lo', 'up');
      await lab.ip('-n', a, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', b);
      await lab.ip('link', 'add', r, 'type', 'veth', 'peer', 'name', 'vr', 'netns', b);
      await lab.ip('-n', b, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '1');
      await lab.ip(
        '-n',
        b,
        'link',
        'set',
        'br0',
        'address',
        '02:00:00:00:0b:00',
        'mtu',
        '1400',
        'alias',
        'netplumb:t1:node:br0',
      );
      await lab.ip('-n', b, 'link', 'set', 'vb', 'master', 'br0');
      await lab.ip('-n', b, 'link', 'set', 'vr', 'master', 'br0');
      await lab.ip(
        '-n',
        a,
        'link',
        'set',
        'va',
        'address',
        '02:00:00:00:0a:01',
        'mtu',
        '1400',
        'alias',
        'netplumb:t1:link:l1:a',
      );
      await lab.ip('-n', b, 'link', 'set', 'vb', 'address', '02:00:00:00:0b:01', 'mtu', '1400');
      await lab.ip('-n', b, 'link', 'set', 'vr', 'address', '02:00:00:00:0b:02');
      await lab.ip('link', 'set', r, 'address', '02:00:00:00:00:99');
      for (const [ns, dev] of [
        [a, 'va'],
        [b, 'vb'],
        [b, 'vr'],
        [b, 'br0'],
      ])
        await lab.ip('-n', ns, 'link', 'set', dev, 'up');
      await lab.ip('-n', a, 'addr', 'add', '10.0.0.1/24', 'dev', 'va');
      await lab.ip('-n', a, 'addr', 'add', 'fd00::1/64', 'dev', 'va', 'nodad');
      await lab.ip('-n', b, 'addr', 'add', '10.0.0.2/24', 'dev', 'br0');
      await lab.ip('-n', b, 'addr', 'add', 'fd00::2/64', 'dev', 'br0', 'nodad');
      await lab.ip('-n', a, 'route', 'add', '10.9.0.0/16', 'via', '10.0.0.2');
      await lab.ip(
        '-n',
        a,
        'route',
        'add',
        '10.8.0.0/16',
        'via',
        '10.0.0.2',
        'metric',
        '7',
        'proto',
        'static',
      );
      await lab.ip('-n', a, '-6', 'route', 'add', 'fd09::/32', 'via', 'fd00::2');
      await lab.ip('-n', a, '-6', 'route', 'add', 'default', 'via', 'fd00::2');
      await lab.ip('-n', b, 'route', 'add', '10.7.0.0/16', 'dev', 'br0');
      // A veth pair with both ends in one namespace.
      await lab.ip('-n', a, 'link', 'add', 'x1', 'type', 'veth', 'peer', 'name', 'x2');
      await lab.ip('-n', a, 'link', 'set', 'x1', 'address', '02:00:00:00:0a:11');
      await lab.ip('-n', a, 'link', 'set', 'x2', 'address', '02:00:00:00:0a:12');
      // Default routes without a gateway: the family comes from the kernel's IPv6-only fields.
      await lab.ip('-n', b, 'route', 'add', 'default', 'dev', 'br0');
      await lab.ip('-n', b, '-6', 'route', 'add', 'default', 'dev', 'br0');

      const { run, calls } = counting();
      const state = await readLive(run, { namespaces: [a, b] });
      const expected: Record<string, KNamespace> = {
        [a]: {
          name: a,
          mark: `netplumb:t1:ns:${a}`,
          sysctls: {},
          ifaces: {
            lo: {
              name: 'lo',
              kind: 'loopback',
              mark: `netplumb:t1:ns:${a}`,
              mtu: 65536,
              up: true,
              addresses: [],
            },
            va: {
              name: 'va',
              kind: 'veth',
              mark: 'netplumb:t1:link:l1:a',
              peer: { ns: b, name: 'vb' },
              mtu: 1400,
              mac: '02:00:00:00:0a:01',
              up: true,
              addresses: ['10.0.0.1/24', 'fd00::1/64'],
            },
            x1: {
              name: 'x1',
              kind: 'veth',
              peer: { ns: a, name: 'x2' },
              mtu: 1500,
              mac: '02:00:00:00:0a:11',
              up: false,
              addresses: [],
            },
            x2: {
              name: 'x2',
              kind: 'veth',
              peer: { ns: a, name: 'x1' },
              mtu: 1500,
              mac: '02:00:00:00:0a:12',
              up: false,
              addresses: [],
            },
          },
          routes: [
            { to: '10.8.0.0/16', family: 4, via: '10.0.0.2', dev: 'va', metric: 7 },
            { to: '10.9.0.0/16', family: 4, via: '10.0.0.2', dev: 'va' },
            { to: 'default', family: 6, via: 'fd00::2', dev: 'va' },
            { to: 'fd09::/32', family: 6, via: 'fd00::2', dev: 'va' },
          ],
        },
        [b]: {
          name: b,
          sysctls: {},
          ifaces: {
            lo: { name: 'lo', kind: 'loopback', mtu: 65536, up: false, addresses: [] },
            vb: {
              name: 'vb',
              kind: 'veth',
              peer: { ns: a, name: 'va' },
              master: 'br0',
              mtu: 1400,
              mac: '02:00:00:00:0b:01',
              up: true,
              addresses: [],
            },
            // The peer is in the root namespace, which was not part of the read: looked up once.
            vr: {
              name: 'vr',
              kind: 'veth',
              peer: { ns: '', name: r },
              master: 'br0',
              mtu: 1500,
              mac: '02:00:00:00:0b:02',
              up: true,
              addresses: [],
            },
            br0: {
              name: 'br0',
              kind: 'bridge',
              mark: 'netplumb:t1:node:br0',
              mtu: 1400,
              mac: '02:00:00:00:0b:00',
              up: true,
              addresses: ['10.0.0.2/24', 'fd00::2/64'],
              bridge: { stp: true, vlanFiltering: false, defaultPvid: 1 },
            },
          },
          routes: [
            { to: '10.7.0.0/16', family: 4, dev: 'br0' },
            { to: 'default', family: 4, dev: 'br0' },
            { to: 'default', family: 6, dev: 'br0' },
          ],
        },
      };
      const own = Object.fromEntries(Object.entries(state.namespaces).map(([n, ns]) => [n, labsOwn(ns)]));
      expect(own).toEqual(expected);
      // One batch per namespace, one root lookup for vr's peer, and the nsid
      // table of each namespace whose veth peer is not proven by the root (va, vb).
      expect(calls.filter((c) => c.includes('-batch'))).toHaveLength(3);
      expect(calls.filter((c) => c.includes('list-id'))).toHaveLength(2);
      expect(calls).toHaveLength(5);

      // With the root namespace in the read, the root end is there too.
      const withRoot = await readLive(execaRunner, { namespaces: [a, b], includeRoot: true });
      expect(withRoot.namespaces[''].ifaces[r]).toEqual({
        name: r,
        kind: 'veth',
        peer: { ns: b, name: 'vr' },
        mtu: 1500,
        mac: '02:00:00:00:00:99',
        up: false,
        addresses: [],
      });
      expect(labsOwn(withRoot.namespaces[b])).toEqual(expected[b]);
      expect(labsOwn(withRoot.namespaces[a])).toEqual(expected[a]);
      // 'all' covers every named namespace, ours included.
      const all = await readLive(execaRunner, { namespaces: 'all' });
      expect(all.namespaces[a]).toEqual(expected[a]);
      expect(all.namespaces['']).toBeUndefined();
    });
  });

  it("reads a namespace's own settings (pings ignored) where its sysctls are not read, with and without nsread alike", async () => {
    await withScratchLab(async (lab) => {
      const [a, b] = await lab.netns(2);
      await lab.ip('netns', 'exec', b, 'sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=1');
      // An interface's arp_ignore set by hand in b (judged by the default a new namespace gets);
      // in a, the default changed by hand after its interfaces were made: all of them are named.
      for (const ns of [a, b])
        await lab.ip('-n', ns, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
      await lab.ip('netns', 'exec', b, 'sysctl', '-q', '-w', 'net.ipv4.conf.va.arp_ignore=8');
      await lab.ip('netns', 'exec', a, 'sysctl', '-q', '-w', 'net.ipv4.conf.default.arp_ignore=2');
      const host = newNamespaceConf();
      const dflt = host['net.ipv4.conf.default.arp_ignore'];
      expect(dflt).toMatch(/^\d+$/);
      const { run, calls } = counting();
      // Without nsread: one nsenter (setns only) more per namespace, none in the root.
      const fan = await readLive(run, { namespaces: [a, b], includeRoot: true, ownSysctls: true });
      expect(calls.filter((c) => c[0] === 'nsenter').map((c) => c.join(' '))).toEqual([
        `nsenter --net=/run/netns/${a} sh -c ${OWN_SYSCTL_SCRIPT}`,
        `nsenter --net=/run/netns/${b} sh -c ${OWN_SYSCTL_SCRIPT}`,
      ]);
      // Only allowlisted keys reach the namespace's sysctls (the per-interface ones go to the interfaces).
      const allowlisted = (ns: string) =>
        Object.fromEntries(
          // A pattern's `all` is among the interfaces it names.
          ALWAYS_READ_KEYS.map((k) => k.replace('.*.', '.all.'))
            .filter((k) => (SYSCTL_ALLOWLIST as readonly string[]).includes(k))
            .map((k) => [
              k,
              execaRunner(['ip', 'netns', 'exec', ns, 'sysctl', '-n', k]).then((r) => r.stdout.trim()),
            ]),
        );
      const expectOwn = async (ns: string, extra: Record<string, string>) => {
        const want: Record<string, string> = { ...NS_OWN_SYSCTLS, ...extra };
        for (const [k, v] of Object.entries(allowlisted(ns))) if (!(k in want)) want[k] = await v;
        return want;
      };
      expect(fan.namespaces[a].sysctls).toEqual(await expectOwn(a, {}));
      expect(fan.namespaces[b].sysctls).toEqual(await expectOwn(b, { 'net.ipv4.icmp_echo_ignore_all': '1' }));
      expect(fan.namespaces[''].sysctls).toEqual({});
      expect(fan.namespaces[b].ifaces.va.sysctls).toEqual({
        'net.ipv4.conf.va.arp_ignore': { have: '8', want: dflt },
      });
      expect(fan.namespaces[b].ifaces.vb.sysctls).toBeUndefined();
      expect(fan.namespaces[b].confDrift).toBeUndefined();
      // In a: the namespace's default is named, and so are its interfaces: writing an IPv4 `default`
      // also writes every interface not set one by one (devinet_copy_dflt_conf).
      expect(fan.namespaces[a].ifaces.va.sysctls).toEqual({
        'net.ipv4.conf.va.arp_ignore': { have: '2', want: dflt },
      });
      expect(fan.namespaces[a].confDrift).toEqual({
        'net.ipv4.conf.default.arp_ignore': { have: '2', want: dflt },
      });
      // Where a new namespace gets another value (another host, devconf_inherit_init_net): judged by that.
      const other = String((Number(dflt) + 1) % 9);
      const judged = await readLive(run, {
        namespaces: [b],
        ownSysctls: true,
        hostDefaults: { ...host, 'net.ipv4.conf.default.arp_ignore': other },
      });
      expect(judged.namespaces[b].ifaces.vb.sysctls).toEqual({
        'net.ipv4.conf.vb.arp_ignore': { have: dflt, want: other },
      });
      // Unknown (unreadable): nothing judged.
      const unknown = await readLive(run, { namespaces: [b], ownSysctls: true, hostDefaults: {} });
      expect(unknown.namespaces[b].ifaces.va.sysctls).toBeUndefined();
      expect(unknown.namespaces[b].confDrift).toBeUndefined();
      // A namespace that is not there (no file, or a file with no namespace on it) is absent, not an error.
      const stale = uniqueName();
      writeFileSync(`/run/netns/${stale}`, '');
      try {
        const gone = await readLive(run, { namespaces: [a, `${stale}x`, stale], ownSysctls: true });
        expect(Object.keys(gone.namespaces)).toEqual([a]);
      } finally {
        rmSync(`/run/netns/${stale}`, { force: true });
      }
      // A namespace whose sysctls are all read has them among the rest (no second process).
      const both = await readLive(run, { namespaces: [a, b], sysctls: [b], ownSysctls: true });
      expect(both.namespaces[b].sysctls['net.ipv4.icmp_echo_ignore_all']).toBe('1');
      expect(both.namespaces[b].sysctls['net.ipv4.ip_forward']).toBe('0');
      // Through nsread (when this machine has one for root): the same.
      const nsread = buildTestNsread();
      if (nsread.skip) return;
      try {
        useNsread(nsread.bin);
        const viaNsread = await readLive(execaRunner, {
          namespaces: [a, b],
          includeRoot: true,
          ownSysctls: true,
        });
        for (const n of [a, b, '']) {
          expect(viaNsread.namespaces[n].sysctls, n).toEqual(fan.namespaces[n].sysctls);
          for (const i of ['va', 'vb'])
            expect(viaNsread.namespaces[n].ifaces[i]?.sysctls, `${n} ${i}`).toEqual(
              fan.namespaces[n].ifaces[i]?.sysctls,
            );
        }
      } finally {
        useNsread(undefined);
        nsread.remove();
      }
    });
  });

  it('marks an up loopback with IPv6 on that lost its own ::1 (lostOwn6), with and without nsread alike; not one with IPv6 off, nor one down', async () => {
    await withScratchLab(async (lab) => {
      const [lost, off, whole] = await lab.netns(3);
      for (const ns of [lost, off, whole]) await lab.ip('-n', ns, 'link', 'set', 'dev', 'lo', 'up');
      await lab.ip('-n', lost, '-6', 'address', 'delete', '::1/128', 'dev', 'lo');
      // IPv6 off on the loopback takes its ::1 away: not drift.
      await lab.ip('netns', 'exec', off, 'sysctl', '-q', '-w', 'net.ipv6.conf.lo.disable_ipv6=1');
      const flags = (s: KState) => [lost, off, whole].map((ns) => s.namespaces[ns].ifaces.lo.lostOwn6);
      const opts = { namespaces: [lost, off, whole], ownSysctls: true };
      const { run } = counting();
      expect(flags(await readLive(run, opts))).toEqual([true, undefined, undefined]);
      // Not read (no sysctls asked for): not judged.
      expect(
        (await readLive(run, { namespaces: [lost] })).namespaces[lost].ifaces.lo.lostOwn6,
      ).toBeUndefined();
      const nsread = buildTestNsread();
      if (!nsread.skip) {
        try {
          useNsread(nsread.bin);
          expect(flags(await readLive(execaRunner, opts))).toEqual([true, undefined, undefined]);
        } finally {
          useNsread(undefined);
          nsread.remove();
        }
      }
      // Down: coming up, the kernel gives it back.
      await lab.ip('-n', lost, 'link', 'set', 'dev', 'lo', 'down');
      expect((await readLive(run, opts)).namespaces[lost].ifaces.lo.lostOwn6).toBeUndefined();
    });
  });

  it('reads the allowlisted sysctls that exist, with one more process per namespace', async () => {
    await withScratchLab(async (lab) => {
      const [a, b] = await lab.netns(2);
      await lab.ip('netns', 'exec', b, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
      const { run, calls } = counting();
      const state = await readLive(run, { namespaces: [a, b], sysctls: true });
      expect(calls).toHaveLength(4);
      expect(state.namespaces[a].sysctls['net.ipv4.ip_forward']).toBe('0');
      expect(state.namespaces[b].sysctls['net.ipv4.ip_forward']).toBe('1');
      // A new namespace's own settings are the kernel's, as NS_OWN_SYSCTLS says (read by sysctl(8) here).
      expect(Object.fromEntries(NS_OWN_SYSCTL_KEYS.map((k) => [k, state.namespaces[a].sysctls[k]]))).toEqual(
        NS_OWN_SYSCTLS,
      );
      // Each key checked on its own: present with the same value, or absent when the kernel lacks it.
      for (const key of SYSCTL_ALLOWLIST) {
        const own = await execaRunner(['ip', 'netns', 'exec', a, 'sysctl', '-n', key]);
        if (own.exitCode === 0) expect(state.namespaces[a].sysctls[key], key).toBe(own.stdout.trim());
        else expect(state.namespaces[a].sysctls[key], key).toBeUndefined();
      }
      expect(
        Object.keys(state.namespaces[b].sysctls).every((k) =>
          (SYSCTL_ALLOWLIST as readonly string[]).includes(k),
        ),
      ).toBe(true);
    });
  });

  it("reads an interface's own forwarding and disable_ipv6 that differ from its namespace's `all`, and arp_ignore from its `default`, with and without nsread alike", async () => {
    await withScratchLab(async (lab) => {
      const [a] = await lab.netns(1);
      await lab.ip('-n', a, 'link', 'add', 'name', 'x.1', 'type', 'veth', 'peer', 'name', 'y');
      const set = (kv: string) => lab.ip('netns', 'exec', a, 'sysctl', '-q', '-w', kv);
      await set('net.ipv4.ip_forward=1');
      await set('net.ipv4.conf.x/1.forwarding=0');
      await set('net.ipv6.conf.y.disable_ipv6=1');
      // A setting `all` does not set is judged by the namespace's default (IFACE_DEFAULT_SYSCTLS);
      // the loopback is not judged.
      await set('net.ipv4.conf.y.arp_ignore=8');
      await set('net.ipv4.conf.lo.forwarding=0');
      const want = {
        'x.1': { 'net.ipv4.conf.x/1.forwarding': { have: '0', want: '1' } },
        y: {
          'net.ipv6.conf.y.disable_ipv6': { have: '1', want: '0' },
          'net.ipv4.conf.y.arp_ignore': {
            have: '8',
            want: newNamespaceConf()['net.ipv4.conf.default.arp_ignore'],
          },
        },
      };
      const built = buildTestNsread();
      for (const nsread of built.skip ? [false] : [true, false]) {
        useNsread(nsread ? built.bin : false);
        try {
          const s = await readLive(execaRunner, { namespaces: [a], sysctls: true });
          const got = Object.fromEntries(
            Object.values(s.namespaces[a].ifaces).map((i) => [i.name, i.sysctls]),
          );
          expect(got, nsread ? 'nsread' : 'fan-out').toEqual({ lo: undefined, ...want });
          expect(
            Object.keys(s.namespaces[a].sysctls).every(
              (k) => !k.includes('.conf.x') && !k.includes('.conf.y'),
            ),
          ).toBe(true);
        } finally {
          useNsread(undefined);
        }
      }
      built.remove();
    });
  });

  it('leaves the peer unknown when it is in an unnamed namespace (not the root)', async () => {
    await withScratchLab(async (lab) => {
      const [a] = await lab.netns(1);
      // An unnamed namespace held by a process we start (like a container's), stopped in finally.
      const holder = execa('unshare', ['--net', 'sleep', '60'], { reject: false });
      try {
        // Wait until the process has its own namespace (before that it would still be in the root one).
        const own = await readlink('/proc/self/ns/net');
        for (let i = 0; i < 200; i++) {
          const ns = await readlink(`/proc/${holder.pid}/ns/net`).catch(() => own);
          if (ns !== own) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(await readlink(`/proc/${holder.pid}/ns/net`)).not.toBe(own);
        await lab.ip(
          '-n',
          a,
          'link',
          'add',
          'u1',
          'type',
          'veth',
          'peer',
          'name',
          'u2',
          'netns',
          String(holder.pid),
        );
        const state = await readLive(execaRunner, { namespaces: [a], includeRoot: true });
        expect(state.namespaces[a].ifaces.u1.kind).toBe('veth');
        expect(state.namespaces[a].ifaces.u1.peer).toBeUndefined();
      } finally {
        holder.kill('SIGKILL');
        await holder;
      }
    });
  });

  it('reports a missing namespace as absent', async () => {
    await withScratchLab(async (lab) => {
      const [a] = await lab.netns(1);
      const missing = uniqueName('npgone');
      const state = await readLive(execaRunner, { namespaces: [a, missing] });
      expect(Object.keys(state.namespaces)).toEqual([a]);
    });
  });

  it('reports a namespace deleted while it is being read as absent', async () => {
    await withScratchLab(async (lab) => {
      const [a, b] = await lab.netns(2);
      // Deletes b right before its first command runs.
      const racing: Runner = async (argv, opts) => {
        if (argv.includes(b)) await execaRunner(['ip', 'netns', 'del', b]);
        return execaRunner(argv, opts);
      };
      const state = await readLive(racing, { namespaces: [a, b], sysctls: true });
      expect(Object.keys(state.namespaces)).toEqual([a]);
    });
  });
});

/** A fake kernel answering from the recorded samples (netem and VLAN filtering, which this kernel lacks). */
function sampleKernel() {
  return recordingRunner((argv) => {
    const line = argv.join(' ');
    if (line === 'ip -j -d -n ns1 -batch -')
      return { exitCode: 0, stdout: `${ADDRESS_SHOW}\n${ROUTES_ALL}\n${RULES_AND_NEIGHS}`, stderr: '' };
    if (line === 'ip -j -n ns1 netns list-id')
      return { exitCode: 0, stdout: `${NETNS_LIST_ID}\n`, stderr: '' };
    if (line === 'tc -j -n ns1 qdisc show') return { exitCode: 0, stdout: TC_QDISC_SHOW, stderr: '' };
    if (line === 'bridge -j -n ns1 vlan show') return { exitCode: 0, stdout: BRIDGE_VLAN_SHOW, stderr: '' };
    if (line === 'ip -j -n ns2 -batch -') {
      return {
        exitCode: 0,
        stdout:
          '[{"ifindex":1,"ifname":"lo","flags":[]},{"ifindex":2,"ifname":"v2","flags":[],"link_index":2,"link_netnsid":0}]\n[{"nsid":0,"name":"ns1"}]\n',
        stderr: '',
      };
    }
    return { exitCode: 1, stderr: `unexpected command: ${line}`, stdout: '' };
  });
}

/** A namespace read without the kernel's fallback tunnels (gre0, gretap0, …: in every namespace once ip_gre or the like is loaded), which are not the lab's. */
const labsOwn = (ns: KNamespace): KNamespace => ({
  ...ns,
  ifaces: Object.fromEntries(
    Object.entries(ns.ifaces).filter(([name]) => !FALLBACK_TUNNEL_IFNAMES.includes(name)),
  ),
});

describe('readLive with recorded output', () => {
  it('combines links, routes, VLANs and netem into one namespace', async () => {
    const { run, calls } = sampleKernel();
    const state = await readLive(run, { namespaces: ['ns1'] });
    const ns = state.namespaces.ns1;
    expect(ns.mark).toBe('netplumb:lab1:ns:ns1');
    expect(ns.ifaces.v1.netem).toEqual({ delayMs: 50, jitterMs: 10, lossPercent: 1, rateKbit: 1000 });
    expect(ns.ifaces.v1.peer).toEqual({ ns: 'ns2', name: 'v2' });
    expect(ns.ifaces.p1.vlans).toEqual({ pvid: 10, untagged: [10], tagged: [20, 21, 22, 30] });
    expect(ns.ifaces.p2.vlans).toEqual({ pvid: 1, untagged: [5], tagged: [1] });
    // A veth pair inside one namespace: the peer is found by ifindex.
    expect(ns.ifaces.p1.peer).toEqual({ ns: 'ns1', name: 'p2' });
    // The bridge's own VLAN entry is not a port setting; netem under htb is not ours.
    expect(ns.ifaces.br0.vlans).toBeUndefined();
    expect(ns.ifaces.p1.netem).toBeUndefined();
    expect(ns.routes).toHaveLength(11); // the sample's blackhole route included (drift)
    expect(calls.map((c) => c.argv.join(' ')).sort()).toEqual([
      'bridge -j -n ns1 vlan show',
      'ip -j -d -n ns1 -batch -',
      'ip -j -n ns1 netns list-id',
      'ip -j -n ns2 -batch -',
      'tc -j -n ns1 qdisc show',
    ]);
    expect(calls.find((c) => c.argv[0] === 'ip' && c.argv.includes('-d'))?.input).toBe(
      'address show\nroute show table all\nrule show\nneigh show nud permanent nud noarp\n',
    );
  });

  it('looks up peers outside the read once per namespace, within the concurrency limit', async () => {
    const peers = Array.from({ length: 12 }, (_, i) => i);
    const rootLinks = peers.map((i) => ({
      ifindex: 10 + i,
      ifname: `h${i}`,
      flags: [],
      link_index: 2,
      link_netnsid: i,
      linkinfo: { info_kind: 'veth' },
    }));
    // Two root veths into the same namespace: still one lookup for it.
    rootLinks.push({
      ifindex: 40,
      ifname: 'h0b',
      flags: [],
      link_index: 3,
      link_netnsid: 0,
      linkinfo: { info_kind: 'veth' },
    });
    let inFlight = 0;
    let most = 0;
    const calls: string[] = [];
    const run: Runner = async (argv) => {
      calls.push(argv.join(' '));
      if (argv.includes('-d')) {
        const ids = peers.map((i) => ({ name: `p${i}`, id: i }));
        return {
          exitCode: 0,
          // The root's batch: links, its boot and static routes, the netns list (live-read.ts ROOT_BATCH).
          stdout: `${JSON.stringify(rootLinks)}\n[]\n[]\n${JSON.stringify(ids)}\n`,
          stderr: '',
        };
      }
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const links = [
        { ifindex: 2, ifname: 'e0', flags: [] },
        { ifindex: 3, ifname: 'e1', flags: [] },
      ];
      return { exitCode: 0, stdout: `${JSON.stringify(links)}\n[]\n`, stderr: '' };
    };
    const state = await readLive(run, { namespaces: [], includeRoot: true, concurrency: 3 });
    expect(state.namespaces[''].ifaces.h5.peer).toEqual({ ns: 'p5', name: 'e0' });
    expect(state.namespaces[''].ifaces.h0b.peer).toEqual({ ns: 'p0', name: 'e1' });
    expect(calls).toHaveLength(1 + peers.length);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);

    // peerNames: false: the peer's namespace only, and no process beyond the read itself.
    calls.length = 0;
    const scoped = await readLive(run, { namespaces: [], includeRoot: true, peerNames: false });
    expect(scoped.namespaces[''].ifaces.h5.peer).toEqual({ ns: 'p5' });
    expect(calls).toHaveLength(1);
  });

  it('treats a namespace that vanishes between commands as absent', async () => {
    const inner = sampleKernel();
    const run: Runner = async (argv, opts) =>
      argv[0] === 'tc'
        ? {
            exitCode: 255,
            stdout: '',
            stderr: 'Cannot open network namespace "ns1": No such file or directory\n',
          }
        : inner.run(argv, opts);
    expect((await readLive(run, { namespaces: ['ns1'] })).namespaces).toEqual({});
  });

  it('reports other failures and odd output clearly', async () => {
    const denied: Runner = async () => ({
      exitCode: 255,
      stdout: '',
      stderr: 'setting the network namespace "ns1" failed: Operation not permitted\n',
    });
    await expect(readLive(denied, { namespaces: ['ns1'] })).rejects.toThrow(LiveReadError);
    await expect(readLive(denied, { namespaces: ['ns1'] })).rejects.toThrow(
      /namespace "ns1".*Operation not permitted/,
    );
    const odd: Runner = async () => ({
      exitCode: 0,
      stdout: `[{"ifname":"lo"}]\n[]\n${RULES_AND_NEIGHS}`,
      stderr: '',
    });
    await expect(readLive(odd, { namespaces: ['ns1'] })).rejects.toThrow(IpJsonError);
    await expect(readLive(odd, { namespaces: ['ns1'] })).rejects.toThrow(
      /address show in namespace "ns1".*0\.ifindex/,
    );
    const short: Runner = async () => ({ exitCode: 0, stdout: '[]\n', stderr: '' });
    await expect(readLive(short, { namespaces: ['ns1'] })).rejects.toThrow(/expected 4/);
  });

  it('refuses names that are not plain namespace names, before running anything', async () => {
    const { run, calls } = recordingRunner();
    await expect(readLive(run, { namespaces: ['../etc'] })).rejects.toThrow(/not a valid namespace name/);
    await expect(readLive(run, { namespaces: ['-n'] })).rejects.toThrow(LiveReadError);
    expect(calls).toEqual([]);
  });
});

/** The sample links without netem and VLAN filtering: a namespace with either is made anew at each read, not from its memo. */
const plainLinks = () =>
  (JSON.parse(ADDRESS_SHOW) as Record<string, unknown>[]).map((l): Record<string, unknown> => {
    const info = l.linkinfo as { info_data?: Record<string, unknown> } | undefined;
    return {
      ...l,
      qdisc: l.qdisc === 'netem' ? 'noqueue' : l.qdisc,
      ...(info?.info_data
        ? { linkinfo: { ...info, info_data: { ...info.info_data, vlan_filtering: 0 } } }
        : {}),
    };
  });

describe('readLive of a namespace whose output changed since its last read', () => {
  it('reads it exactly as a namespace never read before, whichever links and routes came, went or changed (property)', async () => {
    const links = JSON.parse(ADDRESS_SHOW) as Record<string, unknown>[];
    const routes = JSON.parse(ROUTES_ALL) as Record<string, unknown>[];
    const output = fc.record({
      links: fc.subarray(links.map((_, i) => i)),
      routes: fc.subarray(routes.map((_, i) => i)),
      mtu: fc.option(fc.integer({ min: 0, max: links.length - 1 }), { nil: undefined }),
      v: fc.integer({ min: 1280, max: 9000 }),
    });
    let fresh = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(output, { minLength: 2, maxLength: 4 }), async (steps) => {
        const name = `pr${fresh++}`;
        let now = '';
        const run: Runner = async (argv) => {
          const line = argv.join(' ');
          if (line.includes('-batch')) return { exitCode: 0, stdout: now, stderr: '' };
          if (line.includes('netns list-id'))
            return { exitCode: 0, stdout: `${NETNS_LIST_ID}\n`, stderr: '' };
          if (argv[0] === 'tc') return { exitCode: 0, stdout: TC_QDISC_SHOW, stderr: '' };
          if (argv[0] === 'bridge') return { exitCode: 0, stdout: BRIDGE_VLAN_SHOW, stderr: '' };
          return { exitCode: 1, stdout: '', stderr: `unexpected command: ${line}` };
        };
        for (const s of steps) {
          const l = s.links.map((i) => (i === s.mtu ? { ...links[i], mtu: s.v } : links[i]));
          now = `${JSON.stringify(l)}\n${JSON.stringify(s.routes.map((i) => routes[i]))}\n${RULES_AND_NEIGHS}`;
          const again = await readLive(run, { namespaces: [name], peerNames: false });
          const once = `pr${fresh++}`;
          const first = await readLive(run, { namespaces: [once], peerNames: false });
          // The namespace's own name is in its state (a peer in the same namespace): both as "N".
          const as = (ns: KNamespace, n: string) =>
            JSON.parse(JSON.stringify(ns).replaceAll(`"${n}"`, '"N"')) as unknown;
          expect(as(again.namespaces[name], name)).toEqual(as(first.namespaces[once], once));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reads the root the same whenever its output and sysctls are the same, whatever was read between, and hands out interfaces a caller may change (property)', async () => {
    const links = plainLinks();
    const routes = (JSON.parse(ROUTES_ALL) as Record<string, unknown>[]).map((r, i) => ({
      ...r,
      protocol: i % 2 ? 'static' : 'boot',
    }));
    const output = fc.record({
      links: fc.subarray(
        links.map((_, i) => i),
        { minLength: 1 },
      ),
      routes: fc.subarray(routes.map((_, i) => i)),
      mtu: fc.option(fc.integer({ min: 0, max: links.length - 1 }), { nil: undefined }),
      v: fc.integer({ min: 1280, max: 9000 }),
    });
    // Each read: an output of the pool, with its sysctls asked for or not, and which.
    const pick = fc.record({ k: fc.nat(), sysctls: fc.boolean(), forward: fc.constantFrom('0', '1') });
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(output, { minLength: 1, maxLength: 3 }),
        fc.array(pick, { minLength: 2, maxLength: 10 }),
        async (pool, order) => {
          let now = pool[0];
          let forward = '0';
          const run: Runner = async (argv) => {
            const line = argv.join(' ');
            if (line.includes('-batch')) {
              const l = now.links.map((i) => (i === now.mtu ? { ...links[i], mtu: now.v } : links[i]));
              const r = now.routes.map((i) => routes[i]);
              const boot = r.filter((x) => x.protocol === 'boot');
              const st = r.filter((x) => x.protocol === 'static');
              const text = `${JSON.stringify(l)}\n${JSON.stringify(boot)}\n${JSON.stringify(st)}\n[]\n`;
              return { exitCode: 0, stdout: text, stderr: '' };
            }
            if (line.includes('sh -c'))
              return { exitCode: 0, stdout: `net.ipv4.ip_forward = ${forward}\n`, stderr: '' };
            return { exitCode: 1, stdout: '', stderr: `unexpected command: ${line}` };
          };
          const firstOf = new Map<string, string>();
          for (const { k, sysctls, forward: f } of order) {
            now = pool[k % pool.length];
            forward = f;
            const i = `${k % pool.length} ${sysctls ? f : '-'}`;
            const st = await readLive(run, { namespaces: [], includeRoot: true, peerNames: false, sysctls });
            const root = st.namespaces[''];
            const text = JSON.stringify(root);
            const first = firstOf.get(i);
            if (first === undefined) firstOf.set(i, text);
            else expect(text).toBe(first);
            // A caller changes what it was handed (resolvePeers sets `peer`): never the next read's.
            for (const iface of Object.values(root.ifaces)) {
              iface.peer = { ns: 'elsewhere' };
              changed++;
            }
          }
        },
      ),
      { numRuns: 80 },
    );
    expect(changed).toBeGreaterThan(0);
  });

  it('reads it exactly as a namespace never read before when only its sysctls changed (its links and routes made once, its sysctls each read; property)', async () => {
    const plain = plainLinks();
    const ifnames = plain.map((l) => String(l.ifname));
    const out = `${JSON.stringify(plain)}\n${ROUTES_ALL}\n${RULES_AND_NEIGHS}`;
    const sysctls = fc.record({
      forward: fc.constantFrom('0', '1'),
      per: fc.subarray(ifnames),
      rp: fc.constantFrom('0', '1', '2'),
      six: fc.constantFrom('0', '1'),
    });
    let fresh = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(sysctls, { minLength: 2, maxLength: 4 }), async (steps) => {
        const name = `ps${fresh++}`;
        let now = '';
        const run: Runner = async (argv) => {
          const line = argv.join(' ');
          if (line.includes('-batch')) return { exitCode: 0, stdout: out, stderr: '' };
          if (line.includes('sh -c')) return { exitCode: 0, stdout: now, stderr: '' };
          if (line.includes('netns list-id'))
            return { exitCode: 0, stdout: `${NETNS_LIST_ID}\n`, stderr: '' };
          return { exitCode: 1, stdout: '', stderr: `unexpected command: ${line}` };
        };
        for (const s of steps) {
          now =
            [
              `net.ipv4.ip_forward = ${s.forward}`,
              `net.ipv4.conf.all.forwarding = ${s.forward}`,
              `net.ipv4.conf.all.rp_filter = ${s.rp}`,
              `net.ipv6.conf.all.disable_ipv6 = ${s.six}`,
              `net.ipv6.conf.lo.disable_ipv6 = ${s.six}`,
              ...s.per.map((i) => `net.ipv4.conf.${i}.forwarding = ${s.forward === '1' ? '0' : '1'}`),
              ...s.per.map((i) => `net.ipv4.conf.${i}.rp_filter = ${s.rp === '2' ? '0' : '2'}`),
            ].join('\n') + '\n';
          const again = await readLive(run, { namespaces: [name], peerNames: false, sysctls: true });
          const once = `ps${fresh++}`;
          const first = await readLive(run, { namespaces: [once], peerNames: false, sysctls: true });
          const as = (ns: KNamespace, n: string) => JSON.stringify(ns).replaceAll(`"${n}"`, '"N"');
          // The same, key order too (what the CLI prints as JSON).
          expect(as(again.namespaces[name], name)).toBe(as(first.namespaces[once], once));
          seen.add(as(again.namespaces[name], name));
        }
      }),
      { numRuns: 40 },
    );
    // The sysctls read did reach the namespaces (else this would compare nothing).
    expect(seen.size).toBeGreaterThan(3);
  });
});
