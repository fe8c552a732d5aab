/**
 * Links: veth pairs (`kind: veth`, the default). Each end sits on a node; on a bridge node the end is a
 * bridge port (in the bridge's namespace), elsewhere it is the node's interface.
 */
import { z } from 'zod';
import { Cidr, Id, IfName } from './common';

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

/** A link, discriminated by `kind` (absent = veth). Add a link kind's schema here. */
export const Link = z.discriminatedUnion('kind', [VethLink]);
export type Link = z.infer<typeof Link>;
export type LinkKind = NonNullable<Link['kind']>;
/** A link's kind, filling in the default. */
export const linkKindOf = (l: Pick<Link, 'kind'>): LinkKind => l.kind ?? LINK_KIND_DEFAULT;
export type EndKey = 'a' | 'b';
