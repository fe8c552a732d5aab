/**
 * PlanBuilder collects changes into ordered phases, grouped per namespace
 * inside a phase, so that the executor can run each namespace's part of a
 * phase as one batch process.
 */
import type { Change } from './change';
import { batchable, fullArgv, type Tool } from './argv';
import { ROOT_NS } from './kstate';

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
  /** Deletions of what is no longer in the file, last, so a failure before them loses nothing. */
  'delete',
] as const;
export type Phase = (typeof PHASES)[number];

export type Draft = Omit<Change, 'step' | 'argv' | 'ns' | 'batch' | 'undoBatch'> & {
  /** Override for non-batchable commands (sysctl). */
  argv?: string[];
  /** Order inside one namespace's part of a phase (see RANK); stable otherwise. */
  rank?: number;
};

/** Order of operations inside one namespace's batch. */
export const RANK = { routeDel: 0, addrDel: 1, create: 2, settings: 3, addrAdd: 4, up: 5, route: 6 } as const;

interface Entry {
  ns: string;
  tool: Tool | 'sysctl';
  line?: string[];
  undoLine?: string[];
  draft: Draft;
}

export class PlanBuilder {
  private phases = new Map<Phase, Entry[]>(PHASES.map((p) => [p, []]));

  /** Adds a batchable ip/bridge/tc line (and its undo line, run in undoNs or ns). */
  line(phase: Phase, tool: Tool, ns: string, line: string[], draft: Draft & { undoLine?: string[] }): void {
    const { undoLine, ...rest } = draft;
    this.phases.get(phase)!.push({ ns, tool, line, undoLine, draft: rest });
  }

  /** Adds a command that cannot be batched (its argv is in the draft). */
  command(phase: Phase, ns: string, draft: Draft): void {
    this.phases.get(phase)!.push({ ns, tool: 'sysctl', draft });
  }

  /** Flattens phases (root namespace first, then first-seen order) into numbered changes. */
  build(): Change[] {
    const out: Change[] = [];
    for (const phase of PHASES) {
      const entries = this.phases.get(phase)!;
      const order: string[] = [];
      const byNs = new Map<string, Entry[]>();
      for (const e of entries) {
        const key = `${e.tool}\u0000${e.ns}`;
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
        for (const e of group) {
          const { rank: _rank, ...draft } = e.draft;
          e.draft = draft;
          const undoNs = e.draft.undoNs ?? e.ns;
          // Why: a line whose words the batch reader would not give back
          // exactly (a name read from the kernel with "#" or quotes) runs as
          // its own process with the exact argv instead, so what runs is what the plan shows.
          const change: Change = {
            ...e.draft,
            step: out.length,
            phase,
            ns: e.ns,
            argv: e.line ? fullArgv(e.tool as Tool, e.ns, e.line) : e.draft.argv!,
            ...(e.line && batchable(e.line) ? { batch: e.line } : {}),
            ...(e.undoLine
              ? {
                  undo: fullArgv(e.tool as Tool, undoNs, e.undoLine),
                  ...(batchable(e.undoLine) ? { undoBatch: e.undoLine } : {}),
                }
              : {}),
          };
          if (change.undoNs === change.ns) delete change.undoNs;
          out.push(change);
        }
      }
    }
    return out;
  }
}
