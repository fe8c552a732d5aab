/** Canonical kernel values shared by the kinds' resolve hooks. */
import { canonicalCidr, isLinkLocal } from '../util/ip';

/** Canonical, sorted list of non-link-local addresses. */
export function canonicalAddresses(list: readonly string[]): string[] {
  const out = list.map((a) => canonicalCidr(a) ?? a).filter((a) => !isLinkLocal(a));
  return [...new Set(out)].sort();
}
