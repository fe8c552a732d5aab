/**
 * What a change does, as data: its operation (one of a closed set, with its
 * parameters) and the kernel object it concerns. The exact commands are
 * derived from these in one place (render-argv.ts); the kernel side reads
 * these fields and never parses a command line back.
 */
import * as z from 'zod';
import { PORT_FLAG_DEFAULTS, ROOT_NS, ROUTE_TYPES } from './kstate';

/** The programs a plan runs; ip, bridge and tc also read `-batch` lines, sysctl does not. */
export const Tool = z.enum(['ip', 'bridge', 'tc', 'sysctl']);
export type Tool = z.infer<typeof Tool>;

const Str = z.string().max(4096);

/** One end of a new veth pair: its name, its namespace ("" = root) and settings given at creation. */
export const VethEnd = z.object({
  name: Str,
  netns: Str,
  mtu: z.number().int().optional(),
  mac: Str.optional(),
});
export type VethEnd = z.infer<typeof VethEnd>;

/** Bridge attributes; only the ones given are written. */
export const BridgeOpts = z.object({
  stp: z.boolean().optional(),
  vlanFiltering: z.boolean().optional(),
  defaultPvid: z.number().int().optional(),
});
export type BridgeOpts = z.infer<typeof BridgeOpts>;

/**
 * Settings of a bridge port (`type bridge_slave …`): its state by number
 * (PORT_STATES) and flags by iproute2 keyword (PORT_FLAG_DEFAULTS).
 */
export const PortOpts = z.object({
  state: z.number().int().min(0).max(4).optional(),
  flags: z
    .partialRecord(z.enum(Object.keys(PORT_FLAG_DEFAULTS) as [string, ...string[]]), z.boolean())
    .optional(),
});
export type PortOpts = z.infer<typeof PortOpts>;

/** One word of a policy rule's selector or action as `ip rule` takes it (no spaces, no options). */
const RuleWord = z.string().regex(/^[A-Za-z0-9_.:/[\]-]{1,64}$/);
/** A policy rule as the plan writes it: priority, selector and action words, protocol. */
export const RuleSpec = z.object({
  pref: z.number().int().min(0).max(0xffffffff),
  words: z.array(RuleWord).max(32),
  proto: RuleWord.optional(),
});
export type RuleSpec = z.infer<typeof RuleSpec>;

/** A route of another table than main as the plan writes it (KTableRoute): words, not options. */
export const TableRouteSpec = z.object({
  family: z.union([z.literal(4), z.literal(6)]),
  // [type] destination table T …: `table` is never first (tableRouteDest).
  words: z
    .array(RuleWord)
    .min(3)
    .max(16)
    .refine((w) => w.indexOf('table') > 0, 'a table route names its table after its destination'),
  extra: z.array(RuleWord).max(8).optional(),
  dev: Str.optional(),
});
export type TableRouteSpec = z.infer<typeof TableRouteSpec>;

/** A route as the plan writes it (family decides how a gateway-less IPv6 default is spelled). */
export const RouteSpec = z.object({
  family: z.union([z.literal(4), z.literal(6)]),
  type: z.enum(ROUTE_TYPES).optional(),
  to: Str,
  via: Str.optional(),
  dev: Str.optional(),
  metric: z.number().int().optional(),
  /** Protocol kernel: a route the kernel makes for an address, put back, or one made by hand as such. */
  proto: z.literal('kernel').optional(),
  src: Str.optional(),
  /** A route made by hand for one type of service (KRoute.tos), as iproute2 prints it: 0x10. */
  tos: z
    .string()
    .regex(/^(0x[0-9a-f]{1,2}|[a-z0-9_-]{1,32})$/i)
    .optional(),
  nhid: z.number().int().min(1).max(0xffffffff).optional(),
});
export type RouteSpec = z.infer<typeof RouteSpec>;

/** netem parameters; `clearRate` writes `rate 0bit` (a `replace` keeps an earlier rate otherwise). */
export const NetemSpec = z.object({
  delayMs: z.number().optional(),
  jitterMs: z.number().optional(),
  lossPercent: z.number().optional(),
  rateKbit: z.number().optional(),
  clearRate: z.boolean().optional(),
});
export type NetemSpec = z.infer<typeof NetemSpec>;

