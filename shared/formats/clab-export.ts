/**
 * netplumb → containerlab. Namespaces and routers become `kind: linux` nodes
 * running a configurable image, with their addresses, link settings,
 * forwarding, sysctls and routes as `exec:` lines; bridges become
 * `kind: bridge` nodes (containerlab expects them to exist: a comment says how
 * to create them), a bridge inside a namespace `<bridge>|<node>` with
 * `network-mode: container:<node>` (containerlab makes that one, and the
 * node's exec lines set its addresses); the host is the special `host` endpoint. Anything
 * containerlab cannot express is named in a warning.
 */
import { linkKind } from '../kinds';
import { Document, isScalar, Scalar, type YAMLMap } from 'yaml';
import {
  isNetnsNode,
  type Link,
  type LinkEnd,
  type NetnsNode,
  type Topology,
  type TopoNode,
  type BridgeNode,
} from '../model';
import { contains, family } from '../util/ip';
import type { Problem } from '../validate/problem';
import { CLAB_LABEL, DEFAULT_CLAB_IMAGE } from './clab-import';
import { formatIpCommand } from './ip-commands';
import { plan, renderLine, resolve, ROOT_NS, toolOf, VETH_MTU, type Change } from '../plan';

/** Options of the containerlab export. */
export interface ClabExportOptions {
  /** Container image of nodes without an imported one (default alpine:3.20, which has iproute2's `ip` via busybox). */
  image?: string;
}

/** Text of an export plus warnings about what the target format cannot hold. */
export interface ExportResult {
  text: string;
  problems: Problem[];
}

export { DEFAULT_CLAB_IMAGE };

function bridgeCommands(b: BridgeNode): string {
  const opts = [b.stp ? ' stp_state 1' : '', b.vlanFiltering ? ' vlan_filtering 1' : ''].join('');
  return `sudo ip link add ${b.name} type bridge${opts} && sudo ip link set ${b.name} up`;
}

/** True for nodes imported from a containerlab kind other than linux: containerlab configures their link addresses itself. */
const nosKind = (n: TopoNode | undefined) =>
  !!n &&
  isNetnsNode(n) &&
  n.origin?.kind !== undefined &&
  n.origin.kind !== 'linux' &&
  n.origin.kind !== 'kathara';

/** Addresses written on the link (containerlab's link-level ipv4/ipv6 lists, one per endpoint) for an end on a node of another kind. */
function linkAddresses(e: LinkEnd, onNos: boolean): { v4?: string; v6?: string; rest: string[] } {
  if (!onNos) return { rest: e.addresses };
  const v4 = e.addresses.find((a) => family(a.split('/')[0]) === 4);
  const v6 = e.addresses.find((a) => family(a.split('/')[0]) === 6);
  return { v4, v6, rest: e.addresses.filter((a) => a !== v4 && a !== v6) };
}

/** An end's MTU as netplumb makes it: its own, else a new veth's (the kernel's 1500). */
const endMtu = (e: LinkEnd) => e.mtu ?? VETH_MTU;

/**
 * The `mtu:` of a link written under `links:`. containerlab gives both ends
 * of a link without one 9500 (its DefaultLinkMTU), where netplumb's veth has
 * 1500: so it is always written. The MTU of the end that no exec line can
 * set (on a bridge or the host), else of end a; an end of another MTU gets
 * its own exec line (execLines).
 */
function linkMtu(l: Link, byId: ReadonlyMap<string, TopoNode>): number {
  const fixed = [l.a, l.b].find((e) => !isNetnsNode(byId.get(e.node)!));
  return endMtu(fixed ?? l.a);
}

