/**
 * fast-check arbitraries for topologies (test support only; not exported from
 * the model index so fast-check never reaches a production bundle).
 *
 * `arbValidTopology` builds labs that validate with no errors and that can be
 * applied to a real kernel next to other tests: the lab name is `p` + 6 random
 * hex digits (not shrunk), every name in the root namespace and every
 * namespace name starts with `np<hex>`, and every interface name is at most
 * 15 bytes. Root-namespace interfaces (host ends, root bridges and their
 * ports) get no addresses, so applying a lab never adds routes to the host's
 * own routing table. Lab addresses come from 198.18.0.0/15 (RFC 2544) and a
 * per-lab ULA prefix; route destinations from 198.19.200.0/21.
 *
 * `arbMutatedDocument` (arbitraries-mutate.ts) produces random and broken
 * documents for fuzzing.
 */
import fc from 'fast-check';
import { parseTopology } from './parse';
import type { Topology } from './topology';
import { UnionFind } from '../util/union-find';

/** Options for {@link arbValidTopology}. */
export interface ArbTopologyOptions {
  /** Upper bound on the number of nodes (at least 1). Default 6. */
  maxNodes?: number;
  /** Generate VLAN-filtering bridges with port VLANs. Default true. */
  vlans?: boolean;
  /** Generate netem settings (delay/jitter). Default false: many kernels lack sch_netem. */
  netem?: boolean;
  /** Generate host nodes (interfaces in the root namespace). Default true. */
  hosts?: boolean;
  /** Generate IPv6 addresses and routes. Default true. */
  ipv6?: boolean;
}

type Plain = Record<string, unknown>;
const VIDS = [10, 20, 30, 40];
const NS_SYSCTLS: Plain[] = [
  {},
  { 'net.ipv4.icmp_echo_ignore_broadcasts': 1 },
  { 'net.ipv4.conf.all.rp_filter': 2 },
  { 'net.ipv4.conf.all.arp_ignore': 1 },
];

const arbEnd = fc.record({
  mac: fc.boolean(),
  vlanPvid: fc.option(fc.constantFrom(...VIDS), { nil: undefined }),
  vlanTagged: fc.subarray(VIDS),
  vlanUntagged: fc.option(fc.constantFrom(...VIDS), { nil: undefined }),
  useVlans: fc.boolean(),
  delay: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  jitterPart: fc.integer({ min: 0, max: 100 }),
  down: fc.integer({ min: 0, max: 9 }),
});

function arbShape(o: Required<ArbTopologyOptions>) {
  const max = Math.max(1, o.maxNodes);
  return fc.record({
    tag: fc.noShrink(fc.noBias(fc.integer({ min: 0, max: 0xffffff }))),
    netns: fc.array(
      fc.record({
        router: fc.boolean(),
        sysctl: fc.nat(NS_SYSCTLS.length - 1),
        v6fwd: fc.boolean(),
        gw4: fc.boolean(),
        gw6: fc.boolean(),
      }),
      { minLength: 1, maxLength: max },
    ),
    bridges: fc.array(
      fc.record({
        inNs: fc.option(fc.nat(), { nil: undefined }),
        stp: fc.boolean(),
        filtering: fc.boolean(),
        defaultPvid: fc.option(fc.constantFrom(1, 10, 20), { nil: undefined }),
        mac: fc.boolean(),
        addr: fc.boolean(),
      }),
      { maxLength: max },
    ),
    hosts: fc.nat(o.hosts ? 2 : 0),
    links: fc.array(fc.record({ a: fc.nat(), b: fc.nat(), ea: arbEnd, eb: arbEnd }), { maxLength: max * 2 }),
    segs: fc.array(
      fc.record({
        v4: fc.integer({ min: 0, max: 5 }),
        v6: fc.boolean(),
        mtu: fc.constantFrom(undefined, 1280, 1400, 1500, 9000),
      }),
      { minLength: 16, maxLength: 16 },
    ),
    allStp: fc.boolean(),
    routes: fc.array(
      fc.record({ node: fc.nat(), kind: fc.nat(2), metric: fc.option(fc.nat(100), { nil: undefined }) }),
      { maxLength: max * 2 },
    ),
    expects: fc.array(fc.record({ node: fc.nat(), pick: fc.nat(), byId: fc.boolean() }), { maxLength: 4 }),
    positions: fc.boolean(),
  });
}
type Shape = ReturnType<typeof arbShape> extends fc.Arbitrary<infer T> ? T : never;
type EndSpec = Shape['links'][number]['ea'];

