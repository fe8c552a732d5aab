/**
 * What the point-to-point UDP tunnel link kinds (vxlan, geneve) share: each
 * end is a tunnel device in its node's namespace with an underlay address
 * (`local`) of that node, optionally enslaved to a bridge of that namespace;
 * the link has a VNI and a UDP port. Here: the checks (located messages, the
 * problem codes each kind names), the device a resolve adds, the default
 * fields of the Inspector's kind switch, and the stable MAC.
 *
 * Only the creation parameters differ between the kinds (vxlan writes
 * `local` and `remote`, geneve only `remote`); those stay in each kind's module.
 */
import { isNetnsNode, type GeneveLink, type LinkKind, type VxlanLink } from '../model';
import { makeMark, type KIface, type KLinkParam } from '../model/kstate';
import type { Problem } from '../model/problem';
import { canonicalIp, family, normalizeMac, parseCidr } from '../util/ip';
import { canonicalAddresses } from './kernel-values';
import type { IfaceOrigin, LinkBase, LinkCheckView, NodeLookup, ResolveSink } from './types';

/** The VNI range of the 24-bit field (0 is reserved here: iproute2 accepts it, but it means "no VNI" to many tools). */
export const VNI_MIN = 1;
export const VNI_MAX = 16_777_215;

/** A link of a tunnel kind. */
export type TunnelLink = VxlanLink | GeneveLink;
type Key = 'a' | 'b';
/** The other end. */
export const other = (k: Key): Key => (k === 'a' ? 'b' : 'a');

/** The link kinds that are overlays: their addresses are not underlay addresses of a node. */
const OVERLAY_KINDS: ReadonlySet<LinkKind> = new Set<LinkKind>(['vxlan', 'geneve']);

/** An address as the kernel prints it (so desired and live compare equal). */
export const ip = (s: string | undefined) => (s === undefined ? '' : (canonicalIp(s) ?? s));

/** A parameter value of `ip -d -j link`'s info_data as a string ('' when absent). */
export const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** One problem a tunnel check reports: its code (per kind) and severity. */
interface CodeOf {
  code: string;
  severity: 'error' | 'warning';
}

/** What a tunnel kind's checks call things, and the codes they report. */
export interface TunnelWords {
  /** `VXLAN`, `Geneve`. */
  title: string;
  /** What one end is called: `VTEP`, `Geneve device`. */
  dev: string;
  /** The standard UDP port. */
  port: number;
  codes: Record<'vniRange' | 'portRange' | 'endNode' | 'local' | 'localSame' | 'bridge', CodeOf>;
}

/**
 * The addresses (bare IPs) a node has in the file: its link ends (other than
 * `skip`'s; with `underlay`, not on overlay links) and the bridges it holds.
 */
export function nodeAddresses(
  view: LinkCheckView,
  nodeId: string,
  skip: string,
  underlay = false,
): Set<string> {
  const out = new Set<string>();
  const add = (cidr: string) => {
    const c = parseCidr(cidr);
    if (c) out.add(ip(cidr.split('/')[0]));
  };
  for (const l of view.topology.links) {
    if (l.id === skip || (underlay && l.kind !== undefined && OVERLAY_KINDS.has(l.kind))) continue;
    for (const e of [l.a, l.b]) if (e.node === nodeId) e.addresses.forEach(add);
  }
  for (const n of view.topology.nodes)
    if (n.kind === 'bridge' && n.namespace === nodeId) n.addresses.forEach(add);
  return out;
}

function endProblems(
  link: TunnelLink,
  i: number,
  k: Key,
  view: LinkCheckView,
  label: string,
  w: TunnelWords,
): Problem[] {
  const out: Problem[] = [];
  const end = link[k];
  const at = (...p: (string | number)[]) => ({
    path: ['links', i, k, ...p],
    linkId: link.id,
    nodeId: end.node,
  });
  const node = view.lookup(end.node);
  if (!node) return out; // link-unknown-node is reported by the generic checks
  if (!isNetnsNode(node)) {
    out.push({
      ...w.codes.endNode,
      message: `${label}: end ${k} is on ${node.kind} "${node.id}"; a ${w.dev} can only sit on a namespace or router node (its own network namespace).`,
      ...at('node'),
    });
    return out;
  }
  const local = end.local === undefined ? null : canonicalIp(end.local);
  if (end.local === undefined) {
    out.push({
      ...w.codes.local,
      message: `${label}: end ${k} has no local address; give this ${w.dev}'s underlay address on "${node.id}" (one of its addresses in the file, without a prefix).`,
      ...at(),
    });
  } else if (!local) {
    out.push({
      ...w.codes.local,
      message: `${label}: local "${end.local}" of end ${k} is not an IP address (write the ${w.dev} address without a prefix, e.g. 10.0.1.1).`,
      ...at('local'),
    });
  } else if (!nodeAddresses(view, node.id, link.id).has(local)) {
    out.push({
      ...w.codes.local,
      message: `${label}: local ${local} of end ${k} is not an address of "${node.id}" in this file; give one of the node's underlay addresses, so the tunnel runs over the lab's own network.`,
      ...at('local'),
    });
  }
  if (end.bridge !== undefined) {
    const br = view.lookup(end.bridge);
    if (!br || br.kind !== 'bridge' || br.namespace !== node.id) {
      out.push({
        ...w.codes.bridge,
        message: `${label}: bridge "${end.bridge}" of end ${k} ${
          !br
            ? 'does not exist'
            : br.kind !== 'bridge'
              ? `is a ${br.kind}, not a bridge`
              : `lives in ${br.namespace ? `namespace "${br.namespace}"` : 'the root namespace'}, not in "${node.id}"`
        }; the ${w.dev} can only join a bridge node in its own namespace.`,
        ...at('bridge'),
      });
    } else if (end.addresses.length) {
      out.push({
        ...w.codes.bridge,
        message: `${label}: end ${k} is a port of bridge "${br.id}", so it has no addresses of its own; put the overlay addresses on the bridge.`,
        ...at('addresses'),
      });
    }
  }
  return out;
}

