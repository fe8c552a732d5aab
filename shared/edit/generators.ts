/**
 * Generators: a star, line, ring or tree of N namespaces around bridges or
 * routers, addressed automatically.
 *
 * The shape is drawn by the hubs (bridges or routers); each namespace hangs off
 * one hub:
 * - star: one hub, all N namespaces on it;
 * - line: N hubs in a chain, one namespace on each;
 * - ring: the line closed into a ring (bridges get STP so the loop is safe);
 * - tree: ceil(N/2) hubs as a binary tree, two namespaces on each.
 *
 * With bridges everything is one L2 segment with one subnet. With routers each
 * link is its own /24, every namespace gets its router as default gateway, and
 * every router gets static routes to the subnets it is not attached to (next
 * hop along the shortest path), so every namespace can reach every other.
 */
import { TopoNode, type Link, type Position, type Route, type Topology } from '../model';
import { nextFreeAddress } from '../util/ip-alloc';
import { freeSubnet, usedPrefixes } from './addressing';
import { autoIfname, ifnamesByNs, nextLinkId, nextNodeName, takenNodeNames } from './names';

export type GeneratorShape = 'star' | 'line' | 'ring' | 'tree';
export type HubKind = 'bridge' | 'router';

export interface GeneratorSpec {
  shape: GeneratorShape;
  /** Number of namespaces (1..250). */
  count: number;
  hub: HubKind;
}

/** Largest N a generator accepts. */
export const GENERATOR_MAX = 250;

function hubGraph(
  shape: GeneratorShape,
  n: number,
): { hubs: number; edges: [number, number][]; hubOf: (i: number) => number } {
  switch (shape) {
    case 'star':
      return { hubs: 1, edges: [], hubOf: () => 0 };
    case 'line':
    case 'ring': {
      const edges: [number, number][] = [];
      for (let i = 0; i + 1 < n; i++) edges.push([i, i + 1]);
      if (shape === 'ring' && n > 2) edges.push([n - 1, 0]);
      return { hubs: n, edges, hubOf: (i) => i };
    }
    case 'tree': {
      const hubs = Math.max(1, Math.ceil(n / 2));
      const edges: [number, number][] = [];
      for (let i = 1; i < hubs; i++) edges.push([Math.floor((i - 1) / 2), i]);
      return { hubs, edges, hubOf: (i) => Math.floor(i / 2) };
    }
  }
}

function hubPositions(shape: GeneratorShape, hubs: number, origin: Position): Position[] {
  const out: Position[] = [];
  for (let i = 0; i < hubs; i++) {
    if (shape === 'ring' || (shape === 'star' && hubs === 1)) {
      const r = shape === 'star' ? 0 : Math.max(220, hubs * 60);
      const a = (2 * Math.PI * i) / hubs;
      out.push({ x: origin.x + r * Math.cos(a), y: origin.y + r * Math.sin(a) });
    } else if (shape === 'tree') {
      const depth = Math.floor(Math.log2(i + 1));
      const idx = i - (2 ** depth - 1);
      const width = 2 ** depth;
      out.push({
        x: origin.x + (idx - (width - 1) / 2) * 2 ** (Math.floor(Math.log2(hubs)) - depth) * 320,
        y: origin.y + depth * 220,
      });
    } else {
      out.push({ x: origin.x + i * 220, y: origin.y });
    }
  }
  return out;
}

const snap = (p: Position): Position => ({ x: Math.round(p.x / 16) * 16, y: Math.round(p.y / 16) * 16 });