interface Iface {
  ns: string;
  seg: string;
  nodeId: string;
  ifname: string;
  target: Plain; // the end or bridge object that receives addresses
  v4?: string;
  v6?: string;
}

/** Builds a valid document from random choices. Pure and deterministic. */
function build(s: Shape, o: Required<ArbTopologyOptions>): Plain {
  const hex = s.tag.toString(16).padStart(6, '0');
  const max = Math.max(1, o.maxNodes);
  const netnsCount = Math.min(s.netns.length, max);
  const bridgeCount = Math.min(s.bridges.length, max - netnsCount);
  const hostCount = Math.min(s.hosts, max - netnsCount - bridgeCount);
  const nodes: Plain[] = [];
  const nsOf = new Map<string, string>(); // node id -> namespace key ('' = root)
  const counters = new Map<string, number>();
  const alloc = (ns: string, prefix: string) => {
    const k = `${ns}|${prefix}`;
    const n = counters.get(k) ?? 0;
    counters.set(k, n + 1);
    return ns === '' ? `np${hex}${prefix}${n}` : `${prefix}${n}`;
  };

  s.netns.slice(0, netnsCount).forEach((n, i) => {
    const id = `${n.router ? 'r' : 'n'}${i}`;
    const sysctls: Plain = n.router
      ? { 'net.ipv4.ip_forward': 1, ...(n.v6fwd ? { 'net.ipv6.conf.all.forwarding': 1 } : {}) }
      : { ...NS_SYSCTLS[n.sysctl] };
    nodes.push({
      id,
      name: `np${hex}n${i}`,
      kind: n.router ? 'router' : 'namespace',
      ...(Object.keys(sysctls).length ? { sysctls } : {}),
    });
    nsOf.set(id, id);
  });
  s.bridges.slice(0, bridgeCount).forEach((b, i) => {
    const id = `b${i}`;
    const ns = b.inNs === undefined ? '' : (nodes[b.inNs % netnsCount].id as string);
    const filtering = o.vlans && b.filtering;
    nodes.push({
      id,
      name: alloc(ns, 'b'),
      kind: 'bridge',
      ...(ns ? { namespace: ns } : {}),
      stp: s.allStp || b.stp,
      vlanFiltering: filtering,
      ...(filtering && b.defaultPvid !== undefined ? { defaultPvid: b.defaultPvid } : {}),
      ...(b.mac
        ? {
            mac: `02:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:ff:${(i & 0xff).toString(16).padStart(2, '0')}`,
          }
        : {}),
    });
    nsOf.set(id, ns);
  });
  for (let i = 0; i < hostCount; i++) {
    nodes.push({ id: `h${i}`, name: `h${i}`, kind: 'host' });
    nsOf.set(`h${i}`, '');
  }
  if (s.positions) nodes.forEach((n, i) => (n.position = { x: (i % 4) * 200, y: Math.floor(i / 4) * 150 }));

  // Links; bridge-to-bridge links may not close a loop unless every bridge runs STP.
  const bridgeUf = new UnionFind();
  const segUf = new UnionFind();
  const links: Plain[] = [];
  const ends: { end: Plain; node: Plain; key: string; spec: EndSpec }[] = [];
  let macCounter = 0;
  for (const spec of s.links) {
    const A = nodes[spec.a % nodes.length];
    const B = nodes[spec.b % nodes.length];
    if (A.kind === 'bridge' && B.kind === 'bridge') {
      if (!s.allStp && bridgeUf.find(A.id as string) === bridgeUf.find(B.id as string)) continue;
      bridgeUf.union(A.id as string, B.id as string);
    }
    const id = `l${links.length}`;
    const mk = (N: Plain, e: EndSpec): Plain => {
      const ns = nsOf.get(N.id as string)!;
      const prefix = N.kind === 'bridge' ? 'p' : N.kind === 'host' ? 'h' : 'e';
      const end: Plain = { node: N.id, ifname: alloc(ns, prefix) };
      if (e.mac) {
        const c = macCounter++;
        end.mac = `02:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${((c >> 8) & 0xff).toString(16).padStart(2, '0')}:${(c & 0xff).toString(16).padStart(2, '0')}`;
      }
      if (N.kind === 'bridge' && N.vlanFiltering && e.useVlans) {
        const tagged = e.vlanTagged;
        const untagged =
          e.vlanUntagged !== undefined && !tagged.includes(e.vlanUntagged) ? [e.vlanUntagged] : [];
        let pvid = e.vlanPvid;
        if (pvid !== undefined && !tagged.includes(pvid) && untagged.length) pvid = untagged[0];
        end.vlans = { ...(pvid !== undefined ? { pvid } : {}), tagged, untagged };
      }
      if (o.netem && e.delay !== undefined)
        end.netem = { delayMs: e.delay, jitterMs: Math.floor((e.delay * e.jitterPart) / 100) };
      return end;
    };
    const a = mk(A, spec.ea);
    const b = mk(B, spec.eb);
    links.push({ id, a, b });
    segUf.union(`${id}:a`, `${id}:b`);
    if (A.kind === 'bridge') segUf.union(`${id}:a`, `br:${A.id}`);
    if (B.kind === 'bridge') segUf.union(`${id}:b`, `br:${B.id}`);
    ends.push(
      { end: a, node: A, key: `${id}:a`, spec: spec.ea },
      { end: b, node: B, key: `${id}:b`, spec: spec.eb },
    );
  }

  // L3 interfaces outside the root namespace, grouped by segment, one per namespace and segment.
  const ifaces: Iface[] = [];
  const taken = new Set<string>();
  const addIface = (i: Iface) => {
    const k = `${i.seg}|${i.ns}`;
    if (i.ns === '' || taken.has(k)) return;
    taken.add(k);
    ifaces.push(i);
  };
  for (const e of ends) {
    if (e.node.kind === 'bridge' || e.node.kind === 'host') continue;
    addIface({
      ns: nsOf.get(e.node.id as string)!,
      seg: segUf.find(e.key),
      nodeId: e.node.id as string,
      ifname: e.end.ifname as string,
      target: e.end,
    });
  }
  nodes.forEach((n, i) => {
    if (n.kind === 'bridge' && n.namespace && s.bridges[i - netnsCount]?.addr) {
      addIface({
        ns: n.namespace as string,
        seg: segUf.find(`br:${n.id}`),
        nodeId: n.id as string,
        ifname: n.name as string,
        target: n,
      });
    }
  });
  const segIndex = new Map<string, number>();
  const hostIndex = new Map<string, number>();
  for (const i of ifaces) {
    if (!segIndex.has(i.seg)) segIndex.set(i.seg, segIndex.size);
    const si = segIndex.get(i.seg)!;
    if (si >= 200) continue; // keep route destinations (198.19.200.0/21) free
    const choice = s.segs[si % s.segs.length];
    const h = (hostIndex.get(i.seg) ?? 0) + 1;
    hostIndex.set(i.seg, h);
    const addrs: string[] = [];
    if (choice.v4 > 0) {
      i.v4 = `198.${18 + (si >> 8)}.${si & 0xff}.${h}`;
      addrs.push(`${i.v4}/24`);
    }
    if (o.ipv6 && choice.v6) {
      i.v6 = `fd${hex.slice(0, 2)}:${hex.slice(2, 6)}:${si.toString(16)}::${h.toString(16)}`;
      addrs.push(`${i.v6}/64`);
    }
    if (addrs.length) i.target.addresses = addrs;
  }
  // Some interfaces are left down: never an L3 interface (routes may use it)
  // and only on segments without addresses (no expectation crosses them).
  const addressedSegs = new Set(ifaces.filter((i) => i.v4 || i.v6).map((i) => i.seg));
  const l3Targets = new Set(ifaces.map((i) => i.target));
  for (const e of ends)
    if (e.spec.down === 0 && !l3Targets.has(e.end) && !addressedSegs.has(segUf.find(e.key))) e.end.up = false;
  // One MTU per segment, so both ends of every veth agree.
  for (const e of ends) {
    const si = segIndex.get(segUf.find(e.key));
    const mtu = si === undefined ? undefined : s.segs[si % s.segs.length].mtu;
    if (mtu !== undefined) e.end.mtu = mtu;
  }

  // Routes and gateways through directly connected neighbours.
  const neighbours = (nodeId: string) => {
    const mine = ifaces.filter((i) => i.ns === nodeId);
    return { mine, others: ifaces.filter((x) => mine.some((m) => m.seg === x.seg) && x.ns !== nodeId) };
  };
  const routeCount = new Map<string, number>();
  for (const r of s.routes) {
    const n = nodes[r.node % netnsCount];
    const { mine, others } = neighbours(n.id as string);
    const k = routeCount.get(n.id as string) ?? 0;
    if (k >= 50) continue;
    let route: Plain | undefined;
    if (r.kind === 0 && others.some((x) => x.v4))
      route = { to: `198.19.${200 + (k >> 3)}.${(k & 7) * 32}/27`, via: others.find((x) => x.v4)!.v4 };
    else if (r.kind === 1 && others.some((x) => x.v6))
      route = {
        to: `fd${hex.slice(0, 2)}:${hex.slice(2, 6)}:ff${k.toString(16).padStart(2, '0')}::/64`,
        via: others.find((x) => x.v6)!.v6,
      };
    else if (mine.length)
      route = { to: `198.19.${200 + (k >> 3)}.${(k & 7) * 32}/27`, dev: mine[k % mine.length].ifname };
    if (!route) continue;
    if (r.metric !== undefined) route.metric = r.metric;
    routeCount.set(n.id as string, k + 1);
    n.routes = [...((n.routes as Plain[]) ?? []), route];
  }
  s.netns.slice(0, netnsCount).forEach((spec, i) => {
    const n = nodes[i];
    const { others } = neighbours(n.id as string);
    const gw: Plain = {};
    const v4 = others.find((x) => x.v4)?.v4;
    const v6 = others.find((x) => x.v6)?.v6;
    if (spec.gw4 && v4) gw.ipv4 = v4;
    if (spec.gw6 && v6) gw.ipv6 = v6;
    if (Object.keys(gw).length) n.gateway = gw;
  });

  // Expectations between direct neighbours on segments without VLAN filtering.
  const filteringSeg = new Set(
    nodes.filter((n) => n.kind === 'bridge' && n.vlanFiltering).map((n) => segUf.find(`br:${n.id}`)),
  );
  const expect: Plain[] = [];
  for (const x of s.expects) {
    const n = nodes[x.node % netnsCount];
    const { others } = neighbours(n.id as string);
    const ok = others.filter((t) => !filteringSeg.has(t.seg) && (t.v4 || t.v6));
    if (!ok.length) continue;
    const t = ok[x.pick % ok.length];
    expect.push({ from: n.id, to: x.byId ? t.nodeId : (t.v4 ?? t.v6) });
  }
  return { version: 1, name: `p${hex}`, nodes, links, ...(expect.length ? { expect } : {}) };
}

const defaults = (o: ArbTopologyOptions): Required<ArbTopologyOptions> => ({
  maxNodes: 6,
  vlans: true,
  netem: false,
  hosts: true,
  ipv6: true,
  ...o,
});

/** Valid documents as plain data (what a file holds), before schema defaults. */
export function arbValidDocument(options: ArbTopologyOptions = {}): fc.Arbitrary<Plain> {
  const o = defaults(options);
  return arbShape(o).map((s) => build(s, o));
}

/** Valid topologies (schema-parsed) that pass validate() with no errors. */
export function arbValidTopology(options: ArbTopologyOptions = {}): fc.Arbitrary<Topology> {
  return arbValidDocument(options).map((doc) => {
    const r = parseTopology(doc);
    if (!r.ok)
      throw new Error(
        `arbValidTopology built a document the schema rejects: ${r.problems.map((p) => p.message).join('; ')}`,
      );
    return r.topology;
  });
}
