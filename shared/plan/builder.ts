/**
 * PlanBuilder collects changes into ordered phases, grouped per namespace
 * inside a phase, so that the executor can run each namespace's part of a
 * phase as one batch process.
 */
import type { Change } from './change';
import { ROOT_NS } from './kstate';
import { deletedBy, subjectOf, toolOf, type Op } from './op';
import { renderCommand } from './render-argv';

/** Phase order of a plan. */
export const PHASES = [
  /** Deletions that free a name the plan creates again. */
  'free',
  /** The root namespace: new namespaces, root bridges, every new veth pair, root-side settings. */
  'root',
  /** Sysctls, before addresses (disable_ipv6 must precede IPv6 addresses). */
  'sysctl',
  /** Per namespace: lo, bridges, interface settings, addresses, routes. */
  'ns',
  /** Bridge port VLANs. */
  'vlan',
  /** Link emulation (tc netem). */
  'tc',
  /**
   * New layer-2 bridges come up last, once their hosts are configured: a
   * bridge floods each new host's start-up multicast (IPv6 duplicate address
   * detection, router solicitations, MLD reports) to every port, so a bridge
   * that is up while 1000 hosts come up copies about a million frames. While
   * it is down its ports drop them; the lab ends the same.
   */
  'bridge-up',
  /** Deletions of what is no longer in the file, last, so a failure before them loses nothing. */
  'delete',
  /** Neighbour entries that still name the old MAC of a re-created address (plan-neigh.ts). */
  'neigh',
] as const;
export type Phase = (typeof PHASES)[number];

/** What a planner says about a change besides its operation; the builder derives the rest. */
export type Draft = Omit<
  Change,
  'step' | 'phase' | 'ns' | 'op' | 'subject' | 'deletes' | 'argv' | 'batch' | 'undo' | 'undoBatch'
> & {
  /** Order inside one namespace's part of a phase (see RANK); stable otherwise. */
  rank?: number;
};

/** Order of operations inside one namespace's batch. */
export const RANK = { routeDel: 0, addrDel: 1, create: 2, settings: 3, addrAdd: 4, up: 5, route: 6 } as const;

interface Entry {
  ns: string;
  op: Op;
  draft: Draft;
}

export class PlanBuilder {
  private phases = new Map<Phase, Entry[]>(PHASES.map((p) => [p, []]));

  /** Adds operation `op`, run in namespace `ns` (its undo, `draft.undoOp`, runs in `draft.undoNs` or `ns`). */
  add(phase: Phase, ns: string, op: Op, draft: Draft): void {
    this.phases.get(phase)!.push({ ns, op, draft });
  }

  /** The operations added so far, in no particular order, with what each creates (no commands rendered). */
  added(): { ns: string; op: Op; creates?: Change['creates'] }[] {
    return [...this.phases.values()].flatMap((es) =>
      es.map((e) => ({ ns: e.ns, op: e.op, ...(e.draft.creates ? { creates: e.draft.creates } : {}) })),
    );
  }

  /** Flattens phases (root namespace first, then first-seen order) into numbered changes. */
  build(): Change[] {
    const out: Change[] = [];
    for (const phase of PHASES) {
      const entries = this.phases.get(phase)!;
      const order: string[] = [];
      const byNs = new Map<string, Entry[]>();
      for (const e of entries) {
        const key = `${toolOf(e.op)}\u0000${e.ns}`;
        if (!byNs.has(key)) {
          byNs.set(key, []);
          order.push(key);
        }
        byNs.get(key)!.push(e);
      }
      const rootFirst = (k: string) => (k.endsWith('\u0000' + ROOT_NS) ? 0 : 1);
      order.sort((x, y) => rootFirst(x) - rootFirst(y));
      for (const key of order) {
        const group = byNs
          .get(key)!
          .slice()
          .sort((x, y) => (x.draft.rank ?? 3) - (y.draft.rank ?? 3));
        for (const e of group) out.push(this.change(e, out.length, phase));
      }
    }
    return out;
  }

  /** One numbered change: the commands are rendered from the operations here, and only here. */
  private change(e: Entry, step: number, phase: Phase): Change {
    const { rank: _rank, undoNs: undoNsGiven, ...draft } = e.draft;
    const undoNs = undoNsGiven ?? e.ns;
    const deletes = deletedBy(e.op, e.ns);
    const run = renderCommand(e.op, e.ns);
    const undo = draft.undoOp ? renderCommand(draft.undoOp, undoNs) : undefined;
    return {
      ...draft,
      step,
      phase,
      ns: e.ns,
      op: e.op,
      subject: subjectOf(e.op, e.ns),
      ...(deletes ? { deletes } : {}),
      argv: run.argv,
      ...(run.batch ? { batch: run.batch } : {}),
      ...(undo ? { undo: undo.argv, ...(undo.batch ? { undoBatch: undo.batch } : {}) } : {}),
      ...(undoNs !== e.ns ? { undoNs } : {}),
    };
  }
}
