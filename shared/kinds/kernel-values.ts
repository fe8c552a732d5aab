/** Canonical kernel values shared by the kinds' resolve hooks. */
import { canonicalCidr, isLinkLocal } from '../util/ip';

/**
 * Canonical, sorted list of addresses, IPv6 link-local ones left out (the
 * kernel makes those; the reader leaves them out too). IPv4 link-local
 * (169.254.0.0/16) addresses are set like any other: the kernel never makes them.
 */
export function canonicalAddresses(list: readonly string[]): string[] {
  const out = list.map((a) => canonicalCidr(a) ?? a).filter((a) => !(a.includes(':') && isLinkLocal(a)));
  return [...new Set(out)].sort();
}