/** Builds the nodes and links of a generated shape (to append to `doc`). */
export function generate(
  doc: Topology,
  spec: GeneratorSpec,
  origin: Position,
): { nodes: TopoNode[]; links: Link[] } {
  const n = Math.max(1, Math.min(GENERATOR_MAX, Math.floor(spec.count)));
  const g = hubGraph(spec.shape, n);
  const taken = takenNodeNames(doc);
  const mk = (
    kind: 'namespace' | 'bridge' | 'router',
    position: Position,
    extra: Record<string, unknown> = {},
  ): TopoNode => {
    const name = nextNodeName(kind, taken);
    taken.add(name);
    return TopoNode.parse({ id: name, name, kind, position: snap(position), ...extra });
  };
  const hubPos = hubPositions(spec.shape, g.hubs, origin);
  const hubs = hubPos.map((p) =>
    mk(spec.hub, p, spec.hub === 'bridge' && spec.shape === 'ring' && n > 2 ? { stp: true } : {}),
  );
  const perHub = new Map<number, number>();
  const nss: TopoNode[] = [];
  for (let i = 0; i < n; i++) {
    const h = g.hubOf(i);
    const k = perHub.get(h) ?? 0;
    perHub.set(h, k + 1);
    const hp = hubPos[h];
    let p: Position;
    if (spec.shape === 'star') {
      const a = (2 * Math.PI * i) / n;
      const r = Math.max(220, n * 28);
      p = { x: hp.x + r * Math.cos(a), y: hp.y + r * Math.sin(a) };
    } else if (spec.shape === 'ring') {
      const a = (2 * Math.PI * h) / g.hubs;
      p = { x: hp.x + 200 * Math.cos(a), y: hp.y + 160 * Math.sin(a) };
    } else {
      p = { x: hp.x + (spec.shape === 'tree' ? (k - 0.5) * 150 : 0), y: hp.y + 160 };
    }
    nss.push(mk('namespace', p));
  }
  const next: Topology = { ...doc, nodes: [...doc.nodes, ...hubs, ...nss] };
  const used = ifnamesByNs(next);
  const reserved = usedPrefixes(doc);
  const newSubnet = () => {
    const s = freeSubnet(reserved);
    reserved.push(s);
    return s;
  };
  const links: Link[] = [];
  const linkIds = new Set<string>();
  const link = (a: TopoNode, b: TopoNode, aAddr: string[], bAddr: string[]): Link => {
    const id = nextLinkId(next, linkIds);
    linkIds.add(id);
    const l: Link = {
      id,
      a: { node: a.id, ifname: autoIfname(next, a, b, used), addresses: aAddr, up: true },
      b: { node: b.id, ifname: autoIfname(next, b, a, used), addresses: bAddr, up: true },
    };
    links.push(l);
    return l;
  };
  if (spec.hub === 'bridge') {
    const subnet = newSubnet();
    const usedAddr: string[] = [];
    for (const [x, y] of g.edges) link(hubs[x], hubs[y], [], []);
    nss.forEach((ns, i) => {
      const addr = nextFreeAddress(subnet, usedAddr);
      if (addr) usedAddr.push(addr);
      link(ns, hubs[g.hubOf(i)], addr ? [addr] : [], []);
    });
    return { nodes: [...hubs, ...nss], links };
  }
  // Routers: one subnet per link; remember which router reaches which subnet how.
  const attached: { subnet: string; addr: string }[][] = hubs.map(() => []);
  const neighbours: { hub: number; via: string }[][] = hubs.map(() => []);
  for (const [x, y] of g.edges) {
    const s = newSubnet();
    const ax = nextFreeAddress(s, [])!;
    const ay = nextFreeAddress(s, [ax])!;
    link(hubs[x], hubs[y], [ax], [ay]);
    attached[x].push({ subnet: s, addr: ax });
    attached[y].push({ subnet: s, addr: ay });
    neighbours[x].push({ hub: y, via: ay.split('/')[0] });
    neighbours[y].push({ hub: x, via: ax.split('/')[0] });
  }
  nss.forEach((ns, i) => {
    const h = g.hubOf(i);
    const s = newSubnet();
    const ar = nextFreeAddress(s, [])!;
    const an = nextFreeAddress(s, [ar])!;
    link(hubs[h], ns, [ar], [an]);
    attached[h].push({ subnet: s, addr: ar });
    Object.assign(ns, { gateway: { ipv4: ar.split('/')[0] } });
  });
  // Static routes: BFS from each router; the first hop decides the next hop.
  hubs.forEach((r, src) => {
    const firstHop = new Map<number, string>();
    const queue: number[] = [];
    for (const nb of neighbours[src]) {
      if (!firstHop.has(nb.hub) && nb.hub !== src) {
        firstHop.set(nb.hub, nb.via);
        queue.push(nb.hub);
      }
    }
    while (queue.length) {
      const cur = queue.shift()!;
      for (const nb of neighbours[cur]) {
        if (nb.hub !== src && !firstHop.has(nb.hub)) {
          firstHop.set(nb.hub, firstHop.get(cur)!);
          queue.push(nb.hub);
        }
      }
    }
    const own = new Set(attached[src].map((a) => a.subnet));
    const routes: Route[] = [];
    for (const [dst, via] of firstHop) {
      for (const a of attached[dst]) {
        if (own.has(a.subnet) || routes.some((x) => x.to === a.subnet)) continue;
        routes.push({ to: a.subnet, via });
      }
    }
    Object.assign(r, { routes });
  });
  return { nodes: [...hubs, ...nss], links };
}
