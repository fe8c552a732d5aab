/**
 * What a lab namespace holds that a file never has and that steers its
 * traffic: IPv4 policy rules besides the kernel's own, and permanent
 * neighbour entries. Found there, they were made by hand: apply deletes
 * them, and puts back the kernel's own rules if someone deleted one (each
 * with its undo, so that a failed apply leaves them as they were).
 */
import { PlanBuilder, RANK } from './builder';
import { where } from './argv';
import type { KNamespace, KRule } from './kstate';
import { ruleText, type Op } from './op';
import type { Resolved } from './resolve';

/** A KRule is already what `rule add`/`delete` take (RuleSpec). */
const rule = (op: 'add' | 'delete', r: KRule): Op => ({ op: `rule-${op}`, rule: r });

/** Rules and permanent neighbour entries of live namespace `l` (kept by the file) back to a new namespace's. */
export function planRulesAndNeighs(
  b: PlanBuilder,
  desired: Resolved,
  ns: string,
  d: KNamespace,
  l: KNamespace | undefined,
  /** True for a live interface this plan deletes (its entries go with it). */
  deleted: (dev: string) => boolean,
): void {
  if (!l) return;
  const nodeId = desired.nsNodes.get(ns);
  for (const r of l.rules ?? [])
    b.add('ns', ns, rule('delete', r), {
      action: 'modify',
      rank: RANK.routeDel,
      reason: `policy rule "${ruleText(r)}" in ${where(ns)} is not in the file (made by hand)`,
      target: { kind: 'rule', name: `rule ${ruleText(r)} in ${where(ns)}`, nodeId },
      undoOp: rule('add', r),
    });
  // First of the namespace: without the rule for table main, the kernel finds no gateway for a route.
  for (const r of l.lostRules ?? [])
    b.add('ns', ns, rule('add', r), {
      action: 'create',
      rank: RANK.routeDel,
      reason: `the kernel's own policy rule "${ruleText(r)}" in ${where(ns)} is missing: without it, table ${r.words[1]} is never looked up`,
      target: { kind: 'rule', name: `rule ${ruleText(r)} in ${where(ns)}`, nodeId },
      undoOp: rule('delete', r),
    });
  for (const n of l.neighs ?? []) {
    // An entry on an interface the plan deletes goes with it.
    if (!d.ifaces[n.dev] || deleted(n.dev)) continue;
    b.add(
      'ns',
      ns,
      { op: 'neigh-delete', addr: n.addr, dev: n.dev },
      {
        action: 'modify',
        rank: RANK.routeDel,
        reason: `a permanent neighbour entry pins ${n.addr} on ${where(ns, n.dev)} to ${n.lladdr ?? 'no address'}; the file has none (made by hand)`,
        target: { kind: 'neighbour', name: `${n.addr} on ${where(ns, n.dev)}`, nodeId },
        ...(n.lladdr
          ? { undoOp: { op: 'neigh-add', addr: n.addr, dev: n.dev, lladdr: n.lladdr } as Op }
          : {}),
      },
    );
  }
}
