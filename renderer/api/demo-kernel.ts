/**
 * The demo's kernel side: the engine's plan, apply, status and destroy
 * (electron/kernel/engine.ts), step for step, with the real validator and
 * the real planner (`shared/plan`: resolve + plan), run against an in-memory
 * kernel (`shared/plan/simulate.ts`) instead of iproute2. So the demo shows
 * exactly the changes the engine would: apply, then status is in sync and the
 * plan is empty; an edit plans just its difference; destroy leaves nothing.
 * What the demo host lacks: foreign objects (it starts empty) and kernel
 * capability checks.
 */
import { emptyDocument } from '../../shared/edit/document';
import type { Topology } from '../../shared/model';
import {
  driftFromChanges,
  markLab,
  plan,
  resolve,
  ROOT_NS,
  trySimulate,
  type Change,
  type KState,
  type PlanResult,
  type Resolved,
} from '../../shared/plan';

import { hasErrors, validateDocument, type Problem } from '../../shared/validate';

/** What the demo keeps of an applied lab, like the engine's lab record. */
export interface DemoRecord {
  topology: Topology;
  appliedAt: string;
  /** The lab's namespaces when it was applied. */
  namespaces: string[];
}

/** A fresh demo host: a root namespace with its loopback and nothing else. */
export function emptyHost(): KState {
  return {
    namespaces: {
      [ROOT_NS]: {
        name: ROOT_NS,
        sysctls: {},
        routes: [],
        ifaces: { lo: { name: 'lo', kind: 'loopback', up: true, addresses: [] } },
      },
    },
  };
}

const nsKeys = (s: KState) => Object.keys(s.namespaces).filter((n) => n !== ROOT_NS);
const emptyLab = (lab: string): Resolved => resolve(emptyDocument(lab));

/** The kernel state the engine reads for a lab: the root namespace plus `scope` (those that exist). */
function readScope(kernel: KState, scope: readonly string[]): KState {
  const out: KState = { namespaces: { [ROOT_NS]: kernel.namespaces[ROOT_NS] } };
  for (const n of scope) if (kernel.namespaces[n]) out.namespaces[n] = kernel.namespaces[n];
  return out;
}

/** The planning inputs, as the engine's `prepare` builds them. */
export interface DemoPrepared {
  desired: Resolved;
  live: KState;
  existing: Set<string>;
}

/** An in-memory host with the engine's entry points. */
export interface DemoKernel {
  /** The simulated kernel, as it is now. */
  state(): KState;
  records: Map<string, DemoRecord>;
  /** Validation: problems, and the topology when nothing is an error. */
  check(doc: unknown): { problems: Problem[]; topology?: Topology };
  prepare(topology: Topology): DemoPrepared;
  plan(topology: Topology): PlanResult;
  /** Runs changes on the model; on a refused step nothing is kept (the engine's rollback). */
  run(changes: readonly Change[]): { ok: true } | { ok: false; failedStep: number; error: string };
  record(topology: Topology): void;
  status(topology: Topology): {
    inSync: boolean;
    applied: boolean;
    drift: ReturnType<typeof driftFromChanges>;
    conflicts: Problem[];
  };
  /** Plans the removal of everything the lab owns (the engine's destroy plan). */
  destroyPlan(lab: string): PlanResult;
}

/** Creates a demo host, empty unless `initial` is given. */
export function createDemoKernel(initial: KState = emptyHost()): DemoKernel {
  let kernel = initial;
  const records = new Map<string, DemoRecord>();
  const existing = () => new Set(nsKeys(kernel));
  // A record does not change once written: the namespaces it covers (those applied, and all it draws) are
  // resolved once per record, not again on every plan, status and destroy.
  const scopes = new WeakMap<DemoRecord, string[]>();
  const recordedScope = (lab: string): string[] => {
    const rec = records.get(lab);
    if (!rec) return [];
    let scope = scopes.get(rec);
    if (!scope)
      scopes.set(rec, (scope = [...new Set([...rec.namespaces, ...nsKeys(resolve(rec.topology).state)])]));
    return scope;
  };
  const k: DemoKernel = {
    state: () => kernel,
    records,
    check(doc) {
      const v = validateDocument(doc);
      return v.topology && !hasErrors(v.problems)
        ? { problems: v.problems, topology: v.topology }
        : { problems: v.problems };
    },
    prepare(topology) {
      const desired = resolve(topology);
      const scope = [...new Set([...nsKeys(desired.state), ...recordedScope(topology.name)])];
      return { desired, live: readScope(kernel, scope), existing: existing() };
    },
    plan(topology) {
      const p = k.prepare(topology);
      return plan(p.desired, p.live, { existingNamespaces: p.existing });
    },
    run(changes) {
      const r = trySimulate(kernel, changes);
      if ('error' in r) return { ok: false, failedStep: r.failedStep, error: r.error };
      kernel = r.state;
      return { ok: true };
    },
    record(topology) {
      records.set(topology.name, {
        topology,
        appliedAt: new Date().toISOString(),
        namespaces: nsKeys(resolve(topology).state).filter((n) => kernel.namespaces[n]),
      });
    },
    status(topology) {
      const p = k.prepare(topology);
      const r = plan(p.desired, p.live, { existingNamespaces: p.existing });
      // As the engine: only this lab's own marks count.
      const applied =
        records.has(topology.name) ||
        nsKeys(p.live).some((n) => markLab(p.live.namespaces[n].mark) === topology.name);
      if (r.conflicts.length) return { inSync: false, applied, drift: [], conflicts: r.conflicts };
      return { inSync: r.changes.length === 0, applied, drift: driftFromChanges(r.changes), conflicts: [] };
    },
    destroyPlan(lab) {
      // Without a record, every namespace is a candidate; only the lab's mark proves ownership.
      const live = readScope(kernel, records.has(lab) ? recordedScope(lab) : nsKeys(kernel));
      return plan(emptyLab(lab), live, { existingNamespaces: existing() });
    },
  };
  return k;
}

/** What the simulated kernel holds that carries lab `lab`'s mark: its namespaces and interfaces. */
export function labObjects(kernel: KState, lab: string): { kind: string; name: string; ns: string }[] {
  const out: { kind: string; name: string; ns: string }[] = [];
  for (const n of Object.values(kernel.namespaces)) {
    if (n.name !== ROOT_NS && markLab(n.mark) === lab) out.push({ kind: 'namespace', name: n.name, ns: '' });
    for (const i of Object.values(n.ifaces))
      if (i.kind !== 'loopback' && markLab(i.mark) === lab)
        out.push({ kind: i.kind, name: i.name, ns: n.name });
  }
  return out;
}
