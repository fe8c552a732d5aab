/**
 * `netplumb adopt FILE`: makes existing, hand-made objects a netplumb lab by
 * setting netplumb's ownership marks on them (the alias of each namespace's
 * `lo`, the ifalias of each veth end and bridge) and writing the lab record.
 *
 * Nothing is created or deleted. Adoption is refused when an object the file
 * describes is missing, is of another kind, is a veth whose peer differs, or
 * carries another lab's mark; and when the host, once marked, would still
 * differ from the file (the planner is asked: after adoption `status` must be
 * in sync). Every mark change has an undo that restores the previous alias.
 */
import {
  plan,
  resolve,
  makeMark,
  markLab,
  ROOT_NS,
  type Change,
  type KIface,
  type KState,
  type Resolved,
} from '../../shared/plan';
import { PlanBuilder } from '../../shared/plan/builder';
import { where } from '../../shared/plan/argv';
import { hasErrors, validateDocument, type Problem } from '../../shared/validate';
import type { Topology } from '../../shared/model';
import { rollback, runPlan } from './executor';
import { assertMayChange, callerOf, ownerOf } from './lab-owner';
import { LabStore } from './lab-store';
import { readLive } from './live-read';
import { listNetns, netnsInode } from './netns';
import { nsKeys } from './lab-scope';
import { execaRunner, type Runner } from './runner';

/** One object adoption marks. */
export interface AdoptMark {
  /** What it is: a namespace, or the kernel kind of an interface (veth, vxlan, bridge). */
  kind: 'namespace' | Exclude<KIface['kind'], 'loopback' | 'other'>;
  /** Namespace of the object ("" = root); for a namespace, its own name. */
  ns: string;
  /** Interface name (for a namespace: "lo", whose alias carries the mark). */
  name: string;
  mark: string;
  /** The alias it has now (undefined: none). */
  previous?: string;
  nodeId?: string;
  linkId?: string;
}

/** What adoption would do, or why it is refused. */
export interface AdoptionPlan {
  lab: string;
  topology?: Topology;
  /** Objects to mark (those already carrying their mark are left out). */
  marks: AdoptMark[];
  /** The kernel changes: one `link set dev X alias MARK` per mark, each with its undo. */
  changes: Change[];
  /** Errors mean refused: nothing may run. */
  problems: Problem[];
}

export interface AdoptOptions {
  runner?: Runner;
  runDir?: string;
  /** The file the topology came from, kept in the lab's record. */
  file?: string;
  /** The uid adopting (lab ownership, lab-owner.ts); default as in the engine. */
  caller?: number;
}

const refuse = (message: string, extra: Partial<Problem> = {}): Problem => ({
  code: 'adopt-refused',
  severity: 'error',
  message,
  path: [],
  ...extra,
});

/** The live state with the desired marks on every object the file describes. */
function marked(desired: Resolved, live: KState): KState {
  const s = structuredClone(live);
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    const l = s.namespaces[ns];
    if (!l) continue;
    if (ns !== ROOT_NS) {
      l.mark = d.mark;
      if (l.ifaces.lo) l.ifaces.lo.mark = d.mark;
    }
    for (const i of Object.values(d.ifaces))
      if (i.kind !== 'loopback' && l.ifaces[i.name]) l.ifaces[i.name].mark = i.mark;
  }
  return s;
}