/** The exec lines that configure one namespace node; `mtuOf`: the `mtu:` of the link of an end. */
function execLines(node: NetnsNode, ends: LinkEnd[], mtuOf: (e: LinkEnd) => number): string[] {
  const lines: string[] = [];
  const onNos = nosKind(node);
  for (const e of ends) {
    const mtu = endMtu(e) !== mtuOf(e) ? endMtu(e) : undefined;
    if (mtu !== undefined || e.mac !== undefined || e.up === false) {
      lines.push(
        formatIpCommand({
          kind: 'link',
          dev: e.ifname,
          mtu,
          mac: e.mac,
          ...(e.up === false ? { up: false } : {}),
        }),
      );
    }
    for (const a of linkAddresses(e, onNos).rest)
      lines.push(formatIpCommand({ kind: 'addr', dev: e.ifname, cidr: a }));
  }
  const sysctls: [string, string][] = [];
  if (node.kind === 'router') {
    sysctls.push(['net.ipv4.ip_forward', '1']);
    if (node.ipv6Forwarding) sysctls.push(['net.ipv6.conf.all.forwarding', '1']);
  }
  for (const [k, v] of Object.entries(node.sysctls ?? {})) {
    if (v !== undefined && !sysctls.some(([sk]) => sk === k)) sysctls.push([k, String(v)]);
  }
  for (const [key, value] of sysctls) lines.push(formatIpCommand({ kind: 'sysctl', key, value }));
  // A route without a next hop that a next hop lies in comes before it: the kernel refuses a
  // gateway it cannot reach yet (`ip route add 10.2.0.1/32 dev eth0`, then `default via 10.2.0.1`).
  const hops = [node.gateway?.ipv4, node.gateway?.ipv6, ...node.routes.map((r) => r.via)].filter(
    (h): h is string => h !== undefined,
  );
  const reaches = (r: (typeof node.routes)[number]) =>
    !r.via && !!r.dev && r.to !== 'default' && hops.some((h) => contains(r.to, h));
  const route = (r: (typeof node.routes)[number]) => {
    const v6 = family(r.via ?? '') === 6 || (r.to !== 'default' && family(r.to.split('/')[0]) === 6);
    lines.push(formatIpCommand({ kind: 'route', to: r.to, via: r.via, dev: r.dev, metric: r.metric, v6 }));
  };
  node.routes.filter(reaches).forEach(route);
  // Gateways next: a later plain `default via` line is then read back as a route, not as the gateway.
  if (node.gateway?.ipv4)
    lines.push(formatIpCommand({ kind: 'route', to: 'default', via: node.gateway.ipv4, v6: false }));
  if (node.gateway?.ipv6)
    lines.push(formatIpCommand({ kind: 'route', to: 'default', via: node.gateway.ipv6, v6: true }));
  node.routes.filter((r) => !reaches(r)).forEach(route);
  return lines;
}

/** Exec lines of node `nsId` for the bridges inside it: their MTU, MAC and addresses. */
function bridgeLines(t: Topology, nsId: string): string[] {
  return t.nodes.flatMap((b) =>
    b.kind === 'bridge' && b.namespace === nsId
      ? [
          ...(b.mtu !== undefined || b.mac !== undefined
            ? [formatIpCommand({ kind: 'link', dev: b.name, mtu: b.mtu, mac: b.mac })]
            : []),
          ...b.addresses.map((cidr) => formatIpCommand({ kind: 'addr', dev: b.name, cidr })),
        ]
      : [],
  );
}

/**
 * The links containerlab cannot make (their kind's `export.clab` is `exec`,
 * e.g. vxlan) become `exec:` lines on their nodes: the plan's own commands
 * for them (from an empty host), run inside the container, so without
 * `-n NS` and without netplumb's ownership marks. Keyed by namespace.
 */
function execLinkLines(t: Topology): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const ids = new Set(t.links.filter((l) => linkKind(l).export.clab === 'exec').map((l) => l.id));
  if (!ids.size) return out;
  const host = { namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, ifaces: {}, routes: [] } } };
  const mark = (c: Change) => c.op.op === 'link-set' && c.op.alias !== undefined;
  for (const c of plan(resolve(t), host).changes) {
    if (!c.target.linkId || !ids.has(c.target.linkId) || mark(c)) continue;
    out.set(c.ns, [...(out.get(c.ns) ?? []), [toolOf(c.op), ...renderLine(c.op)].join(' ')]);
  }
  return out;
}

/**
 * containerlab node names: the kernel name (characters containerlab refuses
 * become "-"), made unique where netplumb allows a repeat (bridges of the same
 * name in different namespaces): the node id, else the name with the node's
 * index. Host nodes are containerlab's `host`.
 */
