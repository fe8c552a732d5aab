/**
 * The lab's scope on the host and reading it: which namespaces belong to a
 * lab (in its file or its last record), reading them with the root
 * namespace, and waiting until a deleted lab is gone. Reads only.
 */
import type { Topology } from '../../shared/model';
import {
  addressPlaces,
  markLab,
  resolve,
  ROOT_NS,
  type KState,
  type PreviousAddresses,
  type Resolved,
} from '../../shared/plan';
import { deepFreeze } from '../../shared/util/freeze';
import type { LabRecord, LabStore } from './lab-store';
import { readLive } from './live-read';
import { listNetns, listNetnsSync } from './netns';
import type { Runner } from './runner';

/** The non-root namespaces of a state. */
export const nsKeys = (s: KState) => Object.keys(s.namespaces).filter((n) => n !== ROOT_NS);

const needsSysctls = (r: Resolved, ns: string) =>
  Object.keys(r.state.namespaces[ns]?.sysctls ?? {}).length > 0;

/** A desired state with no objects: planning it against live deletes everything the lab owns. */
export function emptyLab(lab: string): Resolved {
  return resolve({ version: 1, name: lab, nodes: [], links: [], expect: [], annotations: [] });
}

/**
 * Reads the root namespace and `scope` in one fan-out, with sysctls only
 * where the file sets some (one process fewer per namespace without the
 * native reader, and no /proc/sys read with it): there, each interface's
 * own forwarding and disable_ipv6 are judged too (a router's interface set
 * not to forward by hand). A namespace whose file sets no sysctl neither
 * forwards nor turns IPv6 off, so its interfaces' are not read.
 */
export async function readFor(runner: Runner, desired: Resolved, scope: string[]): Promise<KState> {
  return readScope(runner, scope, sysctlsFor(desired, scope));
}
/** The namespaces of `scope` read with all their sysctls (readFor). */
const sysctlsFor = (desired: Resolved, scope: readonly string[]) =>
  scope.filter((n) => needsSysctls(desired, n));
const readScope = (runner: Runner, scope: readonly string[], sysctls: readonly string[]) =>
  readLive(runner, {
    namespaces: [...scope],
    includeRoot: true,
    peerNames: false,
    sysctls: [...sysctls],
    // Elsewhere a namespace's own settings (pings ignored by hand): shared/model/common.ts NS_OWN_SYSCTLS.
    ownSysctls: true,
  });

/**
 * The namespaces of the topology last applied that the file's may not have.
 * When the record holds the same topology as the file (a plan or status of a
 * lab not edited since), none: resolving a 1000-node topology a second time
 * cost about 10 ms. Any difference, even of key order, resolves the record's.
 */
function recordedOnly(record: LabRecord, topology: Topology): string[] {
  // Both are frozen and handed out again while unchanged (the record by its file, the topology by
  // its text): comparing their JSON was ~1.5 ms of each 1000-host plan, for the same answer.
  const known = recordedOnlyMemo.get(record);
  if (known?.topology === topology) return known.names;
  const same =
    record.topology?.nodes?.length === topology.nodes.length &&
    record.topology?.links?.length === topology.links.length &&
    JSON.stringify(record.topology) === JSON.stringify(topology);
  const names = same ? [] : nsKeys(resolvedRecord(record).state);
  if (Object.isFrozen(record) && Object.isFrozen(topology)) recordedOnlyMemo.set(record, { topology, names });
  return names;
}
const recordedOnlyMemo = new WeakMap<LabRecord, { topology: Topology; names: string[] }>();

const resolvedRecords = new WeakMap<LabRecord, Resolved>();
/**
 * The record's topology resolved, once per record read (recordedOnly and
 * previousAddresses both need it). A record this process wrote holds the
 * sealed topology it applied: already resolved then (resolveSealed).
 */
function resolvedRecord(record: LabRecord): Resolved {
  let r = resolvedRecords.get(record);
  if (!r) resolvedRecords.set(record, (r = resolveSealed(record.topology)));
  return r;
}

/**
 * Where the last apply put each address, from the lab's record, for the plan
 * (plan-neigh.ts); undefined without a record, or one that does not resolve
 * (the flushes are then left out, nothing else depends on it).
 */
export const previousAddresses = (record: LabRecord | null) => (): PreviousAddresses | undefined => {
  if (!record) return undefined;
  try {
    return addressPlaces(resolvedRecord(record).state);
  } catch {
    return undefined;
  }
};

/** What plan, apply and status work from: the file resolved, the last record, the live kernel. */
export interface PreparedLab {
  topology: Topology;
  desired: Resolved;
  record: LabRecord | null;
  live: KState;
  existing: Set<string>;
}