/** Works out what adopting `doc` would mark, checking the host matches it. Reads only. */
export async function planAdoption(doc: unknown, o: AdoptOptions = {}): Promise<AdoptionPlan> {
  const runner = o.runner ?? execaRunner;
  const v = validateDocument(doc);
  const lab = v.topology?.name ?? '';
  if (!v.topology || hasErrors(v.problems)) return { lab, marks: [], changes: [], problems: v.problems };
  const topology = v.topology;
  const desired = resolve(topology);
  const problems: Problem[] = v.problems.filter((p) => p.severity === 'error');
  if (new LabStore(o.runDir).readRecord(lab)) {
    problems.push(
      refuse(
        `Lab "${lab}" is already applied on this host (it has a record): there is nothing to adopt. Use "netplumb status" to compare it with the file.`,
      ),
    );
  }
  const existing = new Set(await listNetns());
  const wanted = nsKeys(desired.state);
  for (const ns of wanted) {
    if (!existing.has(ns))
      problems.push(
        refuse(
          `Namespace "${ns}" is in the file but not on this host: adopt only marks objects that exist ("netplumb apply" creates).`,
          { nodeId: desired.nsNodes.get(ns) },
        ),
      );
  }
  const withSysctls = wanted.filter((n) => Object.keys(desired.state.namespaces[n].sysctls).length > 0);
  const live = await readLive(runner, {
    namespaces: wanted.filter((n) => existing.has(n)),
    includeRoot: true,
    sysctls: withSysctls.length > 0,
    peerNames: false,
  });

  const marks: AdoptMark[] = [];
  const claim = (m: AdoptMark, current: string | undefined) => {
    const other = markLab(current);
    if (other !== undefined && other !== lab) {
      problems.push(
        refuse(
          `${m.kind === 'namespace' ? `Namespace "${m.ns}"` : `${m.kind} ${where(m.ns, m.name)}`} already belongs to netplumb lab "${other}" (mark ${current}); destroy or rename that lab first.`,
          { nodeId: m.nodeId, linkId: m.linkId },
        ),
      );
    } else if (current !== m.mark)
      marks.push({ ...m, ...(current !== undefined ? { previous: current } : {}) });
  };
  for (const ns of wanted) {
    const l = live.namespaces[ns];
    if (!l) continue;
    claim(
      { kind: 'namespace', ns, name: 'lo', mark: makeMark(lab), nodeId: desired.nsNodes.get(ns) },
      l.ifaces.lo?.mark,
    );
  }
  for (const [ns, d] of Object.entries(desired.state.namespaces)) {
    if (ns !== ROOT_NS && !live.namespaces[ns]) continue;
    for (const i of Object.values(d.ifaces)) {
      if (i.kind === 'loopback') continue;
      const origin = desired.origins.get(`${ns}/${i.name}`);
      const at = where(ns, i.name);
      const l = live.namespaces[ns]?.ifaces[i.name];
      const ids = { nodeId: origin?.nodeId, linkId: origin?.linkId };
      if (!l) {
        problems.push(
          refuse(
            `${i.kind === 'bridge' ? 'Bridge' : i.kind} ${at} is in the file but not on this host.`,
            ids,
          ),
        );
        continue;
      }
      if (l.kind !== i.kind) {
        problems.push(
          refuse(
            `${at} is a ${l.kind === 'other' ? 'device of another type' : l.kind}, the file says ${i.kind}.`,
            ids,
          ),
        );
        continue;
      }
      if (i.kind === 'veth' && i.peer) {
        const p = l.peer;
        // Peers in namespaces that were not read come without a name (peerNames: false); the namespace must match then.
        if (
          !p ||
          p.ns !== i.peer.ns ||
          (p.name !== undefined ? p.name !== i.peer.name : live.namespaces[p.ns] !== undefined)
        ) {
          const actual =
            p?.name !== undefined
              ? where(p.ns, p.name)
              : p
                ? `in ${where(p.ns)}`
                : 'in a namespace netplumb cannot name';
          problems.push(
            refuse(
              `veth ${at}: its peer is ${actual}, the file says ${where(i.peer.ns, i.peer.name!)}.`,
              ids,
            ),
          );
          continue;
        }
      }
      claim({ kind: i.kind as AdoptMark['kind'], ns, name: i.name, mark: i.mark!, ...ids }, l.mark);
    }
  }
  if (hasErrors(problems)) return { lab, topology, marks: [], changes: [], problems };

  // Once marked, the host must match the file exactly: ask the planner.
  const r = plan(desired, marked(desired, live), { existingNamespaces: existing });
  for (const c of r.conflicts) problems.push(refuse(c.message, { nodeId: c.nodeId, linkId: c.linkId }));
  for (const c of r.changes)
    problems.push(
      refuse(`The host differs from the file: ${c.reason}.`, {
        nodeId: c.target.nodeId,
        linkId: c.target.linkId,
      }),
    );
  if (hasErrors(problems)) return { lab, topology, marks: [], changes: [], problems };

  const b = new PlanBuilder();
  for (const m of marks) {
    b.add(
      m.ns === ROOT_NS ? 'root' : 'ns',
      m.ns,
      { op: 'link-set', dev: m.name, alias: m.mark },
      {
        action: 'modify',
        reason: `adopt ${m.kind === 'namespace' ? `namespace ${m.ns} (alias of its lo)` : where(m.ns, m.name)} into lab ${lab}`,
        target: {
          kind: m.kind === 'namespace' ? 'namespace' : m.kind === 'bridge' ? 'bridge' : 'interface',
          name: m.kind === 'namespace' ? m.ns : where(m.ns, m.name),
          nodeId: m.nodeId,
          linkId: m.linkId,
        },
        undoOp: { op: 'link-set', dev: m.name, alias: m.previous ?? '' },
      },
    );
  }
  return {
    lab,
    topology,
    marks,
    changes: b.build(),
    problems: [...problems, ...v.problems.filter((p) => p.severity !== 'error')],
  };
}