export function clabNodeNames(t: Topology): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>(['host']);
  // containerlab node names: a letter or digit, then letters, digits, "-", ".", "_", "|".
  const clean = (s: string) => s.replace(/[^a-zA-Z0-9._|-]/g, '-').replace(/^[^a-zA-Z0-9]/, 'n');
  const pick = (id: string, candidates: string[], last: string) => {
    const name = candidates.find((c) => !used.has(c)) ?? last;
    used.add(name);
    out.set(id, name);
  };
  const inNs = new Map(
    t.nodes.flatMap((n) => (n.kind === 'bridge' && n.namespace ? [[n.id, n.namespace]] : [])),
  );
  t.nodes.forEach((n, i) => {
    if (n.kind === 'host') return void out.set(n.id, 'host');
    if (inNs.has(n.id)) return;
    const base = clean(n.name).replace(/\|/g, '-');
    pick(n.id, [base, clean(n.id).replace(/\|/g, '-'), `${base}-${i}`], `${base}-${i}-${clean(n.id)}`);
  });
  // A bridge inside a node is `<bridge>|<node>` (containerlab creates it as <bridge> in that node).
  t.nodes.forEach((n, i) => {
    const ns = inNs.get(n.id);
    if (ns === undefined) return;
    const base = clean(n.name).replace(/\|/g, '-');
    const home = out.get(ns) ?? clean(ns);
    pick(n.id, [`${base}|${home}`], `${base}-${i}|${home}`);
  });
  return out;
}

const quoted = (s: string) => Object.assign(new Scalar(s), { type: Scalar.QUOTE_DOUBLE });

