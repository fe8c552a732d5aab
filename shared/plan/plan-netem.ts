/**
 * Link emulation: the root qdisc of an interface becomes netem with the
 * file's delay, jitter, loss and rate, or goes when the file drops it (run
 * with `tc -batch`).
 */
import { ifaceKey } from './resolve';
import { PlanBuilder } from './builder';
import { where } from './argv';
import type { KIface, KNetem } from './kstate';
import type { Op } from './op';
import { netemArgs, netemSpec } from './render-argv';
import type { Resolved } from './resolve';

const near = (x?: number, y?: number) => (x ?? 0) === (y ?? 0) || Math.abs((x ?? 0) - (y ?? 0)) < 0.001;
/** True when two netem settings are the same (to a thousandth; the kernel rounds). */
export function netemEqual(a?: KNetem, b?: KNetem): boolean {
  if (!a || !b) return !a === !b;
  return (
    near(a.delayMs, b.delayMs) &&
    near(a.jitterMs, b.jitterMs) &&
    near(a.lossPercent, b.lossPercent) &&
    near(a.rateKbit, b.rateKbit)
  );
}

/** netem on an interface's egress: replace when it differs, delete when the file drops it. */
export function planNetem(
  b: PlanBuilder,
  desired: Resolved,
  ns: string,
  i: KIface,
  l: KIface | undefined,
): void {
  // A root qdisc added by hand (tbf, htb, …): netem replaces it when the file has netem; else it goes.
  const shaped = l?.rootQdisc !== undefined && !i.netem;
  if (netemEqual(i.netem, l?.netem) && !shaped) return;
  const o = desired.origins.get(ifaceKey(ns, i.name));
  const target = {
    kind: 'netem' as const,
    name: `netem on ${where(ns, i.name)}`,
    nodeId: o?.nodeId,
    linkId: o?.linkId,
  };
  const replace = (n: KNetem, from?: KNetem): Op => ({
    op: 'qdisc-replace',
    dev: i.name,
    netem: netemSpec(n, from),
  });
  const remove: Op = { op: 'qdisc-delete', dev: i.name };
  if (i.netem) {
    b.add('tc', ns, replace(i.netem, l?.netem), {
      action: l?.netem ? 'modify' : 'create',
      reason: `link emulation on ${where(ns, i.name)}: ${netemArgs(i.netem).slice(1).join(' ')}`,
      target,
      undoOp: l?.netem ? replace(l.netem, i.netem) : remove,
    });
  } else if (shaped) {
    b.add('tc', ns, remove, {
      action: 'modify',
      reason: `a ${l!.rootQdisc} qdisc on ${where(ns, i.name)} shapes its traffic, and it is not in the file`,
      target: { ...target, name: `${l!.rootQdisc} qdisc on ${where(ns, i.name)}` },
    });
  } else if (l?.netem) {
    b.add('tc', ns, remove, {
      action: 'modify',
      reason: `link emulation on ${where(ns, i.name)} is not in the file`,
      target,
      undoOp: replace(l.netem),
    });
  }
}