/** The checks every tunnel link gets: VNI and port ranges, each end's node, local and bridge, the two locals. */
export function checkTunnel(link: TunnelLink, i: number, view: LinkCheckView, w: TunnelWords): Problem[] {
  const name = (id: string) => view.lookup(id)?.name ?? id;
  const label = `${w.title} link ${name(link.a.node)}:${link.a.ifname} — ${name(link.b.node)}:${link.b.ifname}`;
  const out: Problem[] = [];
  if (link.vni < VNI_MIN || link.vni > VNI_MAX)
    out.push({
      ...w.codes.vniRange,
      message: `${label}: VNI ${link.vni} is out of range; a VNI is 1 to ${VNI_MAX}.`,
      path: ['links', i, 'vni'],
      linkId: link.id,
    });
  if (link.port < 1 || link.port > 65535)
    out.push({
      ...w.codes.portRange,
      message: `${label}: UDP port ${link.port} is out of range; use 1 to 65535 (the standard ${w.title} port is ${w.port}).`,
      path: ['links', i, 'port'],
      linkId: link.id,
    });
  out.push(...endProblems(link, i, 'a', view, label, w), ...endProblems(link, i, 'b', view, label, w));
  const [la, lb] = [ip(link.a.local), ip(link.b.local)].map((x) => canonicalIp(x));
  if (la && lb && la === lb)
    out.push({
      ...w.codes.localSame,
      message: `${label}: both ends use local ${la}; each ${w.dev} needs its own underlay address (the remote of one end is the local of the other).`,
      path: ['links', i, 'b', 'local'],
      linkId: link.id,
    });
  else if (la && lb && family(la) !== family(lb))
    out.push({
      ...w.codes.local,
      message: `${label}: local ${la} and ${lb} are of different address families; both ${w.dev}s need IPv4 or both IPv6 underlay addresses.`,
      path: ['links', i, 'b', 'local'],
      linkId: link.id,
    });
  return out;
}

/**
 * A tunnel device's MAC when the file gives none: derived from the lab, link
 * and end (locally administered, unicast). Why not the kernel's random one: a
 * device re-created by a repair would get a new MAC, and the peer's neighbour
 * entry for the old one keeps the overlay silent for up to ~40 s (measured).
 */
export function vtepMac(lab: string, linkId: string, k: Key): string {
  let h = 0x811c9dc5;
  for (const ch of new TextEncoder().encode(`${lab}\0${linkId}\0${k}`))
    h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  const bytes = [0x02, 0x56, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The tunnel device of end `k`: kernel kind `kind`, created with `params`. */
function tunnelIface(
  link: TunnelLink,
  k: Key,
  kind: KIface['kind'],
  params: KLinkParam[],
  lab: string,
  lookup: NodeLookup,
): KIface {
  const end = link[k];
  const br = end.bridge !== undefined ? lookup(end.bridge) : undefined;
  return {
    name: end.ifname,
    kind,
    mark: makeMark(lab, link.id, k),
    up: end.up,
    addresses: br ? [] : canonicalAddresses(end.addresses),
    params,
    ...(br ? { master: br.name } : {}),
    ...(end.mtu !== undefined ? { mtu: end.mtu } : {}),
    mac: end.mac ? (normalizeMac(end.mac) ?? end.mac.toLowerCase()) : vtepMac(lab, link.id, k),
    ...(end.netem && Object.values(end.netem).some((v) => v !== undefined)
      ? { netem: { ...end.netem } }
      : {}),
  };
}

/** Resolve: one tunnel device per end (not a veth pair, so no addLinkEnds). */
export function resolveTunnel(
  link: TunnelLink,
  sink: ResolveSink,
  kind: KIface['kind'],
  params: (k: Key) => KLinkParam[],
): void {
  for (const k of ['a', 'b'] as const) {
    const node = sink.lookup(link[k].node);
    const origin: IfaceOrigin = { nodeId: link[k].node, linkId: link.id, end: k };
    if (node)
      sink.addIface(sink.nsOf(node), tunnelIface(link, k, kind, params(k), sink.lab, sink.lookup), origin);
  }
}

/**
 * The fields the Inspector's kind switch fills in: a VNI no other link of
 * `kind` uses (from `first`), and each end's local, its node's first
 * underlay IPv4 address (else any underlay address).
 */
export function tunnelDefaults(
  base: LinkBase,
  topology: LinkCheckView['topology'],
  kind: LinkKind,
  first: number,
) {
  const used = new Set(
    topology.links.flatMap((l) => (l.kind === kind && l.id !== base.id && 'vni' in l ? [l.vni] : [])),
  );
  let vni = first;
  while (used.has(vni)) vni++;
  const view = { lookup: (id: string) => topology.nodes.find((n) => n.id === id), topology };
  const end = (e: LinkBase['a']) => {
    const all = [...nodeAddresses(view, e.node, base.id, true)];
    const l = all.find((x) => family(x) === 4) ?? all[0];
    return { ...e, ...(l !== undefined ? { local: l } : {}) };
  };
  return { vni, a: end(base.a), b: end(base.b) };
}
