import { describe, expect, it } from 'vitest';
import { importHost, isReadOnlyCommand, NotAReadError, readOnlyRunner } from './import-host';
import { SYSCTL_SCRIPT } from './live-read';
import { fanOut, recordingRunner, type FanJob, type Runner } from './runner';

describe('import-host runs reads only', () => {
  it('accepts the reads the live reader makes', () => {
    expect(
      isReadOnlyCommand(
        ['ip', '-j', '-d', '-batch', '-'],
        'address show\nroute show table all\nnetns list-id\n',
      ),
    ).toBe(true);
    expect(
      isReadOnlyCommand(
        ['ip', '-j', '-d', '-n', 'ns1', '-batch', '-'],
        'address show\nroute show table all\nnetns list-id\n',
      ),
    ).toBe(true);
    expect(isReadOnlyCommand(['ip', '-j', '-n', 'ns1', '-batch', '-'], 'link show\nnetns list-id\n')).toBe(
      true,
    );
    expect(isReadOnlyCommand(['tc', '-j', '-n', 'ns1', 'qdisc', 'show'])).toBe(true);
    expect(isReadOnlyCommand(['bridge', '-j', 'vlan', 'show'])).toBe(true);
    expect(isReadOnlyCommand(['sysctl', '-e', 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'])).toBe(
      true,
    );
    expect(isReadOnlyCommand(['ip', 'netns', 'exec', 'ns1', 'sysctl', '-e', 'net.ipv4.ip_forward'])).toBe(
      true,
    );
    expect(isReadOnlyCommand(['ip', '-j', 'link', 'show', 'dev', 'eth0'])).toBe(true);
    expect(
      isReadOnlyCommand(
        ['ip', '-j', '-d', '-n', 'ns1', '-batch', '-'],
        'address show\nroute show table all\nrule show\nneigh show nud permanent nud noarp\n',
      ),
    ).toBe(true);
    // The live reader's sysctl script, exactly, in a namespace or the root.
    expect(isReadOnlyCommand(['ip', 'netns', 'exec', 'ns1', 'sh', '-c', SYSCTL_SCRIPT])).toBe(true);
    expect(isReadOnlyCommand(['sh', '-c', SYSCTL_SCRIPT])).toBe(true);
  });

  it('refuses anything that could change the host', () => {
    expect(isReadOnlyCommand(['ip', 'link', 'set', 'dev', 'x', 'alias', 'y'])).toBe(false);
    expect(isReadOnlyCommand(['ip', '-j', 'link', 'set', 'dev', 'x', 'up'])).toBe(false);
    expect(isReadOnlyCommand(['ip', '-j', '-batch', '-'], 'address show\nlink delete dev x\n')).toBe(false);
    expect(isReadOnlyCommand(['ip', '-j', '-batch', '-'], '')).toBe(false);
    expect(isReadOnlyCommand(['ip', '-j', '-n', 'a', '-batch', 'file'], 'link show\n')).toBe(false);
    expect(isReadOnlyCommand(['sysctl', '-e', 'net.ipv4.ip_forward=1'])).toBe(false);
    expect(isReadOnlyCommand(['sysctl', '-w', 'net.ipv4.ip_forward=1'])).toBe(false);
    expect(isReadOnlyCommand(['ip', 'netns', 'exec', 'ns1', 'sh', '-c', 'sysctl -e x'])).toBe(false);
    expect(isReadOnlyCommand(['sh', '-c', `${SYSCTL_SCRIPT}; rm -rf /`])).toBe(false);
    expect(isReadOnlyCommand(['ip', '-j', '-batch', '-'], 'rule show\nrule add prohibit\n')).toBe(false);
    expect(isReadOnlyCommand(['ip', 'netns', 'add', 'x'])).toBe(false);
    expect(isReadOnlyCommand(['tc', '-j', 'qdisc', 'del', 'dev', 'x', 'root'])).toBe(false);
    expect(isReadOnlyCommand(['bridge', '-j', 'vlan', 'add', 'vid', '5', 'dev', 'x'])).toBe(false);
    expect(isReadOnlyCommand(['rm', '-rf', '/'])).toBe(false);
  });

  it('readOnlyRunner throws before running a write, and passes reads through', async () => {
    const rec = recordingRunner(() => ({ exitCode: 0, stdout: '[]', stderr: '' }));
    const ro = readOnlyRunner(rec.run);
    await expect(ro(['ip', 'link', 'delete', 'dev', 'x'])).rejects.toBeInstanceOf(NotAReadError);
    expect(rec.calls).toEqual([]);
    await ro(['tc', '-j', 'qdisc', 'show']);
    expect(rec.calls.map((c) => c.argv[0])).toEqual(['tc']);
  });

  it('readOnlyRunner checks every job of a fan-out before starting any', async () => {
    const started: string[][] = [];
    const inner: Runner = Object.assign(recordingRunner().run, {
      fanOut: async (jobs: readonly FanJob[]) => {
        for (const j of jobs) started.push([...j.argv]);
        return jobs.map(() => ({ exitCode: 0, stdout: '[]', stderr: '' }));
      },
    });
    const ro = readOnlyRunner(inner);
    const read = { argv: ['ip', '-j', '-n', 'ns1', 'link', 'show'] };
    await expect(
      fanOut(ro, [read, { argv: ['ip', '-n', 'ns1', 'link', 'delete', 'dev', 'x'] }]),
    ).rejects.toBeInstanceOf(NotAReadError);
    await expect(
      fanOut(ro, [read, { argv: ['ip', '-j', '-batch', '-'], input: 'link show\nlink delete dev x\n' }]),
    ).rejects.toBeInstanceOf(NotAReadError);
    expect(started).toEqual([]);
    await fanOut(ro, [read, read]);
    expect(started).toHaveLength(2);
  });

  it('refuses namespace names that are not plain names before running anything', async () => {
    const rec = recordingRunner();
    await expect(importHost({ namespaces: ['../x'], runner: rec.run })).rejects.toThrow(
      /not a valid namespace name/,
    );
    await expect(importHost({ namespaces: ['-n'], runner: rec.run })).rejects.toThrow(
      /not a valid namespace name/,
    );
    expect(rec.calls).toEqual([]);
  });
});
