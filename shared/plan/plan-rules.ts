/**
 * What a lab namespace holds that a file never has and that steers its
 * traffic: IPv4 policy rules besides the kernel's own, permanent
 * neighbour entries, and routes in tables other than main. Found there, they
 * were made by hand: apply deletes them, and puts back the kernel's own rules
 * and local routes if someone deleted one (each with its undo, so that a
 * failed apply leaves them as they were).
 */
import { PlanBuilder, RANK } from './builder';
import { where } from './argv';
import type { KNamespace, KRule, KTableRoute } from './kstate';
import { ruleText, type Op } from './op';
import type { Resolved } from './resolve';

/**
 * A KRule is already what `rule add`/`delete` take (RuleSpec). Copied: the
 * live state's objects are the live reader's, kept for its next read
 * (live-read.ts namespaceOf), and a plan's ops outlive the plan.
 */
const rule = (op: 'add' | 'delete', r: KRule): Op => ({
  op: `rule-${op}`,
  rule: { ...r, words: [...r.words] },
});
const tableRoute = (op: 'add' | 'delete', r: KTableRoute): Op => ({
  op: `table-route-${op}`,
  route: { ...r, words: [...r.words], ...(r.extra ? { extra: [...r.extra] } : {}) },
});

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
  for (const r of l.tableRoutes ?? []) {
    // A route through an interface the plan deletes goes with it.
    if (r.dev !== undefined && deleted(r.dev)) continue;
    b.add('ns', ns, tableRoute('delete', r), {
      action: 'modify',
      rank: RANK.routeDel,
      reason: `made by hand: a file's routes are all in table main`,
      target: { kind: 'route', name: `route ${r.words.join(' ')} in ${where(ns)}`, nodeId },
      undoOp: tableRoute('add', r),
    });
  }
  for (const r of l.lostLocal ?? []) {
    const dev = r.dev ?? '';
    const want = d.ifaces[dev];
    // Kept only for an address the file keeps; an interface the plan brings up gets it from the kernel.
    if (!want || deleted(dev) || !want.addresses.some((a) => a.split('/')[0] === r.words[1])) continue;
    if (want.up && l.ifaces[dev]?.up === false) continue;
    b.add('ns', ns, tableRoute('add', r), {
      action: 'create',
      // Before the routes: one with this address as its source (the kernel's route for the
      // address's prefix) is refused while the address has no local route ("Invalid prefsrc").
      rank: RANK.addrAdd,
      reason: `the kernel's own local route for address ${r.words[1]} on ${dev} is missing: the namespace does not take packets sent to it`,
      target: { kind: 'route', name: `route local ${r.words[1]} table local in ${where(ns)}`, nodeId },
      undoOp: tableRoute('delete', r),
    });
  }
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
