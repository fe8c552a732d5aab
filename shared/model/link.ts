/**
 * Links: veth pairs (`kind: veth`, the default). Each end sits on a node; on a bridge node the end is a
 * bridge port (in the bridge's namespace), elsewhere it is the node's interface.
 */
import * as z from 'zod';
import { Cidr, Id, IfName, IpAddress } from './common';

/** Per-port VLAN settings on a VLAN-filtering bridge. */
export const PortVlans = z
  .object({
    pvid: z.number().int().min(1).max(4094).optional().describe('VLAN for untagged ingress'),
    untagged: z.array(z.number().int().min(1).max(4094)).default([]).describe('VLANs sent untagged'),
    tagged: z.array(z.number().int().min(1).max(4094)).default([]).describe('VLANs sent tagged'),
  })
  .strict();
export type PortVlans = z.infer<typeof PortVlans>;

/** Link emulation on an end's egress (tc netem). */
export const Netem = z
  .object({
    delayMs: z.number().min(0).max(60000).optional(),
    jitterMs: z.number().min(0).max(60000).optional(),
    lossPercent: z.number().min(0).max(100).optional(),
    rateKbit: z.number().int().min(1).max(100_000_000).optional(),
  })
  .strict();
export type Netem = z.infer<typeof Netem>;

export const LinkEnd = z
  .object({
    node: Id.describe('id of the node this end is on'),
    ifname: IfName.describe('kernel interface name of this end'),
    mac: z.string().optional(),
    mtu: z.number().int().min(68).max(65535).optional(),
    addresses: z.array(Cidr).default([]).describe('IPv4/IPv6 addresses in CIDR form'),
    up: z.boolean().default(true).describe('administrative state'),
    vlans: PortVlans.optional().describe('only on a VLAN-filtering bridge'),
    netem: Netem.optional(),
  })
  .strict();
export type LinkEnd = z.infer<typeof LinkEnd>;

/** The link kinds; a file may leave `kind` out, which means `veth`. */
export const LINK_KIND_DEFAULT = 'veth';

/** A veth pair: the only link kind so far (`kind` optional, so older files load unchanged). */
export const VethLink = z
  .object({
    id: Id,
    kind: z.literal('veth').optional().describe('link kind; omitted: veth (a veth pair)'),
    a: LinkEnd,
    b: LinkEnd,
    label: z.string().optional(),
    notes: z.string().optional(),
  })
  .strict();
export type VethLink = z.infer<typeof VethLink>;

/** The standard VXLAN UDP port (IANA). */
export const VXLAN_PORT = 4789;

/** One end of a VXLAN link: a VTEP on a namespace or router node (a LinkEnd plus its underlay address). */
export const VxlanEnd = LinkEnd.extend({
  // Optional in the schema (so code that rewrites ends of any link kind keeps
  // its type); a VXLAN end without it is reported by the validator, located.
  local: IpAddress.optional().describe(
    "this end's VTEP underlay address (no prefix): one of this node's addresses in the file (required)",
  ),
  bridge: Id.optional().describe(
    'id of a bridge node in the same namespace to enslave the VTEP to (the overlay addresses then go on that bridge)',
  ),
}).strict();
export type VxlanEnd = z.infer<typeof VxlanEnd>;

/**
 * A VXLAN tunnel between two lab nodes that already reach each other over the
 * lab's own underlay: one VTEP per end, each sending to the other end's `local`.
 */
export const VxlanLink = z
  .object({
    id: Id,
    kind: z.literal('vxlan').describe('link kind: a VXLAN overlay link (one VTEP per end)'),
    vni: z.number().int().describe('VXLAN network identifier, 1..16777215'),
    port: z.number().int().default(VXLAN_PORT).describe('UDP destination port (default 4789)'),
    a: VxlanEnd,
    b: VxlanEnd,
    label: z.string().optional(),
    notes: z.string().optional(),
  })
  .strict();
export type VxlanLink = z.infer<typeof VxlanLink>;

/** The standard Geneve UDP port (IANA). */
export const GENEVE_PORT = 6081;

/** One end of a Geneve link: a tunnel device on a namespace or router node (a LinkEnd plus its underlay address). */
export const GeneveEnd = LinkEnd.extend({
  // Optional in the schema, as VxlanEnd's; a Geneve end without it is reported by the validator, located.
  local: IpAddress.optional().describe(
    "this end's underlay address (no prefix): one of this node's addresses in the file, and the other end's remote (required). Geneve has no local parameter: the kernel sends from the address its route picks",
  ),
  bridge: Id.optional().describe(
    'id of a bridge node in the same namespace to enslave the Geneve device to (the overlay addresses then go on that bridge)',
  ),
}).strict();
export type GeneveEnd = z.infer<typeof GeneveEnd>;

/**
 * A Geneve tunnel between two lab nodes that already reach each other over the
 * lab's own underlay: one Geneve device per end, each sending to the other end's `local`.
 */
export const GeneveLink = z
  .object({
    id: Id,
    kind: z.literal('geneve').describe('link kind: a Geneve overlay link (one Geneve device per end)'),
    vni: z.number().int().describe('Geneve virtual network identifier, 1..16777215'),
    port: z.number().int().default(GENEVE_PORT).describe('UDP destination port (default 6081)'),
    a: GeneveEnd,
    b: GeneveEnd,
    label: z.string().optional(),
    notes: z.string().optional(),
  })
  .strict();
export type GeneveLink = z.infer<typeof GeneveLink>;

/** A link, discriminated by `kind` (absent = veth). Add a link kind's schema here. */
export const Link = z.discriminatedUnion('kind', [VethLink, VxlanLink, GeneveLink]);
export type Link = z.infer<typeof Link>;
export type LinkKind = NonNullable<Link['kind']>;
/** A link's kind, filling in the default. */
export const linkKindOf = (l: Pick<Link, 'kind'>): LinkKind => l.kind ?? LINK_KIND_DEFAULT;
export type EndKey = 'a' | 'b';

/**
 * An end moved to node `node`, with the other node ids it refers to (a VXLAN
 * or Geneve end's `bridge`) mapped by `to`; a reference `to` does not know is dropped.
 * Renames and pastes use it, so every node reference in a link follows.
 */
export function remapEnd<E extends { node: string; bridge?: string }>(
  e: E,
  node: string,
  to: (id: string) => string | undefined,
): E {
  const out: E = { ...e, node };
  if (e.bridge !== undefined) {
    const b = to(e.bridge);
    if (b === undefined) delete out.bridge;
    else out.bridge = b;
  }
  return out;
}
