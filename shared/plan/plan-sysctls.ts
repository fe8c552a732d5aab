/**
 * Sysctls: one `sysctl -w` per namespace, inside it, with only the keys that
 * differ from the kernel (sysctl has no batch mode). What is wanted: the
 * file's sysctls, and for a namespace's own settings the file leaves out
 * (NS_OWN_SYSCTLS) the value the kernel gives a new namespace, judged where
 * the reader read them (see NS_OWN_SYSCTLS).
 */
import { NS_OWN_SYSCTLS } from '../model/common';
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
  const kernels = new Set<string>();
  const want: Record<string, string> = {};
  if (l)
    for (const [k, v] of Object.entries(NS_OWN_SYSCTLS))
      if (d.sysctls[k] === undefined && l.sysctls[k] !== undefined) {
        want[k] = v;
        kernels.add(k);
      }
  // `all` and `default` set by hand where the file is silent: what a new namespace gets.
  for (const [k, v] of Object.entries(l?.confDrift ?? {}))
    if (d.sysctls[k] === undefined) {
      want[k] = v.want;
      kernels.add(k);
    }
  Object.assign(want, d.sysctls);
  const current = (k: string) => l?.sysctls[k] ?? l?.confDrift?.[k]?.have;
  for (const [k, v] of Object.entries(want)) {
    const cur = current(k);
    if (cur === v) continue;
    diff[k] = v;
    if (cur !== undefined) undo[k] = cur;
  }
  const keys = Object.keys(diff);
  if (!keys.length) return;
  const says = (k: string) =>
    kernels.has(k)
      ? `as set by hand: the file does not set it, and a new namespace has ${diff[k]}`
      : `the file says ${diff[k]}`;
  const write = (values: Record<string, string>): Op => ({
    op: 'sysctl-write',
    values: Object.entries(values).map(([key, value]) => ({ key, value })),
  });
  b.add('sysctl', ns, write(diff), {
    action: 'modify',
    reason: l
      ? `sysctl ${keys.map((k) => `${k} is ${current(k) ?? 'unknown'}, ${says(k)}`).join('; ')}`
      : `sysctl ${keys.map((k) => `${k}=${diff[k]}`).join(', ')} in the new ${where(ns)}`,
    target: { kind: 'sysctl', name: `${keys.join(', ')} in ${where(ns)}`, nodeId: desired.nsNodes.get(ns) },
    // A new namespace needs no undo: deleting it undoes its sysctls.
    ...(Object.keys(undo).length ? { undoOp: write(undo) } : {}),
  });
}
