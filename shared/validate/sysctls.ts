/**
 * Sysctl values of namespace/router nodes: each allowlisted key has a small
 * range of meaningful values, forwarding settings of routers, and IPv6
 * configuration on a namespace that disables IPv6.
 */
import { isNetnsNode, type NetnsNode, type SysctlKey } from '../model';
import { nodeLabel, type Ctx } from './context';

/** The values the kernel gives meaning to, per allowlisted key (inclusive ranges). */
export const SYSCTL_RANGES: Record<SysctlKey, [number, number]> = {
  'net.ipv4.ip_forward': [0, 1],
  'net.ipv6.conf.all.forwarding': [0, 1],
  'net.ipv4.conf.all.rp_filter': [0, 2],
  'net.ipv4.conf.default.rp_filter': [0, 2],
  'net.ipv4.conf.all.arp_ignore': [0, 8],
  'net.ipv4.conf.all.arp_announce': [0, 2],
  'net.ipv4.conf.all.arp_filter': [0, 1],
  'net.ipv4.conf.all.proxy_arp': [0, 1],
  'net.ipv4.conf.all.accept_redirects': [0, 1],
  'net.ipv4.conf.all.send_redirects': [0, 1],
  'net.ipv4.icmp_echo_ignore_all': [0, 1],
  'net.ipv4.icmp_echo_ignore_broadcasts': [0, 1],
  'net.ipv6.icmp.echo_ignore_all': [0, 1],
  'net.ipv4.ip_default_ttl': [1, 255],
  'net.ipv6.conf.all.disable_ipv6': [0, 1],
  'net.ipv6.conf.all.accept_dad': [0, 2],
  'net.ipv6.conf.default.accept_dad': [0, 2],
  'net.ipv6.conf.all.accept_ra': [0, 2],
  'net.ipv6.conf.all.proxy_ndp': [0, 1],
  'net.bridge.bridge-nf-call-iptables': [0, 1],
  'net.bridge.bridge-nf-call-ip6tables': [0, 1],
  'net.bridge.bridge-nf-call-arptables': [0, 1],
};

const hasV6 = (ctx: Ctx, n: NetnsNode): boolean =>
  (ctx.l3ByNs.get(n.id) ?? []).some((i) =>
    i.addresses.some((a) => typeof a.cidr === 'string' && a.cidr.includes(':')),
  ) ||
  !!n.gateway?.ipv6 ||
  (n.routes ?? []).some((r) => r.to.includes(':') || (r.via ?? '').includes(':'));

/** Rule: sysctl value ranges, forwarding on routers, IPv6 disabled while configured. */
export function checkSysctls(ctx: Ctx): void {
  ctx.topo.nodes.forEach((n, i) => {
    if (!isNetnsNode(n)) return;
    const sys = (n.sysctls ?? {}) as Record<string, number | string | undefined>;
    const at = (key: string) => ['nodes', i, 'sysctls', key];
    for (const [key, raw] of Object.entries(sys)) {
      const range = SYSCTL_RANGES[key as SysctlKey];
      if (!range || raw === undefined) continue;
      const v = Number(raw);
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
        ctx.add({
          code: 'sysctl-value-out-of-range',
          severity: 'error',
          message: `${nodeLabel(n)}: sysctl ${key} is ${raw}; it takes ${range[0]}–${range[1]}.`,
          path: at(key),
          nodeId: n.id,
        });
      }
    }
    const value = (key: SysctlKey) => (sys[key] === undefined ? undefined : Number(sys[key]));
    if (n.kind === 'router') {
      if (value('net.ipv4.ip_forward') === 0) {
        ctx.add({
          code: 'router-forwarding-off',
          severity: 'warning',
          message: `${nodeLabel(n)}: net.ipv4.ip_forward is 0, so this router will not forward IPv4 (the sysctl overrides the router default).`,
          path: at('net.ipv4.ip_forward'),
          nodeId: n.id,
        });
      }
      if (n.ipv6Forwarding !== false && value('net.ipv6.conf.all.forwarding') === 0) {
        ctx.add({
          code: 'router-forwarding-off',
          severity: 'warning',
          message: `${nodeLabel(n)}: ipv6Forwarding is on but net.ipv6.conf.all.forwarding is 0; the sysctl wins, so this router will not forward IPv6.`,
          path: at('net.ipv6.conf.all.forwarding'),
          nodeId: n.id,
        });
      }
    }
    if (value('net.ipv6.conf.all.disable_ipv6') === 1 && hasV6(ctx, n)) {
      ctx.add({
        code: 'ipv6-disabled',
        severity: 'error',
        message: `${nodeLabel(n)}: net.ipv6.conf.all.disable_ipv6 is 1, but the node has IPv6 addresses, routes or a gateway; the kernel would refuse or drop them.`,
        path: at('net.ipv6.conf.all.disable_ipv6'),
        nodeId: n.id,
      });
    }
  });
}
