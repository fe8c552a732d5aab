/**
 * What namespace and router nodes share when they resolve: a namespace with
 * `lo`, the node's routes (and gateway) and its sysctls.
 */
import type { NetnsNode } from '../model';
import { makeMark, type KNamespace, type KRoute } from '../model/kstate';
import { canonicalCidr, canonicalIp, family } from '../util/ip';
import type { NodeLookup, ResolveSink } from './types';

/** The kernel routes of a namespace or router node. */
function routesOf(node: NetnsNode): KRoute[] {
  const out: KRoute[] = [];
  for (const r of node.routes) {
    const fam = r.to === 'default' ? ((r.via ? family(r.via) : null) ?? 4) : (family(r.to) ?? 4);
    out.push({
      to: r.to === 'default' ? 'default' : (canonicalCidr(r.to) ?? r.to),
      family: fam,
      ...(r.via ? { via: canonicalIp(r.via) ?? r.via } : {}),
      ...(r.dev ? { dev: r.dev } : {}),
      ...(r.metric !== undefined ? { metric: r.metric } : {}),
    });
  }
  if (node.gateway?.ipv4)
    out.push({ to: 'default', family: 4, via: canonicalIp(node.gateway.ipv4) ?? node.gateway.ipv4 });
  if (node.gateway?.ipv6)
    out.push({ to: 'default', family: 6, via: canonicalIp(node.gateway.ipv6) ?? node.gateway.ipv6 });
  return out;
}

/** The node's own sysctls (strings), after `extra` (the kind's fixed ones, e.g. forwarding). */
export function sysctlsOf(node: NetnsNode, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { ...extra };
  for (const [k, v] of Object.entries(node.sysctls ?? {})) if (v !== undefined) out[k] = String(v);
  return out;
}

/** Adds the namespace of a netns node to the state being built. */
export function resolveNetns(node: NetnsNode, sink: ResolveSink, extraSysctls?: Record<string, string>) {
  const mark = makeMark(sink.lab);
  const ns: KNamespace = { name: node.name, mark, sysctls: {}, ifaces: {}, routes: [] };
  ns.ifaces.lo = { name: 'lo', kind: 'loopback', up: true, addresses: [], mark: makeMark(sink.lab) };
  ns.routes = routesOf(node);
  ns.sysctls = sysctlsOf(node, extraSysctls);
  sink.addNamespace(ns, node.id);
}

/** A netns node lives in itself. */
export const ownHome = (node: NetnsNode, _lookup: NodeLookup) => ({ at: 'netns', node }) as const;