const resolvedTopologies = new WeakMap<Topology, Resolved>();
/**
 * resolve(topology), once per sealed topology: validateDocument's remembered
 * result (shared/validate) is the same frozen object for the same document,
 * so the plan right after an apply, or each status of a running lab,
 * resolves nothing again (1000 hosts: ~15 ms). A topology that is not
 * frozen may change between calls: resolved each time. The tests freeze
 * what is kept (NETPLUMB_FREEZE_READS): nothing may change a resolved lab.
 */
export function resolveSealed(topology: Topology): Resolved {
  if (!Object.isFrozen(topology)) return resolve(topology);
  let r = resolvedTopologies.get(topology);
  if (!r) {
    r = resolve(topology);
    if (process.env.NETPLUMB_FREEZE_READS) deepFreeze(r);
    resolvedTopologies.set(topology, r);
  }
  return r;
}

/**
 * Reads the truth plan, apply and status all work from: the root namespace
 * and every namespace of the lab (in the file or in the last applied record)
 * that exists. Nothing is assumed in sync: hand-made drift anywhere in the
 * lab must show in status and be repaired by apply. With the native reader
 * (live-reader.ts) every namespace is still looked at, by a netlink
 * fingerprint taken now; only its `ip` output is reused when it is unchanged.
 */
export async function prepareLab(
  topology: Topology,
  store: LabStore,
  runner: Runner,
  early?: EarlyRead,
): Promise<PreparedLab> {
  const desired = resolveSealed(topology);
  const record = store.readRecord(topology.name);
  const existing = new Set(await listNetns());
  const recorded = record ? [...Object.keys(record.namespaces), ...recordedOnly(record, topology)] : [];
  const scope = existingOf([...nsKeys(desired.state), ...recorded], existing);
  const sysctls = sysctlsFor(desired, scope);
  // Awaited whether taken or not: one read at a time (nsread serves one request at a time).
  const got = early && (await early.live.catch(() => undefined));
  const same = early?.record === record && sameSet(early.scope, scope) && sameSet(early.sysctls, sysctls);
  const live = got && same ? got : await readScope(runner, scope, sysctls);
  return { topology, desired, record, live, existing };
}

/** The names that exist, each once: a lab's scope on the host. */
const existingOf = (names: string[], existing: ReadonlySet<string>) =>
  [...new Set(names)].filter((n) => existing.has(n));

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const s = new Set(a);
  return s.size === new Set(b).size && b.every((x) => s.has(x));
};

/** A read prepareLab takes instead of its own when it is of the same namespaces, read the same way (readRecorded). */
export interface EarlyRead {
  /** The record it was planned from. */
  record: LabRecord;
  scope: readonly string[];
  /** Of those, the ones read with all their sysctls. */
  sysctls: readonly string[];
  live: Promise<KState>;
}

/**
 * Starts the read prepareLab makes for an apply whose file names the same
 * namespaces as the lab's record (its last apply): the record's namespaces
 * that exist, with the root. Why: an apply can then validate its file while
 * this read runs, instead of before it (engine.ts beginApply); prepareLab
 * takes it only when the file's scope and sysctls turn out the same, which
 * adding a host to a lab is (its namespace does not exist yet). Sent at
 * once: nothing is awaited before the read's request (the namespaces are
 * listed synchronously). Never throws: a failure is the read's (prepareLab
 * then reads itself).
 */
export function readRecorded(record: LabRecord, runner: Runner): EarlyRead | undefined {
  try {
    const recordDesired = resolvedRecord(record);
    const existing = new Set(listNetnsSync());
    const scope = existingOf([...Object.keys(record.namespaces), ...nsKeys(recordDesired.state)], existing);
    const sysctls = sysctlsFor(recordDesired, scope);
    const live = readScope(runner, scope, sysctls);
    live.catch(() => undefined); // taken, or dropped, by prepareLab
    return { record, scope, sysctls, live };
  } catch {
    return undefined;
  }
}

/**
 * The kernel tears a deleted namespace down asynchronously: veth ends whose
 * peer lived there linger for a moment. Wait (briefly) until none of the
 * lab's interfaces is left in the root namespace, so "destroyed" means gone.
 */
export async function waitUntilGone(
  runner: Runner,
  lab: string,
  deletedNs?: ReadonlySet<string>,
): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const root = await readLive(runner, { namespaces: [], includeRoot: true, peerNames: false });
    const left = Object.values(root.namespaces[''].ifaces).filter(
      (f) =>
        markLab(f.mark) === lab &&
        (!deletedNs || (f.kind === 'veth' && (f.peer === undefined || deletedNs.has(f.peer.ns)))),
    );
    if (!left.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