/** The outcome of adopt(). */
export interface AdoptResult {
  ok: boolean;
  plan: AdoptionPlan;
  error?: string;
}

/**
 * Adopts: plans again under the lab's lock (the host may have changed since
 * the user saw the list; then nothing runs), sets the marks, writes the record.
 * `expected` is the list the user confirmed.
 */
export async function adopt(
  doc: unknown,
  expected: readonly AdoptMark[] | undefined,
  o: AdoptOptions = {},
): Promise<AdoptResult> {
  const runner = o.runner ?? execaRunner;
  const v = validateDocument(doc);
  if (!v.topology || hasErrors(v.problems))
    return {
      ok: false,
      plan: { lab: v.topology?.name ?? '', marks: [], changes: [], problems: v.problems },
      error: 'the file is not valid',
    };
  const store = new LabStore(o.runDir);
  const release = store.lock(v.topology.name);
  try {
    const previous = store.readRecord(v.topology.name);
    assertMayChange(v.topology.name, previous, callerOf(o), 'adopt objects into');
    // Before any change (a caller that cannot be told is refused here); the first owner stays.
    const owner = previous?.owner ?? ownerOf(o);
    const p = await planAdoption(doc, o);
    if (hasErrors(p.problems)) return { ok: false, plan: p, error: 'adoption refused; nothing was changed' };
    const same = (a: readonly AdoptMark[], b: readonly AdoptMark[]) =>
      JSON.stringify(a.map((m) => [m.ns, m.name, m.mark, m.previous])) ===
      JSON.stringify(b.map((m) => [m.ns, m.name, m.mark, m.previous]));
    if (expected && !same(expected, p.marks))
      return {
        ok: false,
        plan: p,
        error: 'the host changed since the list was shown; nothing was changed. Run adopt again.',
      };
    const run = await runPlan(p.changes, { runner });
    if (!run.ok) {
      const rb = await rollback(p.changes, run.completed, { runner });
      return {
        ok: false,
        plan: p,
        error: `setting the marks failed (${run.failed?.error}); ${rb.errors.length ? `restoring the previous aliases failed too: ${rb.errors.join('; ')}` : 'the previous aliases were restored'}`,
      };
    }
    const namespaces: Record<string, number> = {};
    for (const n of nsKeys(resolve(p.topology!).state)) {
      const ino = await netnsInode(n);
      if (ino !== undefined) namespaces[n] = ino;
    }
    store.writeRecord({
      lab: p.lab,
      topology: p.topology!,
      appliedAt: new Date().toISOString(),
      namespaces,
      ...(o.file ? { file: o.file } : {}),
      owner,
    });
    return { ok: true, plan: p };
  } finally {
    release();
  }
}