/** Writes a containerlab topology file for a netplumb topology. */
export function toClab(t: Topology, opts: ClabExportOptions = {}): ExportResult {
  const image = opts.image ?? DEFAULT_CLAB_IMAGE;
  const problems: Problem[] = [];
  const warn = (message: string, path: (string | number)[], extra: Partial<Problem> = {}) =>
    problems.push({ code: 'clab-export-dropped', severity: 'warning', message, path, ...extra });
  const byId = new Map<string, TopoNode>(t.nodes.map((n) => [n.id, n]));
  const names = clabNodeNames(t);
  const ref = (id: string) => names.get(id) ?? id;

  const doc = new Document({ name: t.name, topology: { nodes: {} } });
  const nodesMap = doc.getIn(['topology', 'nodes']) as YAMLMap;
  const bridges: BridgeNode[] = [];
  const linkExec = execLinkLines(t);
  // Ends of links containerlab carries as `links:`; the others' settings are in linkExec.
  const endpointLinks = t.links.filter((l) => linkKind(l).export.clab === 'endpoints');
  const endpointEnds = endpointLinks.flatMap((l) => [l.a, l.b]);
  const mtus = new Map(endpointLinks.map((l) => [l, linkMtu(l, byId)]));
  const mtuOfEnd = new Map(endpointLinks.flatMap((l) => [l.a, l.b].map((e) => [e, mtus.get(l)!])));
  t.nodes.forEach((n, ni) => {
    const name = ref(n.id);
    if (n.kind !== 'host' && name !== n.name)
      warn(
        `${n.kind} "${n.name}" is called "${name}" in containerlab (node names must be unique there)`,
        ['nodes', ni, 'name'],
        { nodeId: n.id },
      );
    const labels: Record<string, string> = {};
    if (n.position) {
      labels[CLAB_LABEL.x] = String(n.position.x);
      labels[CLAB_LABEL.y] = String(n.position.y);
    }
    if (n.label !== undefined) labels[CLAB_LABEL.label] = n.label;
    const withLabels = Object.keys(labels).length ? { labels } : {};
    if (n.kind === 'host') return;
    if (n.kind === 'bridge' && n.namespace) {
      // containerlab makes it inside the node; the node's exec lines set its addresses (bridgeLines).
      nodesMap.items.push(
        doc.createPair(name, {
          kind: 'bridge',
          'network-mode': `container:${ref(n.namespace)}`,
          ...withLabels,
        }),
      );
      return;
    }
    if (n.kind === 'bridge') {
      bridges.push(n);
      const lost = [
        n.addresses.length ? 'addresses' : '',
        n.mtu !== undefined ? 'mtu' : '',
        n.mac !== undefined ? 'mac' : '',
      ].filter(Boolean);
      if (lost.length)
        warn(
          `bridge "${n.name}": ${lost.join(', ')} cannot be set by containerlab; set them on the host`,
          ['nodes', ni],
          { nodeId: n.id },
        );
      nodesMap.items.push(
        doc.createPair(name, {
          kind: n.origin?.kind === 'ovs-bridge' ? 'ovs-bridge' : 'bridge',
          ...withLabels,
        }),
      );
      const pair = nodesMap.items[nodesMap.items.length - 1];
      if (isScalar(pair.key))
        pair.key.commentBefore = ` containerlab does not create bridges: create it first with\n   ${bridgeCommands(n)}`;
      return;
    }
    if (!isNetnsNode(n)) return;
    const ends = endpointEnds.filter((e) => e.node === n.id);
    const exec = [
      ...execLines(n, ends, (e) => mtuOfEnd.get(e)!),
      ...bridgeLines(t, n.id),
      ...(linkExec.get(n.name) ?? []),
    ];
    const usesEth0 = t.links.some((l) => [l.a, l.b].some((e) => e.node === n.id && e.ifname === 'eth0'));
    // A kind and image kept from an import are written back, so clab → netplumb → clab keeps them.
    const kind = n.origin?.kind !== undefined && n.origin.kind !== 'kathara' ? n.origin.kind : 'linux';
    const node: Record<string, unknown> = {
      kind,
      image: n.origin?.image ?? image,
      ...(n.origin?.type !== undefined ? { type: n.origin.type } : {}),
      ...(usesEth0 ? { 'network-mode': 'none' } : {}),
      ...withLabels,
    };
    if (exec.length) node.exec = exec;
    nodesMap.items.push(doc.createPair(name, node));
    const pair = nodesMap.items[nodesMap.items.length - 1];
    const notes = [
      n.notes
        ? n.notes
            .split('\n')
            .map((l) => ` ${l}`)
            .join('\n')
        : '',
      usesEth0 ? ' network-mode none: this node uses eth0 itself, so it gets no management interface' : '',
    ].filter(Boolean);
    if (notes.length && isScalar(pair.key)) pair.key.commentBefore = notes.join('\n');
  });

  const links: unknown[] = [];
  t.links.forEach((l, li) => {
    // Only kinds containerlab makes itself go under `links:`; the others are the nodes' exec lines.
    if (linkKind(l).export.clab !== 'endpoints') return;
    for (const key of ['a', 'b'] as const) {
      const e = l[key];
      const node = byId.get(e.node);
      if (node && !isNetnsNode(node)) {
        const lost = [
          e.addresses.length ? 'addresses' : '',
          endMtu(e) !== mtus.get(l) ? 'mtu' : '',
          e.mac !== undefined ? 'mac' : '',
          e.up === false ? 'down state' : '',
        ].filter(Boolean);
        if (lost.length)
          warn(
            `link "${l.id}": ${lost.join(', ')} of "${e.ifname}" on ${node.kind} "${node.name}" cannot be set from containerlab`,
            ['links', li, key],
            { linkId: l.id },
          );
      }
      if (e.vlans)
        warn(
          `link "${l.id}": VLAN settings of "${e.ifname}" are dropped (containerlab bridges are created outside the lab)`,
          ['links', li, key, 'vlans'],
          { linkId: l.id },
        );
      if (e.netem)
        warn(
          `link "${l.id}": netem on "${e.ifname}" is dropped (use "containerlab tools netem" after deploy)`,
          ['links', li, key, 'netem'],
          { linkId: l.id },
        );
    }
    const seq = doc.createNode([
      quoted(`${ref(l.a.node)}:${l.a.ifname}`),
      quoted(`${ref(l.b.node)}:${l.b.ifname}`),
    ]);
    seq.flow = true;
    const [la, lb] = [
      linkAddresses(l.a, nosKind(byId.get(l.a.node))),
      linkAddresses(l.b, nosKind(byId.get(l.b.node))),
    ];
    const list = (x?: string, y?: string) => {
      if (x === undefined && y === undefined) return undefined;
      const s = doc.createNode([quoted(x ?? ''), quoted(y ?? '')]);
      s.flow = true;
      return s;
    };
    const v4 = list(la.v4, lb.v4);
    const v6 = list(la.v6, lb.v6);
    links.push(
      doc.createNode({
        endpoints: seq,
        mtu: mtus.get(l),
        ...(v4 ? { ipv4: v4 } : {}),
        ...(v6 ? { ipv6: v6 } : {}),
      }),
    );
  });
  if (links.length) (doc.get('topology') as YAMLMap).set('links', doc.createNode(links));
  if (t.expect.length)
    warn(`${t.expect.length} reachability expectation(s) are not part of containerlab files`, ['expect']);
  if (t.annotations.length)
    warn(`${t.annotations.length} canvas annotation(s) are not part of containerlab files`, ['annotations']);

  const header = [` containerlab topology generated by netplumb from lab "${t.name}".`];
  if (t.description) header.push(` ${t.description.replace(/\n/g, ' ')}`);
  header.push(' Deploy: sudo containerlab deploy -t <this file>');
  if (bridges.length) {
    header.push(' Create the bridges first (containerlab only attaches to existing ones):');
    for (const b of bridges) header.push(`   ${bridgeCommands(b)}`);
  }
  doc.commentBefore = header.join('\n');
  return { text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }), problems };
}
