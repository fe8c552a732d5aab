/**
 * Nodes: namespace (a host), router (a namespace with forwarding on), bridge
 * (a Linux bridge in the root namespace or inside a namespace/router), and host
 * (the root namespace, an endpoint only).
 */
import * as z from 'zod';
import { Cidr, Gateway, Id, KernelName, Position, Route, Sysctls } from './common';

/**
 * Where an imported node came from: its kind and container image in the
 * other tool (containerlab, Kathará, CORE). netplumb runs a namespace either
 * way; the containerlab export writes them back so a round trip keeps them.
 */
export const NodeOrigin = z
  .object({
    kind: z
      .string()
      .optional()
      .describe("the node's kind in the tool it was imported from (e.g. containerlab nokia_srlinux)"),
    image: z.string().optional().describe('its container image there (e.g. ghcr.io/nokia/srlinux:24.10)'),
    type: z
      .string()
      .optional()
      .describe("its type there (containerlab's hardware model, e.g. ixr-d3l), written back on export"),
  })
  .strict();
export type NodeOrigin = z.infer<typeof NodeOrigin>;

const NodeBase = {
  id: Id.describe('stable identifier used by links; defaults to name'),
  name: z.string().describe('kernel name: the namespace name or the bridge interface name'),
  label: z.string().optional().describe('text shown on the canvas instead of the name'),
  position: Position.optional().describe('canvas position (ignored by the kernel side)'),
  notes: z.string().optional().describe('free text'),
  origin: NodeOrigin.optional().describe(
    'kind, image and type in the tool the node was imported from; kept for export',
  ),
};

/** Namespaces and routers can hold routes, a default gateway and sysctls. */
const NetnsFields = {
  routes: z.array(Route).default([]),
  gateway: Gateway.optional(),
  sysctls: Sysctls.optional(),
};

export const NamespaceNode = z
  .object({ ...NodeBase, name: KernelName, kind: z.literal('namespace'), ...NetnsFields })
  .strict();
export type NamespaceNode = z.infer<typeof NamespaceNode>;

export const RouterNode = z
  .object({
    ...NodeBase,
    name: KernelName,
    kind: z.literal('router'),
    ...NetnsFields,
    ipv6Forwarding: z.boolean().default(true).describe('also forward IPv6 (IPv4 forwarding is always on)'),
  })
  .strict();
export type RouterNode = z.infer<typeof RouterNode>;

export const BridgeNode = z
  .object({
    ...NodeBase,
    name: KernelName,
    kind: z.literal('bridge'),
    namespace: Id.optional().describe(
      'id of the namespace/router node the bridge lives in; omitted: the root namespace',
    ),
    stp: z.boolean().default(false),
    vlanFiltering: z.boolean().default(false),
    defaultPvid: z
      .number()
      .int()
      .min(1)
      .max(4094)
      .optional()
      .describe('PVID for ports without VLAN settings (kernel default 1)'),
    addresses: z.array(Cidr).default([]).describe("the bridge's own addresses"),
    mtu: z.number().int().min(68).max(65535).optional(),
    mac: z.string().optional(),
  })
  .strict();
export type BridgeNode = z.infer<typeof BridgeNode>;

export const HostNode = z
  .object({
    ...NodeBase,
    name: z.string().describe('the name shown for the host (the root namespace has no name of its own)'),
    kind: z.literal('host'),
  })
  .strict();
export type HostNode = z.infer<typeof HostNode>;

export const TopoNode = z.discriminatedUnion('kind', [NamespaceNode, RouterNode, BridgeNode, HostNode]);
export type TopoNode = z.infer<typeof TopoNode>;
export type NodeKind = TopoNode['kind'];

/** Nodes that are network namespaces netplumb creates. */
export type NetnsNode = NamespaceNode | RouterNode;
export function isNetnsNode(n: TopoNode): n is NetnsNode {
  return n.kind === 'namespace' || n.kind === 'router';
}