/** Every operation a plan can contain. Namespaced ones run in the change's `ns`. */
export const Op = z.discriminatedUnion('op', [
  z.object({ op: z.literal('netns-add'), name: Str }),
  z.object({ op: z.literal('netns-delete'), name: Str }),
  /** A veth pair made from the root namespace, each end directly in its namespace. */
  z.object({ op: z.literal('veth-add'), a: VethEnd, b: VethEnd }),
  z.object({ op: z.literal('bridge-add'), name: Str, mac: Str.optional(), bridge: BridgeOpts }),
  /**
   * An interface made on its own, of a kernel type a link kind's descriptor
   * names (`ip link add name X type <type> <key> <value> …`), with its
   * creation parameters in order.
   */
  z.object({
    op: z.literal('link-add'),
    name: Str,
    type: z.string().regex(/^[a-z0-9_]{1,32}$/),
    mac: Str.optional(),
    params: z.array(z.object({ key: z.string().regex(/^[a-z0-9_]{1,32}$/), value: Str })),
  }),
  z.object({ op: z.literal('link-delete'), dev: Str }),
  /** Settings of an existing interface; `master: null` detaches it from its bridge. */
  z.object({
    op: z.literal('link-set'),
    dev: Str,
    alias: z.string().max(4096).optional(),
    mtu: z.number().int().optional(),
    mac: Str.optional(),
    master: Str.nullable().optional(),
    up: z.boolean().optional(),
    /** ARP on (true) or off. */
    arp: z.boolean().optional(),
    bridge: BridgeOpts.optional(),
    /** Settings of the interface as a bridge port (not given with `bridge`: one `type` per command). */
    port: PortOpts.optional(),
  }),
  // noprefixroute: the loopback's own ::1/128 as the kernel gives it, without a route in table main.
  z.object({ op: z.literal('address-add'), dev: Str, cidr: Str, noprefixroute: z.literal(true).optional() }),
  z.object({ op: z.literal('address-delete'), dev: Str, cidr: Str }),
  z.object({ op: z.literal('route-replace'), route: RouteSpec }),
  z.object({ op: z.literal('route-delete'), route: RouteSpec }),
  /** sysctl keys written in the change's namespace, in this order. */
  z.object({
    op: z.literal('sysctl-write'),
    values: z.array(z.object({ key: Str, value: Str })).min(1),
  }),
  z.object({
    op: z.literal('vlan-add'),
    dev: Str,
    vid: z.number().int(),
    pvid: z.boolean(),
    untagged: z.boolean(),
  }),
  z.object({ op: z.literal('vlan-delete'), dev: Str, vid: z.number().int() }),
  /** The root qdisc of `dev` becomes netem with these parameters. */
  z.object({ op: z.literal('qdisc-replace'), dev: Str, netem: NetemSpec }),
  z.object({ op: z.literal('qdisc-delete'), dev: Str }),
  /** Forgets the neighbour entries (ARP, NDP) for an address, but static ones. */
  z.object({ op: z.literal('neigh-flush'), addr: Str }),
  /** An IPv4 policy rule added or deleted: exactly this priority, selector and action (KRule). */
  z.object({ op: z.literal('rule-add'), rule: RuleSpec }),
  z.object({ op: z.literal('rule-delete'), rule: RuleSpec }),
  /** A route of another table than main added or deleted: exactly these words (KTableRoute). */
  z.object({ op: z.literal('table-route-add'), route: TableRouteSpec }),
  z.object({ op: z.literal('table-route-delete'), route: TableRouteSpec }),
  /** A permanent neighbour entry added (pinned to `lladdr`) or deleted. */
  z.object({ op: z.literal('neigh-add'), addr: Str, dev: Str, lladdr: Str }),
  z.object({ op: z.literal('neigh-delete'), addr: Str, dev: Str }),
]);
export type Op = z.infer<typeof Op>;
type OpName = Op['op'];

/** The program each operation runs with. */
export const TOOL_OF = {
  'netns-add': 'ip',
  'netns-delete': 'ip',
  'veth-add': 'ip',
  'bridge-add': 'ip',
  'link-add': 'ip',
  'link-delete': 'ip',
  'link-set': 'ip',
  'address-add': 'ip',
  'address-delete': 'ip',
  'route-replace': 'ip',
  'route-delete': 'ip',
  'sysctl-write': 'sysctl',
  'vlan-add': 'bridge',
  'vlan-delete': 'bridge',
  'qdisc-replace': 'tc',
  'qdisc-delete': 'tc',
  'neigh-flush': 'ip',
  'rule-add': 'ip',
  'rule-delete': 'ip',
  'table-route-add': 'ip',
  'table-route-delete': 'ip',
  'neigh-add': 'ip',
  'neigh-delete': 'ip',
} as const satisfies Record<OpName, Tool>;

