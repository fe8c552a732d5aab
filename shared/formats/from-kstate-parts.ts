/**
 * Pieces of kstateToTopology (from-kstate.ts): what every step shares (the
 * import context and its warnings), node ids from kernel names, the sysctls
 * a namespace node keeps, and its routes/gateway. Pure.
 */
import type { Gateway, Route, Sysctls } from '../model';
import { NS_OWN_SYSCTLS, SYSCTL_ALLOWLIST } from '../model/common';
import { type KNamespace, type KRoute, type KState, ROOT_NS } from '../plan/kstate';
import type { Problem } from '../validate/problem';
import { contains } from '../util/ip';

/** Options of kstateToTopology. */
export interface KStateImportOptions {
  /** The lab name written to the file. */
  lab: string;
  /** Import only these namespaces (and the bridges and links that touch them); default: every named namespace. */
  namespaces?: string[];
}

/** What each step of one import shares. */
export interface ImportCtx {
  state: KState;
  opts: KStateImportOptions;
  /** Warnings so far, in the order the steps find them. */
  problems: Problem[];
  ids: IdMaker;
  /** The named namespaces imported, sorted. */
  scope: string[];
}

/** The MTU a veth or bridge gets when none is given; only other values are written. */
export const DEFAULT_MTU = 1500;
/** The id of the host node (reserved before any other id is made). */
export const HOST_ID = 'host';

/** An import warning. */
export const warn = (code: string, message: string, extra: Partial<Problem> = {}): Problem => ({
  code,
  severity: 'warning',
  message,
  path: [],
  ...extra,
});
/** How messages name a namespace. */
export const place = (ns: string) => (ns === ROOT_NS ? 'the root namespace' : `namespace ${ns}`);
/** A map key for an interface of a namespace. */
export const key = (ns: string, name: string) => `${ns}\u0000${name}`;

/**
 * What a fresh network namespace has for each allowlisted sysctl (measured
 * with `ip netns add` + `sysctl` on Linux 6.x). Only values that differ are
 * written to the file: the others are what the namespace gets anyway.
 */
export const FRESH_NS_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_forward': '0',
  'net.ipv6.conf.all.forwarding': '0',
  'net.ipv4.conf.all.rp_filter': '0',
  'net.ipv4.conf.default.rp_filter': '0',
  'net.ipv4.conf.all.arp_ignore': '0',
  'net.ipv4.conf.all.arp_announce': '0',
  'net.ipv4.conf.all.arp_filter': '0',
  'net.ipv4.conf.all.proxy_arp': '0',
  'net.ipv4.conf.all.accept_redirects': '1',
  'net.ipv4.conf.all.send_redirects': '1',
  'net.ipv6.conf.all.disable_ipv6': '0',
  'net.ipv6.conf.all.accept_dad': '0',
  'net.ipv6.conf.default.accept_dad': '1',
  'net.ipv6.conf.all.accept_ra': '1',
  'net.ipv6.conf.all.proxy_ndp': '0',
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.bridge.bridge-nf-call-ip6tables': '1',
  'net.bridge.bridge-nf-call-arptables': '1',
  'net.ipv4.icmp_echo_ignore_broadcasts': '1',
  'net.ipv4.ip_default_ttl': '64',
  ...NS_OWN_SYSCTLS,
};

/** Hands out document ids made from kernel names: only id characters, at most 64, unique. */
export class IdMaker {
  private used = new Set<string>();

  /** A fresh id for `name` (e.g. "ns 1" -> "ns-1", a second "ns1" -> "ns1-2"). */
  make(name: string): string {
    const base = (name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'node').slice(0, 60);
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}-${i}`;
    this.used.add(id);
    return id;
  }
}

/** The allowlisted sysctls of a namespace worth writing: those a fresh one lacks and its kind does not stand for (`implied`). */
export function nsSysctls(ns: KNamespace, implied: readonly string[]): Sysctls | undefined {
  const out: Record<string, string> = {};
  for (const key of SYSCTL_ALLOWLIST) {
    const v = ns.sysctls[key];
    if (v === undefined || v === FRESH_NS_SYSCTLS[key]) continue;
    // Forwarding on a router is expressed by the node kind (router, ipv6Forwarding) instead.
    if (implied.includes(key)) continue;
    out[key] = v;
  }
  return Object.keys(out).length ? (out as Sysctls) : undefined;
}

/** Routes and gateway of a namespace node; routes through interfaces left out are reported. */
export function nsRoutes(
  ns: KNamespace,
  keptIfaces: ReadonlySet<string>,
  keptAddresses: readonly string[],
  dropped: (r: KRoute, why: string) => void,
): { routes: Route[]; gateway?: Gateway } {
  const routes: Route[] = [];
  const gateway: Gateway = {};
  const defaults = (fam: 4 | 6) => ns.routes.filter((r) => r.to === 'default' && r.family === fam);
  for (const r of ns.routes) {
    if (r.type !== undefined) {
      dropped(r, `it is a ${r.type} route, which the file format does not have`);
      continue;
    }
    if (r.proto === 'kernel') {
      dropped(
        r,
        'it is a route of protocol kernel that no address accounts for (made by hand), which the file format does not have',
      );
      continue;
    }
    if (r.via === undefined && r.dev === undefined) {
      dropped(r, 'it has several next hops (multipath), which the file format cannot express');
      continue;
    }
    if (r.dev !== undefined && !keptIfaces.has(r.dev)) {
      dropped(r, `its interface ${r.dev} is not part of the imported lab`);
      continue;
    }
    if (r.via !== undefined && !keptAddresses.some((a) => contains(a, r.via!))) {
      dropped(r, `its next hop ${r.via} is not in a subnet of the interfaces imported with the namespace`);
      continue;
    }
    const key = r.family === 4 ? 'ipv4' : 'ipv6';
    // One plain default route per family is the node's gateway, as a user would draw it.
    if (
      r.to === 'default' &&
      r.via !== undefined &&
      r.metric === undefined &&
      defaults(r.family).length === 1
    ) {
      gateway[key] = r.via;
      continue;
    }
    routes.push({
      to: r.to,
      ...(r.via !== undefined ? { via: r.via } : { dev: r.dev }),
      ...(r.metric !== undefined ? { metric: r.metric } : {}),
    });
  }
  return { routes, ...(gateway.ipv4 || gateway.ipv6 ? { gateway } : {}) };
}
