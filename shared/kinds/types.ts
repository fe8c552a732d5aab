/**
 * The shape of a kind descriptor: everything netplumb knows about one node
 * kind or one link kind, in one module (docs/ARCHITECTURE.md, "One kind, one
 * place"). The generic code (resolve, validate, the canvas, the exporters)
 * asks the descriptor instead of testing `kind ===` itself.
 *
 * Imports only the model (and the kernel-state model), so validate, plan,
 * formats and the renderer can all build on it.
 */
import type { z } from 'zod';
import type { KIface, KLinkParam, KNamespace } from '../model/kstate';
import type { Link, LinkEnd, LinkKind, NetnsNode, NodeKind, Topology, TopoNode } from '../model';
import type { Problem } from '../model/problem';
import type { Feature } from './features';

/** A node of one kind. */
export type NodeOf<K extends NodeKind> = Extract<TopoNode, { kind: K }>;
/** A link of one kind. */
export type LinkOf<K extends LinkKind> = Link & { kind?: K };

/** Looks a node up by id (each caller brings its own map: first or last duplicate). */
export type NodeLookup = (id: string) => TopoNode | undefined;

/**
 * Where a node's interfaces live: the root namespace, a netns node (itself,
 * or the namespace/router a bridge sits in), or `unknown` when a bridge names
 * a holder that is missing or not a namespace (an invalid document; `holder`
 * is the node it names, if any).
 */
export type Home = { at: 'root' } | { at: 'netns'; node: NetnsNode } | { at: 'unknown'; holder?: TopoNode };

/** Where an interface came from in the document. */
export interface IfaceOrigin {
  nodeId: string;
  linkId?: string;
  end?: 'a' | 'b';
}

/** What a descriptor's resolve hooks write into: the desired kernel state being built. */
export interface ResolveSink {
  /** The lab name (for ownership marks). */
  lab: string;
  lookup: NodeLookup;
  /** The kernel namespace key a node's interfaces live in (ROOT_NS for the root). */
  nsOf(node: TopoNode): string;
  /** Adds a namespace made for a netns node. */
  addNamespace(ns: KNamespace, nodeId: string): void;
  /** Adds an interface to namespace `ns` (created empty when new). */
  addIface(ns: string, iface: KIface, origin: IfaceOrigin): void;
  /**
   * Records a veth pair (its two ends). The planner creates every recorded pair
   * as one `ip link add … type veth peer …` (shared/plan/plan.ts); a link kind
   * that is not a veth pair adds its interfaces with addIface only.
   */
  addLinkEnds(id: string, a: { ns: string; name: string }, b: { ns: string; name: string }): void;
}

/** What a descriptor's validation hooks see. */
export interface CheckView {
  /** The first node with an id. */
  lookup: NodeLookup;
}

/** What a link kind's validation hook sees: also the whole document (e.g. an end's node's other addresses). */
export interface LinkCheckView extends CheckView {
  topology: Topology;
}

/** Colours and shapes an exporter uses for a kind. */
export interface KindExport {
  /** Mermaid node shape brackets, e.g. `['([', '])']`. */
  mermaidShape: readonly [string, string];
  /** Mermaid class name. */
  mermaidClass: string;
  /** SVG picture colours, the word under the name, and the corner radius of the node box. */
  svg: { fill: string; stroke: string; text: string; rx: number };
}

/** One element of a 24×24 line icon (drawn by the canvas and the palette). */
export interface IconShape {
  el: 'rect' | 'circle' | 'path';
  attrs: Readonly<Record<string, string | number>>;
}

/**
 * What a node kind makes of a live kernel namespace when a lab is imported
 * from the host (`netplumb import-host`, `netplumb adopt`): see the `adopt`
 * hook.
 */
export interface NetnsAdoption<K extends NodeKind = NodeKind> {
  /**
   * How many kernel facts the claim rests on. Among the kinds that claim a
   * namespace, the one resting on most facts wins (a router, on IPv4
   * forwarding, over a plain namespace, which claims every one on none).
   */
  facts: number;
  /** The node's fields of its own kind (its id, name, routes and sysctls are made for every kind). */
  fields: Partial<Omit<NodeOf<K>, 'id' | 'name' | 'kind' | 'routes' | 'sysctls'>>;
  /** Sysctls the kind itself stands for: left out of the node's `sysctls` (e.g. a router's forwarding). */
  implied: readonly string[];
}