/** The program an operation runs with. */
export const toolOf = (op: Op): Tool => TOOL_OF[op.op];

/**
 * The kernel object a change concerns: a namespace (namespace "" = it lives
 * under the root), an interface ("link"), or something on one (`dev`): an
 * address, a route, a bridge port VLAN, the root qdisc; or a set of sysctls;
 * or the neighbour entries for an address.
 */
export const Subject = z.object({
  kind: z.enum(['namespace', 'link', 'address', 'route', 'sysctl', 'vlan', 'qdisc', 'neighbour', 'rule']),
  /** The namespace the object lives in ("" = root; "" for a namespace itself). */
  namespace: Str,
  /** Its name: namespace or interface name, CIDR, route destination, VLAN id, "root" (qdisc), sysctl keys, the address whose neighbour entries go. */
  name: Str,
  /** The interface the object is on, for addresses, routes through one, VLANs and qdiscs. */
  dev: Str.optional(),
});
export type Subject = z.infer<typeof Subject>;

/**
 * How `route` writes a destination: batch lines cannot carry -6, so the
 * family comes from the gateway or prefix, and an IPv6 default without a
 * gateway is written ::/0.
 */
export const routeDest = (r: RouteSpec): string =>
  r.to === 'default' && r.family === 6 && !r.via ? '::/0' : r.to;

/** The destination of a table route: the word before `table` (after its type, if any). */
export const tableRouteDest = (r: TableRouteSpec): string => r.words[r.words.indexOf('table') - 1];

/** A rule as `ip rule` prints it, e.g. "100: to 10.0.0.2 prohibit". */
export const ruleText = (r: RuleSpec): string =>
  `${r.pref}: ${r.words.length ? r.words.join(' ') : 'from all'}`;

/** The object operation `op`, run in namespace `ns`, concerns. */
export function subjectOf(op: Op, ns: string): Subject {
  switch (op.op) {
    case 'netns-add':
    case 'netns-delete':
      return { kind: 'namespace', namespace: ROOT_NS, name: op.name };
    case 'veth-add':
      return { kind: 'link', namespace: op.a.netns, name: op.a.name };
    case 'bridge-add':
    case 'link-add':
      return { kind: 'link', namespace: ns, name: op.name };
    case 'link-delete':
    case 'link-set':
      return { kind: 'link', namespace: ns, name: op.dev };
    case 'address-add':
    case 'address-delete':
      return { kind: 'address', namespace: ns, name: op.cidr, dev: op.dev };
    case 'route-replace':
    case 'route-delete':
      return {
        kind: 'route',
        namespace: ns,
        name: routeDest(op.route),
        ...(op.route.dev !== undefined ? { dev: op.route.dev } : {}),
      };
    case 'sysctl-write':
      return { kind: 'sysctl', namespace: ns, name: op.values.map((v) => v.key).join(' ') };
    case 'vlan-add':
    case 'vlan-delete':
      return { kind: 'vlan', namespace: ns, name: String(op.vid), dev: op.dev };
    case 'qdisc-replace':
    case 'qdisc-delete':
      return { kind: 'qdisc', namespace: ns, name: 'root', dev: op.dev };
    case 'neigh-flush':
      return { kind: 'neighbour', namespace: ns, name: op.addr };
    case 'neigh-add':
    case 'neigh-delete':
      return { kind: 'neighbour', namespace: ns, name: op.addr, dev: op.dev };
    case 'rule-add':
    case 'rule-delete':
      return { kind: 'rule', namespace: ns, name: ruleText(op.rule) };
    case 'table-route-add':
    case 'table-route-delete':
      return {
        kind: 'route',
        namespace: ns,
        name: tableRouteDest(op.route),
        ...(op.route.dev !== undefined ? { dev: op.route.dev } : {}),
      };
  }
}

/** The namespace or interface an operation removes (with everything in it), if any. */
export function deletedBy(op: Op, ns: string): Subject | undefined {
  return op.op === 'netns-delete' || op.op === 'link-delete' ? subjectOf(op, ns) : undefined;
}
