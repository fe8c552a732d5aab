/**
 * Sysctls: one `sysctl -w` per namespace, inside it, with only the keys that
 * differ from the kernel (sysctl has no batch mode).
 */
import { PlanBuilder } from './builder';
import { where } from './argv';
import type { KNamespace } from './kstate';
import type { Op } from './op';
import type { Resolved } from './resolve';

/** One sysctl command per namespace with only the keys that differ. */
export function planSysctls(
  b: PlanBuilder,
  desired: Resolved,
  ns: string,
  d: KNamespace,
  l: KNamespace | undefined,
): void {
  const diff: Record<string, string> = {};
  const undo: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.sysctls)) {
    const cur = l?.sysctls[k];
    if (cur === v) continue;
    diff[k] = v;
    if (cur !== undefined) undo[k] = cur;
  }
  const keys = Object.keys(diff);
  if (!keys.length) return;
  const write = (values: Record<string, string>): Op => ({
    op: 'sysctl-write',
    values: Object.entries(values).map(([key, value]) => ({ key, value })),
  });
  b.add('sysctl', ns, write(diff), {
    action: 'modify',
    reason: l
      ? `sysctl ${keys.map((k) => `${k} is ${l.sysctls[k] ?? 'unknown'}, the file says ${diff[k]}`).join('; ')}`
      : `sysctl ${keys.map((k) => `${k}=${diff[k]}`).join(', ')} in the new ${where(ns)}`,
    target: { kind: 'sysctl', name: `${keys.join(', ')} in ${where(ns)}`, nodeId: desired.nsNodes.get(ns) },
    // A new namespace needs no undo: deleting it undoes its sysctls.
    ...(Object.keys(undo).length ? { undoOp: write(undo) } : {}),
  });
}