/** Everything about one node kind. */
export interface NodeKindDescriptor<K extends NodeKind = NodeKind> {
  kind: K;
  /** The zod schema of the node (shared/model/node.ts). */
  schema: z.ZodType;
  /** Human name, as on the palette and in messages: `Router`. */
  label: string;
  /** One line of help on the palette. */
  help: string;
  /** New nodes are named `${namePrefix}${n}`, counting from `firstIndex` (the first one `firstName` when set). */
  namePrefix: string;
  firstIndex: number;
  firstName?: string;
  /** How new link ends on it are named: `eth0`…, `<bridge>-p1`… (ports), or `veth-<peer>`. */
  ifnames: 'eth' | 'port' | 'peer';
  /** Is a network namespace netplumb creates (holds routes, sysctls; expectations run there). */
  netns: boolean;
  /** A link end on this node is a bridge port (no addresses of its own), not an interface. */
  endIsPort: boolean;
  /** Where the node's interfaces live. */
  namespaceOf(node: NodeOf<K>, lookup: NodeLookup): Home;
  /** Resolve, first pass: namespaces this node makes. */
  resolveNamespace?(node: NodeOf<K>, sink: ResolveSink): void;
  /** Resolve, second pass (after every namespace exists): interfaces this node makes. */
  resolveIfaces?(node: NodeOf<K>, sink: ResolveSink): void;
  /** Validation: kind-specific reference checks (run by shared/validate's checkReferences). */
  checkRefs?(node: NodeOf<K>, index: number, view: CheckView): Problem[];
  /**
   * Importing from the host: whether a live kernel namespace is a node of this
   * kind, by the kernel facts that make it one (undefined: not this kind).
   * Only kinds that are a namespace have it; `adoptNamespace` asks them all.
   */
  adopt?(ns: KNamespace): NetnsAdoption<K> | undefined;
  /**
   * Canvas: the CSS colour variable of the kind (defined per theme in
   * renderer/styles/app.css), its icon, and CSS declarations that shape its
   * node box (e.g. `{ 'border-radius': '18px' }`).
   */
  palette: { colorVar: string; icon: readonly IconShape[]; box?: Readonly<Record<string, string>> };
  /** Exporter mappings. */
  export: KindExport;
}

/** A live interface and the kernel namespace it is in (ROOT_NS for the root), as import-host reads it. */
export interface LiveIface {
  ns: string;
  iface: KIface;
}

/** What a link kind's `adoptLinks` hook may ask about the lab being imported. */
export interface LinkAdoptView {
  /** The node id of an imported namespace (undefined: the root, or a namespace not imported). */
  nodeOf(ns: string): string | undefined;
  /** The node id of kernel bridge `name` in namespace `ns` (undefined: no bridge node there). */
  bridgeOf(ns: string, name: string): string | undefined;
  /**
   * The fields every link end has, read from a live interface on node `nodeId`
   * (addresses unless it is a bridge `port`, up, MTU, MAC, netem).
   */
  end(live: LiveIface, nodeId: string, opts?: { port?: boolean }): LinkEnd;
}

/** What a link kind's `adoptLinks` hook recovers from the live interfaces of its kernel kinds. */
export interface LinkAdoption<K extends LinkKind = LinkKind> {
  /** One link per group of interfaces that belong together (`id` is made by the importer). */
  links: { ifaces: readonly LiveIface[]; link: Omit<Extract<Link, { kind: K }>, 'id'> }[];
  /** Interfaces left out, each with why in plain words (the importer warns; nothing is dropped silently). */
  dropped: { at: LiveIface; why: string }[];
}

/** What every link kind has: an id, two ends, a label and notes (the Inspector's kind switch keeps these). */
export interface LinkBase {
  id: string;
  a: LinkEnd;
  b: LinkEnd;
  label?: string;
  notes?: string;
}

/** Everything about one link kind. */
export interface LinkKindDescriptor<K extends LinkKind = LinkKind> {
  kind: K;
  /** The zod schema of the link (shared/model/link.ts). */
  schema: z.ZodType;
  /** Human name: `veth pair`. */
  label: string;
  /**
   * A link of this kind with the given ends (the Inspector turns a link into
   * this kind): the kind's own fields get defaults taken from the document.
   */
  make(base: LinkBase, topology: Topology): LinkOf<K>;
  /** Turns the link into kernel interfaces. */
  resolve(link: LinkOf<K>, sink: ResolveSink): void;
  /** Validation: kind-specific checks of one link (index in topology.links). */
  check?(link: LinkOf<K>, index: number, view: LinkCheckView): Problem[];
  /**
   * The kernel features (electron/kernel/capabilities.ts detects them) a link
   * of this kind needs: apply refuses a document using it on a machine that
   * lacks one, naming the link and what is missing, before changing anything.
   */
  needs: readonly Feature[];
  /** The KIface kinds this link kind makes (live parsing: which kernel links are this kind's). */
  kernelKinds: readonly KIface['kind'][];
  /**
   * For a kind whose interfaces are made on their own (`ip link add … type
   * <kind> <params>`, resolve sets KIface.params): reads those parameters back
   * from the live `linkinfo.info_data` of `ip -d -j link`, as resolve writes
   * them. The planner re-creates an interface whose parameters differ.
   */
  readParams?(infoData: Readonly<Record<string, unknown>>): KLinkParam[];
  /**
   * Importing from the host (`netplumb import-host`, then `adopt`): links of
   * this kind recovered from the live interfaces of its `kernelKinds` in the
   * root and the imported namespaces. A kind without it has its own importer
   * (veth pairs, shared/formats/from-kstate-links.ts).
   */
  adoptLinks?(ifaces: readonly LiveIface[], view: LinkAdoptView): LinkAdoption<K>;
  /** Plain words for a parameter in messages (`id` → `VNI`). */
  paramNames?: Readonly<Record<string, string>>;
  /**
   * Canvas (and Mermaid/SVG): CSS class added to the edge, how the edge is
   * dashed (undefined: solid), and a label drawn on it when the link has none.
   */
  style: { className: string; dash?: string; label?: (link: LinkOf<K>) => string };
  /**
   * Exporter mappings: how containerlab carries the link — as a `links:`
   * endpoint pair (`endpoints`), or as commands in the nodes' `exec:` lines
   * (`exec`, for links containerlab cannot make itself). The shell script
   * needs no mapping: it is written from the plan of the resolved state.
   */
  export: { clab: 'endpoints' | 'exec' };
}
