import { describe, expect, it } from 'vitest';
import { SYSCTL_ALLOWLIST } from '../model';
import { validate } from './index';
import { SYSCTL_RANGES } from './sysctls';
import { variant, withCode } from './test-fixtures';

describe('sysctls', () => {
  it('every allowlisted key has a range', () => {
    expect(Object.keys(SYSCTL_RANGES).sort()).toEqual([...SYSCTL_ALLOWLIST].sort());
  });

  it('values in range are fine (numbers or digit strings)', () => {
    expect(
      validate(
        variant(
          (d) =>
            (d.nodes[0].sysctls = { 'net.ipv4.conf.all.rp_filter': 2, 'net.ipv4.conf.all.arp_ignore': '8' }),
        ),
      ),
    ).toEqual([]);
  });

  it('values out of range', () => {
    const ps = validate(
      variant(
        (d) =>
          (d.nodes[0].sysctls = { 'net.ipv4.conf.all.rp_filter': 3, 'net.ipv4.icmp_echo_ignore_all': '-1' }),
      ),
    );
    expect(withCode(ps, 'sysctl-value-out-of-range')).toMatchObject([
      { severity: 'error', path: ['nodes', 0, 'sysctls', 'net.ipv4.conf.all.rp_filter'], nodeId: 'ns1' },
      { path: ['nodes', 0, 'sysctls', 'net.ipv4.icmp_echo_ignore_all'] },
    ]);
  });

  it('a router with forwarding turned off by sysctl is a warning (IPv4 and IPv6)', () => {
    const ps = validate(
      variant((d) => (d.nodes[2].sysctls = { 'net.ipv4.ip_forward': 0, 'net.ipv6.conf.all.forwarding': 0 })),
    );
    expect(withCode(ps, 'router-forwarding-off')).toMatchObject([
      { severity: 'warning', nodeId: 'r1', path: ['nodes', 2, 'sysctls', 'net.ipv4.ip_forward'] },
      { path: ['nodes', 2, 'sysctls', 'net.ipv6.conf.all.forwarding'] },
    ]);
    const off = validate(
      variant(
        (d) => (
          (d.nodes[2].ipv6Forwarding = false),
          (d.nodes[2].sysctls = { 'net.ipv6.conf.all.forwarding': 0 })
        ),
      ),
    );
    expect(withCode(off, 'router-forwarding-off')).toEqual([]);
  });

  it('IPv6 disabled on a node with IPv6 configuration', () => {
    const ps = validate(variant((d) => (d.nodes[1].sysctls = { 'net.ipv6.conf.all.disable_ipv6': 1 })));
    expect(withCode(ps, 'ipv6-disabled')).toMatchObject([
      { severity: 'error', nodeId: 'ns2', path: ['nodes', 1, 'sysctls', 'net.ipv6.conf.all.disable_ipv6'] },
    ]);
    const v4only = validate(variant((d) => (d.nodes[0].sysctls = { 'net.ipv6.conf.all.disable_ipv6': 1 })));
    expect(v4only).toEqual([]);
  });
});
