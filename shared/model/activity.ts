/**
 * Graded activities: a lesson (steps in safe Markdown) plus a starting
 * topology whose nodes, links or fields can be locked, and checks with
 * points. The activity block rides in the topology file (`activity:`, next to
 * `lesson:`); hidden checks live in a separate answer-key file
 * (ACTIVITY.key.yaml, {@link ActivityKey}) that the student never gets.
 *
 * Checks name document ids (node ids, the document's interface names), never
 * kernel names: the grader prefixes kernel names per submission and maps them.
 */
import * as z from 'zod';
import { Id } from './common';

/** The activity format version this code writes. */
export const ACTIVITY_VERSION = 1;

const Points = z.number().int().min(0).max(1000).default(1).describe('points this check is worth');
const IfRef = z
  .string()
  .min(1)
  .describe("the interface's name as written in the document (not the kernel name)");

const CheckBase = {
  id: Id.describe('stable identifier of the check (a CSV column in grade reports)'),
  title: z.string().optional().describe('what the student sees; default: a sentence made from the check'),
  points: Points,
  hint: z.string().optional().describe('plain-words hint shown when the check fails'),
  step: z.number().int().min(1).optional().describe('the lesson step (1-based) the check belongs to'),
  breakIt: z
    .boolean()
    .default(false)
    .describe(
      'a "Break it" check: it passes when what it tests FAILS (practice; not counted by `netplumb grade`)',
    ),
};

/** `from` reaches `to` (ping between the lab's own namespaces). */
export const ReachCheck = z
  .object({
    ...CheckBase,
    kind: z.literal('reach'),
    from: Id.describe('namespace/router node id'),
    to: z.string().describe('node id or lab address'),
  })
  .strict();
/** `from` does not reach `to`. */
export const NoReachCheck = z
  .object({ ...CheckBase, kind: z.literal('no-reach'), from: Id, to: z.string() })
  .strict();
/** A route is present in a node's main table. */
export const RouteCheck = z
  .object({
    ...CheckBase,
    kind: z.literal('route'),
    node: Id.describe('namespace/router node id'),
    to: z.string().describe('destination prefix (CIDR) or "default"'),
    via: z.string().optional().describe('next hop the route must use'),
    dev: IfRef.optional(),
  })
  .strict();
/** An address is configured on a node (on a given interface when `ifname` is set). */
export const AddressCheck = z
  .object({
    ...CheckBase,
    kind: z.literal('address'),
    node: Id,
    address: z.string().describe('address in CIDR form, e.g. 10.0.0.1/24'),
    ifname: IfRef.optional(),
  })
  .strict();
/** An interface is administratively up (or down). */
export const IfaceStateCheck = z
  .object({
    ...CheckBase,
    kind: z.literal('iface-state'),
    node: Id.describe('namespace/router node id, or a bridge for its ports'),
    ifname: IfRef,
    up: z.boolean(),
  })
  .strict();
/** A bridge learned the MAC of `node`'s interface (run a reach check first: learning needs traffic). */
export const FdbCheck = z
  .object({
    ...CheckBase,
    kind: z.literal('fdb'),
    bridge: Id.describe('bridge node id'),
    node: Id.optional().describe('namespace/router whose interface MAC must be learned'),
    mac: z.string().optional().describe('or an explicit MAC address'),
  })
  .strict();
/** VLAN isolation: `from` reaches `same` and does not reach `other` (needs bridge VLAN filtering). */
export const VlanIsolationCheck = z
  .object({
    ...CheckBase,
    kind: z.literal('vlan-isolation'),
    from: Id,
    same: z.string().describe('a node in the same VLAN'),
    other: z.string().describe('a node in another VLAN'),
  })
  .strict();
/** Round-trip time bounds (needs netem to be meaningful). */
export const RttCheck = z
  .object({
    ...CheckBase,
    kind: z.literal('rtt'),
    from: Id,
    to: z.string(),
    atLeastMs: z.number().min(0).optional(),
    atMostMs: z.number().min(0).optional(),
  })
  .strict();
/** The path from `from` to `to` goes through these routers, in order. */
export const PathCheck = z
  .object({
    ...CheckBase,
    kind: z.literal('path'),
    from: Id,
    to: z.string(),
    via: z.array(Id).min(1).describe('router node ids, in order'),
  })
  .strict();

export const ActivityCheck = z.discriminatedUnion('kind', [
  ReachCheck,
  NoReachCheck,
  RouteCheck,
  AddressCheck,
  IfaceStateCheck,
  FdbCheck,
  VlanIsolationCheck,
  RttCheck,
  PathCheck,
]);
export type ActivityCheck = z.infer<typeof ActivityCheck>;
export type ActivityCheckInput = z.input<typeof ActivityCheck>;
export type CheckKind = ActivityCheck['kind'];
export const CHECK_KINDS: readonly CheckKind[] = [
  'reach',
  'no-reach',
  'route',
  'address',
  'iface-state',
  'fdb',
  'vlan-isolation',
  'rtt',
  'path',
];

/** A locked field of a node or link, e.g. `{ node: h1, field: gateway }` or `{ link: l1, field: a.addresses }`. */
export const FieldLock = z
  .object({
    node: Id.optional(),
    link: Id.optional(),
    field: z
      .string()
      .regex(
        /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/,
        'a field is a dotted path such as "gateway" or "a.addresses"',
      ),
  })
  .strict();
export type FieldLock = z.infer<typeof FieldLock>;

/** What the student may not change. */
export const Locks = z
  .object({
    nodes: z.array(Id).default([]).describe('node ids that must stay exactly as given (position excepted)'),
    links: z.array(Id).default([]).describe('link ids that must stay exactly as given'),
    fields: z.array(FieldLock).default([]).describe('single fields of a node or link'),
  })
  .strict();
export type Locks = z.infer<typeof Locks>;

/** The `activity:` block of a topology file. */
export const Activity = z
  .object({
    version: z.literal(ACTIVITY_VERSION).describe('activity format version'),
    locked: Locks.default({ nodes: [], links: [], fields: [] }),
    checks: z.array(ActivityCheck).default([]).describe('checks the student sees'),
  })
  .strict();
export type Activity = z.infer<typeof Activity>;
export type ActivityInput = z.input<typeof Activity>;

/** The answer key (ACTIVITY.key.yaml): hidden checks, kept apart from the file students get. */
export const ActivityKey = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(ACTIVITY_VERSION),
    activity: z.string().describe('the lab name of the activity this key belongs to'),
    checks: z.array(ActivityCheck).default([]).describe('hidden checks, run by `netplumb grade` only'),
  })
  .strict();
export type ActivityKey = z.infer<typeof ActivityKey>;
export type ActivityKeyInput = z.input<typeof ActivityKey>;
