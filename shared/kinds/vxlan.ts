/**
 * The `vxlan` link kind: a VXLAN tunnel between two lab nodes that already
 * reach each other over the lab's own underlay. Each end is a VTEP (`ip link
 * add name X type vxlan id VNI local L remote R dstport P`) in its node's
 * namespace, sending to the other end's `local`; optionally enslaved to a
 * bridge of that namespace (the overlay addresses then sit on the bridge).
 *
 * Everything vxlan-specific lives here: schema link, resolve (the VTEPs and
 * their creation parameters), checks, live parameter reading, style, export.
 * The planner creates any interface with `params` generically (link-add).
 */
import { isNetnsNode, VXLAN_PORT, VxlanLink, type VxlanEnd } from '../model';
import { makeMark, type KIface, type KLinkParam } from '../model/kstate';
import type { Problem } from '../model/problem';
import { canonicalIp, family, normalizeMac, parseCidr } from '../util/ip';
import { canonicalAddresses } from './kernel-values';
import type { LinkBase, LinkCheckView, LinkKindDescriptor, NodeLookup } from './types';
import { adoptVxlanLinks } from './vxlan-adopt';

/** The VNI range of the 24-bit field (0 is reserved here: iproute2 accepts it, but it means "no VNI" to many tools). */
export const VNI_MIN = 1;
export const VNI_MAX = 16_777_215;

type Key = 'a' | 'b';
const other = (k: Key): Key => (k === 'a' ? 'b' : 'a');

/** A VTEP address as the kernel prints it (so desired and live compare equal). */
const ip = (s: string | undefined) => (s === undefined ? '' : (canonicalIp(s) ?? s));

/** The creation parameters of end `k`'s VTEP, in the order `ip link add` writes them. */
export function vxlanParams(link: VxlanLink, k: Key): KLinkParam[] {
  return [
    { key: 'id', value: String(link.vni) },
    { key: 'local', value: ip(link[k].local) },
    // Why the remote is always the other end's local: traffic stays between
    // the lab's own namespaces (a remote outside the lab cannot be written).
    { key: 'remote', value: ip(link[other(k)].local) },
    { key: 'dstport', value: String(link.port) },
  ];
}

/**
 * The addresses (bare IPs) a node has in the file: its link ends (other than
 * `skip`'s; with `underlay`, not on VXLAN links) and the bridges it holds.
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
    if (l.id === skip || (underlay && l.kind === 'vxlan')) continue;
    for (const e of [l.a, l.b]) if (e.node === nodeId) e.addresses.forEach(add);
  }
  for (const n of view.topology.nodes)
    if (n.kind === 'bridge' && n.namespace === nodeId) n.addresses.forEach(add);
  return out;
}

function endProblems(link: VxlanLink, i: number, k: Key, view: LinkCheckView, label: string): Problem[] {
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
      code: 'vxlan-end-node',
      severity: 'error',
      message: `${label}: end ${k} is on ${node.kind} "${node.id}"; a VTEP can only sit on a namespace or router node (its own network namespace).`,
      ...at('node'),
    });
    return out;
  }
  const local = end.local === undefined ? null : canonicalIp(end.local);
  if (end.local === undefined) {
    out.push({
      code: 'vxlan-local',
      severity: 'error',
      message: `${label}: end ${k} has no local address; give this VTEP's underlay address on "${node.id}" (one of its addresses in the file, without a prefix).`,
      ...at(),
    });
  } else if (!local) {
    out.push({
      code: 'vxlan-local',
      severity: 'error',
      message: `${label}: local "${end.local}" of end ${k} is not an IP address (write the VTEP address without a prefix, e.g. 10.0.1.1).`,
      ...at('local'),
    });
  } else if (!nodeAddresses(view, node.id, link.id).has(local)) {
    out.push({
      code: 'vxlan-local',
      severity: 'error',
      message: `${label}: local ${local} of end ${k} is not an address of "${node.id}" in this file; give one of the node's underlay addresses, so the tunnel runs over the lab's own network.`,
      ...at('local'),
    });
  }
  if (end.bridge !== undefined) {
    const br = view.lookup(end.bridge);
    if (!br || br.kind !== 'bridge' || br.namespace !== node.id) {
      out.push({
        code: 'vxlan-bridge',
        severity: 'error',
        message: `${label}: bridge "${end.bridge}" of end ${k} ${
          !br
            ? 'does not exist'
            : br.kind !== 'bridge'
              ? `is a ${br.kind}, not a bridge`
              : `lives in ${br.namespace ? `namespace "${br.namespace}"` : 'the root namespace'}, not in "${node.id}"`
        }; the VTEP can only join a bridge node in its own namespace.`,
        ...at('bridge'),
      });
    } else if (end.addresses.length) {
      out.push({
        code: 'vxlan-bridge',
        severity: 'error',
        message: `${label}: end ${k} is a port of bridge "${br.id}", so it has no addresses of its own; put the overlay addresses on the bridge.`,
        ...at('addresses'),
      });
    }
  }
  return out;
}

/** The kind-specific checks of a VXLAN link (located messages; see the module comment). */
export function checkVxlan(link: VxlanLink, i: number, view: LinkCheckView): Problem[] {
  const name = (id: string) => view.lookup(id)?.name ?? id;
  const label = `VXLAN link ${name(link.a.node)}:${link.a.ifname} — ${name(link.b.node)}:${link.b.ifname}`;
  const out: Problem[] = [];
  if (link.vni < VNI_MIN || link.vni > VNI_MAX)
    out.push({
      code: 'vxlan-vni-range',
      severity: 'error',
      message: `${label}: VNI ${link.vni} is out of range; a VNI is 1 to ${VNI_MAX}.`,
      path: ['links', i, 'vni'],
      linkId: link.id,
    });
  if (link.port < 1 || link.port > 65535)
    out.push({
      code: 'vxlan-port-range',
      severity: 'error',
      message: `${label}: UDP port ${link.port} is out of range; use 1 to 65535 (the standard VXLAN port is 4789).`,
      path: ['links', i, 'port'],
      linkId: link.id,
    });
  out.push(...endProblems(link, i, 'a', view, label), ...endProblems(link, i, 'b', view, label));
  const [la, lb] = [ip(link.a.local), ip(link.b.local)].map((x) => canonicalIp(x));
  if (la && lb && la === lb)
    out.push({
      code: 'vxlan-local-same',
      severity: 'error',
      message: `${label}: both ends use local ${la}; each VTEP needs its own underlay address (the remote of one end is the local of the other).`,
      path: ['links', i, 'b', 'local'],
      linkId: link.id,
    });
  else if (la && lb && family(la) !== family(lb))
    out.push({
      code: 'vxlan-local',
      severity: 'error',
      message: `${label}: local ${la} and ${lb} are of different address families; both VTEPs need IPv4 or both IPv6 underlay addresses.`,
      path: ['links', i, 'b', 'local'],
      linkId: link.id,
    });
  return out;
}

