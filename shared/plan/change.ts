/**
 * A Change: one kernel operation in a plan, as data (its operation, the object
 * it concerns, what it deletes, its undo), with the reason it is needed. Its
 * commands (argv, batch line, undo argv) are derived from the data by
 * render-argv.ts when the plan is built, for display, export and the executor;
 * nothing reads them back to learn what a change does.
 */
import * as z from 'zod';
import { Op, Subject } from './op';

const ChangeAction = z.enum(['create', 'delete', 'modify']);

/**
 * An object a create step brings into being, as a fact (kind, namespace,
 * name, the mark it will carry; for a veth end, its peer). The journal keeps
 * these so that recovery after a crash can decide what to remove from what
 * the kernel shows, never by replaying stored command lines.
 */
export const CreatedObject = z.object({
  /** `link`: an interface made on its own of kernel type `type` (a link kind's, e.g. vxlan). */
  kind: z.enum(['namespace', 'veth', 'bridge', 'link']),
  /** For a `link`: its kernel type (KIface kind), e.g. "vxlan". */
  type: z.string().max(32).optional(),
  /** Namespace the object lives in ("" = root; "" for a namespace itself). */
  ns: z.string().max(64),
  name: z.string().min(1).max(64),
  /** The ownership mark the plan gives it (a namespace's mark is on its lo). */
  mark: z.string().max(256),
  /** The other end of a veth pair. */
  peer: z.object({ ns: z.string().max(64), name: z.string().min(1).max(64) }).optional(),
});
export type CreatedObject = z.infer<typeof CreatedObject>;

export const Change = z.object({
  /** Position in the plan (0-based); the journal refers to steps by it. */
  step: z.number().int().min(0),
  /** Plan phase (free, root, sysctl, ns, vlan, tc, delete); namespaces of one phase may run in parallel. */
  phase: z.string().optional(),
  action: ChangeAction,
  /** Namespace the command runs in ("" = root namespace). */
  ns: z.string(),
  /** What the change does, e.g. { op: "address-add", dev: "eth0", cidr: "10.0.0.1/24" }. */
  op: Op,
  /** The kernel object it concerns, e.g. { kind: "address", namespace: "ns1", name: "10.0.0.1/24", dev: "eth0" }. */
  subject: Subject,
  /** The namespace or interface it removes, with everything in it (checked for the mark right before). */
  deletes: Subject.optional(),
  /** The exact command (derived from `op`), e.g. ["ip","-n","ns1","address","add","10.0.0.1/24","dev","eth0"]. */
  argv: z.array(z.string()),
  /**
   * The same operation as one line of `ip -batch` (without the leading "ip"
   * and without "-n NS"), when it can be batched; the executor groups
   * consecutive batchable changes of one namespace into one process.
   */
  batch: z.array(z.string()).optional(),
  /** Plain words: why this change is in the plan. */
  reason: z.string(),
  /** What the change concerns, for the canvas and the tree view. */
  target: z.object({
    kind: z.enum([
      'namespace',
      'bridge',
      'link',
      'interface',
      'address',
      'route',
      'rule',
      'neighbour',
      'sysctl',
      'vlan',
      'netem',
    ]),
    /** Human name of the object, e.g. "ns1", "veth-ns1 in ns1", "10.0.0.1/24 on eth0 in ns1". */
    name: z.string(),
    nodeId: z.string().optional(),
    linkId: z.string().optional(),
  }),
  /** The operation that reverses this change, run in `undoNs` (undefined: nothing to undo step by step). */
  undoOp: Op.optional(),
  /** The command that reverses this change (derived from `undoOp`). */
  undo: z.array(z.string()).optional(),
  /** Same as `batch`, for the undo command. */
  undoBatch: z.array(z.string()).optional(),
  /** Namespace the undo runs in, when it differs from `ns`. */
  undoNs: z.string().optional(),
  /**
   * When set, the object this change deletes must carry this mark right
   * before the delete runs (re-checked by the executor).
   */
  requireMark: z.string().optional(),
  /** What a create step brings into being (namespaces, veth ends, bridges), for crash recovery. */
  creates: z.array(CreatedObject).optional(),
});
export type Change = z.infer<typeof Change>;

/** Drift between desired and live, per object, for `status`. */
export const DriftItem = z.object({
  state: z.enum(['missing', 'extra', 'changed']),
  kind: z.string(),
  name: z.string(),
  nodeId: z.string().optional(),
  linkId: z.string().optional(),
  /** Plain words: what differs, e.g. "mtu is 1400, file says 1500". */
  detail: z.string(),
});
export type DriftItem = z.infer<typeof DriftItem>;