/**
 * A VTEP's MAC when the file gives none: derived from the lab, link and end
 * (locally administered, unicast). Why not the kernel's random one: a VTEP
 * re-created by a repair would get a new MAC, and the peer's neighbour entry
 * for the old one keeps the overlay silent for up to ~40 s (measured).
 */
export function vtepMac(lab: string, linkId: string, k: Key): string {
  let h = 0x811c9dc5;
  for (const ch of new TextEncoder().encode(`${lab}\0${linkId}\0${k}`))
    h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  const bytes = [0x02, 0x56, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The VTEP of end `k`. */
function vtep(link: VxlanLink, k: Key, lab: string, lookup: NodeLookup): KIface {
  const end: VxlanEnd = link[k];
  const br = end.bridge !== undefined ? lookup(end.bridge) : undefined;
  return {
    name: end.ifname,
    kind: 'vxlan',
    mark: makeMark(lab, link.id, k),
    up: end.up,
    addresses: br ? [] : canonicalAddresses(end.addresses),
    params: vxlanParams(link, k),
    ...(br ? { master: br.name } : {}),
    ...(end.mtu !== undefined ? { mtu: end.mtu } : {}),
    mac: end.mac ? (normalizeMac(end.mac) ?? end.mac.toLowerCase()) : vtepMac(lab, link.id, k),
    ...(end.netem && Object.values(end.netem).some((v) => v !== undefined)
      ? { netem: { ...end.netem } }
      : {}),
  };
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export const vxlanKind: LinkKindDescriptor<'vxlan'> = {
  kind: 'vxlan',
  schema: VxlanLink,
  label: 'VXLAN link',
  needs: ['vxlan'],
  kernelKinds: ['vxlan'],
  make(base, topology) {
    // A VNI no other VXLAN link uses; each end's local is its node's first underlay IPv4 address.
    const used = new Set(
      topology.links.flatMap((l) => (l.kind === 'vxlan' && l.id !== base.id ? [l.vni] : [])),
    );
    let vni = 42;
    while (used.has(vni)) vni++;
    const view = { lookup: (id: string) => topology.nodes.find((n) => n.id === id), topology };
    const local = (node: string) => {
      const all = [...nodeAddresses(view, node, base.id, true)];
      return all.find((x) => family(x) === 4) ?? all[0];
    };
    const end = (e: LinkBase['a']): VxlanEnd => {
      const l = local(e.node);
      return { ...e, ...(l !== undefined ? { local: l } : {}) };
    };
    return { ...base, kind: 'vxlan', vni, port: VXLAN_PORT, a: end(base.a), b: end(base.b) };
  },
  resolve(link, sink) {
    const l = link as VxlanLink;
    for (const k of ['a', 'b'] as const) {
      const node = sink.lookup(l[k].node);
      // Only a VTEP: not a veth pair, so no addLinkEnds.
      if (node)
        sink.addIface(sink.nsOf(node), vtep(l, k, sink.lab, sink.lookup), {
          nodeId: node.id,
          linkId: l.id,
          end: k,
        });
    }
  },
  check: (link, i, view) => checkVxlan(link as VxlanLink, i, view),
  readParams: (d) => [
    { key: 'id', value: str(d.id) },
    { key: 'local', value: ip(str(d.local ?? d.local6)) },
    { key: 'remote', value: ip(str(d.remote ?? d.remote6)) },
    { key: 'dstport', value: str(d.port) },
  ],
  adoptLinks: adoptVxlanLinks,
  paramNames: { id: 'VNI', local: 'local address', remote: 'remote address', dstport: 'UDP port' },
  style: { className: 'np-link--vxlan', dash: '6 4', label: (link) => `VNI ${(link as VxlanLink).vni}` },
  export: { clab: 'exec' },
};
